"""The reads the resident's page runs on the log's private side: their own acts.

A person's acts are the rows of ``tlog_commitments`` whose opening names them, each shown
by one or more leaves (``tlog_acts``: an act revised later, a registration cancelled, shows
the same commitment in each revision's leaf). Keyset-paged on (position, field): the person
index of ``tlog_commitments`` finds the person's rows, ``tlog_acts_key`` their leaves, the
unique position of ``tlog_leaves`` the leaves' bytes; no page scans what an earlier one read.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Iterator
from uuid import UUID

from engage.db import Database
from engage.projections.transparency.projection import SignedCheckpoint, SqlTree, latest_checkpoint
from engage.transparency import merkle
from engage.transparency.commitments import opens
from engage.transparency.note import Checkpoint, NoteError, Verifier
from engage.transparency.public_form import committed_name

PAGE = 20
#: A key no act precedes: the first page.
FIRST = (0, "")


@dataclass(frozen=True)
class OwnAct:
    """One leaf showing one of the person's acts, and the opening of its commitment."""

    position: int
    leaf_index: int
    event_field: str  # the event's field that names the person ("sealed_voter")
    commitment: str
    salt: str
    data: bytes  # the leaf's exact bytes

    @property
    def field(self) -> str:
        """The leaf's field that shows the commitment ("voter")."""
        return committed_name(self.event_field)

    @property
    def key(self) -> tuple[int, str]:
        """Where the next page starts (after this act)."""
        return self.position, self.event_field

    @property
    def leaf(self) -> dict[str, Any]:
        return json.loads(self.data)

    @property
    def type(self) -> str:
        return self.leaf.get("type", "")

    @property
    def fields(self) -> dict[str, Any]:
        return self.leaf.get("fields", {})


def acts_of(db: Database, person_id: UUID, *, after: tuple[int, str] = FIRST,
            limit: int = PAGE) -> list[OwnAct]:
    """The person's acts in log order, from just after `after` (a previous page's last `key`)."""
    position, field = after
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT a.position, l.leaf_index, a.field, c.commitment, c.salt, l.data"
            " FROM tlog_commitments c"
            " JOIN tlog_acts a ON a.act_key = c.act_key"
            " JOIN tlog_leaves l ON l.position = a.position"
            " WHERE c.person_id = %s AND c.salt IS NOT NULL"
            " AND (a.position > %s OR (a.position = %s AND a.field > %s))"
            " ORDER BY a.position, a.field LIMIT %s",
            [str(UUID(str(person_id))), position, position, field, limit],
        ).fetchall()
    return [OwnAct(r[0], r[1], r[2], r[3], r[4], base64.b64decode(r[5])) for r in rows]


def all_acts_of(db: Database, person_id: UUID, *, page: int = 500) -> Iterator[OwnAct]:
    """Every act of the person, a page at a time (the openings' download)."""
    after = FIRST
    while True:
        found = acts_of(db, person_id, after=after, limit=page)
        yield from found
        if len(found) < page:
            return
        after = found[-1].key


@dataclass(frozen=True)
class Verified:
    """What the server checked of one act (the script checks the same without trusting it)."""

    act: OwnAct
    #: the leaf shows the commitment, and it opens with the person's id and the salt
    opens: bool
    #: the leaf's inclusion proof leads to the latest signed root; None: newer than it
    included: bool | None

    @property
    def ok(self) -> bool:
        return self.opens and self.included is not False


@dataclass(frozen=True)
class Checked:
    checkpoint: SignedCheckpoint | None
    #: the checkpoint's signed note verifies with the log's key
    signed: bool
    acts: list[Verified]


def checked_acts(db: Database, person_id: UUID, acts: list[OwnAct], verifier_key: str) -> Checked:
    """Each act's opening, and its inclusion in the latest signed checkpoint, checked on the
    server with the same functions as the auditor (`engage.transparency.merkle`)."""
    with db.reading() as cur:
        latest = latest_checkpoint(cur)
        signed = latest is not None and _signature_verifies(latest, verifier_key)
        tree = SqlTree(cur)
        checked = []
        for act in acts:
            included = None
            if latest is not None and act.leaf_index < latest.size:
                proof = merkle.inclusion_proof(tree, act.leaf_index, latest.size)
                included = signed and merkle.verify_inclusion(
                    act.leaf_index, latest.size, merkle.leaf_hash(act.data), proof, latest.checkpoint.root)
            checked.append(Verified(act, _opens(act, person_id), included))
    return Checked(latest, signed, checked)


def _opens(act: OwnAct, person_id: UUID) -> bool:
    shown = act.fields.get(act.field)
    return (isinstance(shown, dict) and shown.get("commitment") == act.commitment
            and opens(act.commitment, person_id, act.salt))


def _signature_verifies(latest: SignedCheckpoint, verifier_key: str) -> bool:
    try:
        text = Verifier.parse(verifier_key).verify(latest.note)
        return Checkpoint.parse(text) == latest.checkpoint
    except NoteError:
        return False
