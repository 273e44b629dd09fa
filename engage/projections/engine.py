"""The projection engine: follow the notification log, exactly once.

Each batch of read-model writes commits in the same transaction as the
projection's new position, so a crash at any point replays the batch from the
old position: nothing is skipped, nothing counted twice. Polling the
notification log works the same on SQLite (no push subscription there) and
PostgreSQL (where eventsourcing's table lock serializes commits, so ids appear
in commit order and a position never has to go back).

A batch on PostgreSQL costs two round trips of its own, on one connection of the read models'
pool, whatever the projections then write: BEGIN in one pipeline with the statement that locks
the batch's positions and reads the trailed projections' positions, the log's head and the next
notifications in one snapshot (_BATCH_READ); the projections' own statements; the statement
that writes the positions and NOTIFYs them in one pipeline with the COMMIT
(_WRITE_POSITIONS_AND_COMMIT). A speculative batch (groups.py) does the same once it has heard
of the trailed groups' commit; before that it writes its positions alone (_WRITE_POSITIONS,
which writes nothing until the trailed projections are there), then commits: three. The
statements are static texts, prepared by psycopg after a few runs. On SQLite the log is read
through the recorder.

Read-your-writes (wait_for) waits for the projections a page reads, as this process hears of
their commits (engage/projections/progress.py): PostgreSQL NOTIFY from a worker anywhere, or
the batches of a worker in this process; it polls their positions only when no news comes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from engage.db import Cursor, Database
from engage.projections.base import Projection
from engage.projections.decoding import BatchDecoder
from engage.projections.progress import Progress, ProgressListener, announcement, channel_for

log = logging.getLogger(__name__)

TRACKING_SCHEMA = """
CREATE TABLE IF NOT EXISTS projection_tracking (
    projection TEXT PRIMARY KEY,
    position BIGINT NOT NULL
)
"""


class ProjectionTimeout(Exception):
    """The read models did not reach a position in time; the write itself is safe."""


class _Read(NamedTuple):
    """A notification as a batch reads it on PostgreSQL: what eventsourcing's Notification holds,
    built for a fifth of its cost (a frozen dataclass's __init__), a rebuild reading millions."""

    id: int
    originator_id: Any
    originator_version: int
    topic: str
    state: bytes


@dataclass
class _Batch:
    """What a batch read: its projections' positions, how far it may go (head), the trailed
    projections' lowest committed position (None: it trails none) and the notifications."""

    positions: dict[str, int]
    head: int
    trailed: int | None
    notifications: list[Notification] | list[_Read]


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
        self.decoder = BatchDecoder(app.mapper)  # a batch's events decoded at once
        # Projections of other engines this one never passes (projection groups: groups.py).
        self.trails: tuple[str, ...] = ()
        self._statements: dict[bool, str] = {}  # the batch's read, with and without a topic filter
        # Called after every catch_up, once the read models have reached the head: work
        # that must follow whole batches, such as signing a transparency checkpoint.
        self.after_catch_up: list[Callable[[], object]] = []
        # Each projection's position, as far as this process has heard of its commits.
        self.progress = Progress()
        # On PostgreSQL, started at the first wait: hears the commits of workers in any process.
        self.listen = db.backend == "postgresql"
        self.listener: ProgressListener | None = None
        self._listener_lock = threading.Lock()
        # Without news for this long, a waiter reads the positions itself (the listener may be
        # down, or a worker may commit without announcing).
        self.poll_after = 0.1
        self.polls = 0  # positions read by waiters: the fallback's counter

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
            projection.apply_batch(cur, list(zip(self.decoder.decode(notifications),
                                                 [n.id for n in notifications])))
            if len(notifications) < self.batch_size:
                new_position = head  # every followed event up to head is applied
            else:
                new_position = notifications[-1].id
            cur.execute(
                "UPDATE projection_tracking SET position = %s WHERE projection = %s",
                [new_position, name],
            )
            self._announce(cur, {name: new_position})
        self.progress.advance({name: new_position})
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
        if reached is not None:  # every one of them is there (or beyond) as of this commit
            self.progress.advance({name: reached for name in names})
        return applied, read

    def _shared_batch(self, names: Sequence[str]) -> tuple[int, int, int | None]:
        projections = [self.projections[name] for name in self.projections if name in set(names)]
        topics = [set(p.topics()) for p in projections]
        wanted = None if any(not t for t in topics) else sorted(set().union(*topics))
        with self._batch_transaction(sorted(p.name for p in projections), wanted) as (cur, batch):
            positions, head, notifications = batch.positions, batch.head, batch.notifications
            low = min(positions.values())
            if head <= low:
                return 0, 0, low
            # Every followed event up to head is applied when the batch was not full.
            new_position = head if len(notifications) < self.batch_size else notifications[-1].id
            self._reading_up_to(new_position)
            applied = 0
            for projection, events in zip(projections, self._dispatch(
                    notifications, self.decoder.decode(notifications),
                    [positions[p.name] for p in projections], topics)):
                if events:
                    projection.apply_batch(cur, events)
                    applied += len(events)
            moved = [(name, new_position) for name, position in positions.items() if position < new_position]
            # Past what the trailed groups had committed when it was read (a speculative batch,
            # groups.py): committed only once they have.
            gated = batch.trailed is not None and new_position > batch.trailed
            self._write_positions(cur, moved, new_position, gated=gated)
        # Committed: the lowest position is now new_position (or above, for those ahead).
        return applied, len(notifications), new_position

    @staticmethod
    def _dispatch(notifications: Sequence[Notification], events: Sequence[object], positions: Sequence[int],
                  follows: Sequence[set[str]]) -> list[list[tuple[object, int]]]:
        """Each projection's (event, id) pairs of a batch, in log order: those of the topics it
        follows (all of them: an empty set) past its position. One pass over the batch, each
        event handed to the projections of its topic only (the "others" group has 18
        projections, and most events concern two or three of them)."""
        shares: list[list[tuple[object, int]]] = [[] for _ in positions]
        takers: dict[str, list[tuple[int, list]]] = {}
        for notification, event in zip(notifications, events):
            topic, i = notification.topic, notification.id
            mine = takers.get(topic)
            if mine is None:
                mine = takers[topic] = [(position, share) for position, share, topics
                                        in zip(positions, shares, follows) if not topics or topic in topics]
            pair = (event, i)
            for position, share in mine:
                if i > position:
                    share.append(pair)
        return shares

    def _reading_up_to(self, position: int) -> None:
        """Told, once a batch has read the log, where it will leave its projections (GroupEngine)."""

    # The batch's reads on PostgreSQL, in one statement (one round trip, one connection, a
    # static text that psycopg converts once and prepares): lock the batch's positions (FOR
    # UPDATE: two workers on one projection take turns, in name order so never in a cycle),
    # read the log's head and the trailed projections' lowest position in the same snapshot as
    # the log's rows, and the next notifications up to LEAST(head, trailed + slack). Rows: (0,
    # projection, position), (1, NULL, head), (2, NULL, trailed or NULL), then (3, topic, id,
    # originator_id, originator_version, state) per notification. The positions locked are
    # the latest committed (a rival's batch waited for); the rest is the statement's snapshot,
    # which has every event up to its head (the log's table lock orders commits by id). The
    # bounds are scalar subqueries, computed first: the index scan starts at `low` and stops at
    # the LIMIT (a join to them let the planner scan the index from the log's first event).
    _BATCH_READ = """
WITH mine AS MATERIALIZED (
    SELECT projection, position FROM projection_tracking
    WHERE projection = ANY(%s) ORDER BY projection FOR UPDATE
), bounds AS MATERIALIZED (
    SELECT CASE WHEN (SELECT count(*) FROM mine) = %s THEN (SELECT min(position) FROM mine) ELSE 0 END AS low,
           COALESCE((SELECT max(notification_id) FROM {events}), 0) AS top,
           (SELECT CASE WHEN count(*) = %s THEN min(position) ELSE 0 END
              FROM projection_tracking WHERE projection = ANY(%s)) AS trailed
)
SELECT 0, projection, position, NULL::uuid, NULL::integer, NULL::bytea FROM mine
UNION ALL SELECT 1, NULL, top, NULL, NULL, NULL FROM bounds
UNION ALL SELECT 2, NULL, trailed, NULL, NULL, NULL FROM bounds
UNION ALL (
    SELECT 3, e.topic, e.notification_id, e.originator_id, e.originator_version, e.state
    FROM {events} e
    WHERE e.notification_id > (SELECT low FROM bounds)
      AND e.notification_id <= (SELECT LEAST(top, trailed + %s) FROM bounds){topics}
    ORDER BY e.notification_id LIMIT %s
)"""

    # The batch's positions and its announcement, in one statement: written (and announced at
    # commit) only when every trailed projection has reached `new` (no trailed projections
    # given: at once). One row when written; none when the trailed groups are not there yet.
    # The batch then commits without waiting for its WAL to reach the disk (synchronous_commit
    # off, for its transaction only): read models are derived data, and a crash that loses a
    # batch's commit loses its positions with it (they commit together), so the batch is simply
    # applied again from the log, which stays durable, and comes out the same. That fsync (2-10
    # ms on a busy disk) was on the path of every vote's read-your-writes wait (the consultations
    # group's commit). Any later synchronous commit (an event, a checkpoint) flushes the WAL up
    # to itself, these batches included. Not for a projection whose replay would differ
    # (`commits_durably`: the public log draws random salts), nor with a read replica
    # (engage/replica.py): a standby only receives flushed WAL, and the WAL position a visitor is
    # given after the wait must cover the batches it waited for, so they are flushed at commit.
    _POSITIONS_MOVED = """
WITH ready AS (
    SELECT count(*) = %s AND (count(*) = 0 OR min(position) >= %s) AS ok
    FROM projection_tracking WHERE projection = ANY(%s)
), moved AS (
    INSERT INTO projection_tracking (projection, position)
    SELECT name, %s::bigint FROM unnest(%s::text[]) AS name, ready WHERE ready.ok
    ON CONFLICT (projection) DO UPDATE SET position = excluded.position
    RETURNING projection
)"""
    _ANNOUNCED = """
SELECT pg_notify(%s, %s),
       set_config('synchronous_commit', COALESCE(%s, current_setting('synchronous_commit')), true)"""
    _WRITE_POSITIONS = _POSITIONS_MOVED + _ANNOUNCED + """
FROM ready WHERE ready.ok"""

    # The same, sent with the COMMIT in one pipeline: one round trip less on the path of every
    # read-your-writes wait (the public log's batch, which the consultations group waits for,
    # and the consultations group's, which the vote's page waits for). Used when the trailed
    # projections are known to be there (none, or their news heard); should they not be after
    # all, or a position not be written, the last column's cast fails the statement with that
    # message, the pipeline skips the COMMIT, and the batch rolls back: read models never
    # commit without their positions.
    _WRITE_POSITIONS_AND_COMMIT = _POSITIONS_MOVED + """, written AS (SELECT count(*) AS n FROM moved)""" \
        + _ANNOUNCED + """,
       (CASE WHEN written.n = %s THEN '1'
             ELSE 'engage: ' || written.n || ' projection positions written of ' || %s END)::int
FROM written"""

    def _batch_read_sql(self, with_topics: bool) -> str:
        statement = self._statements.get(with_topics)
        if statement is None:
            from psycopg import sql

            recorder = self.app.recorder
            events = sql.Identifier(recorder.datastore.schema, recorder.events_table_name).as_string(None)
            statement = self._statements[with_topics] = self._BATCH_READ.format(
                events=events, topics=" AND e.topic = ANY(%s)" if with_topics else "")
        return statement

    def _slack(self) -> int:
        """How far past the trailed projections' committed positions a batch may read (GroupEngine)."""
        return 0

    @contextmanager
    def _batch_transaction(self, names: list[str], topics: list[str] | None) -> Iterator[tuple[Cursor, "_Batch"]]:
        """The batch's transaction, opened by its read (_BATCH_READ: BEGIN and the read in one
        round trip on PostgreSQL)."""
        trails = [name for name in self.trails if name not in names]
        if self.db.backend != "postgresql":
            with self.db.transaction() as cur:
                yield cur, self._read_batch_sqlite(cur, names, trails, topics)
            return
        slack = self._slack()
        params: list = [names, len(names), len(trails), trails, slack]
        if topics is not None:
            params.append(topics)
        params.append(self.batch_size)
        with self.db.transaction_opened_by(self._batch_read_sql(topics is not None), params) as (cur, rows):
            found: dict[str, int] = {}
            top, trailed, notifications = 0, None, []
            for kind, text, number, originator_id, version, state in rows:
                if kind == 0:
                    found[text] = number
                elif kind == 1:
                    top = number
                elif kind == 2:
                    trailed = number
                else:
                    notifications.append(_Read(number, originator_id, version, text, bytes(state)))
            notifications.sort(key=lambda n: n.id)
            positions = {name: found.get(name, 0) for name in names}
            head = top if trailed is None else min(top, trailed + slack)
            yield cur, _Batch(positions, head, None if trailed is None else trailed, notifications)

    def _read_batch_sqlite(self, cur: Cursor, names: list[str], trails: list[str],
                           topics: list[str] | None) -> "_Batch":
        # The transaction holds the database's write lock already (no rival moves a position
        # under it); the log is read through the recorder.
        marks = ", ".join(["%s"] * (len(names) + len(trails)))
        found = dict(cur.execute(
            f"SELECT projection, position FROM projection_tracking WHERE projection IN ({marks})",
            [*names, *trails]).fetchall())
        positions = {name: found.get(name, 0) for name in names}
        trailed = min((found.get(name, 0) for name in trails), default=None)
        top = self.app.recorder.max_notification_id() or 0
        head = top if trailed is None else min(top, trailed)
        low = min(positions.values())
        notifications = [] if head <= low else list(self.app.recorder.select_notifications(
            start=low + 1, limit=self.batch_size, stop=head, topics=topics or ()))
        return _Batch(positions, head, trailed, notifications)

    def _write_positions(self, cur: Cursor, moved: list[tuple[str, int]], new_position: int, *,
                         gated: bool) -> None:
        if not moved:
            return
        if cur.backend != "postgresql":
            cur.executemany("INSERT INTO projection_tracking (projection, position) VALUES (%s, %s)"
                            " ON CONFLICT (projection) DO UPDATE SET position = excluded.position", moved)
            return
        # The announcement in the batch's transaction: PostgreSQL delivers it at commit, never
        # for a rollback.
        names = [name for name, _ in moved]
        trails = list(self.trails) if gated else []
        params = [len(trails), new_position, trails, new_position, names, channel_for(self.db.url.schema),
                  announcement(dict(moved)), "off" if self._may_commit_asynchronously(names) else None]

        def write_and_commit() -> None:
            cur.execute_then_commit(self._WRITE_POSITIONS_AND_COMMIT, [*params, len(names), len(names)])

        if not gated:
            write_and_commit()
            return
        def write() -> bool:  # False while the trailed projections are not there
            return cur.execute(self._WRITE_POSITIONS, params).fetchone() is not None

        self._when_trailed_reach(new_position, write, write_and_commit)

    def _may_commit_asynchronously(self, names: Sequence[str]) -> bool:
        """Whether a batch moving these projections may commit without waiting for the disk
        (_WRITE_POSITIONS' comment)."""
        return self.db.replica is None and not any(
            self.projections[name].commits_durably for name in names)

    def _when_trailed_reach(self, position: int, write: Callable[[], bool],
                            write_and_commit: Callable[[], None]) -> None:
        """A speculative batch's end (GroupEngine): its positions written once the trailed
        projections have committed `position`, by `write()` (False until they have; the block's
        end commits) or by `write_and_commit()` (raises unless they have); raise to roll the
        batch back."""
        raise RuntimeError("a batch past the trailed projections outside a GroupEngine")

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
        self.analyze(names)

    def analyze(self, names: Sequence[str]) -> None:
        """Fresh planner statistics for these read models' tables, after a rebuild: until
        autovacuum comes by, PostgreSQL would plan the pages' queries over the statistics of
        the emptied tables (the restitution report measured 3x slower just after one)."""
        with self.db.transaction() as cur:
            for name in names:
                for table in self.projections[name].tables:
                    cur.execute(f"ANALYZE {table}")

    def reset(self, names: Sequence[str]) -> None:
        """Empty these read models and move their positions back to 0 (a rebuild's first step;
        projection groups then replay them in parallel: engage/projections/groups.py)."""
        # No waiter may trust an earlier position during a rebuild (announced to the others below).
        self.progress.advance({name: 0 for name in names})
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
            self._announce(cur, {name: 0 for name in names})

    # -- read-your-writes ----------------------------------------------------
    def _announce(self, cur: Cursor, positions: dict[str, int]) -> None:
        # In the batch's transaction: PostgreSQL delivers it at commit, never for a rollback.
        if positions and cur.backend == "postgresql":
            cur.execute("SELECT pg_notify(%s, %s)", [channel_for(self.db.url.schema), announcement(positions)])

    def _positions_of(self, names: Sequence[str]) -> dict[str, int]:
        marks = ", ".join(["%s"] * len(names))
        with self.db.reading(primary=True) as cur:  # what was written, never a replica's view
            return dict(cur.execute(
                f"SELECT projection, position FROM projection_tracking WHERE projection IN ({marks})",
                list(names)).fetchall())

    def listening(self) -> ProgressListener | None:
        """This process's listener to the workers' announcements, started at the first call
        (at the first wait: a process that never waits opens no connection for it); None on
        SQLite, or when a worker in this process reports its commits itself."""
        if not self.listen:
            return None
        with self._listener_lock:
            if self.listener is not None and self.listener.pid != os.getpid():
                # Forked after it started (N web processes): its thread stayed in the parent,
                # and what it knew is the parent's. Start afresh; the parent's connection is not
                # this process's to close.
                self.listener, self.progress = None, Progress()
            if self.listener is None:
                self.listener = ProgressListener(self.db.url.conninfo(), channel_for(self.db.url.schema),
                                                 self.progress)
                self.listener.start()
            return self.listener

    def wait_for(self, position: int, timeout: float, poke: Callable[[], None] | None = None,
                 *, projections: Iterable[str] | None = None) -> None:
        """Read-your-writes: block until the named projections (all of them when None) have
        reached `position`; ProjectionTimeout after `timeout` seconds.

        Woken by the news of their commits (progress.py). On PostgreSQL, the listener hears
        every commit in commit order, a rebuild's lower positions included: what it says is
        trusted. A worker in this process only knows its own commits (a rebuild elsewhere may
        have lowered a position since): its news is confirmed by reading the positions, a
        cheap read in that setting. The positions are also read when the listener has heard
        nothing for `poll_after` seconds during the wait or is not connected, and on SQLite,
        with a backoff from 5 to 100 ms."""
        names = self.projections_named(projections)
        if not names:  # a page that reads no read model
            return
        listener = self.listening()
        started = time.monotonic()
        deadline = started + timeout
        delay = 0.005
        while True:
            if poke:
                poke()
            heard = self.progress.wait(names, position, min(delay, deadline - time.monotonic()))
            listening = listener is not None and listener.connected.is_set()
            if heard and listening:
                return
            # Silence is news too while listening: nothing committed. Polling is for a listener
            # that has heard nothing for poll_after, since this wait began (it may be cut off).
            quiet = not listening or min(listener.silence(), time.monotonic() - started) >= self.poll_after
            if heard or quiet:
                self.polls += 1
                positions = self._positions_of(names)
                if all(positions.get(name, 0) >= position for name in names):
                    return
            if time.monotonic() >= deadline:
                raise ProjectionTimeout(position)
            delay = self.poll_after if listening else min(delay * 2, 0.1)

    def changed_by(self, names: Iterable[str], written: Iterable[type]) -> list[str]:
        """Of these projections, the ones a write of these event classes can change: those that
        follow one of them, and those that follow every event (the public log)."""
        from eventsourcing.utils import get_topic

        topics = {get_topic(kind) for kind in written}
        changed = []
        for name in names:
            follows = set(self.projections[name].topics())  # what the engine gives it: exact topics
            if not follows or follows & topics:
                changed.append(name)
        return changed

    def projections_named(self, names: Iterable[str] | None) -> list[str]:
        """The projections of these names (all of them for None); a name no projection has is an
        error of the caller (a typo would otherwise wait for nothing)."""
        if names is None:
            return list(self.projections)
        names = list(names)
        unknown = sorted(set(names) - set(self.projections))
        if unknown:
            raise ValueError(f"no such projection: {', '.join(unknown)}")
        return names

    def close(self) -> None:
        """Stop listening (the worker, if any, is stopped by its owner)."""
        with self._listener_lock:
            listener, self.listener = self.listener, None
            self.listen = False
        if listener is not None:
            listener.stop()


class ProjectionWorker:
    """Runs the engine in a loop: its own process in production, a thread in development."""

    def __init__(self, engine: ProjectionEngine, *, poll_interval: float = 0.2):
        self.engine = engine
        self.poll_interval = poll_interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener: ProgressListener | None = None

    def poke(self) -> None:
        self._wake.set()

    def wake_on_commits(self) -> None:
        """On PostgreSQL, be woken by each commit to the log (eventsourcing NOTIFYs on every
        insert) and by the announced progress of the projections this engine trails (projection
        groups), rather than finding them at the next poll: a vote's page then waits for the
        read models' work, not for a timer. Polling stays, as the fallback while the listening
        connection is down."""
        engine = self.engine
        if engine.db.backend != "postgresql":
            return
        log_channel = engine.app.recorder.channel_name
        # A projection group (groups.py) keeps what it hears: its speculative batches wait on
        # it, and the trailed groups' news wakes it only when it lets a batch go further.
        heard = getattr(engine, "heard", None)
        wanted_by = getattr(engine, "wanted_by", None)

        def hear(channel: str, news: dict[str, int]) -> None:
            if channel == log_channel or (wanted_by is not None and wanted_by(news)):
                self.poke()

        self._listener = ProgressListener(engine.db.url.conninfo(), channel_for(engine.db.url.schema),
                                          heard if heard is not None else Progress(),
                                          also=[log_channel], hear=hear)
        if heard is not None:
            engine.speculate_with(self._listener)
        self._listener.start()

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
        if self._listener is not None:
            self._listener.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
