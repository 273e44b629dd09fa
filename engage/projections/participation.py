"""A resident's own participation history: every act of theirs, newest first, paged.

    rm_participation_history(person_id, position, kind, summary, mapping, occurred_at)

The projection is generic: it follows whatever event types have a *describer*, a function
that turns one event into at most one line of someone's history. A capability extends
the history by registering describers for its own events, in its own module, imported by
`engage.projections.all_projections` before the engine starts:

    from engage.projections.participation import describes, Entry

    @describes(WorkshopSession.AttendanceRecorded)
    def attended(event, ctx):
        return Entry(event.person_id, "workshop", _("Atelier suivi : ${title}"), {"title": event.title})

`summary` is a French msgid (write it with `_()` so the catalogue sees it) and `mapping`
fills its ${placeholders}; the page translates at display time. Never put a name, an
email, an address or a card number in either: the rows outlive an erasure, pseudonymous.
An event that does not carry its person can be resolved through `ctx.person_of(aggregate
id)`, filled with `ctx.remember(aggregate id, person id)` by an earlier event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable
from uuid import UUID

from ..db import Cursor
from .base import Projection


@dataclass(frozen=True)
class Entry:
    person_id: UUID
    kind: str  # "card", "account", "workshop", "contribution", ...
    summary: str  # French msgid
    mapping: dict[str, Any] = field(default_factory=dict)


class Context:
    def __init__(self, cur: Cursor):
        self.cur = cur

    def remember(self, aggregate_id: UUID, person_id: UUID) -> None:
        self.cur.execute(
            "INSERT INTO rm_participation_subjects (aggregate_id, person_id) VALUES (%s, %s)"
            " ON CONFLICT (aggregate_id) DO NOTHING",
            [aggregate_id.hex, person_id.hex],
        )

    def person_of(self, aggregate_id: UUID) -> UUID | None:
        found = self.cur.scalar(
            "SELECT person_id FROM rm_participation_subjects WHERE aggregate_id = %s", [aggregate_id.hex]
        )
        return UUID(found) if found else None


Describer = Callable[[Any, Context], "Entry | None"]
DESCRIBERS: dict[type, Describer] = {}


def describes(event_class: type) -> Callable[[Describer], Describer]:
    def register(function: Describer) -> Describer:
        DESCRIBERS[event_class] = function
        return function

    return register


class ParticipationHistoryProjection(Projection):
    name = "participation_history"
    tables = ("rm_participation_subjects", "rm_participation_history")

    @classmethod
    def follows_now(cls) -> tuple[type, ...]:
        return tuple(DESCRIBERS)

    @classmethod
    def topics(cls) -> list[str]:
        from eventsourcing.utils import get_topic

        return [get_topic(event_class) for event_class in DESCRIBERS]

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_participation_subjects (
                aggregate_id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL
            )"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_participation_history (
                person_id TEXT NOT NULL,
                position BIGINT NOT NULL,
                kind TEXT NOT NULL,
                summary TEXT NOT NULL,
                mapping TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                PRIMARY KEY (person_id, position)
            )"""
        )

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        describer = DESCRIBERS.get(type(event))
        if describer is None:
            return
        entry = describer(event, Context(cur))
        if entry is None:
            return
        cur.execute(
            "INSERT INTO rm_participation_history (person_id, position, kind, summary, mapping, occurred_at)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (person_id, position) DO NOTHING",
            [entry.person_id.hex, position, entry.kind, str(entry.summary),
             json.dumps(entry.mapping, sort_keys=True), event.timestamp.isoformat()],
        )


@dataclass(frozen=True)
class HistoryLine:
    position: int
    kind: str
    summary: str
    mapping: dict[str, Any]
    occurred_at: str


def participation_history(db, person_id: UUID, *, before: int | None = None, limit: int = 20) -> list[HistoryLine]:
    """One page, newest first; the next page starts `before` the last line's position."""
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT position, kind, summary, mapping, occurred_at FROM rm_participation_history"
            " WHERE person_id = %s AND position < %s ORDER BY position DESC LIMIT %s",
            [person_id.hex, before if before is not None else 2**62, limit],
        ).fetchall()
    return [HistoryLine(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]
