"""What a projection is: tables it owns, events it follows, and how it applies them."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Iterator

from engage.db import Cursor


class Projection(ABC):
    #: Stable name: the key of its tracking position and of `engage-rebuild <ini> <name>`.
    name: ClassVar[str]
    #: The event classes it follows; the engine only reads those from the log.
    #: Empty: every event, of every type (the transparency log's tree).
    follows: ClassVar[tuple[type, ...]]
    #: Its tables, in creation order (dropped in reverse on rebuild).
    tables: ClassVar[tuple[str, ...]]
    #: Whether a full rebuild drops its tables' secondary indexes while it replays and builds
    #: them at its end (engage/projections/deferred_indexes.py): only when no projection
    #: looks its rows up by them during a replay.
    rebuild_defers_indexes: ClassVar[bool] = False
    #: Whether its batches must wait for the disk at commit (engine._WRITE_POSITIONS): only when
    #: a batch applied again after a crash would not come out the same.
    commits_durably: ClassVar[bool] = False

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



def runs(events: list[tuple[Any, int]], kinds: dict[type, str]) -> Iterator[tuple[str | None, list[tuple[Any, int]]]]:
    """Split a batch into runs of consecutive events of one kind (`kinds`: event class to kind),
    in log order; an event of no kind is a run of its own (kind None). A projection writes a
    run set-wise and the others one by one."""
    run: list[tuple[Any, int]] = []
    kind = None
    for event, position in events:
        this = kinds.get(type(event))
        if run and (this != kind or this is None):
            yield kind, run
            run = []
        kind = this
        run.append((event, position))
    if run:
        yield kind, run


def add_column(cur: Cursor, table: str, column: str, sql_type: str) -> None:
    """A column added to a read-model table after its first release: created with the table
    by `create_tables` on a new database, added here (NULL in the rows already written) on an
    older one, on both back ends. Only for a column whose NULL is right for every older row."""
    if cur.backend == "postgresql":
        cur.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {sql_type}")
    elif column not in {row[1] for row in cur.execute(f"PRAGMA table_info({table})").fetchall()}:
        cur.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")


def insert_rows(cur: Cursor, table: str, columns: tuple[str, ...], rows: list[tuple], tail: str = "") -> None:
    """Insert many rows with one statement on PostgreSQL: the rows travel as one JSON array
    that `json_populate_recordset` turns into rows of the table's own type (so no casts to
    write, and one short statement that psycopg parses once); psycopg's executemany would
    send one statement per row. SQLite, in process, gets executemany. `tail` is an
    ON CONFLICT clause; with DO UPDATE no two rows of one call may share a key (PostgreSQL
    refuses to touch a row twice in one statement): aggregate them first."""
    if not rows:
        return
    names = ", ".join(columns)
    if cur.backend == "postgresql":
        cur.execute(
            f"INSERT INTO {table} ({names}) SELECT {names}"
            f" FROM json_populate_recordset(NULL::{table}, %s) {tail}",
            [json.dumps([dict(zip(columns, row)) for row in rows])],
        )
    else:
        marks = ", ".join(["%s"] * len(columns))
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}) {tail}", rows)


#: From this many rows, `append_rows` writes them with one COPY on PostgreSQL.
COPY_FROM = 64


def append_rows(cur: Cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> bool:
    """Insert rows that are new by construction (a plain INSERT: a key already there is an
    error, with either path). Many rows (a rebuild's batches, a burst) go in one COPY on
    PostgreSQL, the cheapest bulk insert for both processes (no JSON built in Python and taken
    apart by the server); a few (a live batch) in insert_rows' one statement, since a COPY
    waits for the server once more. The table ends the same either way. COPY cannot run in
    pipeline mode: call this before `cur.pipeline()`, and give the rows to insert_rows inside
    it when this returns False (not written here)."""
    if cur.backend == "postgresql" and len(rows) >= COPY_FROM:
        cur.copy_rows(table, columns, rows)
        return True
    return False


def update_rows(cur: Cursor, table: str, key: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """`UPDATE table SET columns WHERE key` for many (key, *values) rows, as insert_rows does."""
    if not rows:
        return
    if cur.backend == "postgresql":
        sets = ", ".join(f"{c} = v.{c}" for c in columns)
        cur.execute(
            f"UPDATE {table} AS t SET {sets} FROM json_populate_recordset(NULL::{table}, %s) AS v"
            f" WHERE t.{key} = v.{key}",
            [json.dumps([dict(zip((key, *columns), row)) for row in rows])],
        )
    else:
        sets = ", ".join(f"{c} = %s" for c in columns)
        cur.executemany(f"UPDATE {table} SET {sets} WHERE {key} = %s", [(*row[1:], row[0]) for row in rows])


def select_in(cur: Cursor, sql: str, keys: list, chunk: int = 500) -> list[tuple]:
    """Rows of `sql` (with one `{marks}` placeholder for an IN list) for many keys, in chunks."""
    found: list[tuple] = []
    for start in range(0, len(keys), chunk):
        part = keys[start:start + chunk]
        found += cur.execute(sql.format(marks=", ".join(["%s"] * len(part))), part).fetchall()
    return found
