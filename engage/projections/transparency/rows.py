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
    in a projection batch's transaction (`Cursor.writes`), no round trip of their own: they go
    with the transaction's next statement (the counters' first read, or the COMMIT).
    SQLite, in process, gets executemany."""
    small = [(table, columns, rows) for table, columns, rows in tables
             if rows and not append_rows(cur, table, columns, rows)]
    if not small and not statements:
        return  # an empty pipeline would still wait for the server's answer to its Sync
    with cur.writes():
        for table, columns, rows in small:
            insert_rows(cur, table, columns, rows)
        for sql, params in statements:
            cur.execute(sql, params)
