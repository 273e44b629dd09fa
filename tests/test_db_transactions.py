"""engage.db's transactions opened by their first statement, and ended by their last: what a
projection batch relies on to commit its read models with their positions, or neither."""

from __future__ import annotations

import pytest

from engage.db import Database


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    with database.transaction() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS t_rows (n integer PRIMARY KEY)")
    yield database
    database.close()


def rows(db) -> list[int]:
    with db.reading() as cur:
        return [n for (n,) in cur.execute("SELECT n FROM t_rows ORDER BY n").fetchall()]


def test_a_transaction_opened_by_its_read_commits_what_it_wrote(db):
    with db.transaction_opened_by("SELECT count(*) FROM t_rows", []) as (cur, found):
        assert found == [(0,)]
        cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [1])
    assert rows(db) == [1]


def test_a_transaction_opened_by_its_read_rolls_back_when_the_block_raises(db):
    with pytest.raises(ZeroDivisionError):
        with db.transaction_opened_by("SELECT count(*) FROM t_rows", []) as (cur, _):
            cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [1])
            1 / 0
    assert rows(db) == []


def test_the_last_statement_and_the_commit_go_together_and_a_failing_one_commits_nothing(db, backend):
    if backend != "postgresql":
        pytest.skip("execute_then_commit is PostgreSQL's (a batch on SQLite writes its positions alone)")
    import psycopg

    with db.transaction_opened_by("SELECT count(*) FROM t_rows", []) as (cur, _):
        cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [1])
        cur.execute_then_commit("INSERT INTO t_rows (n) VALUES (%s)", [2])
    assert rows(db) == [1, 2]
    # The statement fails (here a division by zero, as the positions' check fails when a
    # position was not written): the COMMIT sent after it is skipped, the block rolls back.
    with pytest.raises(psycopg.errors.DivisionByZero):
        with db.transaction_opened_by("SELECT count(*) FROM t_rows", []) as (cur, _):
            cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [3])
            cur.execute_then_commit("SELECT 1 / 0", [])
    assert rows(db) == [1, 2]
    # Only where the transaction's BEGIN was its own: a transaction() is psycopg's to end.
    with pytest.raises(RuntimeError):
        with db.transaction() as cur:
            cur.execute_then_commit("INSERT INTO t_rows (n) VALUES (%s)", [4])
    assert rows(db) == [1, 2]


def test_writes_held_back_go_with_the_next_statement_and_the_commit(db, backend):
    if backend != "postgresql":
        pytest.skip("holding writes back is PostgreSQL's (SQLite runs in the process: nothing to save)")
    from benchmarks.roundtrips import PREPARE
    from tests.common.projections import round_trips_of

    def batch():
        with db.transaction_opened_by("SELECT count(*) FROM t_rows", []) as (cur, _):
            assert cur.defers_writes
            with cur.writes():
                cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [1])
                cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [2])
            # A later statement sees them: they go first, in its round trip.
            assert cur.execute("SELECT count(*) FROM t_rows").fetchone() == (2,)
            with cur.writes():
                cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [3])
            cur.execute_then_commit("INSERT INTO t_rows (n) VALUES (%s)", [4])

    def paid(breakdown):
        return sum(n for (_pool, purpose), n in breakdown["by_purpose"].items() if purpose != PREPARE)

    trips = paid(round_trips_of(batch))
    assert rows(db) == [1, 2, 3, 4]
    assert trips == 3  # BEGIN with the read; the held writes with the count; the rest with COMMIT
    # Held back to the block's end: they go with its COMMIT. A writes() block holds every
    # statement it runs; an answer read inside it is an error, not a stale row.
    with db.transaction_opened_by("SELECT count(*) FROM t_rows", []) as (cur, _):
        with cur.writes():
            cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [5])
            with pytest.raises(RuntimeError):
                cur.execute("SELECT count(*) FROM t_rows").fetchone()
            cur.executemany("INSERT INTO t_rows (n) VALUES (%s)", [[6], [7]])
    assert rows(db) == [1, 2, 3, 4, 5, 6, 7]
    # Where writes cannot be held (a transaction psycopg ends), writes() sends them in one pipeline.
    def pipelined():
        with db.transaction() as cur, cur.writes():
            cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [8])
            cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [9])
    assert paid(round_trips_of(pipelined)) == 3  # BEGIN, the pipeline, COMMIT
    assert rows(db)[-2:] == [8, 9]


def test_a_held_back_write_that_fails_commits_nothing(db, backend):
    if backend != "postgresql":
        pytest.skip("holding writes back is PostgreSQL's")
    import psycopg

    for end in ("next statement", "commit", "block end"):
        with pytest.raises(psycopg.errors.UniqueViolation):
            with db.transaction_opened_by("SELECT count(*) FROM t_rows", []) as (cur, _):
                cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [10])
                with cur.writes():
                    cur.execute("INSERT INTO t_rows (n) VALUES (%s)", [10])  # a duplicate key
                if end == "next statement":
                    cur.execute("SELECT 1")
                elif end == "commit":
                    cur.execute_then_commit("INSERT INTO t_rows (n) VALUES (%s)", [11])
        assert rows(db) == [], end
    # Nor can a transaction psycopg ends hold writes back: there is no next trip of ours to ride
    # (writes() sends them in a pipeline of their own there: the test above).
    with db.transaction() as cur:
        assert not cur.defers_writes
