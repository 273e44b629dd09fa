"""A release of the log's openings to an accredited auditor: itself a public act.

Openings (who stands behind each commitment of the public log) leave the site only
encrypted to an accredited auditor's key. Each release is recorded in the log, so anyone
can see how often the openings left and up to which tree size, and each auditor can find
their own releases (their commitment, opened for them like any act of theirs); never who
the auditor is.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from engage.domain.publicity import event
from engage.domain.topics import keep_topics


class OpeningsRelease(Aggregate):
    """One download of the openings (its id is random: it links nothing)."""
    public_id = True  # a public act of the city's, one aggregate per release

    @event("OpeningsReleased", public=("tree_size",), commit=("auditor_id",))
    def __init__(self, auditor_id: UUID, tree_size: int):
        self.auditor_id = auditor_id
        self.tree_size = tree_size

    @staticmethod
    def create_id() -> UUID:
        return uuid4()


keep_topics(__name__, stored_as="engage.domain.transparency")
