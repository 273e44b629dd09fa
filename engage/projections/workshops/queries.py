"""Queries of the workshop pages: paged, on indexes of the workshops read model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from uuid import UUID

from engage.db import Database
from engage.projections.workshops.projection import ONLINE, iso

PAGE_SIZE = 10

_SESSION_COLUMNS = (
    "s.session_id, s.workshop_id, s.title, s.theme, s.starts_at, s.ends_at, s.arrondissement,"
    " s.place, s.online_link, s.capacity, s.registered, s.waitlisted, s.present,"
    " s.facilitator_id, s.cancelled"
)


def parse(moment: str) -> datetime:
    return datetime.strptime(moment, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class SessionView:
    session_id: str
    workshop_id: str
    title: str
    theme: str
    starts_at: datetime
    ends_at: datetime
    arrondissement: int | None
    place: str
    online_link: str
    capacity: int
    registered: int
    waitlisted: int
    present: int
    facilitator_id: str
    cancelled: bool

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.registered)


def _session(row) -> SessionView:
    values = list(row)
    values[4], values[5] = parse(values[4]), parse(values[5])
    values[14] = bool(values[14])
    return SessionView(*values)


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    has_next: bool


def catalogue(db: Database, *, theme: str | None = None, arrondissement: int | None = None,
              start: datetime | None = None, page: int = 1, size: int = PAGE_SIZE) -> Page:
    """Sessions to come (from `start`, now by default), soonest first; cancelled ones left out."""
    where = ["s.starts_at >= %s", "s.cancelled = %s"]
    params: list = [iso(start or datetime.now(timezone.utc)), False]
    if theme:
        where.append("s.theme = %s")
        params.append(theme)
    if arrondissement:
        where.append("s.arrondissement = %s")
        params.append(arrondissement)
    page = max(1, page)
    with db.reading() as cur:
        rows = cur.execute(
            f"SELECT {_SESSION_COLUMNS} FROM rm_workshop_sessions s WHERE {' AND '.join(where)}"
            " ORDER BY s.starts_at, s.session_id LIMIT %s OFFSET %s",
            params + [size + 1, (page - 1) * size],
        ).fetchall()
    return Page([_session(r) for r in rows[:size]], page, len(rows) > size)


CALENDAR_LIMIT = 500


def upcoming(db: Database, *, start: datetime | None = None, limit: int = CALENDAR_LIMIT) -> list[SessionView]:
    """The `limit` next sessions from `start` (now by default), soonest first, cancelled ones
    included (a subscribed calendar must learn of the cancellation): the calendar's rows."""
    with db.reading() as cur:
        rows = cur.execute(
            f"SELECT {_SESSION_COLUMNS} FROM rm_workshop_sessions s WHERE s.starts_at >= %s"
            " ORDER BY s.starts_at, s.session_id LIMIT %s",
            [iso(start or datetime.now(timezone.utc)), limit]).fetchall()
    return [_session(r) for r in rows]


def session(db: Database, session_id: UUID) -> SessionView | None:
    with db.reading() as cur:
        row = cur.execute(
            f"SELECT {_SESSION_COLUMNS} FROM rm_workshop_sessions s WHERE s.session_id = %s",
            [session_id.hex]).fetchone()
    return _session(row) if row else None


@dataclass(frozen=True)
class WorkshopView:
    workshop_id: str
    title: str
    theme: str
    description: str
    language: str
    accessibility: str


def workshop(db: Database, workshop_id: str) -> WorkshopView | None:
    with db.reading() as cur:
        row = cur.execute(
            "SELECT workshop_id, title, theme, description, language, accessibility"
            " FROM rm_workshops WHERE workshop_id = %s", [workshop_id]).fetchone()
    return WorkshopView(*row) if row else None


def workshops(db: Database, page: int = 1, size: int = 50) -> Page:
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT workshop_id, title, theme, description, language, accessibility FROM rm_workshops"
            " ORDER BY title, workshop_id LIMIT %s OFFSET %s", [size + 1, (max(1, page) - 1) * size]
        ).fetchall()
    return Page([WorkshopView(*r) for r in rows[:size]], page, len(rows) > size)


@dataclass(frozen=True)
class MyRegistration:
    state: str  # registered, waitlisted, withdrawn, walk-in
    rank: int | None
    attendance: str | None


def my_registration(db: Database, session_id: UUID, person_id: UUID) -> MyRegistration | None:
    with db.reading() as cur:
        row = cur.execute(
            "SELECT state, waitlist_seq, attendance FROM rm_workshop_registrations"
            " WHERE session_id = %s AND person_id = %s", [session_id.hex, person_id.hex]).fetchone()
        if row is None:
            return None
        rank = None
        if row[0] == "waitlisted":
            rank = cur.scalar(
                "SELECT COUNT(*) FROM rm_workshop_registrations WHERE session_id = %s"
                " AND state = 'waitlisted' AND waitlist_seq <= %s", [session_id.hex, row[1]], 0)
    return MyRegistration(row[0], rank, row[2])


@dataclass(frozen=True)
class MySession:
    session: SessionView
    state: str
    attendance: str | None


def my_sessions(db: Database, person_id: UUID, *, attended: bool = False, page: int = 1,
                size: int = 20) -> Page:
    """A person's registrations (latest first), or only the sessions they attended."""
    condition = "r.attendance = 'present'" if attended else "r.state <> 'withdrawn'"
    with db.reading() as cur:
        rows = cur.execute(
            f"SELECT {_SESSION_COLUMNS}, r.state, r.attendance FROM rm_workshop_registrations r"
            " JOIN rm_workshop_sessions s ON s.session_id = r.session_id"
            f" WHERE r.person_id = %s AND {condition}"
            " ORDER BY r.starts_at DESC LIMIT %s OFFSET %s",
            [person_id.hex, size + 1, (max(1, page) - 1) * size]).fetchall()
    items = [MySession(_session(r[:15]), r[15], r[16]) for r in rows[:size]]
    return Page(items, page, len(rows) > size)


@dataclass(frozen=True)
class Notice:
    kind: str  # rescheduled, cancelled, promoted
    at: datetime
    session_id: str
    title: str
    starts_at: datetime


def notices(db: Database, person_id: UUID, limit: int = 10) -> list[Notice]:
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT n.kind, n.at, n.session_id, s.title, s.starts_at FROM rm_workshop_notices n"
            " JOIN rm_workshop_sessions s ON s.session_id = n.session_id"
            " WHERE n.person_id = %s ORDER BY n.position DESC LIMIT %s",
            [person_id.hex, limit]).fetchall()
    return [Notice(k, parse(a), sid, t, parse(st)) for k, a, sid, t, st in rows]


@dataclass(frozen=True)
class RollLine:
    person_id: str
    display_name: str | None
    state: str
    attendance: str | None


def roll(db: Database, session_id: UUID) -> list[RollLine]:
    """Registered people and walk-ins (bounded by the capacity plus the walk-ins)."""
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT r.person_id, p.display_name, r.state, r.attendance FROM rm_workshop_registrations r"
            " LEFT JOIN rm_people p ON p.person_id = r.person_id"
            " WHERE r.session_id = %s AND (r.state IN ('registered', 'walk-in') OR r.attendance IS NOT NULL)"
            " ORDER BY p.display_name, r.person_id", [session_id.hex]).fetchall()
    return [RollLine(*r) for r in rows]


def waitlist(db: Database, session_id: UUID, limit: int = 100) -> list[str]:
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT person_id FROM rm_workshop_registrations WHERE session_id = %s"
            " AND state = 'waitlisted' ORDER BY waitlist_seq LIMIT %s", [session_id.hex, limit]).fetchall()
    return [r[0] for r in rows]


def facilitated(db: Database, person_id: UUID, page: int = 1, size: int = 20) -> Page:
    with db.reading() as cur:
        rows = cur.execute(
            f"SELECT {_SESSION_COLUMNS} FROM rm_workshop_sessions s WHERE s.facilitator_id = %s"
            " ORDER BY s.starts_at DESC LIMIT %s OFFSET %s",
            [person_id.hex, size + 1, (max(1, page) - 1) * size]).fetchall()
    return Page([_session(r) for r in rows[:size]], page, len(rows) > size)


@dataclass(frozen=True)
class Certificate:
    title: str
    starts_at: datetime
    display_name: str | None


def certificate(db: Database, code: str) -> Certificate | None:
    with db.reading() as cur:
        row = cur.execute(
            "SELECT s.title, s.starts_at, p.display_name FROM rm_workshop_certificates c"
            " JOIN rm_workshop_sessions s ON s.session_id = c.session_id"
            " LEFT JOIN rm_people p ON p.person_id = c.person_id WHERE c.code = %s",
            [code]).fetchone()
    return Certificate(row[0], parse(row[1]), row[2]) if row else None


def facilitators(db: Database, limit: int = 200) -> list[tuple[str, str]]:
    """(person hex, display name) of the people who may run a session."""
    with db.reading() as cur:
        return cur.execute(
            "SELECT DISTINCT f.person_id, p.display_name FROM rm_workshop_facilitators f"
            " JOIN rm_people p ON p.person_id = f.person_id ORDER BY p.display_name, f.person_id"
            " LIMIT %s", [limit]).fetchall()


def card_ids(db: Database, person_id: UUID) -> list[UUID]:
    """The person's cards, newest first: the use case decides which one, if any, is valid."""
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT card_id FROM rm_cards WHERE person_id = %s ORDER BY position DESC LIMIT 10",
            [person_id.hex]).fetchall()
    return [UUID(r[0]) for r in rows]


def feedback(db: Database, session_id: UUID, limit: int = 50) -> list[tuple[int, str | None]]:
    with db.reading() as cur:
        return cur.execute(
            "SELECT rating, comment FROM rm_workshop_feedback WHERE session_id = %s"
            " ORDER BY given_at DESC LIMIT %s", [session_id.hex, limit]).fetchall()


def stats(db: Database) -> tuple[int, dict[str, dict[str, int]], list[dict]]:
    """(position, {metric: {key: value}}, the sessions held): the small counters table and
    the attendance of each session held, in one snapshot."""
    with db.reading() as cur:
        if cur.backend == "postgresql":
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        rows = cur.execute(
            "SELECT t.position, w.metric, w.key, w.value FROM projection_tracking t"
            " LEFT JOIN rm_workshop_stats w ON 1 = 1 WHERE t.projection = %s", ["workshops"]).fetchall()
        sessions = held_sessions(cur)
    position = rows[0][0] if rows else 0
    found: dict[str, dict[str, int]] = {}
    for _, metric, key, value in rows:
        if metric is not None:
            found.setdefault(metric, {})[key] = value
    return position, found, sessions


def held_sessions(cur) -> list[dict]:
    """The sessions held (their roll marked), ids as the public log spells them, in id
    order: {session_id, arrondissement, present}, the public attendance table's rows."""
    rows = cur.execute("SELECT session_id, arrondissement, present FROM rm_workshop_sessions"
                       " WHERE roll_marked = %s", [True]).fetchall()
    return sorted(({"session_id": str(UUID(sid)), "arrondissement": arrondissement, "present": int(present)}
                   for sid, arrondissement, present in rows), key=lambda s: s["session_id"])


__all__ = ["ONLINE", "PAGE_SIZE", "catalogue", "held_sessions", "session", "stats"]
