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
id)`, filled with `ctx.remember(aggregate id, person id)` by an earlier event. An act the
public log must not attribute (a ballot, a questionnaire response: keyed ids, no person id)
carries its actor sealed (`sealed_voter`, ...: see engage/domain/attribution.py), opened
with `ctx.actor(event, "sealed_voter")`. A describer may return a list of entries (one
event, several people: a draw by lot).

Erasure: on `PersonalDataErased` the person's lines and remembered subjects are deleted
(the ballots they link to stay in the log, unattributable), and one line records the fact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable
from uuid import UUID

from engage.db import Cursor
from engage.domain.accounts.model import Account
from engage.domain.attribution import actor_key, open_actor
from engage.projections.base import Projection, insert_rows


@dataclass(frozen=True)
class Entry:
    person_id: UUID
    kind: str  # "card", "account", "workshop", "contribution", ...
    summary: str  # French msgid
    mapping: dict[str, Any] = field(default_factory=dict)


class Context:
    """What describers may read and remember. Writes are kept in memory and written by
    `flush` (a few statements per batch instead of several per event); reads see them, and
    rows read once are cached for the batch: this projection alone writes these tables, in
    the batch's own transaction."""

    def __init__(self, cur: Cursor, actor_key: bytes | None = None):
        self.cur = cur
        self._actor_key = actor_key
        self._subjects: dict[str, str] = {}  # to insert; first one wins (ON CONFLICT DO NOTHING)
        self._titles: dict[str, str] = {}  # to upsert; last one wins
        self._known_subjects: dict[str, str | None] = {}
        self._known_titles: dict[str, str | None] = {}
        self.lines: list[tuple] = []

    def actor(self, event: Any, field_name: str) -> UUID | None:
        """The person a sealed actor field names (None: an older event without it, or no key)."""
        if self._actor_key is None:
            return None
        return open_actor(self._actor_key, event.originator_id, getattr(event, field_name, None))

    def remember(self, aggregate_id: UUID, person_id: UUID) -> None:
        self._subjects.setdefault(aggregate_id.hex, person_id.hex)

    def name(self, key: UUID | str, title: str) -> None:
        """Remember what an id is called (a consultation's title), for later lines' mappings."""
        self._titles[key.hex if isinstance(key, UUID) else str(key)] = title

    def title_of(self, key: UUID | str | None) -> str:
        if key is None:
            return ""
        key = key.hex if isinstance(key, UUID) else str(key)
        if key in self._titles:
            return self._titles[key]
        if key not in self._known_titles:
            self._known_titles[key] = self.cur.scalar(
                "SELECT title FROM rm_participation_titles WHERE subject = %s", [key])
        return self._known_titles[key] or ""

    def person_of(self, aggregate_id: UUID) -> UUID | None:
        key = aggregate_id.hex
        if key not in self._known_subjects:
            self._known_subjects[key] = self.cur.scalar(
                "SELECT person_id FROM rm_participation_subjects WHERE aggregate_id = %s", [key])
        found = self._known_subjects[key] or self._subjects.get(key)
        return UUID(found) if found else None

    def flush(self) -> None:
        with self.cur.writes():  # no answer read: they go with the batch's next statement
            insert_rows(self.cur, "rm_participation_subjects", ("aggregate_id", "person_id"),
                        list(self._subjects.items()), "ON CONFLICT (aggregate_id) DO NOTHING")
            insert_rows(self.cur, "rm_participation_titles", ("subject", "title"), list(self._titles.items()),
                        "ON CONFLICT (subject) DO UPDATE SET title = excluded.title")
            insert_rows(self.cur, "rm_participation_history",
                        ("person_id", "position", "kind", "summary", "mapping", "occurred_at"), self.lines,
                        "ON CONFLICT (person_id, position) DO NOTHING")
        self._subjects, self._titles, self.lines = {}, {}, []
        self._known_subjects.clear()
        self._known_titles.clear()


Describer = Callable[[Any, Context], "Entry | list[Entry] | None"]
DESCRIBERS: dict[type, Describer] = {}


def describes(event_class: type) -> Callable[[Describer], Describer]:
    def register(function: Describer) -> Describer:
        DESCRIBERS[event_class] = function
        return function

    return register


class ParticipationHistoryProjection(Projection):
    name = "participation_history"
    tables = ("rm_participation_subjects", "rm_participation_titles", "rm_participation_history")

    def __init__(self, identifier_key: bytes = b""):
        # Without the identifier key (a tool that only reads), sealed actors stay closed.
        self.actor_key = actor_key(identifier_key) if identifier_key else None

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
        # Public titles only (consultations, questionnaires, articles, workshops, organizations).
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_participation_titles (
                subject TEXT PRIMARY KEY,
                title TEXT NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_participation_subjects_person"
                    " ON rm_participation_subjects (person_id)")
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
        self.apply_batch(cur, [(event, position)])

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        """One context for the whole batch: its writes go out in a few statements at the end
        (or before an erasure, which deletes rows and must see everything before it)."""
        ctx = Context(cur, self.actor_key)
        for event, position in events:
            describer = DESCRIBERS.get(type(event))
            if describer is None:
                continue
            if isinstance(event, Account.PersonalDataErased):
                ctx.flush()
                person = event.originator_id.hex
                cur.execute("DELETE FROM rm_participation_history WHERE person_id = %s", [person])
                cur.execute("DELETE FROM rm_participation_subjects WHERE person_id = %s", [person])
            found = describer(event, ctx)
            entries = found if isinstance(found, list) else [found] if found is not None else []
            ctx.lines += [(entry.person_id.hex, position, entry.kind, str(entry.summary),
                           json.dumps(entry.mapping, sort_keys=True), event.timestamp.isoformat())
                          for entry in entries]
        ctx.flush()


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



def history_at(db, person_id: UUID, positions: list[int]) -> dict[int, HistoryLine]:
    """The person's lines at these log positions (one page of acts: a few dozen at most)."""
    if not positions:
        return {}
    marks = ", ".join(["%s"] * len(positions))
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT position, kind, summary, mapping, occurred_at FROM rm_participation_history"
            f" WHERE person_id = %s AND position IN ({marks})",
            [person_id.hex, *positions],
        ).fetchall()
    return {r[0]: HistoryLine(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows}

Mapping = Callable[[Any, Context], dict[str, Any]]


def subject_line(kind: str, summary: str, mapping: Mapping | None = None) -> Describer:
    """A describer for a later event of an aggregate whose person an earlier event remembered
    (`ctx.remember`): an edited contribution, a changed ballot, a decided amendment."""

    def describe(event, ctx):
        person = ctx.person_of(event.originator_id)
        if person is None:
            return None
        return Entry(person, kind, summary, mapping(event, ctx) if mapping else {})

    return describe


def sealed_actor_line(field_name: str, kind: str, summary: str, mapping: Mapping, *,
                      remember: bool = False) -> Describer:
    """A describer for an act whose person is sealed in `field_name` (see ctx.actor);
    `remember`: later events of the same aggregate find the person with subject_line."""

    def describe(event, ctx):
        person = ctx.actor(event, field_name)
        if person is None:  # recorded before the act carried its sealed actor
            return None
        if remember:
            ctx.remember(event.originator_id, person)
        return Entry(person, kind, summary, mapping(event, ctx))

    return describe


def choice_mapping(choice_field: str, title_key: str, titled_by: Callable[[Any], Any]) -> Mapping:
    """{choice, title} for a ballot's line: the title is the one of the voted item
    (`titled_by(event)`), kept under the ballot's id so its later events find it too."""

    def values(event, ctx):
        title = ctx.title_of(titled_by(event))
        ctx.name(event.originator_id, title)
        return {choice_field: getattr(event, choice_field), title_key: title}

    return values
