"""What the current unit of work has written: the classes of the events it saved.

A web request is one unit of work. After its command, the page it redirects to waits for the
read models it reads (read-your-writes); of those, only the ones that follow one of these event
classes can have changed, so only they are waited for. Outside a unit of work (scripts, the
projection workers) nothing is noted.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterable, Iterator

_written: ContextVar[set[type] | None] = ContextVar("engage_written", default=None)


@contextmanager
def unit_of_work() -> Iterator[None]:
    token = _written.set(set())
    try:
        yield
    finally:
        _written.reset(token)


def note(events: Iterable[Any]) -> None:
    """Events about to be saved (whether or not the save then succeeds: a refused write leaves
    nothing to wait for, and no position to wait at)."""
    written = _written.get()
    if written is not None:
        written.update(type(event) for event in events)


def written() -> frozenset[type]:
    """The event classes saved so far in this unit of work (none outside one)."""
    return frozenset(_written.get() or ())
