"""One database URL, two back ends: the event store and the read models share it.

``sqlite:///var/engage.sqlite`` is the embedded default; ``postgresql://user:pw@host/db``
is production. A ``schema`` query parameter on a PostgreSQL URL keeps several
instances (the tests) apart in one database.

On PostgreSQL, a second URL may name a hot standby of the same database (ReadReplica):
``reading()`` then goes to it inside a web request routed by engage/replica.py (a ReadRoute
in a context variable), once it has replayed the visitor's last write; everything else
(``transaction()``, ``reading(primary=True)``, projections, scripts) uses the primary.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)

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

    def conninfo(self) -> dict[str, Any]:
        """psycopg connection arguments (PostgreSQL)."""
        kwargs: dict[str, Any] = {
            "host": self.host, "port": self.port, "user": self.user, "password": self.password,
            "dbname": self.dbname,
        }
        if self.schema:
            kwargs["options"] = f"-c search_path={self.schema}"
        return kwargs

    def eventsourcing_env(self) -> dict[str, str]:
        """Environment for an eventsourcing Application on this database."""
        if self.backend == "sqlite":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": self.path,
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        env = {
            # eventsourcing's PostgreSQL persistence, a write in one round trip and no check of
            # a connection at each checkout (engage/event_store.py).
            "PERSISTENCE_MODULE": "engage.event_store:Factory",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_CONN_MAX_AGE": "600",
            "POSTGRES_PRE_PING": "n",  # checked on error instead (engage/event_store.py)
        }
        if self.schema:
            env["POSTGRES_SCHEMA"] = self.schema
        return env


class Database:
    """Connections for the read models and their tracking positions.

    SQL is written once with ``%s`` placeholders and the common subset of
    PostgreSQL and SQLite (``ON CONFLICT ... DO UPDATE`` works on both).
    """

    def __init__(self, url: str, *, pool_size: int = 10, pool_timeout: float = 30.0,
                 replica: "ReadReplica | None" = None):
        self.url = DatabaseURL.parse(url)
        self.backend = self.url.backend
        self._local = threading.local()
        self._pool = None
        if replica is not None and self.backend != "postgresql":
            raise ValueError("a read replica (engage.database_url_read) needs a PostgreSQL primary")
        if replica is not None:
            replica.check_same_database(self.url)
        self.replica = replica
        if self.backend == "sqlite":
            Path(self.url.path).parent.mkdir(parents=True, exist_ok=True)
        else:
            from psycopg_pool import ConnectionPool

            # No check on checkout (a round trip each time): a connection the server closed is
            # found at its first statement, and the pool checked then (_connection). Autocommit:
            # reading() sends its statements alone, transaction() its own BEGIN and COMMIT.
            self._pool = locally_checked(ConnectionPool)(
                kwargs={**self.url.conninfo(), "autocommit": True}, min_size=1, max_size=pool_size,
                timeout=pool_timeout, open=True, name="engage-read-models",
            )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self.replica is not None:
            self.replica.close()
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
    def setting_up(self) -> Iterator[None]:
        """The creation of the tables (CREATE ... IF NOT EXISTS), one process at a time.

        IF NOT EXISTS does not hold against a concurrent creator: processes starting together
        on a fresh database (engage-serve's workers, engage-projections' groups) failed with
        "duplicate key value violates unique constraint pg_type_typname_nsp_index" or "tuple
        concurrently updated", and were restarted. A session advisory lock, per schema, on a
        connection of its own, held for the whole setup. SQLite serializes writers itself."""
        if self.backend != "postgresql":
            yield
            return
        import psycopg

        key = f"engage: setting up {self.url.dbname}.{self.url.schema or 'public'}"
        with psycopg.connect(**self.url.conninfo(), autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [key])
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])

    @contextmanager
    def transaction(self) -> Iterator["Cursor"]:
        """A transaction: committed when the block ends, rolled back if it raises. Always on the
        primary; inside a routed web request, it marks the request as one that wrote."""
        note_write()
        if self._pool is not None:
            with self._connection() as conn:
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

    @contextmanager
    def transaction_opened_by(self, sql: str, params: Sequence[Any]) -> Iterator[tuple["Cursor", list[tuple]]]:
        """transaction(), with its first statement's rows. On PostgreSQL, BEGIN and that
        statement go in one pipeline: one round trip, not two. A projection batch opens this
        way: on a busy machine every round trip is a wait for a core, and the batch of a vote's
        public log and counters is on the path of the page that shows the vote."""
        if self._pool is None:
            with self.transaction() as cur:
                yield cur, cur.execute(sql, params).fetchall()
            return
        from psycopg import pq

        note_write()
        with self._connection() as conn, conn.cursor() as cur:
            try:
                with conn.pipeline():  # its end sends the one Sync and reads both answers
                    conn.execute("BEGIN", prepare=False)  # as conn.transaction() sends it
                    cur.execute(sql, tuple(params))
                rows = cur.fetchall()
                opened = Cursor(cur, "postgresql", may_commit=True)
                yield opened, rows
                opened.commit_if_later()
            except BaseException:
                if conn.pgconn.transaction_status in (pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR):
                    conn.rollback()
                raise
            conn.commit()  # nothing to do after a COMMIT sent already

    def _replica_serves(self, primary: bool) -> bool:
        route = None if primary or self.replica is None else _route.get()
        return route is not None and self.replica.serves(route)

    def read_together(self, statements: Sequence[tuple[str, Sequence[Any]]], *,
                      primary: bool = False) -> list[list[tuple]]:
        """Independent reads, each statement's rows. On PostgreSQL they go in one pipeline,
        one round trip for them all (one after another on SQLite, and on a read replica)."""
        if self._pool is None or self._replica_serves(primary):
            with self.reading(primary=primary) as cur:
                return [cur.execute(sql, params).fetchall() for sql, params in statements]
        with self._connection() as conn:
            cursors = [conn.cursor() for _ in statements]
            try:
                with conn.pipeline():  # its end sends the one Sync and reads every answer
                    for cur, (sql, params) in zip(cursors, statements):
                        cur.execute(sql, tuple(params))
                return [list(cur.fetchall()) for cur in cursors]
            finally:
                for cur in cursors:
                    cur.close()

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """A pooled connection. One the server closed (a restart, pg_terminate_backend) raises at
        its first statement, before anything is committed; the pool then checks the others at
        once, so the next request finds live ones (a check at every checkout would cost a round
        trip each time). The failed request gets the 503 page (engage/views/errors.py)."""
        import psycopg

        conn = None
        try:
            with self._pool.connection() as conn:
                yield conn
        except psycopg.OperationalError:
            if conn is not None and conn.broken:
                log.warning("a connection to the database was closed by the server: checking the others")
                self._pool.check()
            raise

    def wal_position(self) -> int | None:
        """The primary's current WAL position (pg_current_wal_lsn) as a number; None on SQLite."""
        if self._pool is None:
            return None
        with self._connection() as conn:
            return lsn_value(conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0])

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
    def reading(self, *, primary: bool = False) -> Iterator["Cursor"]:
        """Reads: a deferred transaction on SQLite (one snapshot); on PostgreSQL each statement
        alone, with its own snapshot as READ COMMITTED gives it inside a transaction too, and a
        transaction when the block asks for one with SET TRANSACTION (StatementReads).

        Inside a web request routed to the read replica (see ReadRoute), the replica's snapshot,
        once it has replayed the visitor's last write; the primary's otherwise. `primary=True`
        for what must never be stale: sessions, credentials, keys, the projections' positions."""
        if self._replica_serves(primary):
            with self.replica.reading() as cur:
                yield cur
            return
        if self._pool is not None:
            with self._connection() as conn:
                with conn.cursor() as cur:
                    reads = StatementReads(cur)
                    try:
                        yield reads
                    except BaseException:
                        reads.end(commit=False)
                        raise
                    reads.end(commit=True)
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


def closed_by_server(conn: Any) -> None:
    """A pool's check at checkout that costs no round trip: an idle connection has nothing to
    read, one the server closed (pg_terminate_backend, a restart) has its farewell and the end
    of the stream. Such a one is closed here, and the pool hands out another. (A connection
    the server closes later still fails at its first statement: see Database._connection.)"""
    import select

    import psycopg

    if conn.closed:
        raise psycopg.OperationalError("connection already closed")
    poller = select.poll()
    poller.register(conn.pgconn.socket, select.POLLIN)
    if not poller.poll(0):
        return  # nothing to read: the usual case
    # An idle connection is sent nothing but notifications (none of these pools LISTENs) or
    # the server's farewell (FATAL: terminating connection...), the end of the stream after it.
    try:
        conn.pgconn.consume_input()
        if conn.pgconn.status == psycopg.pq.ConnStatus.OK and conn.pgconn.notifies() is not None:
            return
    except psycopg.OperationalError:
        pass
    conn.close()
    raise psycopg.OperationalError("connection closed by the server")


def checkout_checked_locally(pool: Any, getconn: Any, timeout: float | None) -> Any:
    """A pool's checkout that looks, without a round trip, whether the server closed the
    connection (closed_by_server); when it did, every idle connection most likely went with it
    (a restart), so the whole pool is checked at once and another connection handed out.

    psycopg_pool's own `check=` loop throws dead connections away one per attempt and sleeps
    between attempts (0, 1, 2, 4, 8 s...): after a restart the first request waited ~30 s."""
    import psycopg

    for _ in range(3):
        conn = getconn(timeout)
        try:
            closed_by_server(conn)
            return conn
        except psycopg.OperationalError:
            log.warning("%s: a connection was closed by the server: checking the others", pool.name)
            pool.putconn(conn)  # closed: the pool replaces it
            pool.check()  # the other dead ones go now, the live ones stay (a round trip each)
    # Still unlucky: this one is handed out as is; if it is dead, its first statement fails and
    # the request gets the 503 page.
    return getconn(timeout)


_checked_classes: dict[type, type] = {}


def locally_checked(pool_class: type) -> type:
    """`pool_class` whose checkout is checkout_checked_locally (an existing pool can take it
    as its __class__: it adds no attribute)."""
    if pool_class not in _checked_classes:
        class LocallyChecked(pool_class):
            def getconn(self, timeout: float | None = None) -> Any:
                return checkout_checked_locally(self, super().getconn, timeout)

        LocallyChecked.__name__ = LocallyChecked.__qualname__ = f"LocallyChecked{pool_class.__name__}"
        _checked_classes[pool_class] = LocallyChecked
    return _checked_classes[pool_class]


def lsn_value(text: str | None) -> int | None:
    """A PostgreSQL WAL position ("16/B374D848") as a number, or None."""
    if not text:
        return None
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


@dataclass
class ReadRoute:
    """Where one web request's reads go: decided at its first read, then kept for the whole
    request, so that one page never mixes the snapshots of two servers."""

    lsn: int | None = None  # the visitor's last write: the replica must have replayed it
    served_by: str | None = None  # "replica" or "primary", once decided
    fallback: str | None = None  # why the primary answered: "lagging" or "down"
    wrote: bool = False  # the request wrote: its visitor's new position is to be remembered


_route: ContextVar[ReadRoute | None] = ContextVar("engage_read_route", default=None)


@contextmanager
def routed_reads(route: ReadRoute) -> Iterator[ReadRoute]:
    """Route this context's reads (a web request's) by `route`; everything outside, the primary."""
    token = _route.set(route)
    try:
        yield route
    finally:
        _route.reset(token)


def note_write() -> None:
    """This request wrote (the event store, a read model, a session): remember its position."""
    route = _route.get()
    if route is not None:
        route.wrote = True


#: Seconds a request waits at most for a connection to the replica (a new one takes a few ms;
#: a replica that does not answer costs one request this long every `retry_after` seconds).
CONNECT_WAIT = 0.5


class ReadReplica:
    """A PostgreSQL hot standby of the primary's database: its own small pool of read-only
    connections, and whether it may serve a request now.

    A request that carries the visitor's last write position waits at most `max_wait` seconds
    for the standby to replay it (pg_last_wal_replay_lsn), then reads the primary ("lagging").
    A standby that does not answer, or is no standby any more, is left alone for `retry_after`
    seconds ("down"). Each change of state is logged once."""

    def __init__(self, url: str, *, max_wait: float = 0.2, pool_size: int = 5, pool_timeout: float = 30.0,
                 retry_after: float = 5.0):
        from psycopg_pool import ConnectionPool

        self.url = DatabaseURL.parse(url)
        if self.url.backend != "postgresql":
            raise ValueError("engage.database_url_read must be a postgresql:// URL")
        if max_wait < 0 or retry_after < 0:
            raise ValueError("engage.read_replica.max_wait_ms and retry_after must not be negative")
        self.max_wait = max_wait
        self.retry_after = retry_after
        conninfo = self.url.conninfo()
        conninfo["options"] = (conninfo.get("options", "") + " -c default_transaction_read_only=on").strip()
        # Opened at the first routed read: scripts and projection workers never open it.
        self._pool = ConnectionPool(
            kwargs={**conninfo, "connect_timeout": 2}, min_size=1, max_size=pool_size, timeout=pool_timeout,
            open=False, check=ConnectionPool.check_connection, name="engage-read-replica",
        )
        self._opened = False
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._state = "up"  # "up", "lagging" or "down": what was last logged
        self.served = {"replica": 0, "primary": 0}  # requests, by the server that answered

    def check_same_database(self, primary: DatabaseURL) -> None:
        if (self.url.dbname, self.url.schema) != (primary.dbname, primary.schema):
            raise ValueError("engage.database_url_read must name the primary's database and schema"
                             f" ({primary.dbname!r}, schema {primary.schema!r})")

    def close(self) -> None:
        self._pool.close()

    def _open(self) -> None:
        with self._lock:
            if not self._opened:
                self._pool.open(wait=False)
                self._opened = True

    def serves(self, route: ReadRoute) -> bool:
        """Whether the replica answers this request's reads (decided once per request)."""
        if route.served_by is None:
            route.fallback = self._fallback(route.lsn)
            route.served_by = "primary" if route.fallback else "replica"
            with self._lock:
                self.served[route.served_by] += 1
        return route.served_by == "replica"

    def _fallback(self, lsn: int | None) -> str | None:
        import psycopg

        if time.monotonic() < self._down_until:
            return "down"
        self._open()
        deadline = time.monotonic() + self.max_wait
        try:
            with self._pool.connection(timeout=max(self.max_wait, CONNECT_WAIT)) as conn:
                delay = 0.002
                while True:
                    replayed = self.replayed(conn)
                    if replayed is None:
                        self._went_down("it is not in recovery (promoted?)")
                        return "down"
                    if lsn is None or replayed >= lsn:
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        self._changed("lagging", "read replica lags behind a visitor's write by %s bytes:"
                                      " such reads go to the primary", lsn - replayed)
                        return "lagging"
                    time.sleep(min(delay, remaining))
                    delay = min(delay * 2, 0.02)
        except psycopg.Error as error:
            self._went_down(f"{type(error).__name__}: {error}")
            return "down"
        self._changed("up", "read replica serves reads again")
        return None

    @staticmethod
    def replayed(conn: Any) -> int | None:
        """The standby's replayed WAL position; None when it is not in recovery."""
        return lsn_value(conn.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()[0])

    def lag(self, primary_position: int) -> int:
        """Bytes of WAL the replica has still to replay; raises when it does not answer."""
        import psycopg

        self._open()
        with self._pool.connection(timeout=max(self.max_wait, 1.0)) as conn:
            replayed = self.replayed(conn)
        if replayed is None:
            raise psycopg.OperationalError("not in recovery: no standby")
        return max(0, primary_position - replayed)

    def _went_down(self, reason: str) -> None:
        self._down_until = time.monotonic() + self.retry_after
        self._changed("down", "read replica unavailable (%s): reads go to the primary, retried in %s s",
                      reason, self.retry_after)

    def _changed(self, state: str, message: str, *args: Any) -> None:
        with self._lock:
            if self._state == state:
                return
            self._state = state
        (log.info if state == "up" else log.warning)(message, *args)

    @contextmanager
    def reading(self) -> Iterator["Cursor"]:
        import psycopg

        try:
            with self._pool.connection() as conn:
                with conn.transaction():
                    with conn.cursor() as cur:
                        yield Cursor(cur, "postgresql")
        except psycopg.OperationalError as error:
            self._went_down(f"{type(error).__name__}: {error}")
            raise


class Cursor:
    backend: str

    def __init__(self, cursor: Any, backend: str, *, may_commit: bool = False):
        self._cursor = cursor
        self.backend = backend
        self._may_commit = may_commit  # its transaction's BEGIN was ours (transaction_opened_by)
        self._later: list[tuple[str, tuple]] = []  # writes() held back, not sent yet
        self._holding = False  # in a writes() block that holds them back
        self._held_last = False  # the last statement was held: it has no answer to read

    @property
    def defers_writes(self) -> bool:
        """Whether writes() can hold writes back for the transaction's next round trip
        (PostgreSQL, in a transaction_opened_by block)."""
        return self._may_commit

    @contextmanager
    def writes(self) -> Iterator[None]:
        """A block of writes whose answers nobody reads (no fetch, no rowcount). Where the cursor
        `defers_writes`, each is held back and sent in one pipeline with the transaction's next
        statement, whichever it is (its COMMIT included: execute_then_commit, or the block's
        end): no round trip of their own. Every later statement still sees them, since they go
        first; an error one raises surfaces there and rolls the transaction back. Elsewhere they
        go in one pipeline (one round trip on PostgreSQL). Reading an answer inside the block
        raises."""
        if not self.defers_writes:
            with self.pipeline():
                yield
            return
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def _send_later(self) -> None:
        """The writes held back, inside the caller's pipeline."""
        later, self._later = self._later, []
        for sql, params in later:
            self._cursor.execute(sql, params)

    def commit_if_later(self) -> None:
        """COMMIT now, the writes held back with it, if some still are (the end of
        a transaction_opened_by block; its own COMMIT then has nothing to do)."""
        if self._later:
            conn = self._cursor.connection
            with conn.pipeline():
                self._send_later()
                conn.execute("COMMIT", prepare=False)

    def execute_then_commit(self, sql: str, params: Sequence[Any] = ()) -> None:
        """The transaction's last statement and its COMMIT in one round trip (PostgreSQL, in a
        transaction_opened_by block only), the writes held back before them. A statement that
        fails skips the COMMIT (the pipeline stops at the error) and the block rolls back."""
        if not self._may_commit:
            raise RuntimeError("execute_then_commit: only in a transaction opened by transaction_opened_by()")
        conn = self._cursor.connection
        with conn.pipeline():
            self._send_later()
            self._cursor.execute(sql, tuple(params))
            conn.execute("COMMIT", prepare=False)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> "Cursor":
        if self.backend == "sqlite":
            sql = sql.replace("%s", "?")
        self._held_last = self._holding
        if self._holding:
            self._later.append((sql, tuple(params)))
            return self
        if self._later:
            with self._cursor.connection.pipeline():
                self._send_later()
                self._cursor.execute(sql, tuple(params))
            return self
        self._cursor.execute(sql, tuple(params))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self.backend == "sqlite":
            sql = sql.replace("%s", "?")
        self._held_last = self._holding
        if self._holding:
            self._later.extend((sql, tuple(row)) for row in rows)
            return
        if self._later:
            with self._cursor.connection.pipeline():
                self._send_later()
                self._cursor.executemany(sql, [tuple(r) for r in rows])
            return
        self._cursor.executemany(sql, [tuple(r) for r in rows])

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """PostgreSQL only: the rows in one COPY ... FROM STDIN, the cheapest bulk insert there
        is (no statement to parse, no JSON to build and take apart). No ON CONFLICT: for rows
        that are new by construction (a read model being written, a rebuild)."""
        if self.backend != "postgresql":
            raise NotImplementedError("COPY is PostgreSQL's: use executemany on SQLite")
        if self._later:  # COPY cannot run in a pipeline: the writes held back go first
            with self._cursor.connection.pipeline():
                self._send_later()
        with self._cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """PostgreSQL's pipeline mode for the block: its statements go out without waiting for
        each other's results, the server runs them back to back and the block ends with one
        wait. On a busy machine each wait costs a wake-up of both processes, more than the
        statement itself (~3 ms for 500 rows). A read in the block still gets its rows (psycopg
        syncs first); an error surfaces by the end of the block at the latest, and rolls the
        transaction back as before. SQLite runs in process: nothing to save, nothing done."""
        if self.backend != "postgresql":
            yield
            return
        with self._cursor.connection.pipeline():
            self._send_later()
            yield

    def _answered(self) -> Any:
        if self._held_last:
            raise RuntimeError("a write held back (Cursor.writes) has no answer to read")
        return self._cursor

    @property
    def rowcount(self) -> int:
        return self._answered().rowcount

    def fetchone(self) -> tuple | None:
        return self._answered().fetchone()

    def fetchall(self) -> list[tuple]:
        return list(self._answered().fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = (), default: Any = None) -> Any:
        row = self.execute(sql, params).fetchone()
        return default if row is None or row[0] is None else row[0]


_STARTS_TRANSACTION = re.compile(r"\s*SET\s+(TRANSACTION|LOCAL)\b", re.IGNORECASE)


class StatementReads(Cursor):
    """reading() on PostgreSQL: each statement alone, in autocommit, one round trip each.

    Under READ COMMITTED every statement takes its own snapshot anyway, so a transaction around
    plain reads bought no consistency for two more round trips (BEGIN, COMMIT). A reading that
    asks for one (SET TRANSACTION ISOLATION LEVEL REPEATABLE READ..., SET LOCAL) gets it: BEGIN
    goes first, and the end of the block commits it (rolls it back on an error)."""

    def __init__(self, cursor: Any):
        super().__init__(cursor, "postgresql")
        self.in_transaction = False

    def execute(self, sql: str, params: Sequence[Any] = ()) -> "Cursor":
        if not self.in_transaction and _STARTS_TRANSACTION.match(sql):
            self._cursor.execute("BEGIN")
            self.in_transaction = True
        return super().execute(sql, params)

    def end(self, *, commit: bool) -> None:
        if self.in_transaction and not self._cursor.connection.broken:
            self._cursor.execute("COMMIT" if commit else "ROLLBACK")
        self.in_transaction = False


def read_replica_from(settings: dict[str, Any]) -> ReadReplica | None:
    """The hot standby of ENGAGE_DATABASE_URL_READ (or engage.database_url_read), if any."""
    url = os.environ.get("ENGAGE_DATABASE_URL_READ") or settings.get("engage.database_url_read")
    if not url:
        return None
    return ReadReplica(
        url,
        max_wait=float(settings.get("engage.read_replica.max_wait_ms", 200)) / 1000,
        pool_size=int(settings.get("engage.read_replica.pool_size", 5)),
        pool_timeout=float(settings.get("engage.database.pool_timeout", 30)),
        retry_after=float(settings.get("engage.read_replica.retry_after", 5)),
    )


def database_url_from(settings: dict[str, str]) -> str:
    """ENGAGE_DATABASE_URL wins over the ini file, so secrets stay out of the repository."""
    url = os.environ.get("ENGAGE_DATABASE_URL") or settings.get("engage.database_url")
    if not url:
        raise ValueError("set engage.database_url in the ini file or ENGAGE_DATABASE_URL")
    return url
