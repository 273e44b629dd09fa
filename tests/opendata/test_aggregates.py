"""The inclusion page's tables (engage.opendata.aggregates.broken_down, over the one rule of
engage/opendata/suppression.py): a total broken down several ways. Fast, no app."""

from hypothesis import given, settings
from hypothesis import strategies as st

from engage.opendata.aggregates import broken_down
from engage.opendata.suppression import Group, determined
from engage.statistics import share


def one_way(counts, total):
    shown, shown_total = broken_down(total, {"x": counts})
    return shown["x"], shown_total


def test_nothing_small_nothing_hidden():
    assert one_way({"a": 12, "b": 0, "c": 5}, 17) == ({"a": 12, "b": 0, "c": 5}, 17)


def test_a_lone_small_cell_gets_a_complement_so_the_total_does_not_give_it_away():
    cells, total = one_way({"a": 3, "b": 40, "c": 9, "d": 0}, 52)
    # Without a complement: 52 - 40 - 9 = 3. The smallest other non-zero cell goes too.
    assert cells == {"a": None, "b": 40, "c": None, "d": 0} and total == 52


def test_two_small_cells_that_add_up_to_a_small_group_take_a_third():
    cells, _ = one_way({"a": 1, "b": 2, "c": 30, "d": 8}, 41)
    assert cells == {"a": None, "b": None, "c": 30, "d": None}


def test_two_small_cells_that_add_up_to_five_are_enough():
    assert one_way({"a": 2, "b": 3, "c": 30}, 35)[0] == {"a": None, "b": None, "c": 30}


def test_a_small_total_hides_everything():
    assert one_way({"a": 3, "b": 0}, 3) == ({"a": None, "b": 0}, None)


def test_a_hidden_remainder_counts_as_a_hidden_part():
    # 10 people are in no cell (not published): 55 - 45 = 13 = a + remainder, a is safe.
    assert one_way({"a": 3, "b": 42}, 55) == ({"a": None, "b": 42}, 55)
    # A remainder of 1 is not enough: 46 - 42 = 4 would be a small group.
    assert one_way({"a": 3, "b": 42, "c": 7}, 53)[0] == {"a": None, "b": 42, "c": None}


def test_the_breakdowns_of_one_total_are_suppressed_together():
    # The categories' blanks (3 + 4) and the age bands' (2, and 5 as its complement) hang on
    # the same published total, each group of blanks adding up to 7: nothing more is hidden.
    shown, total = broken_down(40, {"category": {"a": 3, "b": 4, "c": 33}, "age": {"y": 2, "z": 5, "w": 33}})
    assert total == 40 and shown["category"]["c"] == 33 and shown["age"]["w"] == 33
    assert shown["category"]["a"] is None and shown["category"]["b"] is None
    assert shown["age"]["y"] is None and shown["age"]["z"] is None


def test_shares_only_of_published_numbers():
    assert share(25, 200) == 12.5 and share(None, 200) is None and share(3, None) is None


WAYS = st.dictionaries(st.sampled_from("abcdef"), st.one_of(st.integers(0, 4), st.integers(5, 30)), min_size=1)


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(WAYS, min_size=1, max_size=3), st.integers(0, 6))
def test_what_is_published_never_reveals_a_small_group(ways, extra):
    parts = {f"way{i}": counts for i, counts in enumerate(ways)}
    total = max(sum(c.values()) for c in ways) + extra
    shown, shown_total = broken_down(total, parts)
    # Every published number is true, and never 1 to 4.
    for name, counts in parts.items():
        for key, value in shown[name].items():
            assert value is None or (value == counts[key] and not 0 < value < 5)
    assert shown_total is None or (shown_total == total and not 0 < total < 5)
    # No blank (nor any way's remainder) follows from what is published, by any combination.
    values = {("total",): total}
    hidden = set() if shown_total is not None else {("total",)}
    groups = []
    for name, counts in parts.items():
        members = [(name, key) for key in counts] + [(name, "#rest")]
        values.update({(name, key): n for key, n in counts.items()})
        values[(name, "#rest")] = total - sum(counts.values())
        hidden |= {(name, key) for key, v in shown[name].items() if v is None} | {(name, "#rest")}
        groups.append(Group(("total",), tuple(members)))
    exposed = determined(values, groups, hidden)
    # A way's remainder of 0 people, with every cell published, is known to be 0: nobody.
    assert all(values[cell] == 0 for cell in exposed), exposed
    if shown_total is not None:  # what the total minus a way's published cells gives: 5 people at least
        for name, counts in parts.items():
            gone = total - sum(v for v in shown[name].values() if v is not None)
            assert gone == 0 or gone >= 5
