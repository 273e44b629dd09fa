"""Secondary suppression, property-based: for random tables (two-way tables with their
margins, one total broken down several ways), no blank can be recovered from what is
published. No app, no database."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engage.opendata.suppression import (
    SMALL_COUNT,
    Group,
    breakdowns,
    cross_table,
    determined,
    published,
    suppress,
)

# Small counts often, zeros often, a few large ones: where suppression is hard.
COUNTS = st.one_of(st.integers(0, 0), st.integers(1, 4), st.integers(5, 9), st.integers(10, 60))


def by_subtraction(values, groups, hidden) -> set:
    """What a reader recovers by subtracting, again and again: a group with one blank left
    gives it (the total minus the other cells, or the sum of the cells)."""
    known = {cell: value for cell, value in values.items() if cell not in hidden}
    recovered = set()
    progress = True
    while progress:
        progress = False
        for group in groups:
            cells = (group.total, *group.members)
            unknown = [cell for cell in cells if cell not in known]
            if len(unknown) == 1:
                cell = unknown[0]
                rest = sum(known[m] for m in group.members if m in known)
                known[cell] = rest if cell == group.total else known[group.total] - rest
                recovered.add(cell)
                progress = True
    return recovered


def check(values, groups, hidden):
    # Every small count is blank; zeros and the rest are published as they are.
    for cell, value in values.items():
        if 0 < value < SMALL_COUNT:
            assert cell in hidden, cell
        if value == 0:
            assert cell not in hidden, cell
    # Nothing comes back by subtraction, however chained...
    assert by_subtraction(values, groups, hidden) == set()
    # ...nor by any linear combination of the published totals.
    assert determined(values, groups, hidden) == set()
    # Blanks never add up to a small group, nor to their own number (all ones).
    for group in groups:
        blanks = [m for m in group.members if m in hidden]
        if blanks and group.total not in hidden:
            total = sum(values[m] for m in blanks)
            assert total >= SMALL_COUNT and total > len(blanks), (group, total)
    # What is published is true: a group with no blank adds up.
    shown = published(values, hidden)
    for group in groups:
        if all(shown[c] is not None for c in (group.total, *group.members)):
            assert shown[group.total] == sum(shown[m] for m in group.members)


@st.composite
def two_way_tables(draw):
    rows = draw(st.integers(1, 6))
    columns = draw(st.integers(1, 6))
    cells = {(r, c): draw(COUNTS) for r in range(rows) for c in range(columns)}
    return cross_table(cells, list(range(rows)), list(range(columns)))


@st.composite
def broken_down_totals(draw):
    parts = {}
    for name in ("place", "arrondissement", "age_band")[: draw(st.integers(1, 3))]:
        parts[name] = {str(k): draw(COUNTS) for k in range(draw(st.integers(1, 6)))}
    # Each breakdown of one total: make them add up to the same total.
    total = max(sum(p.values()) for p in parts.values())
    for counts in parts.values():
        counts["other"] = counts.get("other", 0) + total - sum(counts.values())
    return breakdowns(total, parts)


@settings(max_examples=500, deadline=None, database=None)
@given(two_way_tables())
def test_no_blank_of_a_two_way_table_can_be_recovered(table):
    values, groups = table
    check(values, groups, suppress(values, groups))


@settings(max_examples=200, deadline=None, database=None)
@given(broken_down_totals())
def test_no_blank_of_a_broken_down_total_can_be_recovered(table):
    values, groups = table
    check(values, groups, suppress(values, groups))


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(COUNTS, min_size=1, max_size=8))
def test_rows_without_a_published_total_need_primary_suppression_only(counts):
    values = {i: n for i, n in enumerate(counts)}
    assert suppress(values) == {i for i, n in values.items() if 0 < n < SMALL_COUNT}


def test_the_next_smallest_cell_goes_with_a_lone_blank():
    values, groups = cross_table({(1, "a"): 3, (1, "b"): 7, (1, "c"): 40}, [1], ["a", "b", "c"])
    hidden = suppress(values, groups)
    assert {("cell", 1, "a"), ("cell", 1, "b")} <= hidden
    assert ("cell", 1, "c") not in hidden and ("row", 1) not in hidden and ("total",) not in hidden


def test_a_blank_row_total_takes_another_row_total_with_it():
    # Arrondissement 1 has 3 holders in all: its total is blank, so another is too.
    values, groups = cross_table({(1, "a"): 3, (2, "a"): 6, (3, "a"): 30}, [1, 2, 3], ["a"])
    hidden = suppress(values, groups)
    assert {("row", 1), ("row", 2)} <= hidden and ("row", 3) not in hidden


def test_two_ones_are_not_enough_company():
    # 1 + 1 = 2 under a published total of 30: both would be known to be 1.
    values, groups = cross_table({(1, "a"): 1, (1, "b"): 1, (1, "c"): 8, (1, "d"): 20}, [1], list("abcd"))
    hidden = suppress(values, groups)
    assert ("cell", 1, "c") in hidden
    check(values, groups, hidden)


def test_a_chain_that_subtraction_alone_misses_is_caught():
    # Every group has two blanks or more, yet a = T - U: the groups combined give it away.
    values = {"T": 17, "a": 3, "b": 7, "c": 7, "U": 14}
    groups = [Group("T", ("a", "b", "c")), Group("U", ("b", "c"))]
    assert by_subtraction(values, groups, {"a", "b", "c"}) == set()
    assert determined(values, groups, {"a", "b", "c"}) == {"a"}
    hidden = suppress(values, groups)
    assert hidden == {"a", "b", "c", "T"}
    check(values, groups, hidden)


def test_fixed_cells_are_never_chosen():
    values = {"agree": 8, "online": 3, "hall": 5}
    groups = [Group("agree", ("online", "hall"))]
    assert suppress(values, groups, fixed={"agree"}) == {"online", "hall"}
    assert suppress({"agree": 8, "online": 3, "hall": 5}, groups, fixed={"hall"}) == {"online", "agree"}
