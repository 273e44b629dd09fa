"""Secondary (complementary) suppression of small counts.

Primary suppression blanks a count of 1 to 4 people. Alone it is not enough: a blank cell
whose row total is published is the total minus the other cells. So a table is published
with a set of additive groups (a total and the cells it sums, e.g. an arrondissement and
its six age bands, or the grand total and the twenty arrondissements), and blanks are added
until, in every group:

1. no blank stands alone: a group with a blank has at least two (its total counts as one
   when it is blank too) — the next-smallest non-zero cell of the group is blanked with it;
2. when the total is published, the blanks of the group add up to 5 or more, and to more
   than their number (blanks are never 0, since 0 is published: blanks adding up to their
   number would all be 1);
3. and, across groups, no blank is determined by any combination of the published totals
   (exact linear algebra over the blanks, not just one subtraction at a time): a blank
   that still is gets a companion from one of its groups (or, when they are all blank,
   the smallest cell left). This ends: once every non-zero cell of a table of counts is
   blank, none is determined (the non-zero cells of totals and their parts form cycles).

Zeros are published (0 describes nobody); complements are always the smallest non-zero
cells that do the job, so the least information is lost; the result depends on the counts
only, so every page, file and API answer that publishes a table publishes the same blanks,
and engage-audit recomputes them from the public log.

`fixed` cells are published by another table (by its own rule) elsewhere: they are never
chosen as complements, only taken as known when published. `hidden` cells are blank from
the start: blanked by that other table, or never published at all (people of a total in
no cell of a breakdown). Together they let a table that shares totals with another one
(the sessions of a place whose total the attendance figures publish) be suppressed with
that table's equations and blanks taken into account, without changing that table.

This is the one suppression rule of engage: every page, dataset and API answer that
publishes counts of people goes through it (`suppress_small` for a lone figure published
without any total; `suppress` for tables; the tables themselves in aggregates.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Collection, Hashable, Iterable, Mapping, Sequence

Cell = Hashable

#: Fewer people than this are never published (1 to 4: 0 points at nobody and is published).
SMALL_COUNT = 5

#: Changes when the rule changes: part of the published datasets' fingerprints (ETags).
RULE = "complementary-2"


@dataclass(frozen=True)
class Group:
    """`total` is the sum of `members` (all cells of one table)."""

    total: Cell
    members: tuple[Cell, ...]


def _order(values: Mapping[Cell, int]):
    return lambda cell: (values[cell], repr(cell))


def suppress_small(count: int) -> int | None:
    """The primary rule alone, for a figure published with no total beside it: None for 1
    to 4 people, too few to publish without pointing at someone."""
    return None if 0 < count < SMALL_COUNT else count


def primary(values: Mapping[Cell, int]) -> set[Cell]:
    return {cell for cell, value in values.items() if 0 < value < SMALL_COUNT}


def _needs_company(group: Group, values: Mapping[Cell, int], hidden: set[Cell]) -> bool:
    blanks = [cell for cell in (group.total, *group.members) if cell in hidden]
    if len(blanks) == 1:
        return True
    if blanks and group.total not in hidden:
        hidden_sum = sum(values[m] for m in group.members if m in hidden)
        return hidden_sum < max(SMALL_COUNT, len(blanks) + 1)
    return False


def _companion(cells: Iterable[Cell], values, hidden, fixed) -> Cell | None:
    candidates = [c for c in cells if c not in hidden and c not in fixed and values[c] > 0]
    return min(candidates, key=_order(values)) if candidates else None


def determined(values: Mapping[Cell, int], groups: Sequence[Group], hidden: Collection[Cell]) -> set[Cell]:
    """The blanks a reader can compute exactly from the published cells and the groups.

    Each group is an equation total - sum(members) = 0; published cells are known. A blank
    is determined when its unit vector lies in the row space of the equations restricted to
    the blanks: in reduced row echelon form, its column is a pivot whose row has no other
    non-zero entry.
    """
    unknowns = sorted(hidden, key=repr)
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for group in groups:
        row = [Fraction(0)] * len(unknowns)
        touched = False
        for cell, sign in ((group.total, 1), *((m, -1) for m in group.members)):
            if cell in index:
                row[index[cell]] += sign
                touched = True
        if touched:
            rows.append(row)
    pivots: list[tuple[int, int]] = []  # (row, column)
    rank = 0
    for column in range(len(unknowns)):
        found = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if found is None:
            continue
        rows[rank], rows[found] = rows[found], rows[rank]
        pivot = rows[rank][column]
        rows[rank] = [value / pivot for value in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][column] != 0:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank])]
        pivots.append((rank, column))
        rank += 1
    found_cells = set()
    for row, column in pivots:
        if all(value == 0 for c, value in enumerate(rows[row]) if c != column):
            found_cells.add(unknowns[column])
    return found_cells


def suppress(values: Mapping[Cell, int], groups: Sequence[Group] = (), *,
             fixed: Collection[Cell] = (), hidden: Collection[Cell] = ()) -> frozenset[Cell]:
    """The cells to blank: primary (1 to 4), the cells `hidden` already, plus the
    complements the groups call for."""
    hidden = primary(values) | set(hidden)
    fixed = set(fixed)
    groups = [g for g in groups if g.members]
    while True:
        added = False
        for group in groups:
            if not _needs_company(group, values, hidden):
                continue
            pick = _companion(group.members, values, hidden, fixed)
            if pick is None:
                pick = _companion((group.total,), values, hidden, fixed)
            if pick is not None:
                hidden.add(pick)
                added = True
        if added:
            continue
        exposed = determined(values, groups, hidden)
        if not exposed:
            return frozenset(hidden)
        pick = None
        for cell in sorted(exposed, key=_order(values)):
            around = [c for g in groups if cell == g.total or cell in g.members for c in (g.total, *g.members)]
            pick = _companion(around, values, hidden, fixed)
            if pick is not None:
                break
        if pick is None:  # every cell around is blank already: the smallest left anywhere
            pick = _companion(values, values, hidden, fixed)
        if pick is None:  # nothing left to blank (only fixed cells): the best that can be done
            return frozenset(hidden)
        hidden.add(pick)


def published(values: Mapping[Cell, int], hidden: Collection[Cell]) -> dict[Cell, int | None]:
    return {cell: (None if cell in hidden else value) for cell, value in values.items()}


# -- the tables engage publishes ----------------------------------------------------------

def cross_table(cells: Mapping[tuple[Hashable, Hashable], int], rows: Sequence[Hashable],
                columns: Sequence[Hashable]) -> tuple[dict[Cell, int], list[Group]]:
    """A two-way table with its row totals ("row", r), column totals ("column", c) and grand
    total ("total",), each cell ("cell", r, c); missing cells count 0."""
    values: dict[Cell, int] = {}
    for r in rows:
        for c in columns:
            values[("cell", r, c)] = int(cells.get((r, c), 0))
    for r in rows:
        values[("row", r)] = sum(values[("cell", r, c)] for c in columns)
    for c in columns:
        values[("column", c)] = sum(values[("cell", r, c)] for r in rows)
    values[("total",)] = sum(values[("row", r)] for r in rows)
    groups = [Group(("row", r), tuple(("cell", r, c) for c in columns)) for r in rows]
    groups += [Group(("column", c), tuple(("cell", r, c) for r in rows)) for c in columns]
    groups += [Group(("total",), tuple(("row", r) for r in rows)),
               Group(("total",), tuple(("column", c) for c in columns))]
    return values, groups


def breakdowns(total: int, parts: Mapping[str, Mapping[str, int]]) -> tuple[dict[Cell, int], list[Group]]:
    """One total broken down several ways (e.g. attendance by place, by arrondissement, by
    age band): cells ("total",) and (breakdown, key)."""
    values: dict[Cell, int] = {("total",): int(total)}
    groups = []
    for name, counts in parts.items():
        members = []
        for key, count in counts.items():
            values[(name, key)] = int(count)
            members.append((name, key))
        groups.append(Group(("total",), tuple(members)))
    return values, groups
