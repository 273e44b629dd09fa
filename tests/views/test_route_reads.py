"""Declared reads (engage/views/routes.py READS): the page that answers a write names the read models
it reads, and read-your-writes waits for those only. A page reading a table its route does not
declare would show a visitor a read model that may not have their write yet: these tests fail then."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from pyramid import testing
from pyramid.interfaces import IRoutesMapper

from engage.db import Cursor
from engage.views import toolkit
from engage.views.routes import READS
from tests.common.accounts import CARD, log_in, services
from tests.common.accounts import resident as signed_in_resident
from tests.common.accounts import with_roles as resident
from tests.common.cards import resident_with_card
from tests.common.consultations import THEMES, create_via_web
from tests.common.workshops import make_session


@contextmanager
def projections_read(engage, monkeypatch):
    """The names of the projections whose tables the block's queries mention (this thread's only:
    not the in-process worker's)."""
    owners = {table: p.name for p in engage.engine.projections.values() for table in p.tables}
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, owners), key=len, reverse=True)) + r")\b")
    seen: set[str] = set()
    execute = Cursor.execute
    here = threading.get_ident()

    def recording(self, sql, params=()):
        if threading.get_ident() == here:
            seen.update(owners[table] for table in pattern.findall(sql))
        return execute(self, sql, params)

    with monkeypatch.context() as patch:
        patch.setattr(Cursor, "execute", recording)
        yield seen


def route_of(app, url: str) -> str:
    mapper = app.app.registry.getUtility(IRoutesMapper)
    path = urlsplit(url).path
    return next(route.name for route in mapper.get_routes() if route.match(path) is not None)


def answered_page_reads(app, response, monkeypatch) -> tuple[str, set[str]]:
    """The route a write's 303 leads to, and the projections its page read."""
    assert response.status_int == 303
    with projections_read(services(app), monkeypatch) as seen:
        response.follow()
    return route_of(app, response.location), seen


def assert_declared(route: str, seen: set[str]) -> None:
    assert route in READS, f"{route}: the page answering a hot write declares no reads (it reads {sorted(seen)})"
    assert seen <= set(READS[route]), f"{route} reads {sorted(seen - set(READS[route]))} undeclared"


# -- the declarations themselves ---------------------------------------------------------------

def test_every_declared_read_names_a_projection_and_a_route(testapp):
    """A typo in READS (a projection renamed, a route removed) is caught here, not by a visitor."""
    engage = services(testapp)
    routes = {route.name for route in testapp.app.registry.getUtility(IRoutesMapper).get_routes()}
    assert set(READS) <= routes, sorted(set(READS) - routes)
    for route, names in READS.items():
        assert names, f"{route}: declare at least one read model, or nothing at all"
        engage.engine.projections_named(names)  # raises for a name no projection has


def test_a_wait_for_a_projection_that_does_not_exist_is_refused(engage_services):
    with pytest.raises(ValueError, match="no such projection: contributions"):
        engage_services.wait_for(1, projections=["contributions"])


def test_the_reads_of_a_redirect_target_are_its_routes(testapp):
    request = testing.DummyRequest()
    request.registry, request.host = testapp.app.registry, "localhost:80"
    some = next(iter(READS))
    mapper = testapp.app.registry.getUtility(IRoutesMapper)
    pattern = mapper.get_route(some).generate({k: "0" * 32 for k in ("ref", "item", "session_id", "id")})
    assert toolkit.reads_of(request, pattern) == READS[some]
    assert toolkit.reads_of(request, "http://localhost:80" + pattern + "?page=2#votes") == READS[some]
    assert toolkit.reads_of(request, "/compte/mes-donnees") is None  # not declared: every projection
    assert toolkit.reads_of(request, "/nulle-part/ailleurs") is None
    assert toolkit.reads_of(request, "http://ailleurs.exemple" + pattern) is None
    assert toolkit.reads_of(request, None) is None


# -- the hot writes: the page that answers reads only what it declares ---------------------------

def test_voting_and_contributing_answer_with_a_page_reading_declared_read_models(editor_app, make_app, monkeypatch):
    create_via_web(editor_app)
    camille = make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    form = camille.get("/consultations/charte/contribuer").forms["contribution"]
    form["kind"], form["theme"], form["text"] = "proposition", THEMES[0], "Des réunions le soir."
    route, seen = answered_page_reads(camille, form.submit("submit"), monkeypatch)
    assert_declared(route, seen)
    item = camille.get(camille.get("/consultations/charte").html.select_one("a[href*='/contributions/']")["href"])
    vote = item.forms["vote"]
    vote["option"] = "d-accord"
    route, seen = answered_page_reads(camille, vote.submit("submit"), monkeypatch)
    assert route == "contribution" and "consultations" in seen
    assert_declared(route, seen)


def test_registering_for_a_session_answers_with_a_page_reading_declared_read_models(testapp, monkeypatch):
    engage = services(testapp)
    session_id, _ = make_session(engage.app, capacity=1)
    resident_with_card(testapp, "camille@exemple.fr", "Camille du 11e")
    log_in(testapp, "camille@exemple.fr")
    page = testapp.get(f"/ateliers/seance/{session_id.hex}")
    route, seen = answered_page_reads(testapp, page.forms["register"].submit(), monkeypatch)
    assert route == "workshop_session" and "workshops" in seen
    assert_declared(route, seen)
    page = testapp.get(f"/ateliers/seance/{session_id.hex}")
    route, seen = answered_page_reads(testapp, page.forms["withdraw"].submit(), monkeypatch)
    assert_declared(route, seen)


def test_the_card_pages_answer_with_a_page_reading_declared_read_models(testapp, monkeypatch):
    signed_in_resident(testapp, "camille@exemple.fr")
    form = testapp.get("/carte").forms["card-request"]
    for name, value in CARD.items():
        form[name] = value
    route, seen = answered_page_reads(testapp, form.submit("submit"), monkeypatch)
    assert route == "card_mine" and "cards" in seen
    assert_declared(route, seen)
    services(testapp).engine.catch_up()
    consent = next(f for f in testapp.get("/carte/ma-carte").forms.values()
                   if f.action.endswith("/carte/ma-carte/consentements"))
    route, seen = answered_page_reads(testapp, consent.submit(), monkeypatch)
    assert route == "card_mine"
    assert_declared(route, seen)
