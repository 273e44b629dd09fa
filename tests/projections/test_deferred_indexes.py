"""A full rebuild's secondary indexes: dropped while it replays, built again at its end, as
they were (engage/projections/deferred_indexes.py)."""

from __future__ import annotations

from engage.projections.deferred_indexes import defer_indexes, deferring_tables, restore_indexes
from tests.common.projections import read_models, some_events


def indexes(db) -> list[tuple[str, str, str]]:
    """(name, table, definition) of every index."""
    with db.reading() as cur:
        if cur.backend != "postgresql":
            return cur.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"
                               " ORDER BY name").fetchall()
        return cur.execute("SELECT indexname, tablename, indexdef FROM pg_indexes"
                           " WHERE schemaname = current_schema() ORDER BY indexname").fetchall()


def test_the_deferred_indexes_come_back_as_they_were(engage_services):
    db, projections = engage_services.db, engage_services.engine.projections
    tables = deferring_tables(projections.values())
    assert "rm_contributions" in tables and "rm_restitution_support" in tables
    assert "rm_cards" not in tables  # a read model that did not opt in keeps its indexes
    before = indexes(db)
    deferred = defer_indexes(db, tables)
    during = indexes(db)
    if db.backend == "postgresql":
        gone = [(name, table, definition) for name, table, definition in before if (name, table, definition)
                not in during]
        assert {"rm_contributions_search", "rm_restitution_support_rank"} <= {name for name, _, _ in gone}
        # Theirs only, and never a key or a unique constraint (the ON CONFLICT clauses need them).
        assert all(table in tables and "UNIQUE" not in definition for _, table, definition in gone)
        assert len(deferred) == len(gone)
    else:  # SQLite: nothing deferred
        assert deferred == [] and during == before
    restore_indexes(db, deferred)
    assert indexes(db) == before
    restore_indexes(db, deferred)  # twice (a retried end of a rebuild): nothing changes
    assert indexes(db) == before


def test_a_replay_without_them_builds_the_same_read_models(engage_services):
    some_events(engage_services)
    engine = engage_services.engine
    engine.catch_up()
    expected = read_models(engage_services)
    engine.reset(list(engine.projections))
    deferred = defer_indexes(engage_services.db, deferring_tables(engine.projections.values()))
    engine.catch_up()
    restore_indexes(engage_services.db, deferred)
    assert read_models(engage_services) == expected
