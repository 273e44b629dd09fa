"""The consultations' route factories: an unknown, malformed or foreign ref is a 404, never a
500; the restitution adds its part to a contribution's page through an extension."""

from __future__ import annotations

import datetime
import pathlib
from uuid import uuid4

from tests.common.consultations import EDITOR, contribute, create_consultation

SOURCE = pathlib.Path(__file__).resolve().parents[3] / "engage" / "views"
WHY = "La charte prévoit désormais un compte rendu sous huit jours."


def _two_consultations(services):
    """Two open consultations, one contribution and one meeting in the first."""
    app = services.app
    first = create_consultation(app, slug="charte")
    create_consultation(app, slug="budget", title="Budget participatif")
    item = contribute(app, first).id
    meeting = app.schedule_meeting(
        consultation_id=first, facilitator_id=EDITOR, title="Réunion publique",
        starts_at=datetime.datetime(2026, 12, 3, 18, 30, tzinfo=datetime.timezone.utc), place="Mairie du 11e",
        arrondissement=11).id
    services.engine.catch_up()
    return first, item, meeting


def test_unknown_or_malformed_refs_are_404(testapp):
    services = testapp.app.registry.engage
    _first, item, meeting = _two_consultations(services)
    for url in ("/consultations/inconnue", f"/consultations/inconnue/contributions/{item.hex}",
                f"/consultations/{uuid4().hex}", "/consultations/charte/contributions/pas-un-identifiant",
                f"/consultations/charte/contributions/{uuid4().hex}",
                "/consultations/charte/reunions/pas-un-identifiant", f"/consultations/charte/reunions/{uuid4().hex}",
                "/consultations/inconnue/restitution", "/consultations/charte/restitution/versions/1",
                "/questionnaires/pas-un-identifiant", f"/questionnaires/{uuid4().hex}/resultats"):
        testapp.get(url, status=404)
    testapp.get(f"/consultations/charte/contributions/{item.hex}", status=200)
    testapp.get(f"/consultations/charte/reunions/{meeting.hex}", status=200)


def test_a_contribution_or_meeting_of_another_consultation_is_404(testapp):
    services = testapp.app.registry.engage
    _first, item, meeting = _two_consultations(services)
    testapp.get("/consultations/budget", status=200)
    testapp.get(f"/consultations/budget/contributions/{item.hex}", status=404)
    testapp.get(f"/consultations/budget/reunions/{meeting.hex}", status=404)


def test_the_restitution_shows_on_the_contribution_and_consultation_pages(testapp):
    services = testapp.app.registry.engage
    first, item, _meeting = _two_consultations(services)
    url = f"/consultations/charte/contributions/{item.hex}"
    page = testapp.get(url)
    assert 'id="suite-donnee"' not in page.text  # nothing answered, nobody may answer yet
    assert "/consultations/charte/restitution" not in testapp.get("/consultations/charte").text
    services.app.start_phase(first, "restitution", started_by=EDITOR)
    services.app.answer_contribution(first, item, status="retenue", justification=WHY, answered_by=EDITOR)
    services.engine.catch_up()
    page = testapp.get(url)
    assert 'id="suite-donnee"' in page.text and "Retenue" in page.text and WHY in page.text
    listing = testapp.get("/consultations/charte")  # the restitution extends the consultation's page too
    assert "Suite donnée :" in listing.text and "/consultations/charte/restitution" in listing.text


def test_the_consultation_views_know_nothing_of_the_restitution():
    """The contribution page's view does not call the restitution: it extends the page."""
    consultations = "".join(p.read_text() for p in (SOURCE / "consultations").glob("*.py"))
    restitution = "".join(p.read_text() for p in (SOURCE / "restitution").glob("*.py"))
    assert "engage.views.restitution" not in consultations
    assert "engage.views.consultations" not in restitution
    assert '@extends("engage:templates/contribution_page.pt"' in restitution
    assert '@extends("engage:templates/consultation_page.pt"' in restitution
