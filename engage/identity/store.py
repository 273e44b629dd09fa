"""Tables outside the log: credentials, one-time link tokens, login failures."""

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
    """CREATE TABLE IF NOT EXISTS login_failures (
        throttle_key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_start TEXT NOT NULL
    )""",
)


def now() -> datetime:
    return datetime.now(timezone.utc)


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
        with self.db.reading() as cur:
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
        with self.db.reading() as cur:
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

    # -- login throttling ----------------------------------------------------
    def failures(self, key: str, window: timedelta) -> int:
        with self.db.reading() as cur:
            row = cur.execute(
                "SELECT failures, window_start FROM login_failures WHERE throttle_key = %s", [key]
            ).fetchone()
        if row is None or datetime.fromisoformat(row[1]) < now() - window:
            return 0
        return row[0]

    def record_failure(self, key: str, window: timedelta) -> None:
        with self.db.transaction() as cur:
            row = cur.execute(
                "SELECT failures, window_start FROM login_failures WHERE throttle_key = %s", [key]
            ).fetchone()
            if row is None or datetime.fromisoformat(row[1]) < now() - window:
                cur.execute(
                    "INSERT INTO login_failures (throttle_key, failures, window_start) VALUES (%s, 1, %s)"
                    " ON CONFLICT (throttle_key) DO UPDATE SET failures = 1, window_start = excluded.window_start",
                    [key, now().isoformat()],
                )
            else:
                cur.execute(
                    "UPDATE login_failures SET failures = failures + 1 WHERE throttle_key = %s", [key]
                )

    def clear_failures(self, key: str) -> None:
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM login_failures WHERE throttle_key = %s", [key])
