"""Per-person keys for personal data (AES-256-GCM), kept outside the event log.

Erasure deletes the key row: every sealed field of that person becomes noise
while the events, their order and the transparency log stay untouched. It also leaves a
tombstone (the id alone): a key is never created again for an erased id, so nothing
sealed later (a re-imported membership list) can bring that person's data back, and
an old ciphertext never meets a new key.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Mapping
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engage.db import Cursor, Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS personal_keys (
    person_id TEXT PRIMARY KEY,
    key_b64 TEXT NOT NULL
)
"""
TOMBSTONES = """
CREATE TABLE IF NOT EXISTS erased_keys (
    person_id TEXT PRIMARY KEY
)
"""


class KeyErased(Exception):
    """Sealing for an id whose key was destroyed: refused, never a new key."""


class Vault:
    def __init__(self, db: Database):
        self.db = db

    def setup(self) -> None:
        with self.db.transaction() as cur:
            cur.execute(SCHEMA)
            cur.execute(TOMBSTONES)

    def seal(self, person_id: UUID, fields: Mapping[str, str]) -> str:
        # The person id is the associated data: a ciphertext moved to another person fails to open.
        return self.seal_many([(person_id, fields)])[0]

    def seal_many(self, items: list[tuple[UUID, Mapping[str, str]]]) -> list[str]:
        """seal() for many people at once: their keys fetched and created in one transaction
        (a 65,000-row import would otherwise open 65,000 transactions)."""
        ids = [person_id.hex for person_id, _ in items]
        with self.db.transaction() as cur:
            keys = self._read_keys(cur, set(ids))
            missing = [i for i in dict.fromkeys(ids) if i not in keys]
            if self._tombstoned(cur, missing):
                raise KeyErased(sorted(self._tombstoned(cur, missing))[0])
            cur.executemany(
                "INSERT INTO personal_keys (person_id, key_b64) VALUES (%s, %s) ON CONFLICT (person_id) DO NOTHING",
                [(i, base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()) for i in missing],
            )
            # Read back: a rival transaction may have created the same key first.
            keys.update(self._read_keys(cur, set(missing)))
        sealed = []
        for person_id, fields in items:
            nonce = os.urandom(12)
            plaintext = json.dumps(dict(fields), sort_keys=True).encode()
            ciphertext = AESGCM(keys[person_id.hex]).encrypt(nonce, plaintext, person_id.bytes)
            sealed.append(base64.b64encode(nonce + ciphertext).decode())
        return sealed

    @staticmethod
    def _tombstoned(cur, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            found.update(r[0] for r in cur.execute(
                f"SELECT person_id FROM erased_keys WHERE person_id IN ({marks})", chunk).fetchall())
        return found

    def erased_among(self, ids: list[UUID]) -> set[UUID]:
        """Which of these ids were erased (their key destroyed for good)."""
        with self.db.reading() as cur:
            return {UUID(found) for found in self._tombstoned(cur, [i.hex for i in ids])}

    # Reading keys: `cur` is the caller's open cursor when it has one (a projection's batch
    # transaction). Taking a second pooled connection while holding one deadlocks a small
    # pool as soon as two threads do it at once (each holds one, each waits for another).

    def unseal(self, person_id: UUID, sealed: str, *, cur: Cursor | None = None) -> dict[str, str] | None:
        return self.unseal_many([(person_id, sealed)], cur=cur)[0]

    def unseal_many(self, items: list[tuple[UUID, str]], *, cur: Cursor | None = None) -> list[dict[str, str] | None]:
        """unseal for a batch (a projection's): the keys are read in one query."""
        if cur is None:
            with self.db.reading() as cur:
                keys = self._read_keys(cur, {person_id.hex for person_id, _ in items})
        else:
            keys = self._read_keys(cur, {person_id.hex for person_id, _ in items})
        opened = []
        for person_id, sealed in items:
            key = keys.get(person_id.hex)
            if key is None:
                opened.append(None)
                continue
            raw = base64.b64decode(sealed)
            try:
                opened.append(json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], person_id.bytes)))
            except InvalidTag:
                opened.append(None)  # not sealed with this key: unreadable, like an erased one
        return opened

    @staticmethod
    def _read_keys(cur: Cursor, ids: set[str]) -> dict[str, bytes]:
        wanted = sorted(ids)
        keys: dict[str, bytes] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            for person, key_b64 in cur.execute(
                f"SELECT person_id, key_b64 FROM personal_keys WHERE person_id IN ({marks})", chunk
            ).fetchall():
                keys[person] = base64.b64decode(key_b64)
        return keys

    def erase(self, person_id: UUID) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM personal_keys WHERE person_id = %s", [person_id.hex])
            cur.execute("INSERT INTO erased_keys (person_id) VALUES (%s) ON CONFLICT (person_id) DO NOTHING",
                        [person_id.hex])
