"""What a projection is: tables it owns, events it follows, and how it applies them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from ..db import Cursor


class Projection(ABC):
    #: Stable name: the key of its tracking position and of `engage-rebuild <ini> <name>`.
    name: ClassVar[str]
    #: The event classes it follows; the engine only reads those from the log.
    #: Empty: every event, of every type (the transparency log's tree).
    follows: ClassVar[tuple[type, ...]]
    #: Its tables, in creation order (dropped in reverse on rebuild).
    tables: ClassVar[tuple[str, ...]]

    @abstractmethod
    def create_tables(self, cur: Cursor) -> None: ...

    def drop_tables(self, cur: Cursor) -> None:
        for table in reversed(self.tables):
            cur.execute(f"DROP TABLE IF EXISTS {table}")

    @abstractmethod
    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        """Write the event's effect. Runs inside the batch's transaction."""

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        """Apply a batch of (event, position), in log order, inside its transaction.

        Projections that can write a batch with fewer statements override this
        (executemany, one read of shared state); the result must equal applying
        each event in turn.
        """
        for event, position in events:
            self.apply(cur, event, position)

    @classmethod
    def topics(cls) -> list[str]:
        from eventsourcing.utils import get_topic

        return [get_topic(event_class) for event_class in cls.follows]
