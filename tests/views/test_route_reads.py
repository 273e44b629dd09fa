"""Declared reads (engage/views/routes.py READS): the page that answers a write names the read models
it reads, and read-your-writes waits for those only. A page reading a table its route does not
declare would show a visitor a read model that may not have their write yet: these tests fail then."""

from __future__ import annotations

import ast
import hashlib
import re
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from pyramid import testing
from pyramid.interfaces import IRoutesMapper
from webtest import Upload

import engage.views
from engage.db import Cursor, Database
from engage.domain.accounts.model import Role
from engage.domain.cards.model import card_id_for_person
from engage.projections.consultations import queries as consultation_queries
from engage.projections.engine import ProjectionTimeout
from engage.projections.workshops import queries as workshop_queries
from engage.views import toolkit
from engage.views.routes import READS
from tests.common.accounts import CARD, log_in, person, services
from tests.common.accounts import resident as signed_in_resident
from tests.common.accounts import with_roles as resident
from tests.common.cards import resident_with_card
from tests.common.charter import start_charter
from tests.common.consultations import THEMES, create_via_web, fill_plan
from tests.common.projections import PartialWorker
from tests.common.workshops import card_holder, make_session


@contextmanager
def projections_read(engage, monkeypatch):
    """The names of the projections whose tables the block's queries mention (this thread's only:
    not the in-process worker's)."""
    owners = {table: p.name for p in engage.engine.projections.values() for table in p.tables}
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, owners), key=len, reverse=True)) + r")\b")
    seen: set[str] = set()
    execute = Cursor.execute
    here = threading.get_ident()

    read_together = Database.read_together

    def recording(self, sql, params=()):
        if threading.get_ident() == here:
            seen.update(owners[table] for table in pattern.findall(sql))
        return execute(self, sql, params)

    def recording_together(self, statements, **kwargs):
        # On PostgreSQL its statements go in one pipeline, past Cursor.execute.
        if threading.get_ident() == here:
            seen.update(owners[table] for sql, _params in statements for table in pattern.findall(sql))
        return read_together(self, statements, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(Cursor, "execute", recording)
        patch.setattr(Database, "read_together", recording_together)
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


#: Routes a view may redirect to after a write, declaring no reads on purpose: each waits for every
#: read model (or for nothing at all), for the reason given.
WAITS_FOR_ALL = {
    "account": "sign-in: the people read model must know a fresh confirmation; `retour` may name any page",
    "account_erased": "an erasure: every read model must have forgotten the person before it is said done",
    "account_sessions": "ending sessions writes nothing to the event log: nothing to wait for",
    "reset_sent": "asking for a reset link writes nothing to the event log: nothing to wait for",
    "login": "rare writes (an address confirmed, a password changed), and the sign-in that follows waits",
}

#: Helpers of the views' resources that build a route's URL.
URL_HELPERS = {"item_url": "contribution"}
WRITES = {"form_view", "one_of_several", "wait_for_write"}


def _called(call: ast.Call) -> str | None:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def _routes_in(expr, assigned: dict[str, ast.expr], followed: set[str]):
    """The routes whose URL `expr` builds, through the function's local names."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and _called(node) == "route_url" and node.args \
                and isinstance(node.args[0], ast.Constant):
            yield node.args[0].value
        elif isinstance(node, ast.Call) and _called(node) in URL_HELPERS:
            yield URL_HELPERS[_called(node)]
        elif isinstance(node, ast.Name) and node.id in assigned and node.id not in followed:
            followed.add(node.id)
            yield from _routes_in(assigned[node.id], assigned, followed)


def _targets_of(function: ast.FunctionDef):
    """Where a view that writes sends its visitor: the URL its actions return, the one it waits
    for, the one it redirects to."""
    assigned = {n.targets[0].id: n.value for n in ast.walk(function)
                if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)}
    for node in ast.walk(function):
        answer = (node.value if isinstance(node, ast.Return)
                  else node.body if isinstance(node, ast.Lambda) else None)
        if isinstance(answer, ast.Tuple) and len(answer.elts) == 2:
            yield from _routes_in(answer.elts[1], assigned, set())
        if isinstance(node, ast.Call) and _called(node) in ("SeeOther", "wait_for_write"):
            at = 0 if _called(node) == "SeeOther" else 2
            if len(node.args) > at:
                yield from _routes_in(node.args[at], assigned, set())


def redirect_targets_after_writes() -> dict[str, set[str]]:
    """Every route some view (engage/views) may send its visitor to after a write, and the views."""
    found: dict[str, set[str]] = {}
    root = Path(engage.views.__file__).parent
    for path in sorted(root.rglob("*.py")):
        for function in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(function, ast.FunctionDef) and any(
                    isinstance(n, ast.Call) and _called(n) in WRITES for n in ast.walk(function)):
                for route in _targets_of(function):
                    found.setdefault(route, set()).add(f"{path.relative_to(root)}:{function.name}")
    return found


def test_every_page_answering_a_write_declares_its_reads_or_says_why_it_waits_for_all():
    """A new page a write redirects to cannot silently wait for every projection."""
    found = redirect_targets_after_writes()
    assert {"contribution", "card_mine", "meeting", "charter_amendment"} <= set(found)  # the scan sees them
    silent = {route: sorted(views) for route, views in found.items()
              if route not in READS and route not in WAITS_FOR_ALL}
    assert not silent, f"declare their reads in READS (engage/views/routes.py), or say why not: {silent}"
    assert not set(READS) & set(WAITS_FOR_ALL)
    assert set(WAITS_FOR_ALL) <= set(found), sorted(set(WAITS_FOR_ALL) - set(found))  # no stale excuse


#: Views whose wait names no page on purpose: they wait for every read model, for this reason.
WAITS_WITHOUT_A_PAGE = {
    "accounts/pages.py:login": "the next request identifies the person from the people read model, "
                               "and `retour` may name any page",
    "accounts/personal_data.py:erase_my_data": "an erasure: every read model must have forgotten the person",
    "accounts/personal_data.py:admin_erasure": "an erasure: every read model must have forgotten the person",
}


def test_every_wait_for_a_write_names_the_page_it_answers_with():
    """Without its page, wait_for_write cannot know what the page reads, and waits for all."""
    root = Path(engage.views.__file__).parent
    blind = set()
    for path in sorted(root.rglob("*.py")):
        for function in ast.parse(path.read_text(encoding="utf-8")).body:
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and _called(node) == "wait_for_write" and len(node.args) < 3 \
                        and not any(k.arg == "target" for k in node.keywords):
                    blind.add(f"{path.relative_to(root)}:{function.name}")
    unexplained = sorted(blind - set(WAITS_WITHOUT_A_PAGE))
    assert not unexplained, f"pass the page to wait_for_write: {unexplained}"
    assert set(WAITS_WITHOUT_A_PAGE) <= blind, sorted(set(WAITS_WITHOUT_A_PAGE) - blind)  # no stale excuse


CHECKS = ("followed", "answered", "assert_declared")  # the helpers below that check a route's page


def test_every_declared_route_is_followed_after_a_write_below():
    """A declaration no flow of this file checks could drift from what its page reads."""
    checked = set()
    for node in ast.walk(ast.parse(Path(__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and _called(node) in CHECKS:
            route = node.args[0] if _called(node) == "assert_declared" else node.args[-1]
            checked.add(route.value if isinstance(route, ast.Constant) else None)
        elif isinstance(node, ast.Compare) and getattr(node.left, "id", None) == "route":
            checked.update(c.value for c in node.comparators if isinstance(c, ast.Constant))
    assert set(READS) <= checked, f"add a flow for {sorted(set(READS) - checked)}"


def test_a_wait_for_a_projection_that_does_not_exist_is_refused(engage_services):
    with pytest.raises(ValueError, match="no such projection: contributions"):
        engage_services.wait_for(1, projections=["contributions"])


def test_the_route_a_target_is_found_in_is_the_one_pyramid_matches_first(testapp):
    """reads_of tries only the routes that may match a path (by its first segment): for every
    route's sample path, the one found first is the one a scan of every route finds first."""
    from tests.common.routes import route_views

    request = testing.DummyRequest()
    request.registry, request.host = testapp.app.registry, "localhost:80"
    routes = testapp.app.registry.getUtility(IRoutesMapper).get_routes()
    paths = {view.path.split("?", 1)[0] for view in route_views(testapp.app.registry)}
    assert len(paths) > 50
    for path in sorted(paths | {"/", "/nulle-part", "/consultations", "/consultations/"}):
        first = next((r for r in routes if r.match(path) is not None), None)
        assert toolkit.reads_of(request, path) == (READS.get(first.name) if first else None), path


def test_the_reads_of_a_redirect_target_are_its_routes(testapp):
    request = testing.DummyRequest()
    request.registry, request.host = testapp.app.registry, "localhost:80"
    some = next(iter(READS))
    mapper = testapp.app.registry.getUtility(IRoutesMapper)
    pattern = mapper.get_route(some).generate({k: "0" * 32 for k in ("ref", "item", "session_id", "id")})
    assert toolkit.reads_of(request, pattern) == READS[some]
    assert toolkit.reads_of(request, "http://localhost:80" + pattern + "?page=2#votes") == READS[some]
    assert toolkit.reads_of(request, request.host_url + pattern) == READS[some]  # as route_url writes it
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
    with projections_read(services(editor_app), monkeypatch) as seen:  # as its moderators see it
        editor_app.get(item.request.url)
    assert_declared("contribution", seen)


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
    replace = testapp.get("/carte/ma-carte/remplacer").forms["card-replace"]
    replace["reason"] = "lost"
    followed(testapp, lambda: replace.submit("submit"), monkeypatch, "card_mine")


def test_editing_a_consultation_answers_with_a_page_reading_declared_read_models(editor_app, monkeypatch):
    form = editor_app.get("/consultations/nouvelle").forms["consultation"]
    form["slug"], form["title"] = "charte", "Charte parisienne de la participation"
    form["description"], form["themes"] = "Construisons ensemble la charte.", "\n".join(THEMES)
    fill_plan(form)
    form["card_required"], form["support_threshold"] = "non", "2"
    route, seen = answered_page_reads(editor_app, form.submit("submit"), monkeypatch)
    assert route == "consultation" and "consultations" in seen
    assert_declared(route, seen)
    phase = editor_app.get("/consultations/charte").forms[1]
    route, seen = answered_page_reads(editor_app, phase.submit(), monkeypatch)
    assert_declared(route, seen)
    form = editor_app.get("/consultations/charte/contribuer").forms["contribution"]
    form["kind"], form["theme"], form["text"] = "proposition", THEMES[0], "Des réunions le soir."
    form.submit("submit", status=303)
    with projections_read(services(editor_app), monkeypatch) as seen:  # with a contribution listed
        assert "Des réunions le soir." in editor_app.get("/consultations/charte").text
    assert_declared("consultation", seen)


def test_the_roll_answers_with_a_page_reading_declared_read_models(testapp, monkeypatch):
    engage = services(testapp)
    facilitator = resident_with_card(testapp, "anim@exemple.fr", "Animatrice Nadia", card=False,
                                     role=Role.FACILITATOR)
    person = resident_with_card(testapp, "camille@exemple.fr", "Camille du 11e")
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=10)
    sid, _ = make_session(engage.app, capacity=5, facilitator=facilitator, starts_at=start)
    engage.app.register_for_session(sid, person, card_ids=workshop_queries.card_ids(engage.db, person))
    _, _, number = card_holder(engage.app, 7)
    engage.engine.catch_up()
    log_in(testapp, "anim@exemple.fr")
    form = testapp.get(f"/ateliers/animation/seance/{sid.hex}/presences").forms["roll"]
    form[f"presence-{person.hex}"] = "present"
    route, seen = answered_page_reads(testapp, form.submit(), monkeypatch)
    assert route == "session_roll" and "workshops" in seen
    assert_declared(route, seen)
    walk = testapp.get(f"/ateliers/animation/seance/{sid.hex}/presences").forms["walk-in"]
    walk["card_number"] = number
    route, seen = answered_page_reads(testapp, walk.submit("submit"), monkeypatch)
    assert_declared(route, seen)
    log_in(testapp, "camille@exemple.fr")  # present: they may give their opinion
    feedback = testapp.get(f"/ateliers/seance/{sid.hex}/avis").forms["feedback"]
    feedback["rating"], feedback["comment"] = "5", "Passionnant."
    followed(testapp, lambda: feedback.submit("submit"), monkeypatch, "workshops_mine")


# -- the wait itself: declared read models only ----------------------------------------------------

def test_a_vote_waits_for_its_page_read_models_only_and_the_page_shows_it(make_app, monkeypatch):
    editor = make_app(**{"engage.projections.in_process": "false", "engage.read_your_writes_timeout": "60"})
    engage = services(editor)
    with PartialWorker(engage.engine, engage.engine.projections):
        resident(editor, "editrice@exemple.fr", "Éditrice Ville", Role.EDITOR)
        create_via_web(editor)
        form = editor.get("/consultations/charte/contribuer").forms["contribution"]
        form["kind"], form["theme"], form["text"] = "proposition", THEMES[0], "Des réunions le soir."
        item = form.submit("submit", status=303).follow()
    outcomes = []
    wait_for = engage.engine.wait_for

    def recorded(*args, **kwargs):
        try:
            wait_for(*args, **kwargs)
        except ProjectionTimeout:
            outcomes.append("timeout")
            raise
        outcomes.append("reached")

    monkeypatch.setattr(engage.engine, "wait_for", recorded)
    vote = item.forms["vote"]
    vote["option"] = "d-accord"
    with PartialWorker(engage.engine, READS["contribution"]):
        page = vote.submit("submit", status=303).follow()
    assert outcomes == ["reached"]
    assert engage.engine.positions()["transparency"] < engage.engine.head()  # not waited for
    counts = page.html.select("table.counts tbody tr")
    assert [c.get_text(strip=True) for c in counts[0].find_all(["th", "td"])][:2] == ["D'accord", "non publié"]


def test_a_write_answered_by_an_undeclared_page_waits_for_every_read_model(make_app):
    app = make_app(**{"engage.projections.in_process": "false", "engage.read_your_writes_timeout": "0.3"})
    engage = services(app)
    request = testing.DummyRequest()
    request.engage, request.registry, request.host = engage, app.app.registry, "localhost:80"
    engage.app.issue_card(name="A B", email="a@exemple.fr", arrondissement=4, age_band="18-24",
                          consent_to_consultation=True)
    position = engage.engine.head()
    with PartialWorker(engage.engine, READS["card_mine"]):
        assert toolkit.wait_for_write(request, position, "http://localhost:80/carte/ma-carte")
        assert not toolkit.wait_for_write(request, position, "/compte/mes-donnees")  # undeclared: all
        assert not toolkit.wait_for_write(request, position)


# -- every other page a write answers with ---------------------------------------------------------

def followed(app, write, monkeypatch, route: str):
    """The page the 303 of `write()` leads to, checked: it is `route`'s, the write waited for
    the read models it declares (not for all: its target was passed), and it reads only those."""
    engage = services(app)
    waits = []
    wait_for = engage.wait_for
    with monkeypatch.context() as patch:
        patch.setattr(engage, "wait_for", lambda position, projections=None, written=(): (
            waits.append(projections), wait_for(position, projections, written))[1])
        response = write()
    assert response.status_int == 303
    assert waits and waits[-1] == READS.get(route), f"{route}: the write waited for {waits[-1:]}"
    assert route_of(app, response.location) == route
    with projections_read(services(app), monkeypatch) as seen:
        page = response.follow()
    assert_declared(route, seen)
    return page


def answered(app, write, monkeypatch, route: str):
    """A write answered by its own page, not a redirect (a report, a list): checked like `followed`,
    the write's own queries included."""
    engage = services(app)
    waits = []
    wait_for = engage.wait_for
    with monkeypatch.context() as patch:
        patch.setattr(engage, "wait_for", lambda position, projections=None, written=(): (
            waits.append(projections), wait_for(position, projections, written))[1])
        with projections_read(engage, monkeypatch) as seen:
            page = write()
    assert page.status_int == 200
    assert waits and waits[-1] == READS.get(route), f"{route}: the write waited for {waits[-1:]}"
    assert_declared(route, seen)
    return page


def test_questionnaire_pages_answering_writes_read_declared_read_models(editor_app, make_app, monkeypatch):
    form = editor_app.get("/questionnaires/nouveau").forms["questionnaire"]
    form["title"], form["target"] = "La charte et vous", "carte"  # its public: the card holders
    form["questions"] = "Votre priorité ? | choix-unique | obligatoire | Information ; Quartiers"
    page = followed(editor_app, lambda: form.submit("submit"), monkeypatch, "questionnaire")
    url = page.request.path
    camille = make_app()
    resident_with_card(camille, "camille@exemple.fr", "Camille du 11e")
    log_in(camille, "camille@exemple.fr")
    with projections_read(services(camille), monkeypatch) as seen:
        answers = camille.get(url).forms["answers"]
    assert {"cards", "questionnaires"} <= seen
    assert_declared("questionnaire", seen)
    answers["q1"] = "Information"
    followed(camille, answers.submit, monkeypatch, "questionnaire_results")
    close = next(f for f in editor_app.get(url + "/resultats").forms.values() if f.action.endswith("/fermer"))
    followed(editor_app, close.submit, monkeypatch, "questionnaire_results")


def test_meeting_pages_answering_writes_read_declared_read_models(editor_app, monkeypatch):
    create_via_web(editor_app)
    form = editor_app.get("/consultations/charte/reunions/nouvelle").forms["meeting"]
    form["title"], form["starts_at"] = "Réunion publique du 11e", "2027-01-15T18:30"
    form["place"], form["arrondissement"] = "Mairie du 11e", "11"
    meeting = followed(editor_app, lambda: form.submit("submit"), monkeypatch, "meeting")
    head = meeting.forms["headcount"]
    head["headcount"] = "42"
    followed(editor_app, lambda: head.submit("submit"), monkeypatch, "meeting")
    sheets = editor_app.get(meeting.request.url + "/feuilles").forms["sheets"]
    sheets["count"] = "1"
    followed(editor_app, lambda: sheets.submit("submit"), monkeypatch, "meeting")
    transcribe = editor_app.get(meeting.request.url + "/transcrire").forms["transcription"]
    transcribe["sheet"] = "000001-8"
    transcribe["kind"], transcribe["theme"] = "proposition", THEMES[2]
    transcribe["text"] = "Tirer au sort une partie des conseillers de quartier."
    transcribe["paper_reference"] = "F-11-007"
    transcribe["scan"] = ("scan.pdf", b"%PDF-1.4 scan du formulaire")
    followed(editor_app, lambda: transcribe.submit("submit"), monkeypatch, "meeting_transcribe")


def test_moderation_answers_with_a_page_reading_declared_read_models(editor_app, monkeypatch):
    create_via_web(editor_app)
    form = editor_app.get("/consultations/charte/contribuer").forms["contribution"]
    form["kind"], form["theme"], form["text"] = "proposition", THEMES[0], "Des réunions le soir."
    item = form.submit("submit", status=303).follow()
    hide = editor_app.get(item.request.path + "/masquer").forms["hide"]
    hide["reason"] = "hors-sujet"
    item = followed(editor_app, lambda: hide.submit("submit"), monkeypatch, "contribution")
    restore = next(f for f in item.forms.values() if f.action.endswith("/restaurer"))
    followed(editor_app, restore.submit, monkeypatch, "contribution")


def test_organization_and_seat_call_pages_answering_writes_read_declared_read_models(testapp, monkeypatch):
    resident_with_card(testapp, "rep@exemple.fr", "Rita du 10e", card=False)
    resident_with_card(testapp, "vol@exemple.fr", "Victor du 19e")  # a card: may volunteer
    resident(testapp, "agent@paris.example", "Agent Ville", Role.ADMIN)
    form = testapp.get("/organisations/nouvelle").forms["organization"]
    form["name"], form["kind"], form["place"] = "Conseil de la jeunesse", "consultative-body", "paris"
    form["description"] = "L'instance consultative des jeunes Parisiennes et Parisiens."
    org = followed(testapp, lambda: form.submit("submit"), monkeypatch, "organization")
    org_path = org.request.path
    attach = org.forms["attach"]
    attach["email"] = "rep@exemple.fr"
    followed(testapp, lambda: attach.submit("submit"), monkeypatch, "organization")
    log_in(testapp, "rep@exemple.fr")  # the representative publishes an offer, then withdraws it
    form = testapp.get(org_path + "/offres/nouvelle").forms["offer"]
    form["title"], form["kind"], form["place"] = "Balade au fil du canal", "cultural", "10"
    form["description"] = "Une visite commentée du canal Saint-Martin."
    form["starts_on"], form["ends_on"] = "2027-05-01", "2027-06-30"
    form["card_conditions"] = "Gratuit sur présentation de la carte."
    org = followed(testapp, lambda: form.submit("submit"), monkeypatch, "organization")
    withdraw = next(f for f in org.forms.values() if "/offres/" in f.action and f.action.endswith("/retirer"))
    followed(testapp, withdraw.submit, monkeypatch, "organization")
    log_in(testapp, "agent@paris.example")
    detach = next(f for f in testapp.get(org_path).forms.values() if f.action.endswith("/detacher"))
    followed(testapp, detach.submit, monkeypatch, "organization")
    form = testapp.get(org_path + "/tirages/nouveau").forms["seat-call"]
    form["title"], form["seats"], form["strata"] = "Sièges 2027", "1", "Nord-est ; 18,19,20 ; ; 1"
    call_path = followed(testapp, lambda: form.submit("submit"), monkeypatch, "seat_call").request.path
    log_in(testapp, "vol@exemple.fr")
    volunteer = testapp.get(call_path).forms["volunteer"]
    followed(testapp, lambda: volunteer.submit("submit"), monkeypatch, "seat_call")
    log_in(testapp, "agent@paris.example")
    seed = "ab" * 32
    commit = testapp.get(call_path).forms["commit"]
    commit["seed_sha256"] = hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    followed(testapp, lambda: commit.submit("submit"), monkeypatch, "seat_call")
    close = testapp.get(call_path).forms["close"]
    followed(testapp, lambda: close.submit("submit"), monkeypatch, "seat_call")
    reveal = testapp.get(call_path).forms["reveal"]
    reveal["seed"] = seed
    followed(testapp, lambda: reveal.submit("submit"), monkeypatch, "seat_call")


def fill(page, formid, **fields):
    form = page.forms[formid]
    for name, value in fields.items():
        form[name] = value
    return form.submit("submit")


def test_charter_guide_and_engagement_pages_answering_writes_read_declared_read_models(testapp, monkeypatch):
    editor = person(testapp, "editrice@paris.fr", "Éditrice DDCT", role=Role.EDITOR)
    camille = person(testapp, "camille@exemple.fr", "Camille du 11e")
    article = start_charter(editor)
    followed(editor, lambda: fill(editor.get("/charte/redaction"), "publish", note="Première version"),
             monkeypatch, "charter_edit")
    amendment = followed(camille, lambda: fill(camille.get(article + "/amender"), "amendment",
                                               text="La participation est ouverte à toutes et tous.",
                                               rationale="Plus inclusif"), monkeypatch, "charter_amendment")
    url = amendment.request.path
    followed(camille, lambda: fill(camille.get(url), "vote", choice="agree"), monkeypatch,
             "charter_amendment")
    followed(camille, lambda: fill(camille.get(url), "withdraw"), monkeypatch, "charter_amendment")
    followed(editor, lambda: fill(editor.get(url), "decision", decision="accept", reason="Retenu"),
             monkeypatch, "charter_amendment")
    page = editor.get(article + "/modifier")
    followed(editor, lambda: fill(page, "revise", text="La participation est ouverte à chacune et chacun.",
                                  reason="Plus simple"), monkeypatch, "charter_article")
    engage = services(testapp)
    engage.wait_for(engage.app.start_phase(editor.consultation_id, "adoption",
                                           started_by=editor.person_id).position)
    followed(editor, lambda: fill(
        editor.get("/charte/adoption"), "deliberation", DELIB_ID="2017 DDCT 183", DELIB_DATE="2017-11-20",
        DELIB_OBJET="Adoption de la Charte parisienne de la participation", DELIB_MATIERE_CODE="9.1",
        DELIB_MATIERE_NOM="Autres domaines de compétences des communes", VOTE_EFFECTIF="163", VOTE_REEL="150",
        VOTE_POUR="120", VOTE_CONTRE="20", VOTE_ABSTENTION="10", groups="Groupe écologiste ; 16 ; 0 ; 0",
        illustrative=True), monkeypatch, "charter_adopted")
    engage.wait_for(engage.app.plan_milestone(step=1, title="Lancement", description="Guide",
                                              planned_start="2017-01-01", planned_end="2017-06-30").position)
    followed(editor, lambda: fill(editor.get("/engagement/etapes/1"), "progress", level="substantial",
                                  actual_start="2017-01-15", actual_end="", note="En ligne"),
             monkeypatch, "engagement")
    followed(editor, lambda: fill(editor.get("/engagement/etapes/1"), "deliverable", title="La charte",
                                  url="/charte"), monkeypatch, "engagement_step")
    followed(editor, lambda: fill(editor.get("/guide/rediger"), "guide", slug="comment-participer",
                                  title="Comment participer", body="## Les conseils de quartier"),
             monkeypatch, "guide_page")


def test_workshop_staff_pages_answering_writes_read_declared_read_models(testapp, monkeypatch):
    resident_with_card(testapp, "anim@exemple.fr", "Animatrice Nadia", card=False, role=Role.FACILITATOR)
    log_in(testapp, "anim@exemple.fr")
    form = testapp.get("/ateliers/animation/nouvel-atelier").forms["workshop"]
    form["title"], form["theme"], form["language"] = "Rencontrer vos élus du 18e", "rencontrer-des-elus", "fr"
    form["description"] = "Une heure d'échange avec les conseillers d'arrondissement."
    form["accessibility"] = "Accès de plain-pied."
    new_session = followed(testapp, lambda: form.submit("submit"), monkeypatch,
                           "session_new").forms["session"]
    new_session["starts_at"], new_session["ends_at"] = "2030-03-04T18:00", "2030-03-04T19:30"
    new_session["capacity"], new_session["place"], new_session["arrondissement"] = "20", "Mairie du 18e", "18"
    session = followed(testapp, lambda: new_session.submit("submit"), monkeypatch, "workshop_session")
    base = session.request.path.replace("/ateliers/seance/", "/ateliers/animation/seance/")
    form = testapp.get(base + "/deplacer").forms["reschedule"]
    form["starts_at"], form["ends_at"] = "2030-05-06T10:00", "2030-05-06T12:00"
    followed(testapp, lambda: form.submit("submit"), monkeypatch, "workshop_session")
    cancel = testapp.get(base + "/annuler").forms["cancel-session"]
    followed(testapp, lambda: cancel.submit("submit"), monkeypatch, "workshop_session")


def test_restitution_pages_answering_writes_read_declared_read_models(editor_app, monkeypatch):
    create_via_web(editor_app)
    form = editor_app.get("/consultations/charte/contribuer").forms["contribution"]
    form["kind"], form["theme"], form["text"] = "proposition", THEMES[0], "Des réunions le soir."
    item_url = form.submit("submit", status=303).location.replace("http://localhost", "")
    engage = services(editor_app)
    consultation = UUID(consultation_queries.consultation(engage.db, "charte").consultation_id)
    engage.wait_for(engage.app.start_phase(consultation, "restitution", started_by=UUID(int=7)).position)
    form = editor_app.get(item_url + "/suite-donnee").forms["answer"]
    form["status"], form["justification"] = "retenue", "Un compte rendu sous huit jours."
    followed(editor_app, lambda: form.submit("submit"), monkeypatch, "contribution")
    followed(editor_app, lambda: editor_app.get(item_url + "/citer").forms["quote"].submit("submit"),
             monkeypatch, "contribution")
    publish = editor_app.get("/consultations/charte/restitution/publier").forms["publish"]
    followed(editor_app, lambda: publish.submit("submit"), monkeypatch, "restitution_version")


def test_the_staff_card_page_answering_a_decision_reads_declared_read_models(testapp, monkeypatch):
    signed_in_resident(testapp, "camille@exemple.fr")
    form = testapp.get("/carte").forms["card-request"]
    for name, value in CARD.items():
        form[name] = value
    form.submit("submit", status=303)
    testapp.reset()
    resident(testapp, "agent@paris.example", "Agent Ville", Role.ADMIN)
    card_id = card_id_for_person(services(testapp).app.find_person_by_email("camille@exemple.fr"))
    page = testapp.get(f"/admin/cartes/{card_id.hex}")
    suspend = page.forms["decision-suspend"]
    suspend["reason"] = "Perte déclarée au guichet"
    followed(testapp, lambda: suspend.submit("submit"), monkeypatch, "staff_card")


def test_the_contribution_page_answers_its_author_moderators_and_editors_with_declared_reads(
        editor_app, make_app, monkeypatch):
    create_via_web(editor_app)
    form = editor_app.get("/consultations/charte/reunions/nouvelle").forms["meeting"]
    form["title"], form["starts_at"] = "Réunion publique du 11e", "2027-01-15T18:30"
    form["place"], form["arrondissement"] = "Mairie du 11e", "11"
    form.submit("submit", status=303)
    form = editor_app.get("/consultations/charte/modifier").forms["consultation"]
    form["description"] = "Construisons ensemble la charte, quartier par quartier."
    followed(editor_app, lambda: form.submit("submit"), monkeypatch, "consultation")
    camille = make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    form = camille.get("/consultations/charte/contribuer").forms["contribution"]
    form["kind"], form["theme"], form["text"] = "proposition", THEMES[0], "Des réunions le soir."
    item_url = form.submit("submit", status=303).location.replace("http://localhost", "")
    edit = camille.get(item_url + "/modifier").forms["edit"]
    edit["text"] = "Des réunions le soir, et le samedi."
    followed(camille, lambda: edit.submit("submit"), monkeypatch, "contribution")
    hands = editor_app.get(item_url).forms["hands"]
    hands["agree"], hands["mixed"], hands["disagree"] = "12", "3", "1"
    followed(editor_app, lambda: hands.submit("submit"), monkeypatch, "contribution")
    lea = make_app()
    resident(lea, "lea@exemple.fr", "Léa du 20e")
    report = lea.get(item_url + "/signaler").forms["report"]
    report["reason"] = "Hors sujet à mon avis."
    followed(lea, lambda: report.submit("submit"), monkeypatch, "contribution")
    withdraw = camille.get(item_url + "/retirer").forms["withdraw"]
    followed(camille, lambda: withdraw.submit("submit"), monkeypatch, "contribution")


def test_pages_answering_their_own_writes_read_declared_read_models(testapp, monkeypatch):
    resident_with_card(testapp, "claude@exemple.fr", "Claude", card=False)
    resident(testapp, "agent@paris.example", "Agent Ville", Role.ADMIN)
    form = testapp.get("/gestion/membres").forms["pb-import"]
    members = "email;arrondissement;nom;date d'adhésion\nm1@exemple.fr;11;Membre 1;2024-02-01\n"
    form["membership_file"] = Upload("membres.csv", members.encode(), "text/csv")
    answered(testapp, lambda: form.submit("submit"), monkeypatch, "pb_members_import")
    form = testapp.get("/admin/roles").forms["role"]
    form["email"], form["role"], form["action"] = "claude@exemple.fr", "editor", "grant"
    confirm = form.submit("submit").forms["role-confirm"]
    answered(testapp, lambda: confirm.submit("submit"), monkeypatch, "admin_roles")
