"""Workshops read model: the catalogue with seats left, each person's registrations and
notices, the rolls, certificates to verify, feedback, and the public counters.

It follows CardIssued itself (for the attendees' arrondissement and age band in the
statistics) so it never depends on how far another projection has got.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from engage.db import Cursor
from engage.domain.accounts.model import Account, Role
from engage.domain.cards.model import CitizenCard
from engage.domain.common import PersonalDataVault
from engage.domain.workshops.model import Workshop, WorkshopFeedback, WorkshopSession, certificate_code
from engage.projections.base import Projection, insert_rows, runs

S = WorkshopSession
ONLINE = "en-ligne"


def iso(moment: datetime) -> str:
    """One spelling per instant, so that text order is time order on both back ends."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class WorkshopsProjection(Projection):
    name = "workshops"
    follows = (
        CitizenCard.CardIssued,
        Account.RoleGranted, Account.RoleRevoked,
        Workshop.WorkshopCreated,
        S.SessionScheduled, S.SessionRescheduled, S.SessionCancelled,
        S.SessionRegistered, S.SessionWaitlisted, S.RegistrationCancelled, S.WaitlistPromoted,
        S.AttendanceRecorded,
        WorkshopFeedback.FeedbackGiven,
    )
    tables = (
        "rm_workshops", "rm_workshop_sessions", "rm_workshop_registrations",
        "rm_workshop_notices", "rm_workshop_participants", "rm_workshop_certificates",
        "rm_workshop_feedback", "rm_workshop_stats", "rm_workshop_facilitators",
    )

    def __init__(self, vault: PersonalDataVault, identifier_key: bytes):
        self.vault = vault
        self.identifier_key = identifier_key

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_workshops (
                workshop_id TEXT PRIMARY KEY, title TEXT NOT NULL, theme TEXT NOT NULL,
                description TEXT NOT NULL, language TEXT NOT NULL, accessibility TEXT NOT NULL,
                created_at TEXT NOT NULL)"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_workshops_title ON rm_workshops (title, workshop_id)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_workshop_sessions (
                session_id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL, title TEXT NOT NULL,
                theme TEXT NOT NULL, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL,
                arrondissement INTEGER, place TEXT NOT NULL, online_link TEXT NOT NULL,
                capacity INTEGER NOT NULL, registered INTEGER NOT NULL, waitlisted INTEGER NOT NULL,
                present INTEGER NOT NULL, facilitator_id TEXT NOT NULL, cancelled BOOLEAN NOT NULL,
                roll_marked BOOLEAN NOT NULL, position BIGINT NOT NULL)"""
        )
        for name, columns in (
            ("starts", "starts_at, session_id"),
            ("theme", "theme, starts_at"),
            ("arrondissement", "arrondissement, starts_at"),
            ("facilitator", "facilitator_id, starts_at"),
            ("workshop", "workshop_id, starts_at"),
        ):
            cur.execute(f"CREATE INDEX IF NOT EXISTS rm_workshop_sessions_{name} ON rm_workshop_sessions ({columns})")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_workshop_registrations (
                session_id TEXT NOT NULL, person_id TEXT NOT NULL, state TEXT NOT NULL,
                waitlist_seq BIGINT NOT NULL, attendance TEXT, walk_in BOOLEAN NOT NULL,
                starts_at TEXT NOT NULL, PRIMARY KEY (session_id, person_id))"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_workshop_registrations_person"
                    " ON rm_workshop_registrations (person_id, starts_at)")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_workshop_registrations_line"
                    " ON rm_workshop_registrations (session_id, state, waitlist_seq)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_workshop_notices (
                person_id TEXT NOT NULL, position BIGINT NOT NULL, session_id TEXT NOT NULL,
                kind TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (person_id, position))"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_workshop_participants (
                person_id TEXT PRIMARY KEY, arrondissement INTEGER NOT NULL, age_band TEXT NOT NULL)"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_workshop_certificates (
                code TEXT PRIMARY KEY, session_id TEXT NOT NULL, person_id TEXT NOT NULL)"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_workshop_feedback (
                feedback_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, rating INTEGER NOT NULL,
                comment TEXT, given_at TEXT NOT NULL)"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_workshop_feedback_session"
                    " ON rm_workshop_feedback (session_id, given_at)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_workshop_stats (
                metric TEXT NOT NULL, key TEXT NOT NULL, value INTEGER NOT NULL,
                PRIMARY KEY (metric, key))"""
        )
        # Who may be chosen to run a session: facilitators and admins (a small table).
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_workshop_facilitators (
                person_id TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (person_id, role))"""
        )

    # -- helpers ------------------------------------------------------------------------

    @staticmethod
    def _count(cur: Cursor, metric: str, key: str, delta: int) -> None:
        if delta:
            cur.execute(
                "INSERT INTO rm_workshop_stats (metric, key, value) VALUES (%s, %s, %s)"
                " ON CONFLICT (metric, key) DO UPDATE SET value = rm_workshop_stats.value + %s",
                [metric, key, delta, delta],
            )

    @staticmethod
    def _session(cur: Cursor, session_id: str, delta_sql: str) -> None:
        cur.execute(f"UPDATE rm_workshop_sessions SET {delta_sql} WHERE session_id = %s", [session_id])

    def _notify(self, cur: Cursor, session_id: str, kind: str, position: int, at: str,
                person_id: str | None = None) -> None:
        if person_id:
            cur.execute(
                "INSERT INTO rm_workshop_notices (person_id, position, session_id, kind, at)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (person_id, position) DO NOTHING",
                [person_id, position, session_id, kind, at],
            )
            return
        cur.execute(
            "INSERT INTO rm_workshop_notices (person_id, position, session_id, kind, at)"
            " SELECT person_id, %s, session_id, %s, %s FROM rm_workshop_registrations"
            " WHERE session_id = %s AND state IN ('registered', 'waitlisted')",
            [position, kind, at, session_id],
        )

    # -- events -------------------------------------------------------------------------

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        """Runs of card issues in one upsert (the last card of a person wins, as one by one)."""
        for kind, run in runs(events, {CitizenCard.CardIssued: "cards"}):
            if kind is None:
                self.apply(cur, *run[0])
                continue
            last = {e.person_id.hex: (e.arrondissement, e.age_band) for e, _ in run}
            insert_rows(cur, "rm_workshop_participants", ("person_id", "arrondissement", "age_band"),
                        [(person, *values) for person, values in last.items()],
                        "ON CONFLICT (person_id) DO UPDATE SET"
                        " arrondissement = EXCLUDED.arrondissement, age_band = EXCLUDED.age_band")

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        at = iso(event.timestamp)
        sid = event.originator_id.hex
        if isinstance(event, CitizenCard.CardIssued):
            cur.execute(
                "INSERT INTO rm_workshop_participants (person_id, arrondissement, age_band)"
                " VALUES (%s, %s, %s) ON CONFLICT (person_id) DO UPDATE SET"
                " arrondissement = EXCLUDED.arrondissement, age_band = EXCLUDED.age_band",
                [event.person_id.hex, event.arrondissement, event.age_band],
            )
        elif isinstance(event, Account.RoleGranted):
            if event.role in (Role.FACILITATOR, Role.ADMIN):
                cur.execute("INSERT INTO rm_workshop_facilitators (person_id, role) VALUES (%s, %s)"
                            " ON CONFLICT (person_id, role) DO NOTHING", [sid, event.role])
        elif isinstance(event, Account.RoleRevoked):
            cur.execute("DELETE FROM rm_workshop_facilitators WHERE person_id = %s AND role = %s",
                        [sid, event.role])
        elif isinstance(event, Workshop.WorkshopCreated):
            cur.execute(
                "INSERT INTO rm_workshops (workshop_id, title, theme, description, language,"
                " accessibility, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [sid, event.title, event.theme, event.description, event.language,
                 event.accessibility, at],
            )
        elif isinstance(event, S.SessionScheduled):
            title, theme = cur.execute(
                "SELECT title, theme FROM rm_workshops WHERE workshop_id = %s",
                [event.workshop_id.hex]).fetchone()
            cur.execute(
                "INSERT INTO rm_workshop_sessions (session_id, workshop_id, title, theme,"
                " starts_at, ends_at, arrondissement, place, online_link, capacity, registered,"
                " waitlisted, present, facilitator_id, cancelled, roll_marked, position)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, 0, 0, %s, %s, %s, %s)",
                [sid, event.workshop_id.hex, title, theme, iso(event.starts_at),
                 iso(event.ends_at), event.arrondissement, event.place, event.online_link,
                 event.capacity, event.facilitator_id.hex, False, False, position],
            )
            self._count(cur, "total", "sessions_scheduled", 1)
        elif isinstance(event, S.SessionRescheduled):
            cur.execute(
                "UPDATE rm_workshop_sessions SET starts_at = %s, ends_at = %s WHERE session_id = %s",
                [iso(event.starts_at), iso(event.ends_at), sid])
            cur.execute("UPDATE rm_workshop_registrations SET starts_at = %s WHERE session_id = %s",
                        [iso(event.starts_at), sid])
            self._notify(cur, sid, "rescheduled", position, at)
        elif isinstance(event, S.SessionCancelled):
            cur.execute("UPDATE rm_workshop_sessions SET cancelled = %s WHERE session_id = %s", [True, sid])
            self._count(cur, "total", "sessions_scheduled", -1)
            registered = cur.scalar("SELECT registered FROM rm_workshop_sessions WHERE session_id = %s", [sid], 0)
            self._count(cur, "total", "registrations", -registered)
            self._notify(cur, sid, "cancelled", position, at)
        elif isinstance(event, (S.SessionRegistered, S.SessionWaitlisted)):
            registered = isinstance(event, S.SessionRegistered)
            starts_at = cur.scalar("SELECT starts_at FROM rm_workshop_sessions WHERE session_id = %s", [sid])
            cur.execute(
                "INSERT INTO rm_workshop_registrations (session_id, person_id, state, waitlist_seq,"
                " attendance, walk_in, starts_at) VALUES (%s, %s, %s, %s, NULL, %s, %s)"
                " ON CONFLICT (session_id, person_id) DO UPDATE SET state = EXCLUDED.state,"
                " waitlist_seq = EXCLUDED.waitlist_seq",
                [sid, event.person_id.hex, "registered" if registered else "waitlisted",
                 position, False, starts_at],
            )
            if registered:
                self._session(cur, sid, "registered = registered + 1")
                self._count(cur, "total", "registrations", 1)
            else:
                self._session(cur, sid, "waitlisted = waitlisted + 1")
        elif isinstance(event, S.RegistrationCancelled):
            state = cur.scalar(
                "SELECT state FROM rm_workshop_registrations WHERE session_id = %s AND person_id = %s",
                [sid, event.person_id.hex])
            cur.execute(
                "UPDATE rm_workshop_registrations SET state = 'withdrawn'"
                " WHERE session_id = %s AND person_id = %s", [sid, event.person_id.hex])
            if state == "registered":
                self._session(cur, sid, "registered = registered - 1")
                self._count(cur, "total", "registrations", -1)
            else:
                self._session(cur, sid, "waitlisted = waitlisted - 1")
        elif isinstance(event, S.WaitlistPromoted):
            cur.execute(
                "UPDATE rm_workshop_registrations SET state = 'registered'"
                " WHERE session_id = %s AND person_id = %s", [sid, event.person_id.hex])
            self._session(cur, sid, "registered = registered + 1, waitlisted = waitlisted - 1")
            self._count(cur, "total", "registrations", 1)
            self._notify(cur, sid, "promoted", position, at, event.person_id.hex)
        elif isinstance(event, S.AttendanceRecorded):
            self._attendance(cur, event, sid)
        elif isinstance(event, WorkshopFeedback.FeedbackGiven):
            sealed = self.vault.unseal(event.originator_id, event.sealed_comment, cur=cur)
            cur.execute(
                "INSERT INTO rm_workshop_feedback (feedback_id, session_id, rating, comment, given_at)"
                " VALUES (%s, %s, %s, %s, %s)",
                [sid, event.session_id.hex, event.rating, sealed["comment"] if sealed else None, at],
            )
            self._count(cur, "feedback", str(event.rating), 1)

    def _attendance(self, cur: Cursor, event: Any, sid: str) -> None:
        person = event.person_id.hex
        row = cur.execute(
            "SELECT attendance FROM rm_workshop_registrations WHERE session_id = %s AND person_id = %s",
            [sid, person]).fetchone()
        mark = "present" if event.present else "absent"
        session = cur.execute(
            "SELECT starts_at, arrondissement, roll_marked FROM rm_workshop_sessions WHERE session_id = %s",
            [sid]).fetchone()
        starts_at, place, roll_marked = session
        if row is None:  # a walk-in
            cur.execute(
                "INSERT INTO rm_workshop_registrations (session_id, person_id, state, waitlist_seq,"
                " attendance, walk_in, starts_at) VALUES (%s, %s, 'walk-in', 0, %s, %s, %s)",
                [sid, person, mark, True, starts_at])
            before = None
        else:
            before = row[0]
            cur.execute(
                "UPDATE rm_workshop_registrations SET attendance = %s, walk_in = %s"
                " WHERE session_id = %s AND person_id = %s", [mark, bool(event.walk_in), sid, person])
        if not roll_marked:
            cur.execute("UPDATE rm_workshop_sessions SET roll_marked = %s WHERE session_id = %s", [True, sid])
            self._count(cur, "total", "sessions_held", 1)
        if before is None:
            self._count(cur, "total", "marked", 1)
        delta = (mark == "present") - (before == "present")
        if delta:
            self._session(cur, sid, f"present = present + {delta}")
            self._count(cur, "total", "present", delta)
            self._count(cur, "place", str(place) if place is not None else ONLINE, delta)
            who = cur.execute(
                "SELECT arrondissement, age_band FROM rm_workshop_participants WHERE person_id = %s",
                [person]).fetchone()
            arrondissement, age_band = who if who else ("inconnu", "inconnu")
            self._count(cur, "arrondissement", str(arrondissement), delta)
            self._count(cur, "age_band", age_band, delta)
        code = certificate_code(event.originator_id, event.person_id, self.identifier_key)
        if mark == "present":
            cur.execute(
                "INSERT INTO rm_workshop_certificates (code, session_id, person_id) VALUES (%s, %s, %s)"
                " ON CONFLICT (code) DO NOTHING", [code, sid, person])
        else:
            cur.execute("DELETE FROM rm_workshop_certificates WHERE code = %s", [code])
