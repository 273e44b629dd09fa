"""Sessions held server-side: a private table outside the log, shared by every web process.

The browser keeps only a random 256-bit token; the table keeps its SHA-256 digest, so a leaked
table opens no account. A session ends at logout, when it has been idle too long, past its
absolute lifetime, and for all of a person's sessions at a password reset, a role change and
erasure (whose rows are deleted: they say when and with what browser a person came).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable
from uuid import UUID

from engage.db import Database
from engage.identity.store import now

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS engage_sessions (
        token_digest TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        user_agent TEXT NOT NULL,
        ended_at TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS engage_sessions_person ON engage_sessions (person_id)",
)

IDLE_TIMEOUT = timedelta(minutes=30)
MAX_AGE = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often

_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS", "macOS"), ("Linux", "Linux"))


def user_agent_summary(user_agent: str | None) -> str:
    """"Firefox · Linux": enough to recognise one's own devices, not a fingerprint."""
    text = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in text), "")
    system = next((name for mark, name in _SYSTEMS if mark in text), "")
    return " · ".join(part for part in (browser, system) if part) or re.sub(r"[^\w .-]", "", text)[:40]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class OpenSession:
    token_digest: str
    person_id: UUID
    created_at: str
    last_seen_at: str
    user_agent: str
    person: tuple | None = None  # the `person_columns` asked of find(), read with the session


class SessionStore:
    def __init__(self, db: Database, *, idle_timeout: timedelta = IDLE_TIMEOUT, max_age: timedelta = MAX_AGE,
                 clock: Callable[[], datetime] = now):
        self.db = db
        self.idle_timeout = idle_timeout
        self.max_age = max_age
        self.clock = clock  # tests move it instead of sleeping

    def setup(self) -> None:
        with self.db.transaction() as cur:
            for statement in SCHEMA:
                cur.execute(statement)

    def start(self, person_id: UUID, user_agent: str | None = None) -> str:
        """A new session; returns the token for the cookie (never stored as such)."""
        token = secrets.token_urlsafe(32)  # 256 bits
        moment = self.clock().isoformat()
        with self.db.transaction() as cur:
            # The person's ended and expired rows go (their index finds them): the table stays small.
            cur.execute(
                "DELETE FROM engage_sessions WHERE person_id = %s AND (ended_at IS NOT NULL OR created_at < %s)",
                [person_id.hex, (self.clock() - self.max_age).isoformat()],
            )
            cur.execute(
                "INSERT INTO engage_sessions (token_digest, person_id, created_at, last_seen_at, user_agent)"
                " VALUES (%s, %s, %s, %s, %s)",
                [digest(token), person_id.hex, moment, moment, user_agent_summary(user_agent)],
            )
        return token

    def find(self, token: str | None, *, person_columns: tuple[str, ...] = ()) -> OpenSession | None:
        """The open session of this token (one indexed read), or None; ends it when it is past its
        idle timeout or its absolute lifetime; notes the visit at most once a minute.

        `person_columns`, columns of the people read model (as p): read in the same statement,
        so that who is asking costs one round trip (engage/security.py)."""
        if not token or len(token) > 200:
            return None
        extra = "".join(", " + column for column in person_columns)
        join = " LEFT JOIN rm_people p ON p.person_id = s.person_id" if person_columns else ""
        with self.db.reading(primary=True) as cur:
            row = cur.execute(
                "SELECT s.token_digest, s.person_id, s.created_at, s.last_seen_at, s.user_agent" + extra
                + " FROM engage_sessions s" + join + " WHERE s.token_digest = %s AND s.ended_at IS NULL",
                [digest(token)],
            ).fetchone()
        if row is None:
            return None
        session = OpenSession(row[0], UUID(row[1]), row[2], row[3], row[4], tuple(row[5:]) if person_columns else None)
        moment = self.clock()
        if (moment - datetime.fromisoformat(session.last_seen_at) > self.idle_timeout
                or moment - datetime.fromisoformat(session.created_at) > self.max_age):
            self._end_digest(session.token_digest)
            return None
        if moment - datetime.fromisoformat(session.last_seen_at) >= TOUCH_EVERY:
            with self.db.transaction() as cur:
                cur.execute("UPDATE engage_sessions SET last_seen_at = %s WHERE token_digest = %s",
                            [moment.isoformat(), session.token_digest])
        return session

    def end(self, token: str | None) -> None:
        if token:
            self._end_digest(digest(token))

    def _end_digest(self, token_digest: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("UPDATE engage_sessions SET ended_at = %s WHERE token_digest = %s AND ended_at IS NULL",
                        [self.clock().isoformat(), token_digest])

    def end_all(self, person_id: UUID, *, keep: str | None = None) -> None:
        """Ends every open session of the person, but the one of token `keep` if given."""
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE engage_sessions SET ended_at = %s WHERE person_id = %s AND ended_at IS NULL"
                " AND token_digest <> %s",
                [self.clock().isoformat(), person_id.hex, digest(keep) if keep else ""],
            )

    def delete_all(self, person_id: UUID) -> None:
        """Erasure: the rows go, not only the sessions."""
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM engage_sessions WHERE person_id = %s", [person_id.hex])

    def open_sessions(self, person_id: UUID) -> list[OpenSession]:
        """The person's sessions still open (expired ones left out), most recently seen first."""
        moment = self.clock()
        with self.db.reading(primary=True) as cur:
            rows = cur.execute(
                "SELECT token_digest, person_id, created_at, last_seen_at, user_agent FROM engage_sessions"
                " WHERE person_id = %s AND ended_at IS NULL ORDER BY last_seen_at DESC LIMIT 100",
                [person_id.hex],
            ).fetchall()
        sessions = [OpenSession(r[0], UUID(r[1]), r[2], r[3], r[4]) for r in rows]
        return [s for s in sessions
                if moment - datetime.fromisoformat(s.last_seen_at) <= self.idle_timeout
                and moment - datetime.fromisoformat(s.created_at) <= self.max_age]
