"""Cheaper writes of a batch on PostgreSQL: several statements in one round trip (psycopg's
pipeline mode), and room in the pages of the counters rewritten at every vote."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from engage.db import Cursor


@contextmanager
def pipelined(cur: Cursor) -> Iterator[None]:
    """On PostgreSQL the statements of the block go out without waiting for each other's
    results: the server runs them back to back and the block ends with one wait. On a busy
    machine each wait costs a wake-up of both processes, more than the statement itself
    (~3 ms for 500 rows). A read in the block still gets its rows (psycopg syncs first); an
    error surfaces by the end of the block at the latest, and rolls the batch back as before.
    SQLite runs in process: nothing to save."""
    if cur.backend != "postgresql":
        yield
        return
    # The psycopg cursor under engage's Cursor (engage/db.py has no accessor for it).
    with cur._cursor.connection.pipeline():
        yield


def room_to_update(cur: Cursor) -> str:
    """The storage clause of a narrow counters table that every vote rewrites (CREATE TABLE's
    tail). With free room in its page, PostgreSQL writes the new version of a row beside the
    old one and, when no indexed column changed, adds no index entry for it (a "HOT" update);
    packed full, as a rebuild inserts them, nearly every update moved the row to another page
    and added an entry to each of its indexes. Nothing to say on SQLite."""
    return " WITH (fillfactor = 70)" if cur.backend == "postgresql" else ""
