"""Reads from a hot standby (engage/replica.py, engage/db.py's ReadReplica), against a real
streaming replica of the test server: read-your-writes through it, and pages that keep
answering from the primary while it lags or is down."""

from __future__ import annotations

import os

import pytest
import webtest
from pyramid.request import Request

from engage.db import Database, ReadReplica
from engage.replica import LSN_COOKIE, remembered_position
from tests.common.accounts import person, start_sign_up
from tests.common.consultations import THEMES, create_consultation
from tests.common.replica import Standby, Unavailable, with_port

TEXT = "Publier les comptes rendus des conseils de quartier."


@pytest.fixture(scope="session")
def standby():
    """One streaming replica of the test server for this session (this xdist worker), removed
    at the end."""
    try:
        made = Standby(os.environ["ENGAGE_TEST_DATABASE_URL"])
    except (Unavailable, KeyError) as reason:
        pytest.skip(f"no hot standby can be made here: {reason}")
    try:
        made.create()
    except BaseException:
        made.remove()
        raise
    yield made
    made.remove()


@pytest.fixture
def replica_app(backend, database_url, make_app, standby):
    """make_app with this test's database's replica as engage.database_url_read."""
    if backend != "postgresql":
        pytest.skip("a hot standby is PostgreSQL's")
    standby.catch_up()  # this test's schema exists on the standby

    def make(**overrides):
        settings = {"engage.database_url_read": with_port(database_url, standby.port), **overrides}
        return make_app(**settings)

    return make


def served(app) -> dict[str, int]:
    return dict(app.app.registry.engage.db.replica.served)


def fallbacks(app, reason: str) -> float:
    metrics = app.app.registry.engage_metrics
    return metrics.registry.get_sample_value("engage_replica_fallbacks_total", {"reason": reason}) or 0


def contribute(app, text=TEXT):
    form = app.get("/consultations/charte/contribuer").forms["contribution"]
    form["kind"] = "proposition"
    form["theme"] = THEMES[0]
    form["text"] = text
    return form.submit("submit", status=303)


def a_consultation_and_a_resident(app, standby):
    """An open consultation, and a resident signed in on a browser of `app`."""
    engage = app.app.registry.engage
    create_consultation(engage.app)
    engage.engine.catch_up()
    camille = person(app, "camille@exemple.fr", "Camille du 11e")
    standby.catch_up()
    return camille


def test_a_residents_write_is_read_back_through_the_replica(replica_app, standby):
    # A generous wait: the replica always catches up here, so every read is its.
    app = replica_app(**{"engage.read_replica.max_wait_ms": "10000"})
    camille = a_consultation_and_a_resident(app, standby)
    before = served(app)
    posted = contribute(camille)
    position = int(camille.cookies[LSN_COOKIE])
    item = posted.follow()
    assert "Votre contribution est publiée" in item.text and TEXT in item.text
    listing = camille.get("/consultations/charte")
    assert "Camille du 11e" in listing.text
    after = served(app)
    assert after["replica"] > before["replica"] and after["primary"] == 0  # every page read the standby
    assert fallbacks(app, "lagging") == fallbacks(app, "down") == 0
    with standby.connect() as conn:  # and the standby has replayed the visitor's position
        replayed = conn.execute("SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn").fetchone()[0]
    assert replayed >= position
    ready = app.get("/readyz").json
    assert ready["ready"] and ready["checks"]["replica"]["ok"]


def test_a_lagging_replica_sends_the_writer_to_the_primary_and_others_keep_reading(replica_app, standby):
    app = replica_app(**{"engage.read_replica.max_wait_ms": "50"})
    camille = a_consultation_and_a_resident(app, standby)
    standby.pause_replay()
    try:
        item = contribute(camille).follow()
        # The visitor's write, although the replica has not replayed it: read from the primary.
        assert "Votre contribution est publiée" in item.text and TEXT in item.text
        assert fallbacks(app, "lagging") >= 1
        # A visitor who wrote nothing reads the (paused) replica: the page answers, without it.
        visitor = webtest.TestApp(app.app)
        page = visitor.get("/consultations/charte", status=200)
        assert "Charte parisienne de la participation" in page.text and "Camille du 11e" not in page.text
        ready = app.get("/readyz")
        assert ready.status_int == 200 and ready.json["checks"]["replica"]["ok"]
        assert "bytes behind" in ready.json["checks"]["replica"]["detail"]
    finally:
        standby.resume_replay()
    standby.catch_up()
    assert "Camille du 11e" in webtest.TestApp(app.app).get("/consultations/charte").text


def test_pages_keep_answering_from_the_primary_while_the_replica_is_down(replica_app, standby):
    app = replica_app()
    camille = a_consultation_and_a_resident(app, standby)
    standby.stop()
    try:
        item = contribute(camille).follow()
        assert "Votre contribution est publiée" in item.text and TEXT in item.text
        page = webtest.TestApp(app.app).get("/consultations/charte", status=200)
        assert "Camille du 11e" in page.text  # from the primary
        assert app.get("/api/stats/contributions-per-consultation", status=200).json
        assert fallbacks(app, "down") >= 1
        ready = app.get("/readyz")
        assert ready.status_int == 200 and ready.json["ready"]
        assert "unavailable" in ready.json["checks"]["replica"]["detail"]
    finally:
        standby.start()
    fresh = replica_app(**{"engage.read_replica.max_wait_ms": "10000"})  # a web node started now reads the standby
    before = served(fresh)["replica"]
    assert "Camille du 11e" in fresh.get("/consultations/charte").text
    assert served(fresh)["replica"] == before + 1


def test_the_replica_must_be_the_primarys_database(database_url, backend):
    replica = ReadReplica("postgresql://u:p@127.0.0.1:5999/other?schema=elsewhere")
    try:
        with pytest.raises(ValueError):
            Database(database_url, replica=replica)  # SQLite: no replica; PostgreSQL: another schema
    finally:
        replica.close()


def test_without_a_replica_no_position_is_remembered(testapp):
    start_sign_up(testapp)  # a write
    assert LSN_COOKIE not in testapp.cookies


@pytest.mark.parametrize("value, position", [("123456", 123456), ("", None), ("0/3000148", None),
                                             ("9" * 21, None), ("-1", None)])
def test_the_remembered_position_is_a_number_or_nothing(value, position):
    request = Request.blank("/", headers={"Cookie": f"{LSN_COOKIE}={value}"})
    assert remembered_position(request) == position
