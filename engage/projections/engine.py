"""The projection engine: follow the notification log, exactly once.

Each batch of read-model writes commits in the same transaction as the
projection's new position, so a crash at any point replays the batch from the
old position: nothing is skipped, nothing counted twice. Polling the
notification log works the same on SQLite (no push subscription there) and
PostgreSQL (where eventsourcing's table lock serializes commits, so ids appear
in commit order and a position never has to go back).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Iterable, Sequence

from eventsourcing.application import Application

from engage.db import Cursor, Database
from engage.projections.base import Projection

log = logging.getLogger(__name__)

TRACKING_SCHEMA = """
CREATE TABLE IF NOT EXISTS projection_tracking (
    projection TEXT PRIMARY KEY,
    position BIGINT NOT NULL
)
"""


class ProjectionTimeout(Exception):
    """The read models did not reach a position in time; the write itself is safe."""


class ProjectionEngine:
    def __init__(
        self,
        app: Application,
        db: Database,
        projections: Iterable[Projection],
        *,
        batch_size: int = 500,
    ):
        self.app = app
        self.db = db
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        # Called after every catch_up, once the read models have reached the head: work
        # that must follow whole batches, such as signing a transparency checkpoint.
        self.after_catch_up: list[Callable[[], object]] = []
        # The position every projection has reached, as far as this process has seen it
        # commit: waiters in this process are woken by the batch itself, not by polling.
        self._reached = 0
        self._advanced = threading.Condition()

    # -- schema --------------------------------------------------------------
    def setup(self) -> None:
        with self.db.transaction() as cur:
            cur.execute(TRACKING_SCHEMA)
            for projection in self.projections.values():
                projection.create_tables(cur)
                cur.execute(
                    "INSERT INTO projection_tracking (projection, position) VALUES (%s, 0)"
                    " ON CONFLICT (projection) DO NOTHING",
                    [projection.name],
                )

    # -- positions -----------------------------------------------------------
    def positions(self) -> dict[str, int]:
        with self.db.reading(primary=True) as cur:  # what was written, never a replica's view
            return dict(cur.execute("SELECT projection, position FROM projection_tracking").fetchall())

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def lowest_position(self) -> int:
        positions = self.positions()
        return min((positions.get(name, 0) for name in self.projections), default=0)

    # -- processing ----------------------------------------------------------
    def process_batch(self, name: str) -> int:
        """Apply the next batch of one projection; returns the number of events applied."""
        projection = self.projections[name]
        with self.db.transaction() as cur:
            position = self._lock_position(cur, name)
            head = self.head()
            if head <= position:
                return 0
            notifications = self.app.recorder.select_notifications(
                start=position + 1,
                limit=self.batch_size,
                stop=head,
                topics=projection.topics(),
            )
            projection.apply_batch(
                cur, [(self.app.mapper.to_domain_event(n), n.id) for n in notifications]
            )
            if len(notifications) < self.batch_size:
                new_position = head  # every followed event up to head is applied
            else:
                new_position = notifications[-1].id
            cur.execute(
                "UPDATE projection_tracking SET position = %s WHERE projection = %s",
                [new_position, name],
            )
            return len(notifications)

    def _lock_position(self, cur: Cursor, name: str) -> int:
        # FOR UPDATE makes two workers on one projection take turns on PostgreSQL;
        # on SQLite the transaction already holds the database's write lock.
        lock = " FOR UPDATE" if cur.backend == "postgresql" else ""
        return cur.scalar(
            "SELECT position FROM projection_tracking WHERE projection = %s" + lock, [name], 0
        )

    def process_shared_batch(self, names: Sequence[str]) -> tuple[int, int]:
        """One batch for several projections in one transaction: the log is read and decoded
        once for all of them (instead of once per projection, each in its own transaction),
        and every position moves with the read models' writes, so a crash still rolls back
        the whole batch. Each projection gets the events it follows and has not applied
        yet (positions may differ: a projection added or rebuilt later catches up here
        while the others skip what they have). Returns (events applied, notifications read)."""
        applied, read, reached = self._shared_batch(names)
        if reached is not None and set(names) >= set(self.projections):
            with self._advanced:  # the truth as of this commit (a rebuild elsewhere may lower it)
                self._reached = reached
                self._advanced.notify_all()
        return applied, read

    def _shared_batch(self, names: Sequence[str]) -> tuple[int, int, int | None]:
        projections = [self.projections[name] for name in self.projections if name in set(names)]
        with self.db.transaction() as cur:
            positions = self._lock_positions(cur, sorted(p.name for p in projections))
            head = self.head()
            low = min(positions.values())
            if head <= low:
                return 0, 0, low
            topics = [set(p.topics()) for p in projections]
            wanted = None if any(not t for t in topics) else set().union(*topics)
            notifications = self.app.recorder.select_notifications(
                start=low + 1, limit=self.batch_size, stop=head,
                topics=sorted(wanted) if wanted is not None else (),
            )
            decoded = [(n.topic, self.app.mapper.to_domain_event(n), n.id) for n in notifications]
            applied = 0
            for projection, follows in zip(projections, topics):
                position = positions[projection.name]
                events = [(event, i) for topic, event, i in decoded
                          if i > position and (not follows or topic in follows)]
                if events:
                    projection.apply_batch(cur, events)
                    applied += len(events)
            # Every followed event up to head is applied when the batch was not full.
            new_position = head if len(notifications) < self.batch_size else notifications[-1].id
            moved = [(name, new_position) for name, position in positions.items() if position < new_position]
            cur.executemany("INSERT INTO projection_tracking (projection, position) VALUES (%s, %s)"
                            " ON CONFLICT (projection) DO UPDATE SET position = excluded.position", moved)
        # Committed: the lowest position is now new_position (or above, for those ahead).
        return applied, len(notifications), new_position

    def _lock_positions(self, cur: Cursor, names: list[str]) -> dict[str, int]:
        # In name order, so two workers never wait on each other's rows in a cycle.
        lock = " FOR UPDATE" if cur.backend == "postgresql" else ""
        marks = ", ".join(["%s"] * len(names))
        found = dict(cur.execute(
            f"SELECT projection, position FROM projection_tracking WHERE projection IN ({marks})"
            f" ORDER BY projection{lock}", names).fetchall())
        return {name: found.get(name, 0) for name in names}

    def catch_up(self, names: Sequence[str] | None = None) -> int:
        """Process until every projection has reached the head of the log."""
        total = 0
        names = list(names or self.projections)
        while True:
            applied, read = self.process_shared_batch(names)
            total += applied
            if read < self.batch_size:
                break
        for hook in self.after_catch_up:
            hook()
        return total

    def rebuild(self, names: Sequence[str] | None = None, progress: Callable[[int], None] | None = None) -> None:
        """Drop the read models and replay the whole log into them."""
        names = list(names or self.projections)
        self.reset(names)
        last = 0
        while True:
            _, read = self.process_shared_batch(names)
            positions = self.positions()
            position = min(positions[name] for name in names)
            if progress:
                progress((position - last) * len(names))  # projection-events, as before
            if read < self.batch_size:
                break
            last = position

    def reset(self, names: Sequence[str]) -> None:
        """Empty these read models and move their positions back to 0 (a rebuild's first step;
        projection groups then replay them in parallel: engage/projections/groups.py)."""
        with self._advanced:
            self._reached = 0  # no waiter may trust an earlier position during a rebuild
        with self.db.transaction() as cur:
            cur.execute(TRACKING_SCHEMA)
            for name in names:
                projection = self.projections[name]
                projection.drop_tables(cur)
                projection.create_tables(cur)
                cur.execute(
                    "INSERT INTO projection_tracking (projection, position) VALUES (%s, 0)"
                    " ON CONFLICT (projection) DO UPDATE SET position = 0",
                    [name],
                )

    def wait_for(self, position: int, timeout: float, poke: Callable[[], None] | None = None) -> None:
        """Read-your-writes: block until every projection has reached `position`.

        A worker in this process wakes the waiters when its batch commits; the read models'
        positions are read from the database only when no such news came for a while (a
        worker in another process, as in production)."""
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            if self._reached >= position:
                return
            if poke:
                poke()
            with self._advanced:
                woken = self._advanced.wait_for(lambda: self._reached >= position, delay)
            if woken:
                return
            if self.lowest_position() >= position:
                return
            if time.monotonic() >= deadline:
                raise ProjectionTimeout(position)
            delay = min(delay * 2, 0.1)


class ProjectionWorker:
    """Runs the engine in a loop: its own process in production, a thread in development."""

    def __init__(self, engine: ProjectionEngine, *, poll_interval: float = 0.2):
        self.engine = engine
        self.poll_interval = poll_interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poke(self) -> None:
        self._wake.set()

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                self.engine.catch_up()
            except Exception:  # keep serving; the batch rolled back and will be retried
                log.exception("projection batch failed; retrying")
                self._stop.wait(1.0)
            self._wake.wait(self.poll_interval)
            self._wake.clear()

    def start_thread(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="engage-projections", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
