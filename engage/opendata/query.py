"""Reading a dataset: keyset pages inside one snapshot, so memory stays flat.

An export walks the primary key in pages of `PAGE_SIZE` rows (`WHERE key > last ORDER
BY key LIMIT n`: an index range scan each time, never an OFFSET), all inside one
read-only snapshot (REPEATABLE READ on PostgreSQL, a deferred transaction on SQLite's
WAL), so a two-million-row CSV is consistent and holds one page in memory at a time.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from engage.db import Cursor, Database
from engage.opendata.registry import FORMULA_STARTS, Dataset, Field

PAGE_SIZE = 1000


class BadParameter(ValueError):
    """A query parameter the API cannot use; the message is French, for the 400 answer."""


@dataclass(frozen=True)
class Selection:
    """The filters of one request, already parsed."""

    consultation: str | None = None
    arrondissement: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def conditions(self, dataset: Dataset) -> tuple[list[str], list[Any]]:
        sql: list[str] = []
        params: list[Any] = []
        if self.consultation is not None and "consultation" in dataset.filters:
            sql.append(f"{dataset.field(dataset.filters['consultation']).sql} = %s")
            params.append(self.consultation)
        if self.arrondissement is not None and "arrondissement" in dataset.filters:
            sql.append(f"{dataset.field(dataset.filters['arrondissement']).sql} = %s")
            params.append(self.arrondissement)
        if "date" in dataset.filters:
            column = dataset.field(dataset.filters["date"]).sql
            # Stored as ISO 8601 text in UTC: comparing strings compares instants.
            if self.date_from is not None:
                sql.append(f"{column} >= %s")
                params.append(self.date_from.isoformat())
            # The calendar's last day bounds nothing (and has no next day to stop before).
            if self.date_to is not None and self.date_to < datetime.date.max:
                sql.append(f"{column} < %s")
                params.append((self.date_to + datetime.timedelta(days=1)).isoformat())
        return sql, params


@contextmanager
def snapshot(db: Database) -> Iterator[Cursor]:
    """One consistent view of the read models for a whole export.

    On PostgreSQL, merge joins are off for it: a keyset page of a dataset whose table is a
    join (contributions LEFT JOIN their restitution lines) was planned as a merge join that
    walks the joined table's index from its first row up to the page, the key condition
    applying to one side only: each page cost more than the one before, a 2,000,000-row
    export was quadratic (11.8 s for a page in the middle, against 0.05 s as a nested loop
    of index lookups; benchmarks/export_2m.py)."""
    with db.reading() as cur:
        if cur.backend == "postgresql":
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SET LOCAL enable_mergejoin = off")
        yield cur


def _select(dataset: Dataset, selection: Selection, after: tuple | None, limit: int) -> tuple[str, list]:
    columns = ", ".join(f.sql for f in dataset.fields)
    conditions, params = selection.conditions(dataset)
    if dataset.where:
        conditions.insert(0, f"({dataset.where})")
    keys = [f.sql for f in dataset.key_fields]
    if after is not None:
        if len(keys) == 1:
            conditions.append(f"{keys[0]} > %s")
        else:
            # Row values: PostgreSQL and SQLite (3.15+) both compare them lexicographically.
            conditions.append(f"({', '.join(keys)}) > ({', '.join(['%s'] * len(keys))})")
        params.extend(after)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = f"SELECT {columns} FROM {dataset.table}{where} ORDER BY {', '.join(keys)} LIMIT {int(limit)}"
    return sql, params


def key_of(dataset: Dataset, row: tuple) -> tuple:
    names = [f.name for f in dataset.fields]
    return tuple(row[names.index(key)] for key in dataset.primary_key)


def page(cur: Cursor, dataset: Dataset, *, selection: Selection = Selection(),
         after: tuple | None = None, limit: int = PAGE_SIZE) -> list[tuple]:
    sql, params = _select(dataset, selection, after, limit)
    rows = cur.execute(sql, params).fetchall()
    if dataset.suppression and rows:
        rows = _suppressed(cur, dataset, rows)
    return rows


def _suppressed(cur: Cursor, dataset: Dataset, rows: list[tuple]) -> list[tuple]:
    """The page with its blanks: the blocks it touches are read whole (whatever the filters:
    a block's blanks never depend on who asks), the rule decides, the cells are blanked."""
    names = [f.name for f in dataset.fields]
    rule = dataset.suppression
    block = rule.block
    if tuple(block) == tuple(dataset.primary_key):
        grouped = {key_of(dataset, row): [dict(zip(names, row))] for row in rows}
    else:
        grouped = _blocks(cur, dataset, rows, names)
    context = rule.context(cur, [member for members in grouped.values() for member in members]) \
        if rule.context else None
    blank: set[tuple[tuple, str]] = set()
    for members in grouped.values():
        blank |= rule.blanks(members) if rule.context is None else rule.blanks(members, context)
    if not blank:
        return rows
    positions = {name: index for index, name in enumerate(names)}
    result = []
    for row in rows:
        key = key_of(dataset, row)
        values = list(row)
        for name in names:
            if (key, name) in blank:
                values[positions[name]] = None
        result.append(tuple(values))
    return result


def _blocks(cur: Cursor, dataset: Dataset, rows: list[tuple], names: list[str]) -> dict[tuple, list[dict[str, Any]]]:
    """Every row of the blocks the page touches, by block."""
    block = dataset.suppression.block
    width = len(block)
    blocks = list(dict.fromkeys(tuple(row[names.index(n)] for n in block) for row in rows))
    conditions = [f"({dataset.where})"] if dataset.where else []
    params: list[Any] = []
    if width:
        columns = [dataset.field(n).sql for n in block]
        if width == 1:
            conditions.append(f"{columns[0]} IN ({', '.join(['%s'] * len(blocks))})")
        else:
            one = f"({', '.join(['%s'] * width)})"
            conditions.append(f"({', '.join(columns)}) IN ({', '.join([one] * len(blocks))})")
        params = [value for key in blocks for value in key]
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    grouped: dict[tuple, list[dict[str, Any]]] = {key: [] for key in blocks}
    for found in cur.execute(f"SELECT {', '.join(f.sql for f in dataset.fields)} FROM {dataset.table}{where}",
                             params).fetchall():
        grouped.setdefault(tuple(found[names.index(n)] for n in block), []).append(dict(zip(names, found)))
    return grouped


def iter_rows(cur: Cursor, dataset: Dataset, *, selection: Selection = Selection(),
              page_size: int = PAGE_SIZE) -> Iterator[tuple]:
    """Every row of the dataset, in primary-key order, one page in memory at a time."""
    after = None
    while True:
        rows = page(cur, dataset, selection=selection, after=after, limit=page_size)
        yield from rows
        if len(rows) < page_size:
            return
        after = key_of(dataset, rows[-1])
        del rows


# -- values ---------------------------------------------------------------------------


def utc_z(value: Any) -> str:
    """An ISO 8601 instant as Frictionless and JSON Schema both read it: ...T..Z, UTC."""
    moment = value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_value(field: Field, value: Any) -> Any:
    if value is None:
        return None
    if field.type == "boolean":
        return bool(value)
    if field.type == "integer":
        return int(value)
    if field.type == "number":
        return float(value)
    if field.type == "datetime":
        return utc_z(value)
    if field.type == "date":
        return str(value)[:10]
    return str(value)


def csv_value(field: Field, value: Any) -> str:
    if value is None:
        return ""
    converted = json_value(field, value)
    if field.type == "boolean":
        return "true" if converted else "false"
    if field.free_text:
        return spreadsheet_safe(str(converted))
    return str(converted)


def spreadsheet_safe(text: str) -> str:
    """A free-text cell a spreadsheet would read as a formula (=, +, -, @, tab, carriage
    return first), prefixed with a single quote (OWASP's advice against CSV injection).
    CSV only: numbers, dates and the code's own values never pass here, and the JSON API
    publishes the text as it was typed (JSON is not opened by a spreadsheet)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def as_json(dataset: Dataset, row: tuple) -> dict[str, Any]:
    return {f.name: json_value(f, value) for f, value in zip(dataset.fields, row)}


def as_csv(dataset: Dataset, row: tuple) -> list[str]:
    return [csv_value(f, value) for f, value in zip(dataset.fields, row)]


# -- versions (ETag, Last-Modified) ---------------------------------------------------


@dataclass(frozen=True)
class Version:
    token: str  # changes whenever the published rows may have changed
    last_modified: datetime.datetime | None


def version(cur: Cursor, dataset: Dataset) -> Version:
    """Cheap: one indexed lookup (the dataset's last change the read model has reached)."""
    if dataset.changes:
        row = cur.execute(
            "SELECT position, occurred_at FROM rm_opendata_changes WHERE dataset = %s"
            " AND position <= (SELECT position FROM projection_tracking WHERE projection = %s)"
            " ORDER BY position DESC LIMIT 1",
            [dataset.name, dataset.projection],
        ).fetchone()
    else:
        row = cur.execute(dataset.version_sql).fetchone()
    token, modified = (row if row else (0, None))
    last_modified = None
    if modified:
        last_modified = datetime.datetime.fromisoformat(str(modified).replace("Z", "+00:00"))
        if last_modified.tzinfo is None:
            last_modified = last_modified.replace(tzinfo=datetime.timezone.utc)
    return Version(f"{dataset.fingerprint()}-{token or 0}", last_modified)


def first_issued(cur: Cursor, dataset: Dataset) -> datetime.datetime | None:
    if not dataset.changes:
        return None
    found = cur.scalar(
        "SELECT occurred_at FROM rm_opendata_changes WHERE dataset = %s ORDER BY position LIMIT 1",
        [dataset.name],
    )
    return datetime.datetime.fromisoformat(found) if found else None


# -- cursors ----------------------------------------------------------------------------


def encode_cursor(key: tuple) -> str:
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(dataset: Dataset, cursor: str) -> tuple:
    """The key a cursor stands for, checked against the dataset's key types."""
    return decode_key(cursor, tuple(int if f.type == "integer" else str for f in dataset.key_fields))


def decode_key(cursor: str, types: tuple[type, ...]) -> tuple:
    """The key a cursor (encode_cursor) stands for, its values of the given types (int, str);
    anything else is a BadParameter (a 400 with a French message, never a 500)."""
    refused = bad_cursor()
    if len(cursor) > 1000 or not cursor.isascii():
        raise refused
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise refused from None
    if not isinstance(values, list) or len(values) != len(types):
        raise refused
    for expected, value in zip(types, values):
        if isinstance(value, bool) or not isinstance(value, expected):
            raise refused
        if expected is int and abs(value) > 2**62:
            raise refused
        if expected is str and "\x00" in value:
            raise refused
    return tuple(values)


def bad_cursor() -> BadParameter:
    return BadParameter("Le paramètre « cursor » est invalide : reprenez le lien « next » d'une réponse précédente.")


def integer_parameter(params, name: str, default: int, lowest: int, highest: int) -> int:
    """A query parameter that is a whole number between lowest and highest (default if absent)."""
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18 or not lowest <= int(raw) <= highest:
        raise BadParameter(f"Le paramètre « {name} » doit être un nombre entier compris entre {lowest} et {highest}.")
    return int(raw)
