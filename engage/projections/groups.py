"""Projection groups: every projection in exactly one group, each group run by its own process.

One Python process applies one event at a time, so the projections are partitioned into a
few groups balanced by cost, and each group follows the log in its own worker
(`engage-projections <ini> --group NAME`): the log is read once per group, the groups run on
different cores. Positions stay per projection (`projection_tracking`), so a group is only a
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
    groups = partition(names)
    for group in groups:
        if group.name == name:
            return group
    raise UnknownGroup(name, [g.name for g in groups])


def group_names() -> list[str]:
    return [name for name, _, _ in GROUPS]


class GroupEngine(ProjectionEngine):
    """The engine of one group: its projections only, never ahead of the groups it trails."""

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
        self._ceiling: int | None = None
        self._stopped = threading.Event()

    def stop(self) -> None:
        """No batch after the one under way: a long catch-up ends at once (SIGTERM)."""
        self._stopped.set()

    def trailed_position(self) -> int | None:
        """The lowest committed position of the trailed projections (None: trails nothing)."""
        if not self.trails:
            return None
        marks = ", ".join(["%s"] * len(self.trails))
        with self.db.reading(primary=True) as cur:
            found = dict(cur.execute(
                f"SELECT projection, position FROM projection_tracking WHERE projection IN ({marks})",
                list(self.trails)).fetchall())
        return min(found.get(name, 0) for name in self.trails)

    def process_shared_batch(self, names: Sequence[str]) -> tuple[int, int]:
        if self._stopped.is_set():
            return 0, 0
        # Read before the batch's transaction takes its connection: one connection at a time.
        self._ceiling = self.trailed_position()
        return super().process_shared_batch(names)

    def head(self) -> int:
        head = super().head()
        return head if self._ceiling is None else min(head, self._ceiling)

    def replay(self, until: int, progress: Callable[[int], None] | None = None, *,
               pause: float = 0.05) -> None:
        """Apply batches until every projection of the group has reached `until` (the log's
        head when the rebuild began), waiting for the trailed groups when it has caught up
        with them; `progress` gets the log events passed by each batch."""
        names = list(self.projections)
        reached = min(self.positions().get(name, 0) for name in names)
        while reached < until:
            _, read = self.process_shared_batch(names)
            now = min(self.positions().get(name, 0) for name in names)
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
