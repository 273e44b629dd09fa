"""Who did an act that the public log must not attribute: a ballot, a questionnaire response,
a workshop feedback, a volunteer claim.

Those aggregates have keyed ids (HMAC of person and item with the identifier key) and no
person id in their events, so nobody reading the transparency log can tell whose they are.
The resident's own participation history still has to list them, and it is a read model:
rebuilt from the log alone. So the first event of such an aggregate carries the actor,
sealed:

    sealed_<actor> = base64(nonce ‖ AES-256-GCM(k, {"person_id": ...}, aad = aggregate id))
    k = HKDF-SHA256(identifier key, info = "engage/sealed-actor/v1")

- The log publishes only the SHA-256 of any `sealed_*` field (see transparency.public_form),
  and a random nonce makes that digest useless even to someone who guesses the person.
- The key is derived from the identifier key the server already holds (the one that makes
  ballot ids keyed): whoever could open a sealed actor could already recompute every ballot
  id of every person, so no new trust is introduced and no new secret is to be managed.
- The aggregate id is the associated data: a sealed actor copied onto another ballot does
  not open.
- No per-ballot key row: a vote costs no extra write. Erasure does not need to destroy
  anything here: the person id is pseudonymous, and the history projection deletes the
  person's lines when their data is erased.

Events written before this field existed simply lack it (the describers then skip them):
the field is optional, so old events replay unchanged and their transparency leaves, built
from the event's own attributes, never change.
"""

from __future__ import annotations

import base64
import json
import os
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"engage/sealed-actor/v1"


def actor_key(identifier_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(identifier_key)


def seal_actor(key: bytes, aggregate_id: UUID, person_id: UUID) -> str:
    """key: actor_key(identifier key)."""
    nonce = os.urandom(12)
    plaintext = json.dumps({"person_id": person_id.hex}).encode()
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plaintext, aggregate_id.bytes)).decode()


def open_actor(key: bytes, aggregate_id: UUID, sealed: str | None) -> UUID | None:
    """The person, or None: no field (an older event), or not sealed for this aggregate."""
    if not sealed:
        return None
    try:
        raw = base64.b64decode(sealed)
        opened = json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], aggregate_id.bytes))
        return UUID(opened["person_id"])
    except (InvalidTag, ValueError, KeyError, TypeError):
        return None


class ActorSealing:
    """Mixed into EngageApplication: `self._seal_actor(aggregate id, person id)`."""

    identifier_key: bytes

    def _seal_actor(self, aggregate_id: UUID, person_id: UUID) -> str:
        key = getattr(self, "_actor_key", None)
        if key is None:
            key = self._actor_key = actor_key(self.identifier_key)
        return seal_actor(key, aggregate_id, person_id)
