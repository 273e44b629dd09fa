"""Per-act commitments: how a public leaf refers to a person without naming them.

    commitment = SHA-256("engage-commitment/v1\\n" ‖ person id ‖ "\\n" ‖ salt)   (hex)

with the person id in its canonical spelling (lower-case, hyphenated) and the salt 32 random
hexadecimal characters (128 bits) drawn when the act is first published. The salt is the
opening: it stays in the private store (table ``tlog_commitments``), is given to the person
(their page, /compte/mes-actes) and, encrypted, to accredited auditors; erasure destroys it,
after which nothing can tie the commitment to anybody. Without the salt a commitment is a
random-looking value, different for every act: nobody can tell two acts of one person
apart from acts of two people, nor confirm a guess of whose act it is.

Standard library only, so the resident's verification script can use the same formula.
"""

from __future__ import annotations

import hashlib
import secrets
from uuid import UUID

DOMAIN = b"engage-commitment/v1\n"


def new_salt() -> str:
    return secrets.token_hex(16)


def commitment(person_id: UUID | str, salt: str) -> str:
    person = str(UUID(str(person_id)))
    return hashlib.sha256(DOMAIN + person.encode() + b"\n" + salt.encode()).hexdigest()


def opens(commitment_hex: str, person_id: UUID | str, salt: str) -> bool:
    return secrets.compare_digest(commitment(person_id, salt), commitment_hex)
