"""One vote's cost in round trips to PostgreSQL, and what a lost connection costs it.

Counts, not times: the round trips are counted at the wire (benchmarks/roundtrips.py, libpq's
trace of the request's thread)."""

from __future__ import annotations

from uuid import UUID

import psycopg
import psycopg_pool.pool
import pytest

from benchmarks.roundtrips import PREPARE, WAIT, VotingResident, count_in_schema
from engage.db import DatabaseURL, closed_by_server
from engage.domain.consultations.model import ItemAsShown
from engage.projections.consultations import queries as q
from engage.projections.engine import ProjectionWorker

# The vote POST, from the request's arrival to its 303, the read-your-writes wait left out
# (its polls depend on how soon the projection worker answers; rywnotify makes it a LISTEN):
# who is asking (session and person, one statement), the consultation, the item and the card
# (one pipeline), the event store's write (one statement: engage_append_events).
POST_ROUND_TRIPS = 3
# The page the 303 leads to, which shows the vote: its "mine" comes from a read model. Who is
# asking; then the consultation, the item, the card, the replies, the counts, the ballot, the
# meetings, the charter's citations and the restitution's answers and quote (one pipeline).
PAGE_ROUND_TRIPS = 2


def on_postgresql(backend):
    if backend != "postgresql":
        pytest.skip("round trips and server-closed connections are PostgreSQL's")


def without_wait(breakdown: dict) -> int:
    """The round trips but the wait's, and psycopg's one-off preparations of a statement on a
    connection (which the pool's warmth decides, not the request)."""
    return sum(n for (_pool, purpose), n in breakdown["by_purpose"].items() if purpose not in (WAIT, PREPARE))


def test_one_vote_and_its_page_cost_a_bounded_number_of_round_trips(backend, database_url):
    on_postgresql(backend)
    counted = count_in_schema(database_url)
    post, page = counted["post"], counted["page"]
    assert without_wait(post) <= POST_ROUND_TRIPS, post["statements"]
    # Nothing of the vote itself is read from the log: the ballot is not loaded for a first
    # vote, nor the item and its consultation for the checks, nor the ballot for "mine".
    assert not [p for (pool, p) in post["by_purpose"] if pool == "event store" and "insert_events" not in p]
    assert not [p for (pool, p) in page["by_purpose"] if pool == "event store"]
    assert without_wait(page) <= PAGE_ROUND_TRIPS, page["statements"]
    assert counted["page_shows_vote"]


def test_the_vote_is_written_in_one_statement(backend, database_url):
    """The event store's write: one statement of ours (engage_append_events: the lock, NOTIFY,
    the INSERT), its own transaction; not eventsourcing's six (BEGIN, SET LOCAL, LOCK TABLE,
    NOTIFY, INSERT, COMMIT), which cost the web process ~0.8 ms of CPU on every vote even
    sent in one pipeline."""
    on_postgresql(backend)
    post = count_in_schema(database_url)["post"]
    written = [s for s in post["statements"] if s.startswith("event store")]
    assert len(written) == 1 and "engage_append_events" in written[0], post["statements"]


def _backend_pids(resident) -> set[int]:
    """The idle connections the web app holds (both pools)."""
    engage = resident.wsgi.registry.engage
    pools = [engage.db._pool, engage.app.recorder.datastore.pool]
    return {conn.pgconn.backend_pid for pool in pools for conn in list(pool._pool)}


def _no_look_at_checkout(pool) -> None:
    """As if the server closed a connection after the checkout's look (engage.db.locally_checked)."""
    pool.__class__ = type(pool).__bases__[0]


def _terminate(database_url: str, pids: set[int]) -> None:
    url = DatabaseURL.parse(database_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.user, password=url.password, dbname=url.dbname,
                         autocommit=True) as conn:
        for pid in pids:
            conn.execute("SELECT pg_terminate_backend(%s)", [pid])
        while conn.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [list(pids)]).fetchone()[0]:
            conn.execute("SELECT pg_sleep(0.01)")


def test_a_vote_after_the_server_closed_the_apps_connections(backend, database_url):
    """Between two votes the server closes every idle connection of the app (as a restart
    would): the second vote is recorded, or refused with the 503 page; the database holds
    exactly what was answered, and the vote after that goes through."""
    on_postgresql(backend)
    resident = VotingResident(database_url, items=3)
    try:
        engage = resident.wsgi.registry.engage
        first, second, third = resident.items
        resident.vote(first)
        pids = _backend_pids(resident)
        assert pids
        _terminate(database_url, pids)
        answer = resident.browser.post(resident.item_path(second) + "/voter",
                                       {"csrf_token": resident.csrf, "option": "mitige", "submit": "submit"},
                                       status=(303, 503))
        engage.engine.catch_up()
        counts = q.vote_counts(engage.db, second)["total"]
        if answer.status_int == 303:
            assert counts["mitige"] == 1
        else:
            assert "Réessayez" in answer.text and sum(counts.values()) == 0
        resident.vote(third)
        engage.engine.catch_up()
        assert q.vote_counts(engage.db, first)["total"]["d-accord"] == 1
        assert q.vote_counts(engage.db, third)["total"]["d-accord"] == 1
    finally:
        resident.close()


def test_the_first_vote_after_a_restart_does_not_back_off_once_per_dead_connection(backend, database_url,
                                                                                    monkeypatch):
    """After a restart every idle connection of both pools is dead. psycopg_pool's own check
    loop sleeps after each one it throws away (1 s, then 2, 4, 8...): the first request after a
    restart waited ~30 s. The checkout now throws every dead one away at once, without sleeping."""
    on_postgresql(backend)
    slept = []
    monkeypatch.setattr(psycopg_pool.pool, "sleep", slept.append)
    resident = VotingResident(database_url, items=2)
    try:
        engage = resident.wsgi.registry.engage
        resident.vote(resident.items[0])
        for pool in (engage.db._pool, engage.app.recorder.datastore.pool):
            pool.check()  # every connection opened and idle, so that all are terminated
        _terminate(database_url, _backend_pids(resident))
        resident.vote(resident.items[1])
        assert slept == []
        engage.engine.catch_up()
        assert q.vote_counts(engage.db, resident.items[1])["total"]["d-accord"] == 1
    finally:
        resident.close()


def test_the_checkout_check_discards_a_connection_the_server_closed(backend, database_url):
    on_postgresql(backend)
    url = DatabaseURL.parse(database_url)
    with psycopg.connect(**url.conninfo(), autocommit=True) as alive, \
            psycopg.connect(**url.conninfo(), autocommit=True) as doomed:
        closed_by_server(alive)  # an idle live connection passes, and costs no round trip
        assert not alive.closed
        _terminate(database_url, {doomed.pgconn.backend_pid})
        with pytest.raises(psycopg.OperationalError):
            closed_by_server(doomed)
        assert doomed.closed


def test_a_vote_through_event_store_connections_the_server_closed_is_recorded_once(backend, database_url):
    """Reads and writes of the log through connections closed under it: eventsourcing's retry
    runs them again on live ones, nothing is written twice."""
    on_postgresql(backend)
    resident = VotingResident(database_url, items=2)
    try:
        engage = resident.wsgi.registry.engage
        pool = engage.app.recorder.datastore.pool
        pool.check()  # every connection opened and idle, so that all are terminated
        _terminate(database_url, {conn.pgconn.backend_pid for conn in list(pool._pool)})
        person = engage.app.find_person_by_email("votante@exemple.fr")
        item = UUID(resident.items[0])
        recorded = engage.app.cast_vote(person_id=person, item_id=item, option="d-accord", has_valid_card=True)
        assert recorded.position is not None
        assert engage.app.my_vote(person_id=person, item_id=item) == "d-accord"
        engage.engine.catch_up()
        assert q.vote_counts(engage.db, resident.items[0])["total"]["d-accord"] == 1
    finally:
        resident.close()


def test_the_page_after_a_vote_shows_it_without_reading_the_log(backend, database_url):
    resident = VotingResident(database_url, items=1)
    try:
        page = resident.vote(resident.items[0]).follow()
        resident.wsgi.registry.engage.app.repository.get = _no_reading
        page = resident.browser.get(resident.item_path(resident.items[0]))
        mine = [p for p in page.html.find_all("p") if "Votre vote :" in p.get_text() and p.strong]
        assert mine and mine[0].strong.get_text(strip=True) == "D'accord"
    finally:
        resident.close()


def _no_reading(*args, **kwargs):
    raise AssertionError("the log was read")


def test_a_connection_that_dies_after_its_checkout_gets_the_503_page_and_the_next_request_works(
        backend, database_url):
    """No check at checkout to catch it (a connection the server closes between the checkout
    and its first statement): the request gets the 503 page, nothing is recorded, the pool
    drops its dead connections, and the next vote goes through."""
    on_postgresql(backend)
    resident = VotingResident(database_url, items=2)
    try:
        engage = resident.wsgi.registry.engage
        _no_look_at_checkout(engage.db._pool)
        _no_look_at_checkout(engage.app.recorder.datastore.pool)
        # The in-process projection worker would otherwise meet a dead connection first, have the
        # pool checked, and leave the request live ones (a race the busy machine revealed).
        engage.worker.stop()
        _terminate(database_url, _backend_pids(resident))
        answer = resident.browser.post(resident.item_path(resident.items[0]) + "/voter",
                                       {"csrf_token": resident.csrf, "option": "mitige", "submit": "submit"},
                                       status=503)
        assert "Réessayez" in answer.text and answer.headers["Retry-After"]
        engage.worker = ProjectionWorker(engage.engine)
        engage.worker.start_thread()
        resident.vote(resident.items[1])
        engage.engine.catch_up()
        assert sum(q.vote_counts(engage.db, resident.items[0])["total"].values()) == 0
        assert q.vote_counts(engage.db, resident.items[1])["total"]["d-accord"] == 1
    finally:
        resident.close()


def test_a_write_through_a_connection_that_died_after_checkout_costs_one_failed_attempt(backend, database_url):
    """The event store's write fails on the dead connection before anything is committed; the
    pool is checked once (every dead connection goes), eventsourcing's retry writes once."""
    on_postgresql(backend)
    resident = VotingResident(database_url, items=1)
    try:
        engage = resident.wsgi.registry.engage
        pool = engage.app.recorder.datastore.pool
        pool.check()  # every connection opened and idle, so that all are terminated
        _no_look_at_checkout(pool)  # the write itself meets the dead connection
        checks = []
        original_check = pool.check
        pool.check = lambda: (checks.append(1), original_check())
        _terminate(database_url, {conn.pgconn.backend_pid for conn in list(pool._pool)})
        person = engage.app.find_person_by_email("votante@exemple.fr")
        item = UUID(resident.items[0])
        shown = ItemAsShown(available=True, current_phase="consultation", card_required=True)
        recorded = engage.app.cast_vote(person_id=person, item_id=item, option="mitige", has_valid_card=True,
                                        shown=shown)
        assert recorded.position is not None and checks == [1]
        engage.engine.catch_up()
        assert q.vote_counts(engage.db, resident.items[0])["total"]["mitige"] == 1
        assert sum(type(e).__name__ == "VoteCast" for e in engage.app.events.get(engage.app.vote_key(person, item))) == 1
    finally:
        resident.close()
