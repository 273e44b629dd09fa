"""Where each projection has got to, as this process knows it: read-your-writes without polling.

A web process waits after a command until the read models its answering page reads have
reached the command's position. The positions are committed by a projection worker, usually
in another process: on PostgreSQL, the worker announces them with NOTIFY in the same
transaction (delivered only once committed, and in commit order), and one ProgressListener
per process receives them on a dedicated connection and wakes the waiters. A worker in this
process (development, tests) reports its commits directly.

Positions may go down (a rebuild starts again from 0): the latest news is the truth, never
the highest. When the listener loses its connection, what it knew is forgotten (news may have
been missed, a rebuild among them) until it has listened again and reread the positions.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from typing import Any, Callable, Collection, Mapping

log = logging.getLogger(__name__)


def channel_for(schema: str) -> str:
    """The NOTIFY channel of one instance of engage: its schema is in it, so instances sharing a
    server (the tests, one schema each) never hear each other. PostgreSQL truncates identifiers
    to 63 bytes: a long schema name is replaced by its digest."""
    channel = f"engage_progress_{schema}" if schema else "engage_progress"
    if len(channel) > 63:
        channel = "engage_progress_" + hashlib.sha256(schema.encode()).hexdigest()[:32]
    return channel


def announcement(positions: Mapping[str, int]) -> str:
    """A NOTIFY payload: the projections that moved and their new positions (JSON)."""
    return json.dumps(dict(positions), separators=(",", ":"))


def read_announcement(payload: str) -> dict[str, int]:
    """The positions in a payload; nothing for a payload that is not one (never an error)."""
    try:
        found = json.loads(payload)
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): v for k, v in found.items() if isinstance(v, int) and not isinstance(v, bool)}


class Progress:
    """The positions this process has heard of, per projection, and the waiters on them."""

    def __init__(self) -> None:
        self._positions: dict[str, int] = {}
        self._changed = threading.Condition()

    def advance(self, positions: Mapping[str, int]) -> None:
        """Committed positions, as news: they replace what was known (a rebuild lowers them)."""
        if not positions:
            return
        with self._changed:
            self._positions.update(positions)
            self._changed.notify_all()

    def replace(self, positions: Mapping[str, int]) -> None:
        """Everything known, reread from the database."""
        with self._changed:
            self._positions = dict(positions)
            self._changed.notify_all()

    def forget(self) -> None:
        """News may have been missed: trust nothing until it is reread."""
        with self._changed:
            self._positions = {}

    def known(self, name: str) -> int:
        return self._positions.get(name, 0)

    def reached(self, names: Collection[str], position: int) -> bool:
        positions = self._positions
        return all(positions.get(name, 0) >= position for name in names)

    def wait(self, names: Collection[str], position: int, timeout: float) -> bool:
        """Block until every named projection has reached `position`, at most `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: self.reached(names, position), max(timeout, 0))


class ProgressListener:
    """One dedicated PostgreSQL connection (autocommit) LISTENing to the workers' announcements,
    read by a daemon thread that reports them to `progress`. After a lost connection it forgets
    what it knew, reconnects, listens, rereads every position, and carries on."""

    #: Seconds between two looks at the stop flag while no notification comes: close() waits
    #: at most this long (closing a connection another thread is reading is not safe).
    TICK = 0.1

    def __init__(self, conninfo: Mapping[str, Any], channel: str, progress: Progress,
                 *, retry_after: float = 0.5, connect: Callable[..., Any] | None = None,
                 also: Collection[str] = (), hear: Callable[[str, dict[str, int]], None] | None = None):
        self.conninfo = dict(conninfo)
        self.channel = channel
        self.progress = progress
        # Other channels to listen to (the event log's own NOTIFY on every insert), and who is
        # told of each notification (channel, positions announced): a projection worker woken
        # by the log's commits instead of polling it.
        self.also = tuple(also)
        self.hear = hear
        self.retry_after = retry_after
        self._connect = connect
        self.pid = os.getpid()  # the process it listens for (a forked child needs its own)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.connected = threading.Event()
        self.backend_pid: int | None = None  # of the listening connection (for tests, monitoring)
        self.connections = 0  # successful (re)connections
        self.notifications = 0  # announcements received
        self._heard_at = 0.0  # monotonic time of the last news (or of listening again)

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="engage-progress-listener", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    def silence(self) -> float:
        """Seconds since it last heard from the database (a notification, or listening again)."""
        return time.monotonic() - self._heard_at

    def _run(self) -> None:
        import psycopg

        reported = False  # the outage is logged once, not at every attempt
        while not self._stop.is_set():
            listened = self.connections
            try:
                self._listen()
            except psycopg.Error as error:
                if self.connections > listened:
                    reported = False
                if not self._stop.is_set() and not reported:
                    log.warning("progress listener cut off (%s: %s): waiters poll until it listens again",
                                type(error).__name__, error)
                    reported = True
            except Exception:  # keep listening: waiters poll meanwhile
                log.exception("progress listener failed; reconnecting")
            finally:
                self.connected.clear()
                self.progress.forget()
            self._stop.wait(self.retry_after)

    def _listen(self) -> None:
        import psycopg
        from psycopg import sql

        connect = self._connect or psycopg.connect
        with connect(**self.conninfo, autocommit=True, connect_timeout=5) as conn:
            for channel in (self.channel, *self.also):
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            # Listening first, then reading: nothing committed in between is missed.
            rows = conn.execute("SELECT projection, position FROM projection_tracking").fetchall()
            self.progress.replace(dict(rows))
            self.backend_pid = conn.info.backend_pid
            self.connections += 1
            self._heard_at = time.monotonic()
            self.connected.set()
            if self.connections > 1:
                log.info("progress listener listens again")
            while not self._stop.is_set():
                for notify in conn.notifies(timeout=self.TICK):
                    self.notifications += 1
                    self._heard_at = time.monotonic()
                    news = read_announcement(notify.payload) if notify.channel == self.channel else {}
                    self.progress.advance(news)
                    if self.hear is not None:
                        self.hear(notify.channel, news)
                # A silent connection may be a dead one: a round trip tells (and raises).
                if time.monotonic() - self._heard_at > 1.0:
                    conn.execute("SELECT 1")
                    self._heard_at = time.monotonic()
