"""When an act is recorded.

An event records its time when it happens: eventsourcing stamps it with
`create_timestamp()`, now, unless the event is constructed with an explicit `timestamp`
(`Aggregate._create(..., timestamp=...)`, `trigger_event(..., timestamp=...)`, eventsourcing
9.5). Every engage event takes that time from here, so one rule covers every aggregate: now,
except inside `recorded_at(at)`, where the acts of a historical import (a past consultation
entered afterwards, the demo's 2017 story) are recorded at the date they happened.

A reconstructed act is still an event appended now, at the end of the log: its position says
when it was entered, its timestamp says when it happened. Only a past date is accepted, and
only from the code that imports (nothing in the web process calls it).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from eventsourcing.domain import CanCreateTimestamp, datetime_now_with_tzinfo

_recorded_at: ContextVar[datetime.datetime | None] = ContextVar("engage_recorded_at", default=None)


def create_timestamp() -> datetime.datetime:
    """The time an event records: now, or the historical date of the act being imported."""
    at = _recorded_at.get()
    return at if at is not None else datetime_now_with_tzinfo()


@contextmanager
def recorded_at(at: datetime.datetime) -> Iterator[None]:
    """Record the acts done inside at `at` (timezone-aware, in the past): a reconstructed history."""
    if at.tzinfo is None:
        raise ValueError("a historical date must be timezone-aware")
    if at > datetime_now_with_tzinfo():
        raise ValueError("only past acts can be reconstructed")
    token = _recorded_at.set(at.astimezone(datetime.timezone.utc))
    try:
        yield
    finally:
        _recorded_at.reset(token)


# Every aggregate's events inherit create_timestamp() from CanCreateTimestamp: one place.
CanCreateTimestamp.create_timestamp = staticmethod(create_timestamp)  # type: ignore[method-assign]
