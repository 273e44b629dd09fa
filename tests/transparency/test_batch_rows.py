"""The batch writer (BatchTree: one INSERT per table, or a COPY for many rows, on PostgreSQL;
executemany on SQLite) stores the same rows as appending each leaf in turn with one INSERT each
(SqlTree), on both back ends; and the projection stores the same log whatever its batches."""

import base64
import random

import pytest

from engage.projections.transparency.openings import Openings
from engage.projections.transparency.projection import BatchTree, SqlTree, open_batch
from engage.transparency import merkle
from tests.common.projections import some_events


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


def test_a_batch_refuses_a_stored_tree_that_misses_a_node_of_its_right_edge(db):
    with db.transaction() as cur:
        tree = BatchTree(cur)
        for i in range(6):
            tree.append(position=i + 1, data=f"leaf {i}".encode())
        tree.flush()
    with db.transaction() as cur:
        cur.execute("DELETE FROM tlog_nodes WHERE level = 1 AND node_index = 2")  # leaves 4-5: on the edge of 6
    with pytest.raises(LookupError, match="misses nodes of its right edge"):
        with db.transaction() as cur:
            tree = open_batch(cur, Openings(cur), [])
            tree.append(position=7, data=b"leaf 6")
            tree.take_rows()
    _rows(db)  # emptied for the next test


LOG_TABLES = ("tlog_leaves", "tlog_nodes", "tlog_acts", "tlog_commitments")


def _log(engage) -> dict[str, list]:
    with engage.db.reading() as cur:
        return {table: cur.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in LOG_TABLES}


def test_live_batches_and_a_rebuilds_big_ones_store_the_same_log(engage_services):
    """One event per batch (its rows in one pipeline of INSERTs on PostgreSQL), a few, and one
    batch of them all (COPY from 64 rows): the same leaves, nodes, acts and commitments (those
    are kept by a rebuild, so the leaves show the same ones), and the RFC 9162 root."""
    some_events(engage_services, cards=40, votes=10)
    engine = engage_services.engine
    stored = {}
    for batch_size in (1, 7, 500):
        engine.batch_size = batch_size
        engine.rebuild(["transparency"])
        stored[batch_size] = _log(engage_services)
    assert len(stored[1]["tlog_leaves"]) == engine.head() > 64
    assert stored[1] == stored[7] == stored[500]
    memory = merkle.MemoryTree()
    for _, _, data in stored[500]["tlog_leaves"]:
        memory.append(base64.b64decode(data))
    with engage_services.db.reading() as cur:
        assert SqlTree(cur).root(memory.size) == memory.root()
