"""Reading the rows of many keys at once, for the set-wise batch paths of the consultations
and restitution projections."""

from __future__ import annotations

from engage.db import Cursor
from engage.projections.base import select_in


def select_keyed(cur: Cursor, sql: str, keys: list[str]) -> list[tuple]:
    """Rows of `sql`, whose one `{in_keys}` placeholder stands for "IN these keys".

    On PostgreSQL the keys travel as one text array (`= ANY(%s)`): the statement stays the
    same short text whatever the number of keys, so psycopg parses and prepares it once; an
    IN list of 500 placeholders is longer than psycopg caches, and its parsing in Python cost
    ~5 ms per call. SQLite, in process, gets the IN lists."""
    if not keys:
        return []
    if cur.backend == "postgresql":
        return cur.execute(sql.replace("{in_keys}", "= ANY(%s::text[])"), [keys]).fetchall()
    return select_in(cur, sql.replace("{in_keys}", "IN ({marks})"), keys)
