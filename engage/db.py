"""One database URL, two back ends: the event store and the read models share it.

``sqlite:///var/engage.sqlite`` is the embedded default; ``postgresql://user:pw@host/db``
is production. A ``schema`` query parameter on a PostgreSQL URL keeps several
instances (the tests) apart in one database.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence
from urllib.parse import parse_qs, unquote, urlsplit

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class DatabaseURL:
    backend: str  # "sqlite" or "postgresql"
    path: str = ""  # SQLite file
    host: str = "localhost"
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""
    schema: str = ""

    @classmethod
    def parse(cls, url: str) -> "DatabaseURL":
        parts = urlsplit(url)
        if parts.scheme == "sqlite":
            # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy spells them.
            path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
            if not path:
                raise ValueError("sqlite URL needs a file path, e.g. sqlite:///var/engage.sqlite")
            return cls(backend="sqlite", path=path)
        if parts.scheme in ("postgresql", "postgres"):
            query = parse_qs(parts.query)
            schema = query.get("schema", [""])[0]
            if schema and not _SCHEMA_NAME.match(schema):
                raise ValueError(f"invalid schema name: {schema!r}")
            return cls(
                backend="postgresql",
                host=parts.hostname or "localhost",
                port=parts.port or 5432,
                user=unquote(parts.username or ""),
                password=unquote(parts.password or ""),
                dbname=parts.path.lstrip("/"),
                schema=schema,
            )
        raise ValueError(f"unsupported database URL scheme: {parts.scheme!r}")

    def eventsourcing_env(self) -> dict[str, str]:
        """Environment for an eventsourcing Application on this database."""
        if self.backend == "sqlite":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": self.path,
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_CONN_MAX_AGE": "600",
            "POSTGRES_PRE_PING": "y",
        }
        if self.schema:
            env["POSTGRES_SCHEMA"] = self.schema
        return env


class Database:
    """Connections for the read models and their tracking positions.

    SQL is written once with ``%s`` placeholders and the common subset of
    PostgreSQL and SQLite (``ON CONFLICT ... DO UPDATE`` works on both).
    """

    def __init__(self, url: str, *, pool_size: int = 10, pool_timeout: float = 30.0):
        self.url = DatabaseURL.parse(url)
        self.backend = self.url.backend
        self._local = threading.local()
        self._pool = None
        if self.backend == "sqlite":
            Path(self.url.path).parent.mkdir(parents=True, exist_ok=True)
        else:
            from psycopg_pool import ConnectionPool

            kwargs: dict[str, Any] = {
                "host": self.url.host,
                "port": self.url.port,
                "user": self.url.user,
                "password": self.url.password,
                "dbname": self.url.dbname,
            }
            if self.url.schema:
                kwargs["options"] = f"-c search_path={self.url.schema}"
            self._pool = ConnectionPool(
                kwargs=kwargs, min_size=1, max_size=pool_size, timeout=pool_timeout, open=True,
                name="engage-read-models",
            )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        conn = getattr(self._local, "sqlite", None)
        if conn is not None:
            conn.close()
            self._local.sqlite = None

    def _sqlite_connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "sqlite", None)
        if conn is None:
            conn = sqlite3.connect(self.url.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            # Deleted rows are overwritten with zeros, not left in free pages: an erased
            # person's key or card number must not survive in the file's bytes.
            conn.execute("PRAGMA secure_delete=ON")
            self._local.sqlite = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator["Cursor"]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        if self._pool is not None:
            with self._pool.connection() as conn:
                with conn.transaction():
                    with conn.cursor() as cur:
                        yield Cursor(cur, "postgresql")
            return
        conn = self._sqlite_connection()
        if conn.in_transaction:
            # Nested (a projection unsealing through the vault): a savepoint on the
            # thread's one connection, since SQLite has no second writer to lend.
            yield from self._savepoint(conn)
            return
        # IMMEDIATE takes the write lock up front: two writers never deadlock
        # upgrading shared locks.
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield Cursor(conn.cursor(), "sqlite")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def scrub(self) -> None:
        """After an erasure: on SQLite, fold the write-ahead log into the file and truncate
        it, so no old page image (with a destroyed key in it) stays in the -wal file.
        PostgreSQL keeps dead row versions until VACUUM reuses their space; they are not
        readable through SQL."""
        if self.backend == "sqlite":
            self._sqlite_connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @staticmethod
    def _savepoint(conn: sqlite3.Connection) -> Iterator["Cursor"]:
        conn.execute("SAVEPOINT nested")
        try:
            yield Cursor(conn.cursor(), "sqlite")
        except BaseException:
            conn.execute("ROLLBACK TO nested")
            conn.execute("RELEASE nested")
            raise
        else:
            conn.execute("RELEASE nested")

    @contextmanager
    def reading(self) -> Iterator["Cursor"]:
        """A read-only snapshot (a deferred transaction on SQLite)."""
        if self._pool is not None:
            with self._pool.connection() as conn:
                with conn.transaction():
                    with conn.cursor() as cur:
                        yield Cursor(cur, "postgresql")
            return
        conn = self._sqlite_connection()
        if conn.in_transaction:
            yield Cursor(conn.cursor(), "sqlite")
            return
        conn.execute("BEGIN")
        try:
            yield Cursor(conn.cursor(), "sqlite")
        finally:
            conn.execute("ROLLBACK")


class Cursor:
    def __init__(self, cursor: Any, backend: str):
        self._cursor = cursor
        self.backend = backend

    def execute(self, sql: str, params: Sequence[Any] = ()) -> "Cursor":
        if self.backend == "sqlite":
            sql = sql.replace("%s", "?")
        self._cursor.execute(sql, tuple(params))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self.backend == "sqlite":
            sql = sql.replace("%s", "?")
        self._cursor.executemany(sql, [tuple(r) for r in rows])

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        return list(self._cursor.fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = (), default: Any = None) -> Any:
        row = self.execute(sql, params).fetchone()
        return default if row is None or row[0] is None else row[0]


def database_url_from(settings: dict[str, str]) -> str:
    """ENGAGE_DATABASE_URL wins over the ini file, so secrets stay out of the repository."""
    url = os.environ.get("ENGAGE_DATABASE_URL") or settings.get("engage.database_url")
    if not url:
        raise ValueError("set engage.database_url in the ini file or ENGAGE_DATABASE_URL")
    return url
