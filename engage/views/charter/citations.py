"""Citing the contributions that shaped an article version (editing it, or accepting an amendment):
a picker that works without JavaScript (a GET search over the consultation's published contributions,
paged, whose results are checkboxes of the POST form), plus a field for contribution addresses or
identifiers pasted from their pages.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode
from uuid import UUID

import colander
import deform

from engage.domain.charter.model import MAX_CITED
from engage.domain.consultations.model import KINDS
from engage.i18n import _
from engage.projections.charter import provenance_queries as pq
from engage.projections.consultations import queries as cq
from engage.views.toolkit import page_number, query

PICKER_PAGE = 10
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


def references_validator(node, value):
    """Each line or comma-separated piece must hold a contribution id (an address of its page will do)."""
    for piece in re.split(r"[\s,;]+", value or ""):
        if piece and not UUID_TEXT.search(piece):
            raise colander.Invalid(node, _("« ${piece} » n'est ni l'adresse ni l'identifiant d'une contribution.",
                                           mapping={"piece": piece[:80]}))


def add_citation_fields(schema: colander.Schema, choices: list[tuple[str, str]]) -> colander.Schema:
    """The two citation fields, appended to a revision or decision schema (before binding)."""
    schema.add(colander.SchemaNode(
        colander.Set(), name="contributions", title=_("Contributions de la consultation qui ont inspiré cette version"),
        missing=(), widget=deform.widget.CheckboxChoiceWidget(values=choices),
        description=_("Cochez les contributions trouvées par la recherche ci-dessus (${max} au plus).",
                      mapping={"max": MAX_CITED})))
    schema.add(colander.SchemaNode(
        colander.String(), name="references", title=_("Autres contributions citées (adresses ou identifiants)"),
        missing="", validator=colander.All(colander.Length(max=4000, max_err=_("Ce champ est trop long.")),
                                           references_validator),
        widget=deform.widget.TextAreaWidget(rows=2),
        description=_("Collez l'adresse de la page d'une contribution, une par ligne.")))
    return schema


def cited_ids(data: dict) -> list[UUID]:
    """The contributions chosen in the picker, in order, without repeats (ids as UUIDs)."""
    found = list(data.get("contributions") or ()) + UUID_TEXT.findall(data.get("references") or "")
    out: list[UUID] = []
    for text in found:
        try:
            value = UUID(text)
        except ValueError:
            continue
        if value not in out:
            out.append(value)
    return out


def picker(request) -> dict:
    """The search over the charter's consultation: its results, as choices of the form, and paging."""
    link = pq.charter_consultation(request.engage.db)
    params = query(request)
    text = (params.get("recherche") or "").strip()[:200]
    page = page_number(request)
    if link is None:
        return {"link": None, "choices": [], "text": text, "page": page, "more": False,
                "previous_url": None, "next_url": None}
    if text:
        rows, more = cq.search(request.engage.db, link.consultation_id, text, page=page, size=PICKER_PAGE)
    else:
        rows, more = cq.contributions(request.engage.db, link.consultation_id, page=page, size=PICKER_PAGE)
    translate = request.localizer.translate
    choices = []
    for row in rows:
        if not row.published:
            continue  # hidden or withdrawn: not citable, not offered
        who = row.author_name or translate(_("en réunion publique"))
        body = row.body if len(row.body) <= 160 else row.body[:159] + "…"
        choices.append((row.contribution_id,
                        f"{row.contribution_id[:8]} · {translate(_(KINDS.get(row.kind, row.kind)))} · {who} : {body}"))

    def page_url(number: int) -> str:
        return request.path_url + "?" + urlencode({**({"recherche": text} if text else {}), "page": number})

    return {"link": link, "choices": choices, "text": text, "page": page, "more": more,
            "previous_url": page_url(page - 1) if page > 1 else None, "next_url": page_url(page + 1) if more else None}
