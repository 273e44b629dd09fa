"""How the log's projection writes its new rows: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

from engage.db import Cursor
from engage.projections.base import insert_rows


def write_rows(cur: Cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows that are new by construction (leaves, nodes, acts and commitments never collide
    with stored ones): COPY on PostgreSQL, a rebuild's most repeated write, costs a fraction
    of insert_rows' JSON round trip."""
    if not rows:
        return
    if cur.backend == "postgresql":
        cur.copy_rows(table, columns, rows)
    else:
        insert_rows(cur, table, columns, rows)
