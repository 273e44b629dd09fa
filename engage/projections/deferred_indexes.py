"""A full rebuild's secondary indexes, built once at its end rather than row by row.

During a rebuild every row of a read model is written anew, and each secondary index (one that
only serves the pages' reads) costs an index entry per row written, and per counter update:
an update of an indexed column is never a HOT update. For the consultations group, the
critical path of `engage-rebuild`, its 15 such indexes (rm_contributions' search and filters,
the "most supported" rank of rm_restitution_support...) cost ~10 µs of its PostgreSQL
backend's CPU per log event at scale 0.05 (42 -> 32 µs; building them at the end: ~1 µs).

Only the read models that say so (`Projection.rebuild_defers_indexes`) have theirs deferred:
their projections, and every projection that reads their tables during a replay, must look
rows up by primary key or unique constraint only (a lookup by a dropped index would scan the
table). Unique indexes and primary keys stay: the projections' ON CONFLICT clauses need them.

On PostgreSQL only (SQLite rebuilds in one process, in memory-sized databases). Should the
rebuild die before it restores them, the next start of engage (or `engage-rebuild`) creates
them again: every projection's `create_tables` creates its indexes IF NOT EXISTS.
"""

from __future__ import annotations

from typing import Iterable

from engage.db import Database
from engage.projections.base import Projection

_SECONDARY = """
SELECT pg_get_indexdef(i.indexrelid), x.relname
FROM pg_index i
JOIN pg_class x ON x.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
ORDER BY x.relname"""


def deferring_tables(projections: Iterable[Projection]) -> list[str]:
    return [table for projection in projections if projection.rebuild_defers_indexes for table in projection.tables]


def secondary_indexes(db: Database, tables: list[str]) -> list[str]:
    """The definitions of these tables' secondary indexes, for `restore_indexes`."""
    if db.backend != "postgresql" or not tables:
        return []
    with db.reading(primary=True) as cur:
        return [definition for definition, _ in cur.execute(_SECONDARY, [tables]).fetchall()]


def defer_indexes(db: Database, tables: list[str]) -> list[str]:
    """Drop the secondary indexes of these tables; their definitions, for `restore_indexes`.
    Not while another process may be starting engage: its start creates every missing index
    (engage-rebuild's group processes wait for each other's start first)."""
    if db.backend != "postgresql" or not tables:
        return []
    with db.transaction() as cur:
        found = cur.execute(_SECONDARY, [tables]).fetchall()
        for _, name in found:
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')
    return [definition for definition, _ in found]


def restore_indexes(db: Database, definitions: list[str]) -> None:
    """Create the indexes `defer_indexes` dropped, as they were (their exact definitions)."""
    if not definitions:
        return
    with db.transaction() as cur:
        for definition in definitions:
            cur.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
