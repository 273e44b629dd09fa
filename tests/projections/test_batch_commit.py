"""A projection batch commits without waiting for the disk (synchronous_commit off for its
transaction only): its read models and positions are derived from the log, which stays durable,
and a crash that loses them loses both together, so the batch is replayed and comes out the same.
Not the public log's (a replay would draw new commitment salts), nor with a read replica (a
standby receives flushed WAL only). Nothing is timed."""

from __future__ import annotations

import pytest

from tests.common.projections import engines, some_events


def on_postgresql(backend):
    if backend != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")


def setting(cur) -> str:
    return cur.scalar("SELECT current_setting('synchronous_commit')")


def server_setting(engage) -> str:
    with engage.db.transaction() as cur:
        found = setting(cur)
    assert found != "off"  # the server's own setting, which every other transaction keeps
    return found


def commit_settings(engine) -> set[str]:
    """synchronous_commit in each batch's transaction, once its positions are written: looked at
    before the COMMIT that goes with their statement (execute_then_commit), or after a gated
    batch's write (its COMMIT comes at the block's end)."""
    seen = []
    write_positions = engine._write_positions

    def and_look(cur, moved, new_position, *, gated):
        committed_with_the_write = []

        def execute_then_look(sql, params=()):
            cur.execute(sql, params)
            seen.append(setting(cur))
            committed_with_the_write.append(True)  # the block's end commits it, a trip later

        cur.execute_then_commit = execute_then_look
        write_positions(cur, moved, new_position, gated=gated)
        if not committed_with_the_write:
            seen.append(setting(cur))

    engine._write_positions = and_look
    engine.catch_up()
    assert seen
    return set(seen)


def test_the_groups_batches_commit_asynchronously_but_the_public_logs(backend, engage_services):
    on_postgresql(backend)
    default = server_setting(engage_services)
    some_events(engage_services)
    groups = engines(engage_services)
    assert commit_settings(groups["transparency"]) == {default}
    assert commit_settings(groups["consultations"]) == {"off"}
    assert commit_settings(groups["others"]) == {"off"}
    # Set for the batch's transaction only: the pool's connections come back as they were.
    for _ in range(3):
        with engage_services.db.transaction() as cur:
            assert setting(cur) == default
    with engage_services.app.recorder.datastore.transaction(commit=False) as curs:
        curs.execute("SELECT current_setting('synchronous_commit') AS value")
        assert curs.fetchone()["value"] == default  # the log's writes wait for the disk, as ever
    head = engage_services.engine.head()
    assert set(engage_services.engine.positions().values()) == {head}


def test_a_batch_with_the_public_log_in_it_waits_for_the_disk(backend, engage_services):
    on_postgresql(backend)
    default = server_setting(engage_services)
    some_events(engage_services)
    assert commit_settings(engage_services.engine) == {default}  # one engine for every projection


def test_with_a_read_replica_every_batch_waits_for_the_disk(backend, engage_services):
    """The position a visitor is given after the wait (its replica cookie) must cover the
    batches it waited for, and a standby receives flushed WAL only."""
    on_postgresql(backend)
    default = server_setting(engage_services)
    some_events(engage_services)
    groups = engines(engage_services)
    groups["transparency"].catch_up()  # the consultations group trails it
    engage_services.db.replica = object()  # configured: nothing reads through it here
    try:
        assert commit_settings(groups["consultations"]) == {default}
    finally:
        engage_services.db.replica = None
