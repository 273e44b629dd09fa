"""Group commit: concurrent commands share one event-store transaction.

eventsourcing takes an exclusive lock on the events table for every write, so
commits are serialized and throughput is bounded by commits per second, not by
threads. Here the first thread to arrive becomes the leader: it commits every
command queued meanwhile in one transaction, then hands each its own recordings.
Nobody waits for a timer, so a lone command is as fast as before.

Invariants are untouched: if the shared transaction is refused (an
IntegrityError: a second first vote, a stale session version), each command is
retried alone, and only the ones that really conflict get the error.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from eventsourcing.persistence import IntegrityError

SaveEvents = Callable[[Sequence[Any]], list[Any]]


@dataclass
class _Pending:
    events: list[Any]
    done: threading.Event = field(default_factory=threading.Event)  # finished, or made leader
    recordings: list[Any] | None = None
    error: BaseException | None = None
    leads: bool = False


class GroupCommitter:
    def __init__(self, save_events: SaveEvents, *, max_batch: int = 200):
        self._save_events = save_events
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._leading = False
        # Figures for the benchmarks: how much sharing actually happened.
        self.transactions = 0
        self.commands = 0

    def commit(self, events: list[Any]) -> list[Any]:
        pending = _Pending(events)
        with self._lock:
            self._queue.append(pending)
            if not self._leading:
                self._leading = pending.leads = True
        if not pending.leads:
            pending.done.wait()  # committed by a leader, or handed the lead
        if pending.leads:
            self._lead()  # its own command is in the batch it commits
        if pending.error is not None:
            raise pending.error
        return pending.recordings

    def _lead(self) -> None:
        """Commit one batch (what queued meanwhile, its own command first in line), then hand
        the lead to the first command still waiting and return: a leader's own request never
        waits for later batches, however long the load lasts."""
        with self._lock:
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
        try:
            self._commit_batch(batch)
        finally:
            with self._lock:
                if self._queue:
                    successor = self._queue[0]
                    successor.leads = True
                    successor.done.set()
                else:
                    self._leading = False

    def _commit_batch(self, batch: list[_Pending]) -> None:
        try:
            if len(batch) == 1:
                self._commit_alone(batch[0])
                return
            try:
                recordings = self._save_events([e for p in batch for e in p.events])
            except IntegrityError:
                for pending in batch:  # find out who conflicts; the others still commit
                    self._commit_alone(pending)
                return
            self.transactions += 1
            self.commands += len(batch)
            start = 0
            for pending in batch:
                pending.recordings = recordings[start : start + len(pending.events)]
                start += len(pending.events)
        except BaseException as error:  # a database outage: every waiter learns it
            for pending in batch:
                if pending.recordings is None and pending.error is None:
                    pending.error = error
        finally:
            for pending in batch:
                pending.done.set()

    def _commit_alone(self, pending: _Pending) -> None:
        try:
            pending.recordings = self._save_events(pending.events)
            self.transactions += 1
            self.commands += 1
        except BaseException as error:
            pending.error = error
