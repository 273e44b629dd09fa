"""Provenance both ways between the charter and its consultation.

- Each article version has its page (text, the amendment it came from, the contributions cited).
- Each contribution page shows where it went (the article versions citing it): an extension of
  contribution_page.pt (engage/views/extensions.py), so the consultation views stay untouched.

Editors choose the contributions they cite with the picker of engage/views/charter/citations.py.
"""

from __future__ import annotations

from pyramid.view import view_config

from engage.domain.consultations.model import KINDS
from engage.projections.charter import provenance_queries as pq
from engage.projections.charter import queries as q
from engage.views.extensions import extends


@view_config(route_name="charter_article_version", renderer="engage:templates/charter_article_version.pt")
def article_version(context, request):
    article, version = context.article, context.version
    db = request.engage.db
    amendment = q.amendment(db, version.amendment_id) if version.amendment_id else None
    return {"article": article, "version": version, "amendment": amendment,
            "cited": pq.cited_by_version(db, article.article_id, version.version), "kinds": KINDS}


@extends("engage:templates/contribution_page.pt",
         reads=lambda known: [pq.where_it_went_read(known["contribution_id"])])
def where_it_went(request, values, rows=None) -> dict:
    """The article versions citing the page's contribution (an indexed read, with the page's own
    when it gives `rows`)."""
    item = values.get("item")
    if item is None:
        return {}
    if rows is None:
        return {"charter_citations": pq.where_it_went(request.engage.db, item.contribution_id)}
    return {"charter_citations": pq.destinations(rows[0])}
