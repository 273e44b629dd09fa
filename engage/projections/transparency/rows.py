"""How the log's projection writes a batch's new rows: in as few round trips as the back end allows."""

from __future__ import annotations

from typing import Any, Sequence

from engage.db import Cursor
from engage.projections.base import append_rows, insert_rows

#: A table's new rows: (table, columns, rows).
TableRows = tuple[str, tuple[str, ...], list[tuple]]


def write_together(cur: Cursor, tables: Sequence[TableRows], statements: Sequence[tuple[str, Sequence[Any]]] = ()) -> None:
    """Rows that are new by construction (leaves, nodes, acts and commitments never collide with
    stored ones), table by table, then `statements`, in that order.

    On PostgreSQL, a table's many rows (a rebuild's batch) go in one COPY (append_rows), the
    cheapest bulk insert; a few (a live batch: one vote is a leaf, a node or two, a commitment
    and an act) in one INSERT per table, all sent in one pipeline with the statements: one
    round trip for them all, where a COPY waits for the server twice (its start and its end);
    in a projection batch's transaction (`Cursor.defers_writes`), no round trip of their own:
    they go with the transaction's next statement.
    SQLite, in process, gets executemany."""
    small = [(table, columns, rows) for table, columns, rows in tables
             if rows and not append_rows(cur, table, columns, rows)]
    if not small and not statements:
        return  # an empty pipeline would still wait for the server's answer to its Sync
    if cur.defers_writes:
        # A batch's transaction (the engine's): the writes go with its next statement, the
        # positions' write and COMMIT, so a live batch of the public log costs one round trip
        # fewer on the path of every vote's read-your-writes wait.
        for table, columns, rows in small:
            insert_rows(cur, table, columns, rows, later=True)
        for sql, params in statements:
            cur.execute_later(sql, params)
        return
    with cur.pipeline():
        for table, columns, rows in small:
            insert_rows(cur, table, columns, rows)
        for sql, params in statements:
            cur.execute(sql, params)
