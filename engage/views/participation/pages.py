"""The resident's own participation history, on their account page (/compte)."""

from __future__ import annotations

from uuid import UUID

from engage.domain.consultations.model import KINDS, OPTIONS
from engage.i18n import CHOICE_LABELS, ROLE_TITLES, _
from engage.projections.accounts.history import CONSENTS, REPLACEMENT
from engage.projections.participation.projection import participation_history
from engage.views.extensions import extends
from engage.views.toolkit import query, signed_in_person, when

PAGE_SIZE = 20
# Codes that appear in history mappings, shown as words.
CODE_LABELS = {**{str(r): t for r, t in ROLE_TITLES.items()}, **CONSENTS, **REPLACEMENT}
KIND_LABELS = {"account": _("Compte"), "card": _("Carte"), "workshop": _("Atelier"),
               "contribution": _("Contribution"), "vote": _("Vote"), "meeting": _("Réunion publique"),
               "questionnaire": _("Questionnaire"), "charter": _("Charte"),
               "organization": _("Organisation"), "seat": _("Tirage au sort")}
# Codes shown as words only under their own key (a title or a motive is shown as written).
KEYED_LABELS = {
    "option": {code: _(label) for code, label in OPTIONS.items()},
    "kind": {code: _(label) for code, label in KINDS.items()},
    "choice": CHOICE_LABELS,
}
FREE_TEXT = {"consultation", "organization", "motif", "title", "article", "call"}


def described(request, line) -> str:
    """A history line's summary, translated, its codes shown as words."""
    translate = request.localizer.translate
    mapping = {}
    for key, value in line.mapping.items():
        if key == "date":
            mapping[key] = when(value, request.locale_name)
        elif key in KEYED_LABELS:
            label = KEYED_LABELS[key].get(value)
            mapping[key] = translate(label) if label else value
        elif key in FREE_TEXT:
            mapping[key] = value
        else:
            mapping[key] = translate(CODE_LABELS[value]) if value in CODE_LABELS else value
    return translate(_(line.summary, mapping=mapping))


def history_context(request, person_id: UUID, *, limit: int = PAGE_SIZE) -> dict:
    translate = request.localizer.translate
    locale = request.locale_name
    before = query(request).get("avant")
    before = int(before) if before and before.isdigit() else None
    lines = participation_history(request.engage.db, person_id, before=before, limit=limit + 1)
    more = len(lines) > limit
    lines = lines[:limit]
    shown = [{
        "when": when(line.occurred_at, locale, time=True),
        "kind": translate(KIND_LABELS.get(line.kind, line.kind)),
        "summary": described(request, line),
    } for line in lines]
    return {
        "history": shown,
        "history_next": request.current_route_path(_query={"avant": lines[-1].position}) if more else None,
        "history_first_page": before is not None,
    }


@extends("engage:templates/account.pt")
def history_on_the_account_page(request, values) -> dict:
    """The account page shows the history without its view importing this module."""
    person_id = signed_in_person(request)
    if person_id is None or "history" in values:
        return {}
    return history_context(request, person_id)
