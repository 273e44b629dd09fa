"""The batch writer (BatchTree: COPY on PostgreSQL, executemany on SQLite) stores the same
rows as appending each leaf in turn with one INSERT each (SqlTree), on both back ends."""

import random

from engage.projections.transparency.projection import BatchTree, SqlTree
from engage.transparency import merkle


def _rows(db):
    with db.reading() as cur:
        leaves = cur.execute("SELECT leaf_index, position, data FROM tlog_leaves ORDER BY leaf_index").fetchall()
        nodes = cur.execute("SELECT level, node_index, hash FROM tlog_nodes ORDER BY level, node_index").fetchall()
    with db.transaction() as cur:
        cur.execute("DELETE FROM tlog_leaves")
        cur.execute("DELETE FROM tlog_nodes")
    return leaves, nodes


def test_batches_store_the_rows_one_leaf_at_a_time_stores(db):
    rng = random.Random(2017)
    leaves = [rng.randbytes(rng.randint(0, 40)) for _ in range(150)]
    with db.transaction() as cur:
        tree = SqlTree(cur)
        for i, data in enumerate(leaves):
            tree.append(position=2 * i + 1, data=data)
    one_by_one = _rows(db)

    appended = 0
    while appended < len(leaves):
        size = min(rng.randint(1, 40), len(leaves) - appended)
        with db.transaction() as cur:
            tree = BatchTree(cur)
            for i in range(appended, appended + size):
                tree.append(position=2 * i + 1, data=leaves[i])
            tree.flush()
        appended += size
    memory = merkle.MemoryTree()
    for data in leaves:
        memory.append(data)
    with db.reading() as cur:
        assert SqlTree(cur).root(len(leaves)) == memory.root()
    assert _rows(db) == one_by_one
