"""The open-data registry: every published dataset declared once, everything else derived.

A dataset is a table of a read model seen through a public lens: which columns (each a
SQL expression, so suppression of small counts happens in the query), in which order
(the primary key, also the keyset of every page), filtered how, followed by which
events (the change feed), owned by which projection (its tracking position caps the
ETag). From one declaration engage serves the CSV, the Frictionless data package, the
zip, the DCAT-AP catalogue entry, the JSON API with its OpenAPI description, and the
change feed.

Registering is one call, in a module of ``engage/opendata/datasets/`` (imported
automatically)::

    register(Dataset(name="workshops", title=_("Ateliers"), ..., fields=(...)))
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from engage.i18n import _

#: Frictionless table-schema types a field may take, and their JSON Schema counterparts.
FIELD_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}

#: The filters the JSON API knows. A dataset names the column each one filters.
#: `date` filters with two parameters, date_from and date_to (inclusive days).
FILTERS = ("consultation", "arrondissement", "date")

#: Characters a spreadsheet reads as the start of a formula (OWASP, "CSV injection"): a
#: free-text CSV cell starting with one of them is prefixed with a single quote. Part of the
#: fingerprint of the datasets it applies to: a new rule is a new version of their files.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CELL_RULE = "formula-quote-1"

#: Paths under /opendata/ that a dataset name must not take.
RESERVED_NAMES = frozenset({"changes", "catalog", "catalog.jsonld", "openapi.json", "stats"})

#: Where every published figure comes from, unless a dataset says otherwise.
EVENT_LOG_SOURCE = {
    "title": _("Journal des événements de la plateforme de participation de la Ville de Paris"),
    "path": "/transparence",
}

#: A change: (record key, operation). Operations: "upsert" (the row is new or changed),
#: "delete" (the row is gone from the dataset), "recount" (the rows whose key starts with
#: this key, "*" for all, have their small counts suppressed together with the changed row:
#: their blanks may have moved; the feed adds it, datasets never return it).
Change = tuple[str, str]
UPSERT, DELETE, RECOUNT = "upsert", "delete", "recount"
WHOLE_DATASET = "*"


@dataclass(frozen=True)
class Field:
    """A column of the dataset: its public name, its Frictionless type, what it means."""

    name: str
    type: str
    description: str  # a French msgid
    column: str = ""  # SQL expression over the dataset's table; default: the name
    required: bool = False
    enum: tuple[Any, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def __post_init__(self):
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name}: unknown type {self.type!r}")

    @property
    def sql(self) -> str:
        return self.column or self.name

    @property
    def free_text(self) -> bool:
        """A string whose values the code does not fix (no enum): text people typed, whose
        CSV cells are neutralized against formula injection (query.csv_value)."""
        return self.type == "string" and not self.enum


@dataclass(frozen=True)
class ForeignKey:
    """fields of this dataset reference `reference` of dataset `dataset` (its primary key)."""

    fields: tuple[str, ...]
    dataset: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Suppression:
    """Secondary suppression of a dataset's counts (see engage/opendata/suppression.py).

    `block`: a prefix of the primary key; the rows sharing it are one table, suppressed
    together (() for the whole dataset: a small aggregate). `blanks(rows)` gets every row of
    one block, as dicts of the fields' raw values, and returns the cells to publish blank,
    as (primary-key values, field name). The count fields' columns are the raw counts: the
    rule, primary suppression included, lives in `blanks`, shared with the pages.

    `context(cur, rows)`, when given, reads what the rule needs beyond the rows (another
    read model: the totals the rows add up to elsewhere), in the same snapshot, once per
    page of rows; `blanks` then gets it as a second argument. When the block is the whole
    primary key (each row is its own table), the page's rows are the blocks: not re-read.
    """

    block: tuple[str, ...]
    blanks: Callable[..., set[tuple[tuple, str]]]
    fields: tuple[str, ...] = ()  # the counts it blanks (documentation, tests)
    context: Callable[[Any, list[dict[str, Any]]], Any] | None = None


@dataclass(frozen=True)
class Dataset:
    name: str  # lowercase, digits and hyphens: the URL and the file names
    title: str  # French msgid
    description: str  # French msgid: what a row is, in plain words
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    table: str  # the FROM clause: a read-model table (or a join)
    projection: str  # the projection that owns the table: its position caps the version
    where: str = ""  # a fixed SQL condition (what is public), without parameters
    filters: Mapping[str, str] = field(default_factory=dict)  # filter -> field name
    foreign_keys: tuple[ForeignKey, ...] = ()
    sources: tuple[Mapping[str, str], ...] = (EVENT_LOG_SOURCE,)
    keywords: tuple[str, ...] = ()
    #: event class -> function(event) giving the changes it makes to this dataset, or
    #: function(event, cursor) when finding the record needs a read-model lookup.
    changes: Mapping[type, Callable[..., Iterable[Change]]] = field(default_factory=dict)
    #: For a dataset the event log does not feed (no `changes`): a query returning one
    #: row (version token, last-modified ISO datetime or NULL).
    version_sql: str = ""
    #: Indexes the API's reads need on the owner's tables, as (table, (column, ...)):
    #: created at every start, after the owners' tables.
    indexes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Small counts blanked together with the cells that would give them away.
    suppression: Suppression | None = None

    def __post_init__(self):
        names = [f.name for f in self.fields]
        if not self.name.replace("-", "").isalnum() or self.name != self.name.lower():
            raise ValueError(f"dataset name {self.name!r}: lowercase letters, digits and hyphens")
        if self.name in RESERVED_NAMES:
            raise ValueError(f"dataset name {self.name!r} is reserved")
        if len(set(names)) != len(names):
            raise ValueError(f"dataset {self.name}: duplicate field names")
        for key in self.primary_key:
            if key not in names:
                raise ValueError(f"dataset {self.name}: primary key {key} is not a field")
        for name, target in self.filters.items():
            if name not in FILTERS:
                raise ValueError(f"dataset {self.name}: unknown filter {name!r}")
            if target not in names:
                raise ValueError(f"dataset {self.name}: filter {name} names no field {target}")
        for foreign_key in self.foreign_keys:
            for name in foreign_key.fields:
                if name not in names:
                    raise ValueError(f"dataset {self.name}: foreign key field {name} unknown")
        if self.suppression and tuple(self.primary_key[:len(self.suppression.block)]) != self.suppression.block:
            raise ValueError(f"dataset {self.name}: a suppression block is a prefix of the primary key")
        if self.suppression and not set(self.suppression.fields) <= set(names):
            raise ValueError(f"dataset {self.name}: suppression names unknown fields")
        if not self.changes and not self.version_sql:
            raise ValueError(f"dataset {self.name}: give `changes` (event log) or `version_sql`")

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def key_fields(self) -> tuple[Field, ...]:
        return tuple(self.field(name) for name in self.primary_key)

    @property
    def free_text(self) -> bool:
        """Whether some of its CSV cells may be neutralized (a free-text field)."""
        return any(f.free_text for f in self.fields)

    @property
    def csv_name(self) -> str:
        return f"{self.name}.csv"

    def fingerprint(self) -> str:
        """Changes when the published shape changes (a deploy): part of every ETag."""
        shape = [self.name, self.table, self.where, [(f.name, f.type, f.sql) for f in self.fields]]
        if self.suppression:
            from engage.opendata.suppression import RULE

            shape.append([RULE, list(self.suppression.block)])
        if self.free_text:
            shape.append(CSV_CELL_RULE)
        return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:12]


class Registry:
    """Datasets by name, in registration order; and the projections open data adds."""

    def __init__(self):
        self._datasets: dict[str, Dataset] = {}
        self.projection_classes: list[type] = []

    def register_projection(self, projection_class: type) -> type:
        """A read model of open data's own (an aggregate no capability keeps): built by the
        engine like any other, just before the change feed. Usable as a class decorator."""
        if projection_class not in self.projection_classes:
            self.projection_classes.append(projection_class)
        return projection_class

    def register(self, dataset: Dataset) -> Dataset:
        if dataset.name in self._datasets:
            raise ValueError(f"dataset {dataset.name} is registered twice")
        self._datasets[dataset.name] = dataset
        return dataset

    def get(self, name: str) -> Dataset | None:
        return self._datasets.get(name)

    def __iter__(self):
        return iter(self._datasets.values())

    def __len__(self):
        return len(self._datasets)

    def __contains__(self, name: str) -> bool:
        return name in self._datasets

    def followed_events(self) -> tuple[type, ...]:
        seen: dict[type, None] = {}
        for dataset in self:
            for event_class in dataset.changes:
                seen[event_class] = None
        return tuple(seen)

    def closure(self, dataset: Dataset) -> list[Dataset]:
        """The dataset and those its foreign keys reference (transitively): one package."""
        found: dict[str, Dataset] = {}
        pending = [dataset]
        while pending:
            current = pending.pop(0)
            if current.name in found:
                continue
            found[current.name] = current
            for foreign_key in current.foreign_keys:
                target = self.get(foreign_key.dataset)
                if target is None:
                    raise LookupError(f"{current.name} references unknown dataset {foreign_key.dataset}")
                pending.append(target)
        return list(found.values())


#: The datasets engage publishes.
REGISTRY = Registry()


def small_count(column: str) -> str:
    """A count of people as a column: published from 5 on, NULL from 1 to 4 (0 stays 0)."""
    from engage.opendata.suppression import SMALL_COUNT

    return f"CASE WHEN {column} > 0 AND {column} < {SMALL_COUNT} THEN NULL ELSE {column} END"


def own_record(event) -> list[Change]:
    """The change of an event to the record named by its own aggregate id."""
    return [(event.originator_id.hex, UPSERT)]


def register(dataset: Dataset) -> Dataset:
    """Publish a dataset: one call, at import time, in engage/opendata/datasets/<capability>.py."""
    return REGISTRY.register(dataset)


def register_projection(projection_class: type) -> type:
    return REGISTRY.register_projection(projection_class)
