"""Open data's own read models.

- ``rm_opendata_changes``: the change feed. For every event a published dataset follows,
  which records of which dataset it touched (dataset, record key, operation), at its log
  position. Consumers read it from a position on (/opendata/changes?since=P) to sync
  without downloading everything again; the exports derive their ETag and
  Last-Modified from it (the last change of a dataset: one indexed lookup).
- ``rm_opendata_card_holders``: card holders per (arrondissement, age band), counted as
  cards are issued, so the dataset is twenty-by-six small rows, never a scan of rm_cards.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import uuid
from typing import Any

from engage.db import Cursor
from engage.domain.cards.model import CitizenCard
from engage.opendata.registry import RECOUNT, WHOLE_DATASET
from engage.projections.base import Projection, append_rows, insert_rows

CHANGES = "opendata_changes"
# Bumped when what the feed records changes (not only which datasets): the feed is replayed.
FEED_RULES = "rules:2 (recount rows for datasets with complementary suppression)"


class OpenDataChangesProjection(Projection):
    name = CHANGES
    follows = ()  # set per instance from the registry: see topics()
    tables = ("rm_opendata_changes", "rm_opendata_feed_shape", "rm_opendata_instance")

    def __init__(self, registry=None):
        if registry is None:
            from engage.opendata import REGISTRY as registry  # noqa: N811 (the datasets, registered)
        self.registry = registry
        self.followed = registry.followed_events()
        self._plans: dict[type, list] = {}  # event class: the datasets it changes (_plan)

    def shape(self) -> str:
        """What the feed is made of: a new dataset (or new events followed) changes it."""
        from eventsourcing.utils import get_topic

        parts = sorted(
            f"{dataset.name}:{dataset.fingerprint()}:{get_topic(event_class)}"
            for dataset in self.registry
            for event_class in dataset.changes
        ) + [FEED_RULES]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def topics(self) -> list[str]:  # type: ignore[override]
        from eventsourcing.utils import get_topic

        # Never empty (an empty list means every event): a placeholder topic follows nothing.
        return [get_topic(c) for c in self.followed] or ["engage.opendata:NoEvent"]

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_opendata_changes (
                position BIGINT NOT NULL,
                seq INTEGER NOT NULL,
                dataset TEXT NOT NULL,
                record_key TEXT NOT NULL,
                operation TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                PRIMARY KEY (position, seq)
            )"""
        )
        # The ETag of a dataset: its last change (and the catalogue's issued date: its first).
        cur.execute(
            "CREATE INDEX IF NOT EXISTS rm_opendata_changes_dataset"
            " ON rm_opendata_changes (dataset, position)"
        )
        create_indexes(cur, self.registry)
        # The read models' instance: export files are named after it (engage/opendata/exports.py),
        # so a file written for another database, or before a rebuild, is never served.
        cur.execute("CREATE TABLE IF NOT EXISTS rm_opendata_instance (instance_id TEXT NOT NULL)")
        if cur.scalar("SELECT COUNT(*) FROM rm_opendata_instance") == 0:
            cur.execute("INSERT INTO rm_opendata_instance (instance_id) VALUES (%s)", [uuid.uuid4().hex])
        # When a deploy adds a dataset, the feed replays the log from the start, so the
        # new dataset's past changes (and its ETag, its issued date) are there too.
        cur.execute("CREATE TABLE IF NOT EXISTS rm_opendata_feed_shape (shape TEXT NOT NULL)")
        shape = self.shape()
        if cur.scalar("SELECT shape FROM rm_opendata_feed_shape") != shape:
            cur.execute("DELETE FROM rm_opendata_changes")
            cur.execute("DELETE FROM rm_opendata_feed_shape")
            cur.execute("INSERT INTO rm_opendata_feed_shape (shape) VALUES (%s)", [shape])
            cur.execute("UPDATE projection_tracking SET position = 0 WHERE projection = %s", [self.name])

    def _plan(self, event_class: type) -> list[tuple[Any, list[tuple[Any, bool]]]]:
        """The datasets an event of this class changes, in the registry's order, each with
        its change functions in its own order (and whether each one takes the cursor): the
        matching `rows` did per event over every dataset, done once per class."""
        plan = self._plans.get(event_class)
        if plan is None:
            plan = []
            for dataset in self.registry:
                functions = [(changes, _wants_cursor(changes)) for kind, changes in dataset.changes.items()
                             if issubclass(event_class, kind)]
                if functions:
                    plan.append((dataset, functions))
            self._plans[event_class] = plan
        return plan

    def rows(self, cur: Cursor, event: Any, position: int) -> list[tuple]:
        found = []
        plan = self._plan(type(event))
        if not plan:
            return found
        occurred_at = event.timestamp.isoformat()
        for dataset, functions in plan:
            keys = []
            for changes, wants_cursor in functions:
                # A change function takes the event, or (event, cursor) when the event
                # alone does not say which record it touched (a lookup in a read model).
                for record_key, operation in (changes(event, cur) if wants_cursor else changes(event)):
                    found.append((position, len(found), dataset.name, str(record_key), operation, occurred_at))
                    keys.append(str(record_key))
            for block in _recounted_blocks(dataset, keys):
                found.append((position, len(found), dataset.name, block, RECOUNT, occurred_at))
        return found

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        self.apply_batch(cur, [(event, position)])

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        rows = [row for event, position in events for row in self.rows(cur, event, position)]
        # New rows by construction (each position is applied once): a COPY when there are many.
        columns = ("position", "seq", "dataset", "record_key", "operation", "occurred_at")
        if not append_rows(cur, "rm_opendata_changes", columns, rows):
            with cur.writes():  # no answer read: they go with the batch's next statement
                insert_rows(cur, "rm_opendata_changes", columns, rows)


def _recounted_blocks(dataset, keys: list[str]) -> list[str]:
    """Complementary suppression blanks a block's cells together: a changed row may blank or
    reveal cells of the other rows of its block. The blocks to re-read, by their key prefix
    ("*": the whole dataset); none when each row is its own block."""
    suppression = dataset.suppression
    if suppression is None or not keys or len(suppression.block) >= len(dataset.primary_key):
        return []
    width = len(suppression.block)
    return list(dict.fromkeys(",".join(key.split(",")[:width]) if width else WHOLE_DATASET for key in keys))


def create_indexes(cur: Cursor, registry) -> None:
    """The indexes datasets ask for on their owners' tables (a table not there yet is
    skipped: the owner's projection comes later in the list; the next start adds it)."""
    for dataset in registry:
        for table, columns in dataset.indexes:
            if cur.backend == "postgresql":
                exists = cur.scalar("SELECT to_regclass(%s) IS NOT NULL", [table])
            else:
                exists = cur.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
            if exists:
                name = f"od_{table}_{'_'.join(columns)}"[:63]
                cur.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})")


def opendata_projections() -> list[Projection]:
    """Open data's read models, the change feed last (its positions cap the ETags, so it
    should trail the read models it describes; it also creates the indexes datasets ask
    for on tables the projections before it own)."""
    from engage.opendata import REGISTRY

    return [CardHoldersByAgeProjection(), *(cls() for cls in REGISTRY.projection_classes),
            OpenDataChangesProjection(REGISTRY)]


@functools.lru_cache(maxsize=None)
def _wants_cursor(function) -> bool:
    try:
        return len(inspect.signature(function).parameters) >= 2
    except (TypeError, ValueError):
        return False


class CardHoldersByAgeProjection(Projection):
    """Counts only: no card id, no person id, nothing that points at someone."""

    name = "opendata_card_holders"
    follows = (CitizenCard.CardIssued,)
    tables = ("rm_opendata_card_holders",)

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_opendata_card_holders (
                arrondissement INTEGER NOT NULL,
                age_band TEXT NOT NULL,
                holders INTEGER NOT NULL,
                PRIMARY KEY (arrondissement, age_band)
            )"""
        )

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        self.apply_batch(cur, [(event, position)])

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        counts: dict[tuple[int, str], int] = {}
        for event, _ in events:
            if isinstance(event, CitizenCard.CardIssued):
                group = (event.arrondissement, event.age_band)
                counts[group] = counts.get(group, 0) + 1
        if counts:
            cur.executemany(
                "INSERT INTO rm_opendata_card_holders (arrondissement, age_band, holders)"
                " VALUES (%s, %s, %s) ON CONFLICT (arrondissement, age_band)"
                " DO UPDATE SET holders = rm_opendata_card_holders.holders + excluded.holders",
                [(arrondissement, band, count) for (arrondissement, band), count in sorted(counts.items())],
            )
