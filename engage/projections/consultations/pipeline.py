"""Several writes of a batch sent in one round trip (psycopg's pipeline mode)."""

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
