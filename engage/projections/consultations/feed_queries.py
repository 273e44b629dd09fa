"""Queries of the consultations' feeds: the latest entries, site-wide or of one consultation,
newest first, a LIMIT walking an index of rm_feed_entries (engage/projections/consultations/feed.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engage.db import Database

LATEST = 50


@dataclass(frozen=True)
class FeedEntry:
    position: int
    consultation_id: str
    slug: str
    title: str
    description: str
    kind: str  # consultation, phase, answer, restitution (feed.py)
    subject: str
    detail: str
    item: str | None
    revision: int
    at: datetime


_ENTRY = ("SELECT e.position, e.consultation_id, c.slug, c.title, c.description, e.kind, e.subject, e.detail,"
          " e.item, e.revision, e.at FROM rm_feed_entries e"
          " JOIN rm_feed_consultations c ON c.consultation_id = e.consultation_id")


def _entry(row) -> FeedEntry:
    return FeedEntry(*row[:10], datetime.fromisoformat(row[10]))


def latest(db: Database, consultation_id: str | None = None, limit: int = LATEST) -> list[FeedEntry]:
    """The `limit` latest visible entries, newest first (of one consultation when given)."""
    with db.reading() as cur:
        if consultation_id is None:
            rows = cur.execute(_ENTRY + " WHERE e.visible = %s ORDER BY e.position DESC LIMIT %s",
                               [True, limit]).fetchall()
        else:
            rows = cur.execute(_ENTRY + " WHERE e.consultation_id = %s AND e.visible = %s"
                               " ORDER BY e.position DESC LIMIT %s", [consultation_id, True, limit]).fetchall()
    return [_entry(r) for r in rows]
