"""Consultations for the tests: an open one through the application or through the editors' pages, a contribution."""

from __future__ import annotations

import datetime
from uuid import UUID, uuid4

PLAN = [
    {"phase": "consultation", "starts_on": "2026-11-01", "ends_on": "2026-12-31"},
    {"phase": "restitution", "starts_on": "2027-01-01", "ends_on": "2027-01-31"},
    {"phase": "redaction", "starts_on": "2027-02-01", "ends_on": "2027-03-15"},
    {"phase": "adoption", "starts_on": "2027-03-16", "ends_on": "2027-04-30"},
]
THEMES = ["Information des habitants", "Budget participatif", "Conseils de quartier"]
EDITOR = UUID(int=1)


def create_consultation(app, *, slug="charte", open_phase=True, card_required=False, threshold=1500,
                        title="Charte parisienne de la participation"):
    created = app.create_consultation(
        slug=slug, created_by=EDITOR, title=title,
        description="Donnez votre avis sur la charte.", themes=THEMES, plan=PLAN,
        card_required=card_required, support_threshold=threshold)
    if open_phase:
        app.start_phase(created.id, "consultation", started_by=EDITOR)
    return created.id


def contribute(app, consultation_id, person_id=None, *, text="Publier les comptes rendus en ligne.",
               kind="proposition", theme="Information des habitants", **kw):
    return app.contribute(consultation_id=consultation_id, person_id=person_id or uuid4(),
                          has_valid_card=kw.pop("has_valid_card", True), kind=kind, theme=theme, text=text, **kw)


def schedule_meeting(app, consultation_id, *, title="Réunion publique du 11e", place="Mairie du 11e, salle des fêtes"):
    """An in-person meeting of the consultation, in the 11th, on 3 December 2026 at 18:30 UTC; its id."""
    return app.schedule_meeting(
        consultation_id=consultation_id, facilitator_id=EDITOR, title=title,
        starts_at=datetime.datetime(2026, 12, 3, 18, 30, tzinfo=datetime.timezone.utc),
        place=place, arrondissement=11).id


def fill_plan(form, plan=PLAN):
    for p in plan:
        form[f"{p['phase']}_starts"] = p["starts_on"]
        form[f"{p['phase']}_ends"] = p["ends_on"]


def create_via_web(app, slug="charte", card="non", threshold="2"):
    """A consultation created through the editors' form on `app` (an editor signed in), then opened."""
    form = app.get("/consultations/nouvelle").forms["consultation"]
    form["slug"] = slug
    form["title"] = "Charte parisienne de la participation"
    form["description"] = "Construisons ensemble la charte."
    form["themes"] = "\n".join(THEMES)
    fill_plan(form)
    form["card_required"] = card
    form["support_threshold"] = threshold
    page = form.submit("submit", status=303).follow()
    page.forms[1].submit(status=303)  # open the consultation phase (forms[0] is logout)
    return page
