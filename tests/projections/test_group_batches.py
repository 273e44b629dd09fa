"""A projection group's batch: its fixed cost in round trips to PostgreSQL (counted at the wire
by benchmarks/roundtrips.py's WireCounter, never timed), and speculative batches: a trailing
group reads and applies past the groups it trails, and commits only once they have committed
that far (engage/projections/groups.py)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from uuid import uuid4

import pytest

from engage.projections.engine import ProjectionWorker
from engage.projections.progress import ProgressListener, channel_for
from tests.common.consultations import contribute, create_consultation
from tests.common.projections import engines, read_models, round_trips_of, some_events

PATIENCE = 60  # seconds; only a bug (or a stalled machine) reaches it, nothing measures it


def on_postgresql(backend):
    if backend != "postgresql":
        pytest.skip("round trips and NOTIFY are PostgreSQL's")


def wait_until(condition, what: str):
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


def engine_trips(breakdown: dict) -> Counter:
    """The round trips of the engine itself (not of its projections' apply_batch), by pool."""
    trips: Counter = Counter()
    for (pool, purpose), n in breakdown["by_purpose"].items():
        if purpose.startswith("projections.engine") or purpose.startswith("projections.groups") \
                or "eventsourcing" in purpose:
            trips[pool] += n
    return trips


def one_more_vote(engage):
    consultation = create_consultation(engage.app, slug="une-autre")
    item = contribute(engage.app, consultation, text="Une autre proposition.").id
    return item


def test_a_batch_costs_two_round_trips_of_its_own_on_one_connection(backend, engage_services):
    on_postgresql(backend)
    some_events(engage_services)
    item = one_more_vote(engage_services)
    groups = engines(engage_services)
    for engine in groups.values():
        engine.catch_up()
    engage_services.app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True)
    for name, engine in groups.items():
        names = list(engine.projections)
        engine.process_shared_batch(names)  # warm: psycopg prepares a statement run often enough
        engage_services.app.cast_vote(person_id=uuid4(), item_id=item, option="mitige", has_valid_card=True)
        for other in groups.values():  # the trailed groups first: the batch has the vote to apply
            if other is engine:
                break
            other.catch_up()
        batch = round_trips_of(lambda: engine.process_shared_batch(names))
        # BEGIN with the batch's read in one pipeline (the positions locked, the trailed
        # positions, the log's head and its events in one statement); the positions written and
        # announced with the COMMIT in one pipeline (nothing gates this batch: the trailed groups
        # committed first). Nothing through the event store's pool (a connection checked out per
        # read, before). BEGIN and COMMIT went alone once: four round trips, on the path of
        # every vote's read-your-writes wait.
        assert engine_trips(batch) == {"read models": 2}, (name, batch["statements"])
        idle = round_trips_of(lambda: engine.process_shared_batch(names))
        assert engine_trips(idle) == {"read models": 2}, (name, idle["statements"])


#: The others group's batch of one vote: BEGIN with the batch read; the participation history's
#: read of the item's title; the positions written with the history's lines and open data's
#: change rows, and the COMMIT. (5 while the history's three tables and open data's changes
#: each paid a round trip of their own.)
OTHERS_ONE_VOTE = 3


def test_the_others_groups_batch_of_a_vote_sends_its_writes_with_its_next_statement(backend, engage_services):
    on_postgresql(backend)
    from benchmarks.roundtrips import PREPARE

    some_events(engage_services)
    item = one_more_vote(engage_services)
    groups = engines(engage_services)
    others = groups["others"]

    def vote_and_apply(option):
        engage_services.app.cast_vote(person_id=uuid4(), item_id=item, option=option, has_valid_card=True)
        groups["transparency"].catch_up()
        groups["consultations"].catch_up()  # the trailed groups first: the batch has the vote to apply

    for option in ("d-accord", "mitige", "pas-d-accord"):  # warm: statements prepared, pool full
        vote_and_apply(option)
        others.catch_up()
    vote_and_apply("d-accord")
    batch = round_trips_of(lambda: others.process_shared_batch(list(others.projections)))
    paid = sum(n for (_pool, purpose), n in batch["by_purpose"].items() if purpose != PREPARE)
    assert paid <= OTHERS_ONE_VOTE, batch["statements"]


def speculating(engage, engine):
    """The group's engine, told of the other groups' commits as its worker would be."""
    listener = ProgressListener(engage.db.url.conninfo(), channel_for(engage.db.url.schema), engine.heard)
    listener.start()
    engine.speculate_with(listener)
    wait_until(listener.connected.is_set, "the listener never listened")
    return listener


def committed(engage, table):
    with engage.db.reading(primary=True) as cur:  # another connection: committed rows only
        return cur.scalar(f"SELECT COUNT(*) FROM {table}")


def test_a_trailing_group_applies_ahead_and_commits_only_after_the_groups_it_trails(backend, engage_services):
    on_postgresql(backend)
    some_events(engage_services)
    head = engage_services.engine.head()
    groups = engines(engage_services)
    consultations = groups["consultations"]
    listener = speculating(engage_services, consultations)
    waiting = threading.Event()
    gate = consultations._when_trailed_reach

    def at_the_gate(position, write, write_and_commit):
        waiting.set()
        return gate(position, write, write_and_commit)

    consultations._when_trailed_reach = at_the_gate
    consultations.speculation_timeout = PATIENCE
    results = []
    thread = threading.Thread(target=lambda: results.append(consultations.catch_up()))
    try:
        thread.start()
        wait_until(waiting.is_set, "the batch never reached its gate")
        # Applied in its transaction, not committed: no figure counts a vote the public log
        # has not published yet.
        assert committed(engage_services, "rm_votes") == 0
        positions = engage_services.engine.positions()
        assert positions["consultations"] == positions["restitution"] == positions["transparency"] == 0
        groups["transparency"].catch_up()  # the public log publishes them: the gate opens
        thread.join(PATIENCE)
        assert not thread.is_alive()
    finally:
        consultations.stop()
        thread.join(PATIENCE)
        listener.stop()
    assert results and results[0] > 0
    positions = engage_services.engine.positions()
    assert positions["consultations"] == positions["restitution"] == positions["transparency"] == head
    assert committed(engage_services, "rm_votes") == 10
    groups["others"].catch_up()
    built = read_models(engage_services)
    engage_services.engine.rebuild()
    assert read_models(engage_services) == built  # the same read models as one engine in order


def test_a_speculative_batch_the_trailed_groups_never_reach_is_rolled_back(backend, engage_services):
    on_postgresql(backend)
    some_events(engage_services)
    head = engage_services.engine.head()
    groups = engines(engage_services)
    consultations = groups["consultations"]
    listener = speculating(engage_services, consultations)
    try:
        consultations.speculation_timeout = 0.2
        consultations.speculation_backoff = PATIENCE
        assert consultations.catch_up() == 0  # transparency never ran: given up, rolled back
        assert committed(engage_services, "rm_votes") == 0
        assert set(engage_services.engine.positions().values()) == {0}
        assert not consultations.speculating()  # for a while, batches stop at the trailed groups
        groups["transparency"].catch_up()
        consultations.catch_up()
    finally:
        listener.stop()
    positions = engage_services.engine.positions()
    assert positions["consultations"] == positions["restitution"] == head
    assert committed(engage_services, "rm_votes") == 10


def test_news_the_database_does_not_confirm_rolls_the_batch_back(backend, engage_services):
    """Once the trailed groups' commit is heard, the positions' write and the COMMIT go in one
    round trip; the write's own check still decides: news the database does not confirm (a
    rebuild's reset not heard yet) fails the statement, and nothing of the batch is committed."""
    on_postgresql(backend)
    import psycopg

    some_events(engage_services)
    head = engage_services.engine.head()
    consultations = engines(engage_services)["consultations"]
    listener = speculating(engage_services, consultations)
    try:
        consultations.heard.advance({"transparency": head})  # heard, never committed
        with pytest.raises(psycopg.errors.InvalidTextRepresentation, match="projection positions written"):
            consultations.catch_up()
    finally:
        listener.stop()
    assert committed(engage_services, "rm_votes") == 0
    assert set(engage_services.engine.positions().values()) == {0}


def test_a_stopped_group_gives_its_speculative_batch_up(backend, engage_services):
    on_postgresql(backend)
    some_events(engage_services)
    groups = engines(engage_services)
    consultations = groups["consultations"]
    listener = speculating(engage_services, consultations)
    consultations.speculation_timeout = PATIENCE
    gate = consultations._when_trailed_reach

    def stopped_at_the_gate(position, write, write_and_commit):
        consultations.stop()  # SIGTERM while it waits
        return gate(position, write, write_and_commit)

    consultations._when_trailed_reach = stopped_at_the_gate
    try:
        assert consultations.catch_up() == 0
    finally:
        listener.stop()
    assert committed(engage_services, "rm_votes") == 0
    assert set(engage_services.engine.positions().values()) == {0}


def test_group_workers_woken_by_commits_build_what_one_engine_builds(backend, engage_services):
    """Every group as a worker thread, woken by NOTIFY, the trailing ones speculating: the
    trailing positions never pass the trailed ones, and the read models are one engine's."""
    on_postgresql(backend)
    groups = engines(engage_services)
    workers = [ProjectionWorker(engine, poll_interval=PATIENCE) for engine in groups.values()]
    for worker in workers:
        worker.wake_on_commits()
    for worker in workers:
        wait_until(worker._listener.connected.is_set, "a worker never listened")
        worker.start_thread()
    seen = []
    stop = threading.Event()

    def watch():  # the committed positions, as often as it can read them
        while not stop.is_set():
            seen.append(engage_services.engine.positions())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        some_events(engage_services)
        head = engage_services.engine.head()
        wait_until(lambda: set(engage_services.engine.positions().values()) == {head}, "never caught up")
    finally:
        stop.set()
        watcher.join(PATIENCE)
        for worker in workers:
            worker.stop()
    for positions in seen:
        assert positions["consultations"] <= positions["transparency"]
        assert positions["restitution"] <= positions["transparency"]
        assert positions["cards"] <= min(positions["consultations"], positions["restitution"])
    built = read_models(engage_services)
    engage_services.engine.rebuild()
    assert read_models(engage_services) == built
