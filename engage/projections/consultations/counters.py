"""The storage of the counters every vote rewrites (consultations' and restitution's)."""

from __future__ import annotations

from engage.db import Cursor

#: Half of each page left free. A batch of votes (a rebuild's 20,000, a burst) rewrites nearly
#: every counter row it holds once, in one transaction, so the old versions cannot be pruned
#: before it commits: each page must have room for a second version of every row on it. At 70
#: (the first setting) only ~40 % of a rebuild's counter updates were HOT (rm_vote_counts at
#: scale 0.05: 20,596 of 59,922), the others each added a primary key entry and bloated the
#: table and its index; at 50, ~100 % are, and a 15,000-row upsert costs the backend ~20 % less.
COUNTERS_FILLFACTOR = 50


def room_to_update(cur: Cursor) -> str:
    """The storage clause of a narrow counters table that every vote rewrites (CREATE TABLE's
    tail). With free room in its page, PostgreSQL writes the new version of a row beside the
    old one and, when no indexed column changed, adds no index entry for it (a "HOT" update);
    packed full, as a rebuild inserts them, nearly every update moved the row to another page
    and added an entry to each of its indexes. Nothing to say on SQLite."""
    return f" WITH (fillfactor = {COUNTERS_FILLFACTOR})" if cur.backend == "postgresql" else ""
