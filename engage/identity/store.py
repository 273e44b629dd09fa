"""Tables outside the log: credentials, one-time link tokens, throttle counters."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from uuid import UUID

from engage.db import Database

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS credentials (
        person_id TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    # Only a digest of each token is stored: a leaked table opens no account.
    """CREATE TABLE IF NOT EXISTS link_tokens (
        token_digest TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    )""",
    # Attempts per key (an account, a client address, a mail recipient) in a fixed window.
    # The keys name no one in clear: accounts and recipients by their keyed email digest.
    """CREATE TABLE IF NOT EXISTS throttle_counters (
        throttle_key TEXT PRIMARY KEY,
        hits INTEGER NOT NULL,
        window_start TEXT NOT NULL
    )""",
    # Its predecessor, read then written in two statements (not atomic): replaced.
    "DROP TABLE IF EXISTS login_failures",
)

# Rows whose window ended longer ago than this are deleted, now and then.
STALE_COUNTERS = timedelta(days=1)


def now() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(moment: datetime) -> str:
    """A fixed-width UTC time: compared as text in SQL, on both back ends."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class IdentityStore:
    def __init__(self, db: Database):
        self.db = db

    def setup(self) -> None:
        with self.db.transaction() as cur:
            for statement in SCHEMA:
                cur.execute(statement)

    # -- credentials ---------------------------------------------------------
    def set_password_hash(self, person_id: UUID, password_hash: str) -> None:
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO credentials (person_id, password_hash, updated_at) VALUES (%s, %s, %s)"
                " ON CONFLICT (person_id) DO UPDATE SET password_hash = excluded.password_hash,"
                " updated_at = excluded.updated_at",
                [person_id.hex, password_hash, now().isoformat()],
            )

    def password_hash(self, person_id: UUID) -> str | None:
        with self.db.reading(primary=True) as cur:
            return cur.scalar("SELECT password_hash FROM credentials WHERE person_id = %s", [person_id.hex])

    def delete_credentials(self, person_id: UUID) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM credentials WHERE person_id = %s", [person_id.hex])

    def delete_tokens(self, person_id: UUID) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM link_tokens WHERE person_id = %s", [person_id.hex])

    # -- one-time link tokens ------------------------------------------------
    def issue_token(self, person_id: UUID, purpose: str, lifetime: timedelta) -> str:
        token = secrets.token_urlsafe(32)
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO link_tokens (token_digest, person_id, purpose, expires_at)"
                " VALUES (%s, %s, %s, %s)",
                [_digest(token), person_id.hex, purpose, (now() + lifetime).isoformat()],
            )
        return token

    def token_status(self, token: str, purpose: str) -> tuple[str, UUID | None]:
        """("valid" | "unknown" | "expired" | "used", person id)."""
        with self.db.reading(primary=True) as cur:
            row = cur.execute(
                "SELECT person_id, expires_at, used_at FROM link_tokens"
                " WHERE token_digest = %s AND purpose = %s",
                [_digest(token), purpose],
            ).fetchone()
        if row is None:
            return "unknown", None
        person_id, expires_at, used_at = row
        if used_at:
            return "used", UUID(person_id)
        if datetime.fromisoformat(expires_at) < now():
            return "expired", UUID(person_id)
        return "valid", UUID(person_id)

    def use_token(self, token: str, purpose: str) -> UUID | None:
        """Marks the token used, once: a second use (even concurrent) gets None."""
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE link_tokens SET used_at = %s WHERE token_digest = %s AND purpose = %s"
                " AND used_at IS NULL AND expires_at >= %s",
                [now().isoformat(), _digest(token), purpose, now().isoformat()],
            )
            if cur.rowcount != 1:
                return None
            return UUID(cur.scalar("SELECT person_id FROM link_tokens WHERE token_digest = %s", [_digest(token)]))

    # -- throttling ------------------------------------------------------------
    def hit(self, counters: list[tuple[str, timedelta]]) -> list[int]:
        """Counts one attempt under each (key, window) and returns each count in its current
        window, in one transaction. Each count is one INSERT ... ON CONFLICT DO UPDATE ...
        RETURNING (PostgreSQL, SQLite >= 3.35): concurrent attempts never read the same
        count, so the caller's decision (count > limit) lets through at most `limit` of them.
        A window starts with its first attempt; an attempt after it ends starts a new one."""
        at = now()
        counts = []
        with self.db.transaction() as cur:
            for key, window in counters:
                cutoff = _stamp(at - window)
                counts.append(cur.scalar(
                    "INSERT INTO throttle_counters (throttle_key, hits, window_start) VALUES (%s, 1, %s)"
                    " ON CONFLICT (throttle_key) DO UPDATE SET"
                    " hits = CASE WHEN throttle_counters.window_start < %s THEN 1"
                    " ELSE throttle_counters.hits + 1 END,"
                    " window_start = CASE WHEN throttle_counters.window_start < %s"
                    " THEN excluded.window_start ELSE throttle_counters.window_start END"
                    " RETURNING hits",
                    [key, _stamp(at), cutoff, cutoff],
                ))
            if secrets.randbelow(100) == 0:
                cur.execute("DELETE FROM throttle_counters WHERE window_start < %s",
                            [_stamp(at - STALE_COUNTERS)])
        return counts

    def release(self, key: str) -> None:
        """Gives one attempt back (it turned out not to be a failure)."""
        with self.db.transaction() as cur:
            cur.execute("UPDATE throttle_counters SET hits = hits - 1 WHERE throttle_key = %s AND hits > 0", [key])

    def clear(self, key: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM throttle_counters WHERE throttle_key = %s", [key])
