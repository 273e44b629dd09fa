"""Primary and secondary suppression of small counts (engage.statistics.suppress_cells): fast, no app."""

from hypothesis import given
from hypothesis import strategies as st

from engage.statistics import share, suppress_cells


def test_nothing_small_nothing_hidden():
    assert suppress_cells({"a": 12, "b": 0, "c": 5}, 17) == ({"a": 12, "b": 0, "c": 5}, 17)


def test_a_lone_small_cell_gets_a_complement_so_the_total_does_not_give_it_away():
    cells, total = suppress_cells({"a": 3, "b": 40, "c": 9, "d": 0}, 52)
    # Without a complement: 52 - 40 - 9 = 3. The smallest other non-zero cell goes too.
    assert cells == {"a": None, "b": 40, "c": None, "d": 0} and total == 52


def test_two_small_cells_that_add_up_to_a_small_group_take_a_third():
    cells, _ = suppress_cells({"a": 1, "b": 2, "c": 30, "d": 8}, 41)
    assert cells == {"a": None, "b": None, "c": 30, "d": None}


def test_two_small_cells_that_add_up_to_five_are_enough():
    assert suppress_cells({"a": 2, "b": 3, "c": 30}, 35)[0] == {"a": None, "b": None, "c": 30}


def test_a_small_total_hides_everything():
    assert suppress_cells({"a": 3, "b": 0}, 3) == ({"a": None, "b": 0}, None)


def test_without_a_published_total_only_primary_suppression():
    assert suppress_cells({"a": 3, "b": 40}) == ({"a": None, "b": 40}, None)


def test_a_hidden_remainder_counts_as_a_hidden_part():
    # 10 people are in no cell (not published): 55 - 45 = 13 = a + remainder, a is safe.
    assert suppress_cells({"a": 3, "b": 42}, 55) == ({"a": None, "b": 42}, 55)
    # A remainder of 1 is not enough: 46 - 42 = 4 would be a small group.
    assert suppress_cells({"a": 3, "b": 42, "c": 7}, 53)[0] == {"a": None, "b": 42, "c": None}


def test_shares_only_of_published_numbers():
    assert share(25, 200) == 12.5 and share(None, 200) is None and share(3, None) is None


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 30), min_size=1), st.integers(0, 10))
def test_what_is_published_never_reveals_a_small_group(counts, extra):
    total = sum(counts.values()) + extra
    cells, shown_total = suppress_cells(counts, total)
    published = {k: v for k, v in cells.items() if v is not None}
    assert all(v == counts[k] and (v == 0 or v >= 5) for k, v in published.items())
    if shown_total is None:
        return
    hidden = [k for k, v in cells.items() if v is None]
    if hidden:  # what total minus published gives: two parts at least, five people at least
        assert len(hidden) + (extra > 0) >= 2
        assert shown_total - sum(published.values()) >= 5
