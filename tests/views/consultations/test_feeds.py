"""The consultations' Atom feeds (RFC 4287) through the web, on both back ends: parsed by
feedparser (bozo false) and by an XML parser for the RFC's required elements."""

from __future__ import annotations

from uuid import UUID
from xml.etree import ElementTree as ET

import feedparser

from engage.projections.consultations import queries as q
from engage.projections.restitution import queries as rq
from tests.common.consultations import EDITOR, contribute, create_consultation

ATOM = "{http://www.w3.org/2005/Atom}"
WHY = "La Ville publiera les comptes rendus sous huit jours."
NAME, EMAIL = "Séraphine Quillard", "seraphine@exemple.fr"


def _story(services):
    """A consultation that went to its restitution (an answer, a published version), then another."""
    app = services.app
    author = app.issue_card(name=NAME, email=EMAIL, arrondissement=11, age_band="25-34",
                            consent_to_consultation=True).person_id
    cid = create_consultation(app)
    item = contribute(app, cid, author).id
    app.start_phase(cid, "restitution", started_by=EDITOR)
    app.answer_contribution(cid, item, status="retenue", justification=WHY, answered_by=EDITOR)
    services.engine.catch_up()
    consultation = q.consultation(services.db, "charte")
    app.publish_restitution(cid, rq.report(services.db, consultation), published_by=EDITOR)
    other = create_consultation(app, slug="budget", open_phase=False, title="Budget participatif 2027")
    services.engine.catch_up()
    return cid, item, other


def _required(document: bytes) -> ET.Element:
    """RFC 4287 §4.1.1 and §4.1.2: what a feed and each entry must have."""
    root = ET.fromstring(document)
    assert root.tag == ATOM + "feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(ATOM + tag) is not None, tag
    assert root.find(ATOM + "link[@rel='self']").get("href").startswith("http://localhost/")
    for entry in root.findall(ATOM + "entry"):
        for tag in ("id", "title", "updated", "link"):
            assert entry.find(ATOM + tag) is not None, tag
        assert entry.find(ATOM + "id").text.startswith("urn:uuid:")
        assert entry.find(ATOM + "link").get("href").startswith("http://localhost/")
    return root


def test_the_site_feed_tells_the_story_newest_first(testapp):
    services = testapp.app.registry.engage
    cid, item, other = _story(services)
    response = testapp.get("/consultations/flux.atom", headers={"Host": "evil.example"})
    assert response.content_type == "application/atom+xml" and response.charset == "utf-8"
    assert "evil.example" not in response.text  # links from the public URL, never the Host
    assert NAME not in response.text and EMAIL not in response.text  # no author of a contribution
    _required(response.body)
    parsed = feedparser.parse(response.body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Consultations de la Ville de Paris" and parsed.feed.updated.endswith("Z")
    titles = [entry.title for entry in parsed.entries]
    assert titles == [
        "Nouvelle consultation : Budget participatif 2027",
        "Restitution publiée, version 1 : Charte parisienne de la participation",
        "Suite donnée à une contribution (Retenue) : Charte parisienne de la participation",
        "Charte parisienne de la participation : la phase « Restitution » commence",
        "Charte parisienne de la participation : la phase « Consultation » commence",
        "Nouvelle consultation : Charte parisienne de la participation",
    ]
    answer = parsed.entries[2]
    assert answer.summary == WHY
    assert answer.link == f"http://localhost/consultations/charte/contributions/{item.hex}"
    assert parsed.entries[1].link == "http://localhost/consultations/charte/restitution/versions/1"
    assert [e.updated for e in parsed.entries] == sorted((e.updated for e in parsed.entries), reverse=True)
    assert len({e.id for e in parsed.entries}) == 6
    assert testapp.get("/consultations/flux.atom").text == response.text  # stable ids, stable document


def test_a_consultation_feed_keeps_to_its_consultation_and_drops_a_hidden_answer(testapp):
    services = testapp.app.registry.engage
    cid, item, other = _story(services)
    response = testapp.get("/consultations/charte/flux.atom")
    parsed = feedparser.parse(response.body)
    assert not parsed.bozo and len(parsed.entries) == 5
    assert parsed.feed.title == "Consultation : Charte parisienne de la participation"
    assert parsed.feed.link == "http://localhost/consultations/charte"
    assert all("Budget" not in e.title for e in parsed.entries)
    assert feedparser.parse(testapp.get(f"/consultations/{cid.hex}/flux.atom").body).feed.id == parsed.feed.id
    only = feedparser.parse(testapp.get("/consultations/budget/flux.atom").body)
    assert [e.title for e in only.entries] == ["Nouvelle consultation : Budget participatif 2027"]
    services.app.hide_contribution(item, reason="Propos injurieux envers un tiers", moderator_id=EDITOR)
    services.engine.catch_up()
    hidden = feedparser.parse(testapp.get("/consultations/charte/flux.atom").body)
    assert len(hidden.entries) == 4 and WHY not in testapp.get("/consultations/flux.atom").text
    services.app.restore_contribution(item, moderator_id=EDITOR)
    services.engine.catch_up()
    assert len(feedparser.parse(testapp.get("/consultations/charte/flux.atom").body).entries) == 5


def test_unknown_consultation_and_conditional_requests(testapp):
    services = testapp.app.registry.engage
    testapp.get("/consultations/inconnue/flux.atom", status=404)
    testapp.get(f"/consultations/{UUID(int=5).hex}/flux.atom", status=404)
    empty = testapp.get("/consultations/flux.atom")
    _required(empty.body)
    assert not feedparser.parse(empty.body).bozo
    create_consultation(services.app)
    services.engine.catch_up()
    first = testapp.get("/consultations/flux.atom")
    assert first.etag and first.etag != empty.etag and first.last_modified is not None
    assert "public" in first.headers["Cache-Control"]
    testapp.get("/consultations/flux.atom", headers={"If-None-Match": f'"{first.etag}"'}, status=304)
    testapp.get("/consultations/charte/flux.atom", status=200)


def test_pages_link_their_feed(testapp):
    services = testapp.app.registry.engage
    create_consultation(services.app)
    services.engine.catch_up()
    listing = testapp.get("/consultations")
    assert listing.html.find("link", rel="alternate", type="application/atom+xml")["href"].endswith(
        "/consultations/flux.atom")
    page = testapp.get("/consultations/charte")
    assert page.html.find("link", rel="alternate", type="application/atom+xml")["href"].endswith(
        "/consultations/charte/flux.atom")
    assert page.html.find("a", href=lambda h: h and h.endswith("/consultations/charte/flux.atom"))
