"""The resident's own participation history, as the card and account pages show it."""

from __future__ import annotations

from uuid import UUID

from ..i18n import _
from ..projections.participation import participation_history
from ..projections.participation_residents import CONSENTS, REPLACEMENT
from .card_forms import ROLE_TITLES
from .formatting import long_date, moment

PAGE_SIZE = 20
# Codes that appear in history mappings, shown as words.
CODE_LABELS = {**{str(r): t for r, t in ROLE_TITLES.items()}, **CONSENTS, **REPLACEMENT}
KIND_LABELS = {"account": _("Compte"), "card": _("Carte"), "workshop": _("Atelier")}


def history_context(request, person_id: UUID, *, limit: int = PAGE_SIZE) -> dict:
    translate = request.localizer.translate
    locale = request.locale_name
    before = request.params.get("avant")
    before = int(before) if before and before.isdigit() else None
    lines = participation_history(request.engage.db, person_id, before=before, limit=limit + 1)
    more = len(lines) > limit
    lines = lines[:limit]
    shown = []
    for line in lines:
        mapping = {}
        for key, value in line.mapping.items():
            if key == "date":
                mapping[key] = long_date(value, locale)
            else:
                mapping[key] = translate(CODE_LABELS[value]) if value in CODE_LABELS else value
        shown.append({
            "when": moment(line.occurred_at, locale),
            "kind": translate(KIND_LABELS.get(line.kind, line.kind)),
            "summary": translate(_(line.summary, mapping=mapping)),
        })
    return {
        "history": shown,
        "history_next": request.current_route_path(_query={"avant": lines[-1].position}) if more else None,
        "history_first_page": before is not None,
    }
