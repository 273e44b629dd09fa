"""Exactly-once projections: crashes, restarts, rebuilds and rival workers."""

import random
import threading

import pytest

from engage.domain.application import EngageApplication
from engage.projections.cards import queries as card_queries
from engage.projections.cards.projection import CardsProjection
from engage.projections.engine import ProjectionEngine, ProjectionTimeout
from tests.common.projections import Crash, CrashingCardsProjection, issue_cards


def snapshot(db):
    with db.reading() as cur:
        cards = cur.execute(
            "SELECT card_id, number, arrondissement, age_band, status FROM rm_cards ORDER BY card_id"
        ).fetchall()
        counts = cur.execute(
            "SELECT arrondissement, holders FROM rm_card_holders_by_arrondissement ORDER BY arrondissement"
        ).fetchall()
    return cards, counts


def test_catch_up_counts_every_card_once(engage_services):
    issue_cards(engage_services, 12)
    engage_services.engine.catch_up()
    counts = card_queries.card_holders_by_arrondissement(engage_services.db)
    assert sum(n for _, n in counts) == 12
    assert engage_services.engine.positions()["cards"] == engage_services.engine.head()
    assert engage_services.engine.catch_up() == 0  # nothing new: nothing applied


def test_crash_mid_batch_rolls_back_then_resumes_without_double_counting(engage_services):
    issue_cards(engage_services, 10)
    crashing = ProjectionEngine(engage_services.app, engage_services.db,
                                [CrashingCardsProjection(engage_services.vault, crash_at=7)], batch_size=100)
    with pytest.raises(Crash):
        crashing.catch_up()
    # The batch's writes and its position were one transaction: none of it stayed.
    assert crashing.positions()["cards"] == 0
    assert snapshot(engage_services.db) == ([], [])

    engage_services.engine.catch_up()  # the restarted worker
    after_restart = snapshot(engage_services.db)
    engage_services.engine.rebuild()
    assert snapshot(engage_services.db) == after_restart
    assert sum(n for _, n in after_restart[1]) == 10


def test_worker_stopped_between_events_resumes_where_it_stopped(engage_services):
    issue_cards(engage_services, 6)
    one_at_a_time = ProjectionEngine(engage_services.app, engage_services.db,
                                     [CardsProjection(engage_services.vault)], batch_size=1)
    for _ in range(3):
        one_at_a_time.process_batch("cards")
    stopped_at = one_at_a_time.positions()["cards"]
    assert 0 < stopped_at < one_at_a_time.head()
    issue_cards(engage_services, 4, seed=1)  # events keep arriving while it is down

    restarted = ProjectionEngine(engage_services.app, engage_services.db,
                                 [CardsProjection(engage_services.vault)], batch_size=1)
    restarted.catch_up()
    resumed = snapshot(engage_services.db)
    restarted.rebuild()
    assert snapshot(engage_services.db) == resumed
    assert len(resumed[0]) == 10


def test_two_rival_workers_never_apply_an_event_twice(engage_services):
    issue_cards(engage_services, 40)
    engines = [ProjectionEngine(engage_services.app, engage_services.db, [CardsProjection(engage_services.vault)], batch_size=3)
               for _ in range(2)]
    errors = []

    def run(engine):
        try:
            engine.catch_up()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    cards, counts = snapshot(engage_services.db)
    assert len(cards) == 40 and sum(n for _, n in counts) == 40


def test_rebuild_twice_gives_the_same_read_model(engage_services):
    issue_cards(engage_services, 8)
    engage_services.engine.rebuild()
    first = snapshot(engage_services.db)
    engage_services.engine.rebuild(["cards"])
    assert snapshot(engage_services.db) == first


def test_rebuild_reports_progress(engage_services):
    issue_cards(engage_services, 5)
    steps = []
    engage_services.engine.rebuild(progress=steps.append)
    # Each projection reports its own way from 0 to the head.
    assert sum(steps) == engage_services.engine.head() * len(engage_services.engine.projections)


def test_waiting_for_a_position_not_reached_times_out(engage_services):
    issue_cards(engage_services, 1)
    with pytest.raises(ProjectionTimeout):
        engage_services.engine.wait_for(engage_services.engine.head(), timeout=0.05)
    engage_services.engine.catch_up()
    engage_services.engine.wait_for(engage_services.engine.head(), timeout=0.05)


def test_a_drawn_number_already_taken_is_never_issued_twice(engage_services):
    env = engage_services.db.url.eventsourcing_env()
    key = engage_services.app.identifier_key
    first = EngageApplication(env, vault=engage_services.vault, identifier_key=key, rng=random.Random(42))
    second = EngageApplication(env, vault=engage_services.vault, identifier_key=key, rng=random.Random(42))
    try:
        a = first.issue_card(name="A", email="a@exemple.fr", arrondissement=1, age_band="18-24",
                             consent_to_consultation=True)
        # Same random sequence: the first draw collides in the event store, the retry succeeds.
        b = second.issue_card(name="B", email="b@exemple.fr", arrondissement=2, age_band="18-24",
                              consent_to_consultation=True)
    finally:
        first.close()
        second.close()
    assert a.number != b.number
    engage_services.engine.catch_up()
    assert card_queries.card(engage_services.db, b.card_id).number == b.number
    assert engage_services.app.find_card_id(a.number) == a.card_id
    assert engage_services.app.find_card_id(b.number) == b.card_id


def test_a_rebuild_leaves_fresh_planner_statistics(engage_services, backend):
    """The pages' query plans must not be made over the emptied tables' statistics until
    autovacuum comes by: the rebuild analyzes the tables it filled."""
    issue_cards(engage_services, 12)
    engage_services.engine.rebuild(["cards"])
    with engage_services.db.reading() as cur:
        if backend == "postgresql":
            rows = cur.scalar("SELECT reltuples FROM pg_class WHERE oid = 'rm_cards'::regclass")
            assert rows == 12  # -1 for a table never analyzed
        else:
            assert cur.scalar("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'rm_cards'") > 0


def test_a_shared_batch_hands_each_projection_its_topics_past_its_position():
    from eventsourcing.persistence import Notification

    log = [Notification(id=i, originator_id=None, originator_version=1, topic=topic, state=b"{}")
           for i, topic in [(1, "a"), (2, "b"), (4, "a"), (5, "c"), (6, "b")]]
    events = [f"event {n.id}" for n in log]
    shares = ProjectionEngine._dispatch(log, events, [0, 2, 4, 9], [{"a"}, set(), {"b", "c"}, {"a"}])
    assert shares == [
        [("event 1", 1), ("event 4", 4)],  # its topic only
        [("event 4", 4), ("event 5", 5), ("event 6", 6)],  # every topic, past its position
        [("event 5", 5), ("event 6", 6)],
        [],  # ahead of the batch
    ]
