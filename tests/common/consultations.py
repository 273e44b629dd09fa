"""Shared builders for the consultation tests."""

from __future__ import annotations

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
