"""The storage of the counters every vote rewrites (consultations' and restitution's)."""

from __future__ import annotations

from engage.db import Cursor


def room_to_update(cur: Cursor) -> str:
    """The storage clause of a narrow counters table that every vote rewrites (CREATE TABLE's
    tail). With free room in its page, PostgreSQL writes the new version of a row beside the
    old one and, when no indexed column changed, adds no index entry for it (a "HOT" update);
    packed full, as a rebuild inserts them, nearly every update moved the row to another page
    and added an entry to each of its indexes. Nothing to say on SQLite."""
    return " WITH (fillfactor = 70)" if cur.backend == "postgresql" else ""
