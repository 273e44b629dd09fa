"""A batch of leaves appended in one pass (`merkle.extend`, the projection's BatchTree) gives
the nodes appending each leaf in turn gives, in the same order, whatever the batch sizes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engage.transparency import merkle


@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=8))
def test_extend_completes_the_nodes_one_leaf_at_a_time_would(batches):
    leaves = [f"leaf {i}".encode() for i in range(sum(batches))]
    one_by_one = merkle.MemoryTree()
    expected = []
    for data in leaves:
        expected += list(merkle.completed_nodes(one_by_one, one_by_one.size, merkle.leaf_hash(data)))
        one_by_one.append(data)

    stored = merkle.MemoryTree()  # what the table holds between batches
    found = []
    for size in batches:
        start = stored.size
        edge = {level: stored.node(level, index) for level, index in merkle.edge(start)}
        nodes = merkle.extend(edge, start, merkle.leaf_hashes(leaves[start:start + size]))
        found += nodes
        for data in leaves[start:start + size]:
            stored.append(data)
    assert found == expected
    assert stored.root() == one_by_one.root()


def test_the_edge_of_a_tree_is_its_perfect_subtrees():
    assert merkle.edge(0) == []
    assert merkle.edge(1) == [(0, 0)]
    assert merkle.edge(6) == [(1, 2), (2, 0)]  # leaves 4-5, then 0-3
    assert merkle.edge(8) == [(3, 0)]
