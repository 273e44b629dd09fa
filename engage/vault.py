"""Per-person keys for personal data (AES-256-GCM), kept outside the event log.

Erasure deletes the key row: every sealed field of that person becomes noise
while the events, their order and the transparency log stay untouched. It also leaves a
tombstone (the id alone): a key is never created again for an erased id, so nothing
sealed later (a re-imported membership list) can bring that person's data back, and
an old ciphertext never meets a new key.

Every key is stored wrapped by a key-encryption key held outside the database
(engage/kek.py), with the KEK's id on its row: a dump of the database opens nothing.
Rows of a database from before the KEK (unwrapped, no KEK id) are wrapped at start.
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
from engage.kek import Keyring

# kek_id is NULL only on rows of an older database not yet wrapped (setup() wraps them).
SCHEMA = """
CREATE TABLE IF NOT EXISTS personal_keys (
    person_id TEXT PRIMARY KEY,
    wrapped_key TEXT NOT NULL,
    kek_id TEXT
)
"""
REWRAP_BATCH = 1000
TOMBSTONES = """
CREATE TABLE IF NOT EXISTS erased_keys (
    person_id TEXT PRIMARY KEY
)
"""


class KeyErased(Exception):
    """Sealing for an id whose key was destroyed: refused, never a new key."""


class Vault:
    def __init__(self, db: Database, keyring: Keyring):
        self.db = db
        self.keyring = keyring

    def setup(self) -> None:
        with self.db.transaction() as cur:
            cur.execute(SCHEMA)
            cur.execute(TOMBSTONES)
            if "key_b64" in self._columns(cur):  # a database from before the KEK
                if cur.backend == "postgresql":
                    # Two processes starting at once: one renames, the other then sees the new columns.
                    cur.execute("LOCK TABLE personal_keys IN ACCESS EXCLUSIVE MODE")
                if "key_b64" in self._columns(cur):
                    cur.execute("ALTER TABLE personal_keys RENAME COLUMN key_b64 TO wrapped_key")
                    cur.execute("ALTER TABLE personal_keys ADD COLUMN kek_id TEXT")
        self.rewrap(only_unwrapped=True)

    @staticmethod
    def _columns(cur: Cursor) -> set[str]:
        if cur.backend == "sqlite":
            return {row[1] for row in cur.execute("PRAGMA table_info(personal_keys)").fetchall()}
        return {row[0] for row in cur.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'personal_keys' AND table_schema = current_schema()").fetchall()}

    def rewrap(self, *, only_unwrapped: bool = False, batch: int = REWRAP_BATCH, progress=None) -> int:
        """Wrap every key by the current KEK (or, `only_unwrapped`, only the unwrapped rows of an
        older database), `batch` rows per transaction, in person-id order: idempotent (rows already
        under the current KEK are left alone) and resumable (stopped anywhere, run it again).
        Erasure may run meanwhile: a row it deleted is never written back. Returns the rows rewrapped."""
        current = self.keyring.current.id
        condition = "kek_id IS NULL" if only_unwrapped else "(kek_id IS NULL OR kek_id <> %s)"
        params = [] if only_unwrapped else [current]
        after, done = "", 0
        while True:
            with self.db.transaction() as cur:
                rows = cur.execute(
                    f"SELECT person_id, wrapped_key, kek_id FROM personal_keys WHERE person_id > %s AND {condition}"
                    " ORDER BY person_id LIMIT %s", [after, *params, batch]).fetchall()
                if not rows:
                    return done
                updates = []
                for person, stored, kek_id in rows:
                    key = self._open(person, stored, kek_id)
                    new_kek, wrapped = self.keyring.wrap(person, key)
                    updates.append((wrapped, new_kek, person))
                cur.executemany("UPDATE personal_keys SET wrapped_key = %s, kek_id = %s WHERE person_id = %s",
                                updates)
            after = rows[-1][0]
            done += len(rows)
            if progress:
                progress(len(rows))

    def not_under_current_kek(self) -> int:
        """How many keys are not (yet) wrapped by the current KEK."""
        with self.db.reading(primary=True) as cur:
            return cur.scalar("SELECT count(*) FROM personal_keys WHERE kek_id IS NULL OR kek_id <> %s",
                              [self.keyring.current.id], default=0)

    def _open(self, person: str, stored: str, kek_id: str | None) -> bytes:
        if kek_id is None:  # not yet wrapped (an older database, during its first start)
            return base64.b64decode(stored)
        return self.keyring.unwrap(person, kek_id, stored)

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
                "INSERT INTO personal_keys (person_id, kek_id, wrapped_key) VALUES (%s, %s, %s)"
                " ON CONFLICT (person_id) DO NOTHING",
                [(i, *self.keyring.wrap(i, AESGCM.generate_key(bit_length=256))) for i in missing],
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
        with self.db.reading(primary=True) as cur:
            return {UUID(found) for found in self._tombstoned(cur, [i.hex for i in ids])}

    # Reading keys: `cur` is the caller's open cursor when it has one (a projection's batch
    # transaction). Taking a second pooled connection while holding one deadlocks a small
    # pool as soon as two threads do it at once (each holds one, each waits for another).

    def unseal(self, person_id: UUID, sealed: str, *, cur: Cursor | None = None) -> dict[str, str] | None:
        return self.unseal_many([(person_id, sealed)], cur=cur)[0]

    def unseal_many(self, items: list[tuple[UUID, str]], *, cur: Cursor | None = None) -> list[dict[str, str] | None]:
        """unseal for a batch (a projection's): the keys are read in one query."""
        if cur is None:
            with self.db.reading(primary=True) as cur:
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

    def _read_keys(self, cur: Cursor, ids: set[str]) -> dict[str, bytes]:
        wanted = sorted(ids)
        keys: dict[str, bytes] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            for person, stored, kek_id in cur.execute(
                f"SELECT person_id, wrapped_key, kek_id FROM personal_keys WHERE person_id IN ({marks})", chunk
            ).fetchall():
                keys[person] = self._open(person, stored, kek_id)
        return keys

    def erase(self, person_id: UUID) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM personal_keys WHERE person_id = %s", [person_id.hex])
            cur.execute("INSERT INTO erased_keys (person_id) VALUES (%s) ON CONFLICT (person_id) DO NOTHING",
                        [person_id.hex])
