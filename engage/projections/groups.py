"""Projection groups: every projection in exactly one group, each group run by one process
(alone, or merged with others).

One Python process applies one event at a time, so the projections are partitioned into a
few groups balanced by cost, and a rebuild replays each group in a process of its own: the log
is read once per group, the groups run on different cores. Following the log live, a process
may run several groups merged into one engine (`engage-projections <ini> --group
transparency+consultations`; `PROCESSES`, or the ini's `engage.projections.processes`, says
which): on a vote's path the hand-over between two processes cost more than the parallelism
gave on 2 cores. Positions stay per projection (`projection_tracking`), so a group is only a
partition: it changes which process applies an event, never which events a projection has
applied, and a crash still rolls back one group's batch and nothing else.

Which group is which, by cost at the 2017 scale (benchmarks/RESULTS.md, docs/DEPLOY.md):

- ``transparency``: the public log alone (canonical JSON, two hashes per leaf, commitments):
  every event, whatever its type;
- ``consultations``: the consultations and restitution read models, ~100-200 µs per vote each;
- ``others``: every other projection, open data's and the change feed last.

A group *trails* others: its batches never go past the lowest position of the groups it
trails. So the public log still reaches an event before any published figure counts it (an
auditor can replay what a tally reflects), and the change feed, which looks some records up
in the consultations and restitution read models (and whose positions cap the open-data
ETags), still runs behind them, as it did when one process applied everything in order.

Work after a catch-up (signing a checkpoint, writing tiles, the support policy) runs in the
group that owns the read model it reads (`Engage.hooks`).

Speculative batches (PostgreSQL, a worker that listens: `ProjectionWorker.wake_on_commits`).
Trailing used to cost a hop: a vote's event reached the consultations read models only after
the transparency group had applied it and committed, the consultations group had heard that,
read the log and applied it in turn. A trailing group now starts at the log's commit, as the
group it trails does: its batch may read up to `batch_size` events past the trailed groups'
committed positions, and applies them in its transaction, but the positions are written only
once every trailed projection has committed that far (the write's own statement checks it, in
the database, at the time of writing; the trailed groups' NOTIFY wakes it). Until then nothing
is committed, so nothing is visible: no figure counts an event the public log has not
published, as before; only the waiting is done in parallel. A batch whose trailed groups do
not get there within `speculation_timeout` seconds (stopped, crashed, far behind) is rolled
back and given up, and for `speculation_backoff` seconds batches stop at the trailed
positions again, as they always do on SQLite, without a listener, and in a rebuild's replay.
While it waits, the batch holds its own rows only (its positions, its read models' rows): the
trailed groups never wait for it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from eventsourcing.application import Application

from engage.db import Database
from engage.projections.base import Projection
from engage.projections.engine import ProjectionEngine
from engage.projections.progress import Progress, ProgressListener

#: (group, its projections or None for every projection no other group names, groups it trails)
GROUPS: tuple[tuple[str, frozenset[str] | None, tuple[str, ...]], ...] = (
    ("transparency", frozenset({"transparency"}), ()),
    ("consultations", frozenset({"consultations", "restitution"}), ("transparency",)),
    ("others", None, ("transparency", "consultations")),
)


class UnknownGroup(LookupError):
    def __init__(self, name: str, known: Sequence[str]):
        super().__init__(f"unknown projection group: {name} (known: {', '.join(known)})")
        self.name, self.known = name, tuple(known)


@dataclass(frozen=True)
class Group:
    name: str
    projections: tuple[str, ...]  # in the order of all_projections
    trails: tuple[str, ...]  # the projections of the groups it trails


def partition(names: Iterable[str]) -> list[Group]:
    """The groups over these projections (in all_projections' order): each in exactly one."""
    names = list(names)
    named = set().union(*(members for _, members, _ in GROUPS if members is not None))
    members_of = {
        group: [n for n in names if (n in members if members is not None else n not in named)]
        for group, members, _ in GROUPS
    }
    return [
        Group(group, tuple(members_of[group]), tuple(n for trailed in trails for n in members_of[trailed]))
        for group, _, trails in GROUPS
    ]


def group_named(name: str, names: Iterable[str]) -> Group:
    """A group by its name, or several run as one ("transparency+consultations": `merged`)."""
    parts = group_parts(name)
    groups = {group.name: group for group in partition(names)}
    return groups[name] if len(parts) == 1 else merged([groups[part] for part in parts])


def group_parts(name: str) -> list[str]:
    """The groups a process's name runs (one, or several joined by JOIN); UnknownGroup unless
    each is a group, named once."""
    parts = name.split(JOIN)
    if len(set(parts)) != len(parts) or not set(parts) <= set(group_names()):
        raise UnknownGroup(name, group_names())
    return parts


def merged(groups: Sequence[Group]) -> Group:
    """Several groups run by one engine, in one process: every batch applies their projections
    in one transaction, group after group in GROUPS' order (a trailed group's before those that
    trail it: the public log's leaves before the counters, the counters before the change feed
    that reads them), and trails only what none of them holds."""
    rank = {name: i for i, name in enumerate(group_names())}
    groups = sorted(groups, key=lambda group: rank[group.name])
    inside = {name for group in groups for name in group.projections}
    trails = [name for group in groups for name in group.trails if name not in inside]
    return Group(JOIN.join(group.name for group in groups),
                 tuple(name for group in groups for name in group.projections), tuple(dict.fromkeys(trails)))


def group_names() -> list[str]:
    return [name for name, _, _ in GROUPS]


#: How a process that runs several groups is named ("transparency+consultations").
JOIN = "+"

#: The processes `engage-projections` starts by default, each running one group or several
#: merged (`engage.projections.processes` in the ini changes it). On the 2-core machine Paris
#: scale is measured on, a vote's counters and its public-log leaf are applied by one process in
#: one transaction: no hand-over between two processes on the path of every vote's page (the
#: counters' group heard the log's commit, then committed in its turn), one process fewer
#: woken per event (benchmarks/RESULTS.md, session 8). A rebuild still replays every group in
#: a process of its own (engage-rebuild): there the parallelism is what counts.
PROCESSES = ("transparency+consultations", "others")


def processes_from(settings: dict[str, str]) -> list[str]:
    """The groups (or merged groups) engage-projections runs, one process each: the ini's
    `engage.projections.processes` (names separated by spaces), else PROCESSES. Together they
    must hold every group exactly once (ValueError, or UnknownGroup for a name that is none)."""
    wanted = (settings.get("engage.projections.processes") or "").split() or list(PROCESSES)
    parts = [part for name in wanted for part in group_parts(name)]
    if sorted(parts) != sorted(group_names()):
        raise ValueError(
            "engage.projections.processes must name every projection group exactly once, alone or"
            f" joined by {JOIN} ({', '.join(group_names())}): got {' '.join(wanted)}")
    return wanted


class SpeculationGivenUp(Exception):
    """A speculative batch's trailed groups did not reach it in time: it is rolled back."""


class GroupEngine(ProjectionEngine):
    """The engine of one group: its projections only, never ahead of the groups it trails."""

    #: Seconds a speculative batch waits for the trailed groups before it is rolled back: their
    #: batch under way and their next one, on a busy machine (a group stopped or dead costs
    #: this much of a held transaction, and a rebuild's reset may wait for it as long).
    speculation_timeout = 10.0
    #: Seconds without speculation after one was given up.
    speculation_backoff = 1.0

    def __init__(
        self,
        app: Application,
        db: Database,
        projections: Iterable[Projection],
        *,
        trails: Sequence[str] = (),
        batch_size: int = 500,
    ):
        super().__init__(app, db, projections, batch_size=batch_size)
        self.trails = tuple(trails)
        self._stopped = threading.Event()
        # The committed positions announced by every worker (the trailed groups' among them),
        # kept by `news`, the listener that wakes this group's worker: speculation while it listens.
        self.heard = Progress()
        self.news: ProgressListener | None = None
        self._covered = 0  # where the batch under way (or the last one) leaves the group
        self._speculate_after = 0.0

    def stop(self) -> None:
        """No batch after the one under way: a long catch-up ends at once (SIGTERM)."""
        self._stopped.set()

    def speculate_with(self, listener: ProgressListener) -> None:
        """Read past the trailed groups while `listener` (whose progress is `self.heard`) hears
        their commits (module docstring)."""
        if listener.progress is not self.heard:
            raise ValueError("the listener must report to this engine's `heard` progress")
        self.news = listener

    def speculating(self) -> bool:
        return (bool(self.trails) and self.db.backend == "postgresql" and self.news is not None
                and self.news.connected.is_set() and time.monotonic() >= self._speculate_after)

    def wanted_by(self, news: dict[str, int]) -> bool:
        """Whether this news of trailed projections lets a batch go further than the one under way
        (or the last one) goes: a speculative batch already covers what it announces."""
        if not set(news) & set(self.trails):
            return False
        return min(self.heard.known(name) for name in self.trails) > self._covered

    def process_shared_batch(self, names: Sequence[str]) -> tuple[int, int]:
        if self._stopped.is_set():
            return 0, 0
        try:
            return super().process_shared_batch(names)
        except SpeculationGivenUp:  # rolled back: nothing was written
            self._speculate_after = time.monotonic() + self.speculation_backoff
            self._covered = min((self.progress.known(name) for name in names), default=0)
            return 0, 0
        except BaseException:  # rolled back too: the trailed groups' news wakes it again
            self._covered = min((self.progress.known(name) for name in names), default=0)
            raise

    def _slack(self) -> int:
        return self.batch_size if self.speculating() else 0

    def _reading_up_to(self, position: int) -> None:
        self._covered = position

    def _when_trailed_reach(self, position: int, write: Callable[[], bool],
                            write_and_commit: Callable[[], None]) -> None:
        deadline = time.monotonic() + self.speculation_timeout
        while True:
            # Woken by the trailed groups' NOTIFY; the write's own check is the one that counts
            # (news may be late or lost: a tenth of a second between two tries at most).
            if self.heard.wait(self.trails, position, max(0.0, min(0.1, deadline - time.monotonic()))):
                # Their commit heard: the write and the COMMIT in one round trip (the write's
                # check still decides: a rebuild's reset not heard yet fails it, and the batch
                # rolls back to be applied again).
                write_and_commit()
                return
            if write():
                return
            if self._stopped.is_set() or time.monotonic() >= deadline:
                raise SpeculationGivenUp(position)

    def replay(self, until: int, progress: Callable[[int], None] | None = None, *,
               pause: float = 0.05) -> None:
        """Apply batches until every projection of the group has reached `until` (the log's
        head when the rebuild began), waiting for the trailed groups when it has caught up
        with them (no speculation: nothing listens here); `progress` gets the log events passed
        by each batch."""
        names = list(self.projections)
        positions = self.positions()  # read once: each batch then says where it left them
        self.progress.advance({name: positions.get(name, 0) for name in names})
        reached = min(positions.get(name, 0) for name in names)
        while reached < until:
            _, read = self.process_shared_batch(names)
            # Where the batch left them, as it committed it (no speculation here: a batch that
            # returns has committed its positions, or found nothing to do).
            now = min(self.progress.known(name) for name in names)
            if progress and now > reached:
                progress(min(now, until) - reached)
            if read == 0 and now == reached:
                time.sleep(pause)  # the trailed groups have not moved on yet
            reached = now


def group_engine(engine: ProjectionEngine, group: Group,
                 hooks: Sequence[tuple[str, Callable[[], object]]] = (), *,
                 batch_size: int | None = None) -> GroupEngine:
    """An engine over one group of `engine`'s projections, with the after-catch-up hooks of
    the read models the group owns (`hooks`: (projection name, hook) pairs)."""
    member = GroupEngine(engine.app, engine.db, [engine.projections[n] for n in group.projections],
                         trails=group.trails, batch_size=batch_size or engine.batch_size)
    member.after_catch_up = [hook for owner, hook in hooks if owner in group.projections]
    return member
