"""Read-your-writes: a wait ends when the projections it names have committed the position, as
this process hears of it (PostgreSQL NOTIFY, an in-process worker, or polling as a fallback)."""

from __future__ import annotations

import os
import time

import psycopg
import pytest

from engage.projections.engine import ProjectionEngine, ProjectionTimeout
from engage.projections.progress import Progress, channel_for, read_announcement
from engage.services import Engage
from tests.common.projections import Crash, CrashingCardsProjection, PartialWorker, issue_cards
from tests.conftest import app_settings

# Long enough that only a bug (or a machine stalled for minutes) reaches it; no test measures it.
PATIENCE = 60


@pytest.fixture
def second_process(database_url):
    """A second Engage on the same database, as another process of the deployment would be."""
    other = Engage.from_settings(app_settings(database_url), run_projections=False)
    yield other
    other.close()


def wait_until(condition, what: str):
    """A bounded wait for something another thread does; fails only after PATIENCE seconds."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


def test_a_waiter_is_woken_by_a_worker_in_another_process(engage_services, second_process, backend):
    waiter = engage_services.engine
    waiter.poll_after = PATIENCE  # on PostgreSQL only the listener can end this wait in time
    listener = waiter.listening()
    if backend == "postgresql":
        wait_until(listener.connected.is_set, "the listener never listened")
    polls = waiter.polls
    issue_cards(engage_services, 3)
    position = waiter.head()
    with PartialWorker(second_process.engine, second_process.engine.projections):
        waiter.wait_for(position, timeout=2 * PATIENCE)
    assert min(waiter.positions().values()) >= position
    if backend == "postgresql":
        assert listener.notifications > 0
        assert waiter.polls == polls  # delivered by NOTIFY, not found by polling
    else:
        assert listener is None and waiter.polls > polls  # SQLite: no NOTIFY, polling


def test_a_wait_ends_when_the_projections_it_names_are_there_while_others_lag(engage_services, second_process):
    issue_cards(engage_services, 2)
    position = engage_services.engine.head()
    with PartialWorker(second_process.engine, ["cards", "people"]):
        engage_services.engine.wait_for(position, timeout=2 * PATIENCE, projections=["cards", "people"])
        assert engage_services.engine.positions()["transparency"] < position  # left behind
        with pytest.raises(ProjectionTimeout):  # naming it, or nothing (every projection): no end
            engage_services.engine.wait_for(position, timeout=0.3, projections=["cards", "transparency"])
        with pytest.raises(ProjectionTimeout):
            engage_services.engine.wait_for(position, timeout=0.3)


def test_an_undeclared_read_waits_for_every_projection(engage_services, second_process):
    engage_services.read_your_writes_timeout = 0.3
    issue_cards(engage_services, 1)
    position = engage_services.engine.head()
    with PartialWorker(second_process.engine, ["cards"]):
        engage_services.wait_for(position, projections=["cards"])
        with pytest.raises(ProjectionTimeout):
            engage_services.wait_for(position)


def test_a_wait_for_an_unknown_projection_is_a_mistake(engage_services):
    with pytest.raises(ValueError, match="no such projection: card"):
        engage_services.engine.wait_for(1, timeout=1, projections=["card"])


def test_a_rebuild_lowers_the_positions_a_waiter_trusts(engage_services, second_process, backend):
    issue_cards(engage_services, 3)
    waiter = engage_services.engine
    waiter.catch_up()
    position = waiter.head()
    waiter.wait_for(position, timeout=PATIENCE, projections=["cards"])
    if backend == "postgresql":
        wait_until(waiter.listener.connected.is_set, "the listener never listened")
    heard = waiter.listener.notifications if waiter.listener else 0
    # Another process rebuilds the cards read model and dies half-way: its position is back to 0.
    crashing = ProjectionEngine(second_process.app, second_process.db,
                                [CrashingCardsProjection(second_process.vault, crash_at=2)])
    with pytest.raises(Crash):
        crashing.rebuild(["cards"])
    assert waiter.positions()["cards"] == 0
    if backend == "postgresql":  # the listener hears of it
        wait_until(lambda: waiter.listener.notifications > heard, "the rebuild's announcement never came")
        assert waiter.progress.known("cards") == 0
    with pytest.raises(ProjectionTimeout):
        waiter.wait_for(position, timeout=0.3, projections=["cards"])
    second_process.engine.catch_up(["cards"])
    waiter.wait_for(position, timeout=PATIENCE, projections=["cards"])


def test_a_rebuild_in_this_process_lowers_its_positions_at_once(engage_services):
    issue_cards(engage_services, 2)
    engine = engage_services.engine
    engine.catch_up()
    assert engine.progress.known("cards") == engine.head()
    seen = []
    engine.projections["cards"].apply_batch = lambda cur, events: seen.append(engine.progress.known("cards"))
    engine.rebuild(["cards"])
    assert seen == [0]  # while it replayed, no waiter could take the old position for granted
    assert engine.progress.known("cards") == engine.head()


# -- PostgreSQL: the listener --------------------------------------------------------------------

@pytest.fixture
def postgres_only(backend):
    if backend != "postgresql":
        pytest.skip("NOTIFY is PostgreSQL's")


def terminate(listener, url):
    with psycopg.connect(**url.conninfo(), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", [listener.backend_pid])


def test_the_listener_reconnects_after_losing_its_connection(postgres_only, engage_services, second_process):
    waiter = engage_services.engine
    issue_cards(engage_services, 1)
    second_process.engine.catch_up()
    waiter.wait_for(waiter.head(), timeout=PATIENCE)
    listener = waiter.listener
    wait_until(listener.connected.is_set, "the listener never listened")
    terminate(listener, engage_services.db.url)
    wait_until(lambda: listener.connections >= 2, "the listener did not reconnect")
    waiter.poll_after = PATIENCE
    polls = waiter.polls
    issue_cards(engage_services, 1, seed=2)
    position = waiter.head()
    with PartialWorker(second_process.engine, second_process.engine.projections):
        waiter.wait_for(position, timeout=2 * PATIENCE)
    assert waiter.polls == polls  # heard again through NOTIFY


def test_while_the_listener_is_down_a_wait_polls(postgres_only, engage_services, second_process, monkeypatch):
    waiter = engage_services.engine
    waiter.poll_after = 0.05
    down = []

    def refused(**kwargs):
        down.append(kwargs)
        raise psycopg.OperationalError("down for this test")

    monkeypatch.setattr(psycopg, "connect", refused)
    issue_cards(engage_services, 1)
    with PartialWorker(second_process.engine, second_process.engine.projections):
        waiter.wait_for(waiter.head(), timeout=2 * PATIENCE)
    assert down and waiter.polls > 0 and not waiter.listener.connected.is_set()


def test_closing_stops_the_listener_and_its_connection(postgres_only, database_url):
    engage = Engage.from_settings(app_settings(database_url), run_projections=False)
    engage.engine.catch_up()
    engage.engine.wait_for(engage.engine.head(), timeout=PATIENCE)
    listener = engage.engine.listener
    wait_until(listener.connected.is_set, "the listener never listened")
    pid = listener.backend_pid
    engage.close()
    assert not listener._thread.is_alive()
    with psycopg.connect(**engage.db.url.conninfo(), autocommit=True) as conn:
        wait_until(lambda: conn.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                                        [pid]).fetchone()[0] == 0, "the listener's connection stayed open")


def test_an_app_that_never_waits_opens_no_listener(postgres_only, make_app):
    engine = make_app(**{"engage.projections.in_process": "false"}).app.registry.engage.engine
    assert engine.listen and engine.listener is None


def test_instances_on_one_server_never_hear_each_other():
    assert channel_for("t_aaaa") != channel_for("t_bbbb")
    long_a, long_b = "s" * 60 + "a", "s" * 60 + "b"
    assert channel_for(long_a) != channel_for(long_b) and len(channel_for(long_a)) <= 63


def test_a_payload_that_is_not_positions_changes_nothing():
    assert read_announcement("pas du json") == {} and read_announcement("[1, 2]") == {}
    assert read_announcement('{"cards": 7, "people": "x", "staff": true}') == {"cards": 7}
    progress = Progress()
    progress.advance({"cards": 7})
    progress.advance({"cards": 3})  # a rebuild: lower is the truth
    assert progress.known("cards") == 3 and progress.reached(["cards"], 3) and not progress.reached(["cards"], 4)


def test_a_forked_process_listens_for_itself(postgres_only, engage_services, second_process):
    waiter = engage_services.engine
    inherited = waiter.listening()
    wait_until(inherited.connected.is_set, "the listener never listened")
    inherited.pid = -1  # as a web process forked after the listener started sees it
    parents = waiter.progress
    try:
        own = waiter.listening()
        assert own is not inherited and own.pid == os.getpid()
        assert waiter.progress is not parents  # the parent's knowledge (and locks) stay behind
        issue_cards(engage_services, 1)
        with PartialWorker(second_process.engine, second_process.engine.projections):
            waiter.wait_for(waiter.head(), timeout=2 * PATIENCE)
    finally:
        inherited.stop()


def test_a_worker_is_woken_by_a_commit_to_the_log_not_by_its_poll(postgres_only, engage_services, second_process):
    """engage-projections' workers listen to the log's own NOTIFY: a write is applied when it
    commits, not at the worker's next poll (here one that would never come in time)."""
    from engage.projections.engine import ProjectionWorker

    worker = ProjectionWorker(second_process.engine, poll_interval=10 * PATIENCE)
    worker.wake_on_commits()
    wait_until(worker._listener.connected.is_set, "the worker never listened")
    head = engage_services.engine.head()
    worker.start_thread()
    try:  # its first catch-up done, it sleeps until something wakes it
        wait_until(lambda: min(second_process.engine.positions().values()) >= head, "the first catch-up")
        issued = engage_services.app.issue_card(name="A B", email="a@exemple.fr", arrondissement=4,
                                                age_band="18-24", consent_to_consultation=True)
        engage_services.engine.wait_for(issued.position, timeout=2 * PATIENCE)  # < the poll: woken
    finally:
        worker.stop()
    assert worker._listener._thread is not None and not worker._listener._thread.is_alive()


def test_a_wait_skips_the_read_models_the_write_cannot_change(engage_services, second_process):
    """A card issued changes no consultation: the page reading both waits for the cards only, so
    a lagging consultations projection (another group) does not hold it up."""
    from engage.domain.written import unit_of_work, written

    with unit_of_work():
        issued = engage_services.app.issue_card(name="A B", email="a@exemple.fr", arrondissement=4,
                                                age_band="18-24", consent_to_consultation=True)
        kinds = written()
    assert kinds and all(kind.__module__.startswith("engage.domain.cards") for kind in kinds)
    engine = engage_services.engine
    assert engine.changed_by(["consultations", "cards", "transparency"], kinds) == ["cards", "transparency"]
    with PartialWorker(second_process.engine, ["cards", "transparency"]):
        engage_services.wait_for(issued.position, ["consultations", "cards", "transparency"], written=kinds)
        with pytest.raises(ProjectionTimeout):  # without knowing what was written: every one it reads
            engine.wait_for(issued.position, 0.5, projections=["consultations", "cards"])


def test_only_a_unit_of_work_notes_what_it_writes(engage_services):
    from engage.domain.written import unit_of_work, written

    issue_cards(engage_services, 1)
    assert written() == frozenset()  # outside a request: nothing noted, nothing left out of a wait
    with unit_of_work():
        assert written() == frozenset()
        issue_cards(engage_services, 1)
        assert written()
    assert written() == frozenset()
