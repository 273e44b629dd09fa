"""The private side of the log's commitments: each one's opening, and which leaves show it.

- ``tlog_commitments``: one row per act: its key, its commitment, and the opening (person,
  salt). Never dropped by a rebuild, like ``tlog_checkpoints``: a rebuilt leaf must show the
  commitment it showed before, or the log would no longer extend its signed checkpoints.
  Erasure clears the person and the salt (crypto-shredding of the opening): the commitment
  stays, opens to nobody, and the log still verifies.
- ``tlog_acts``: which field of which leaf shows which act (rebuilt with the tree): how a
  resident's page finds their leaves.

An act's key is ``<position>/<field>`` for an event's own act, and, when later events of the
same aggregate revise the same act of the same person (declared in
`engage.domain.publicity`), SHA-256 of aggregate, act and person: the same key, so the same
commitment, for the act's revisions only.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable
from uuid import UUID

from engage.db import Cursor
from engage.domain.publicity import publicity_of
from engage.projections.transparency.rows import TableRows, write_together
from engage.transparency.commitments import commitment, new_salt
from engage.transparency.public_form import committed_name

#: How many keys one SELECT asks for (SQLite's default limit of host parameters is 999).
_CHUNK = 500


def create_tables(cur: Cursor) -> None:
    cur.execute("""CREATE TABLE IF NOT EXISTS tlog_commitments (
            act_key TEXT PRIMARY KEY,
            commitment TEXT NOT NULL,
            person_id TEXT,
            salt TEXT
        )""")
    cur.execute("CREATE INDEX IF NOT EXISTS tlog_commitments_person ON tlog_commitments (person_id)")
    cur.execute("""CREATE TABLE IF NOT EXISTS tlog_acts (
            position BIGINT NOT NULL,
            field TEXT NOT NULL,
            act_key TEXT NOT NULL,
            PRIMARY KEY (position, field)
        )""")
    cur.execute("CREATE INDEX IF NOT EXISTS tlog_acts_key ON tlog_acts (act_key)")


def act_key(event: Any, field: str, person: UUID | None, position: int) -> str:
    declared = publicity_of(type(event))
    act = declared.commit.get(field) if declared else None
    if act is None or person is None:
        return f"{position}/{field}"
    material = f"{event.originator_id}/{act}/{person}".encode()
    return hashlib.sha256(material).hexdigest()


class Openings:
    """One batch's commitments: known ones read in one query, new ones written in one."""

    def __init__(self, cur: Cursor):
        self.cur = cur
        self._known: dict[str, str] = {}
        self._new: list[tuple[str, str, str | None, str | None]] = []
        self._acts: list[tuple[int, str, str]] = []
        self._erased: list[str] = []

    def remember(self, known: dict[str, str]) -> None:
        """Commitments already drawn (act key -> commitment), read with the batch's other reads."""
        self._known.update(known)

    def prefetch(self, keys: Iterable[str]) -> None:
        wanted = sorted(set(keys) - set(self._known))
        if self.cur.backend == "postgresql" and wanted:  # one array parameter: planned once, not 500 marks
            self._known.update(self.cur.execute(
                "SELECT act_key, commitment FROM tlog_commitments WHERE act_key = ANY(%s)", [wanted]).fetchall())
            return
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            rows = self.cur.execute(
                f"SELECT act_key, commitment FROM tlog_commitments WHERE act_key IN ({marks})", chunk
            ).fetchall()
            self._known.update(rows)

    def commit(self, key: str, person: UUID | None, position: int, field: str) -> str | None:
        if person is None and key not in self._known:
            return None  # nobody to commit to (an older event without the field)
        if key not in self._known:
            salt = new_salt()
            self._known[key] = commitment(person, salt)
            self._new.append((key, self._known[key], str(person), salt))
        self._acts.append((position, field, key))
        return self._known[key]

    def erase(self, person_id: UUID) -> None:
        self._erased.append(str(person_id))

    def flush(self) -> None:
        write_together(self.cur, *self.take_writes())

    def take_writes(self) -> tuple[list[TableRows], list[tuple[str, list]]]:
        """The rows to write (new commitments, the acts) and the erasures to run after them (the
        batch's own acts are erased too), for `write_together`; forgotten here."""
        rows: list[TableRows] = [
            ("tlog_commitments", ("act_key", "commitment", "person_id", "salt"), self._new),
            ("tlog_acts", ("position", "field", "act_key"), self._acts)]
        erasures = [("UPDATE tlog_commitments SET person_id = NULL, salt = NULL WHERE person_id = %s", [person])
                    for person in self._erased]
        self._new, self._acts, self._erased = [], [], []
        return rows, erasures


def released(cur: Cursor, size: int) -> tuple[list[dict], int]:
    """Every opening of the first `size` leaves, in leaf order, and how many of their
    commitments opened to nobody any more (erased): what an accredited auditor receives.
    Each leaf field names its act as the leaf does (`committed_name`)."""
    rows = cur.execute(
        "SELECT l.leaf_index, a.position, a.field, c.commitment, c.person_id, c.salt"
        " FROM tlog_acts a JOIN tlog_leaves l ON l.position = a.position"
        " JOIN tlog_commitments c ON c.act_key = a.act_key"
        " WHERE l.leaf_index < %s ORDER BY l.leaf_index, a.field", [size]).fetchall()
    found, erased = [], 0
    for leaf_index, position, field, commitment_hex, person, salt in rows:
        if person is None or salt is None:
            erased += 1
            continue
        found.append({"leaf_index": leaf_index, "position": position, "field": committed_name(field),
                      "commitment": commitment_hex, "person_id": str(UUID(person)), "salt": salt})
    return found, erased
