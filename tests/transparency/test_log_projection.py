"""The stored tree (both back ends): incremental equals from scratch, proofs equal the RFC's;
and the checkpoints: signed when due, kept, never inconsistent."""

import base64
import datetime
import logging
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.projections.transparency.projection import CheckpointSigner, SqlTree
from engage.transparency import merkle
from engage.transparency.note import Checkpoint, Signer
from tests.common.merkle import ReferenceTree
from tests.common.projections import Opened

LEAVES = 300


def test_the_stored_tree_equals_the_rfc_definition_and_answers_every_proof(db):
    rng = random.Random(2017)
    leaves = [rng.randbytes(rng.randint(0, 64)) for _ in range(LEAVES)]
    reference = ReferenceTree(leaves)
    # Appended over transactions of random sizes, as batches of a projection would be.
    appended = 0
    while appended < LEAVES:
        batch = min(rng.randint(1, 40), LEAVES - appended)
        with db.transaction() as cur:
            tree = SqlTree(cur)
            for i in range(appended, appended + batch):
                assert tree.append(position=3 * i + 1, data=leaves[i]) == i
        appended += batch

    memory = merkle.MemoryTree()
    for data in leaves:
        memory.append(data)
    with db.reading() as cur:
        stored = {
            (level, index): bytes.fromhex(h)
            for level, index, h in cur.execute(
                "SELECT level, node_index, hash FROM tlog_nodes"
            ).fetchall()
        }
        assert stored == {
            (level, index): digest
            for level, hashes in enumerate(memory.levels)
            for index, digest in enumerate(hashes)
        }
        tree = SqlTree(cur)
        assert tree.size() == LEAVES
        assert [(i, p, d) for i, p, d in tree.entries(0, LEAVES)] == [
            (i, 3 * i + 1, leaves[i]) for i in range(LEAVES)
        ]
        for size in range(1, LEAVES + 1):
            assert tree.root(size) == reference.root(size), size

        @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(size=st.integers(1, LEAVES), data=st.data())
        def proofs_match_the_reference(size, data):
            index = data.draw(st.integers(0, size - 1))
            proof = merkle.inclusion_proof(tree, index, size)
            assert proof == reference.inclusion(index, size)
            assert merkle.verify_inclusion(
                index, size, reference.leaf_hash(index), proof, reference.root(size)
            )
            old = data.draw(st.integers(1, size))
            proof = merkle.consistency_proof(tree, old, size)
            assert proof == reference.consistency(old, size)
            assert merkle.verify_consistency(
                old, size, reference.root(old), reference.root(size), proof
            )
            if proof:
                changed = list(proof)
                changed[data.draw(st.integers(0, len(proof) - 1))] = bytes(32)
                assert not merkle.verify_consistency(
                    old, size, reference.root(old), reference.root(size), changed
                )

        proofs_match_the_reference()

        with pytest.raises(LookupError):
            merkle.inclusion_proof(tree, 0, LEAVES + 1)


def test_the_projection_follows_every_event_and_a_rebuild_gives_the_same_tree(site):
    site.issue_cards(7)
    engine = site.services.engine
    engine.catch_up()
    with site.services.db.reading() as cur:
        tree = SqlTree(cur)
        size, root = tree.size(), tree.root(tree.size())
        positions = [p for _, p, _ in tree.entries(0, size)]
    assert size == 14 and positions == list(range(1, 15))
    engine.rebuild(["transparency"])
    with site.services.db.reading() as cur:
        assert SqlTree(cur).root(size) == root


def test_gaps_in_notification_ids_leave_no_gap_in_the_tree(site, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL sequences leave gaps; SQLite's rowids do not")
    site.issue_cards(1)
    with site.services.db.transaction() as cur:  # a rolled-back insert burns sequence numbers
        for _ in range(5):
            cur.execute("SELECT nextval('engage_events_notification_id_seq')")
    site.issue_cards(1, start=1)
    site.catch_up()
    with site.services.db.reading() as cur:
        entries = SqlTree(cur).entries(0, 10)
    assert [(i, p) for i, p, _ in entries] == [(0, 1), (1, 2), (2, 8), (3, 9)]


class Clock:
    def __init__(self):
        self.now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def signer_and_clock(site):
    clock = Clock()
    checkpoints = CheckpointSigner(
        site.services.db, Signer.generate("test.engage.example/log"), interval=60, clock=clock
    )
    return checkpoints, clock


def _catch_up_without_signing(site):
    engine = site.services.engine
    for name in engine.projections:
        while engine.process_batch(name):
            pass


def test_checkpoints_are_signed_when_the_tree_grew_and_the_interval_passed(site, signer_and_clock):
    checkpoints, clock = signer_and_clock
    assert checkpoints.sign_if_due() is None  # an empty log signs nothing
    site.issue_cards(2)
    _catch_up_without_signing(site)
    first = checkpoints.sign_if_due()  # the first one at once
    assert first.size == 4
    assert Checkpoint.parse(checkpoints.signer.verifier.verify(first.note)) == first.checkpoint
    site.issue_cards(1, start=2)
    _catch_up_without_signing(site)
    clock.advance(59)
    assert checkpoints.sign_if_due() is None  # too early
    clock.advance(1)
    second = checkpoints.sign_if_due()
    assert second.size == 6
    clock.advance(3600)
    assert checkpoints.sign_if_due() is None  # no growth, no checkpoint
    with site.services.db.reading() as cur:
        kept = cur.execute("SELECT size, note FROM tlog_checkpoints ORDER BY size").fetchall()
    assert kept == [(4, first.note), (6, second.note)]


def test_the_signer_leaves_the_database_alone_until_a_checkpoint_can_be_due(site, signer_and_clock):
    """It runs after every catch-up, a vote's included: before the interval has passed since
    the latest checkpoint it knows of, no checkpoint can be due and it opens no transaction."""
    checkpoints, clock = signer_and_clock
    checkpoints.db = opened = Opened(checkpoints.db)
    assert checkpoints.sign_if_due() is None  # no checkpoint yet: it looks every time
    site.issue_cards(2)
    _catch_up_without_signing(site)
    assert checkpoints.sign_if_due().size == 4  # the first one as soon as the tree has leaves
    assert opened.log == ["reading", "reading", "transaction"]
    opened.log.clear()
    site.issue_cards(1, start=2)
    _catch_up_without_signing(site)
    clock.advance(59)
    for _ in range(3):
        assert checkpoints.sign_if_due() is None
    assert opened.log == []  # too early: not one statement
    clock.advance(1)
    assert checkpoints.sign_if_due().size == 6  # a quiet spell still gets its checkpoint
    assert opened.log == ["reading", "transaction"]
    opened.log.clear()
    clock.advance(59)
    assert checkpoints.sign_if_due() is None and opened.log == []  # counted from the new one


def test_a_signer_learns_the_due_time_from_a_rival_checkpoint(site, signer_and_clock):
    checkpoints, clock = signer_and_clock
    rival = CheckpointSigner(site.services.db, checkpoints.signer, interval=60, clock=clock)
    site.issue_cards(2)
    _catch_up_without_signing(site)
    assert rival.sign_if_due().size == 4
    checkpoints.db = opened = Opened(checkpoints.db)
    assert checkpoints.sign_if_due() is None  # it reads the rival's checkpoint...
    clock.advance(30)
    site.issue_cards(1, start=2)
    _catch_up_without_signing(site)
    opened.log.clear()
    assert checkpoints.sign_if_due() is None and opened.log == []  # ...and waits for its interval
    clock.advance(30)
    assert checkpoints.sign_if_due().size == 6


def test_the_tile_writer_reads_only_when_a_new_checkpoint_may_be_there(site, signer_and_clock, tmp_path):
    """It runs after the signer, after every catch-up: a new checkpoint comes only from this
    process's signer (it counts its signatures) or, once the interval has passed, from a rival;
    in between it opens no transaction."""
    from engage.projections.transparency.tiles import TileWriter

    checkpoints, clock = signer_and_clock
    tiles = TileWriter(Opened(site.services.db), tmp_path / "tiles", signer=checkpoints)
    site.issue_cards(2)
    _catch_up_without_signing(site)
    assert checkpoints.sign_if_due().size == 4
    assert tiles() > 0  # the first checkpoint's tiles
    tiles.db.log.clear()
    site.issue_cards(1, start=2)
    _catch_up_without_signing(site)
    clock.advance(59)
    for _ in range(3):
        assert checkpoints.sign_if_due() is None
        assert tiles() == 0
    assert tiles.db.log == []  # nothing signed, nothing can be: not one statement
    clock.advance(1)
    assert checkpoints.sign_if_due().size == 6
    assert tiles() > 0 and tiles.db.log == ["reading"]  # signed here since it last looked
    assert (tmp_path / "tiles" / "checkpoint").read_text().split("\n")[1] == "6"
    # A rival signs once the interval has passed: the writer looks again from then on.
    tiles.db.log.clear()
    site.issue_cards(1, start=3)
    _catch_up_without_signing(site)
    clock.advance(60)
    rival = CheckpointSigner(site.services.db, checkpoints.signer, interval=60, clock=clock)
    assert rival.sign_if_due().size == 8
    assert tiles() > 0 and tiles.db.log == ["reading"]
    assert (tmp_path / "tiles" / "checkpoint").read_text().split("\n")[1] == "8"


def test_the_worker_signs_after_catching_up(site):
    site.issue_cards(2)
    site.catch_up()  # the engine calls the signer after catching up (interval 0 here)
    with site.services.db.reading() as cur:
        assert cur.scalar("SELECT MAX(size) FROM tlog_checkpoints") == 4


def test_a_tree_rebuilt_from_an_altered_store_is_never_signed(
    site, signer_and_clock, event_store, caplog
):
    checkpoints, clock = signer_and_clock
    site.issue_cards(3)
    _catch_up_without_signing(site)
    assert checkpoints.sign_if_due().size == 6
    event_store.alter(3, b'"arrondissement":2', b'"arrondissement":3')
    site.services.engine.rebuild(["transparency"])
    site.issue_cards(1, start=3)
    _catch_up_without_signing(site)
    clock.advance(3600)
    with caplog.at_level(logging.CRITICAL, logger="engage.projections.transparency"):
        assert checkpoints.sign_if_due() is None
        assert checkpoints.sign_if_due() is None
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1  # said once
    assert "does not extend" in caplog.records[0].message
    with site.services.db.reading() as cur:
        assert cur.scalar("SELECT MAX(size) FROM tlog_checkpoints") == 6


def test_a_faithful_rebuild_goes_on_signing(site, signer_and_clock):
    checkpoints, clock = signer_and_clock
    site.issue_cards(3)
    _catch_up_without_signing(site)
    checkpoints.sign_if_due()
    site.services.engine.rebuild()
    site.issue_cards(1, start=3)
    _catch_up_without_signing(site)
    clock.advance(60)
    assert checkpoints.sign_if_due().size == 8


def test_checkpoints_survive_a_rebuild(site):
    site.issue_cards(1)
    site.catch_up()
    site.services.engine.rebuild()
    with site.services.db.reading() as cur:
        assert cur.scalar("SELECT COUNT(*) FROM tlog_checkpoints") == 1
        assert base64.b64decode(cur.scalar("SELECT data FROM tlog_leaves WHERE leaf_index = 0"))
