"""A projection batch commits without waiting for the disk (synchronous_commit off for its
transaction only): its read models and positions are derived from the log, which stays durable,
and a crash that loses them loses both together, so the batch is replayed. Nothing is timed."""

from __future__ import annotations

import pytest

from tests.common.projections import some_events


def on_postgresql(backend):
    if backend != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")


def setting(cur) -> str:
    return cur.scalar("SELECT current_setting('synchronous_commit')")


def test_a_batch_commits_asynchronously_and_nothing_else_does(backend, engage_services):
    on_postgresql(backend)
    engine = engage_services.engine
    with engage_services.db.transaction() as cur:
        default = setting(cur)
    assert default != "off"  # the server's own setting, which every other transaction keeps
    some_events(engage_services)
    seen = []
    write_positions = engine._write_positions

    def and_look(cur, moved, new_position, *, gated):
        write_positions(cur, moved, new_position, gated=gated)
        seen.append(setting(cur))

    engine._write_positions = and_look
    engine.catch_up()
    assert seen and set(seen) == {"off"}
    # Set for the batch's transaction only: the pool's connections come back as they were.
    for _ in range(3):
        with engage_services.db.transaction() as cur:
            assert setting(cur) == default
    with engage_services.app.recorder.datastore.transaction(commit=False) as curs:
        curs.execute("SELECT current_setting('synchronous_commit') AS value")
        assert curs.fetchone()["value"] == default  # the log's writes wait for the disk, as ever


def test_positions_written_asynchronously_are_the_ones_read_back(backend, engage_services):
    on_postgresql(backend)
    some_events(engage_services)
    engage_services.engine.catch_up()
    head = engage_services.engine.head()
    assert set(engage_services.engine.positions().values()) == {head}


def test_with_a_read_replica_a_batch_commits_as_the_server_says(backend, engage_services):
    """A standby receives flushed WAL only, and the position a visitor is given after the wait
    (its replica cookie) must cover the batches it waited for: they wait for the disk."""
    on_postgresql(backend)
    engine = engage_services.engine
    with engage_services.db.transaction() as cur:
        default = setting(cur)
    some_events(engage_services)
    seen = []
    write_positions = engine._write_positions

    def and_look(cur, moved, new_position, *, gated):
        write_positions(cur, moved, new_position, gated=gated)
        seen.append(setting(cur))

    engine._write_positions = and_look
    engage_services.db.replica = object()  # configured: nothing reads through it here
    try:
        engine.catch_up()
    finally:
        engage_services.db.replica = None
    assert seen and set(seen) == {default}
