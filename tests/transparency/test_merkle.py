"""RFC 9162 §2.1 in memory: every proof of every tree of 1 to 300 leaves, and tampering."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.transparency import merkle
from tests.common.merkle import ReferenceTree

MAX_LEAVES = 300
LEAVES = [f"leaf {i}".encode() * (i % 4 + 1) for i in range(MAX_LEAVES)]
REFERENCE = ReferenceTree(LEAVES)


@pytest.fixture(scope="module")
def tree():
    tree = merkle.MemoryTree()
    for data in LEAVES:
        tree.append(data)
    return tree


def test_small_trees_by_hand():
    a, b, c = (merkle.leaf_hash(x) for x in (b"a", b"b", b"c"))
    tree = merkle.MemoryTree()
    assert (
        tree.root()
        == merkle.EMPTY_ROOT
        == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    )
    for data in (b"a", b"b", b"c"):
        tree.append(data)
    assert tree.root(1) == a
    assert tree.root(2) == merkle.node_hash(a, b)
    assert tree.root(3) == merkle.node_hash(merkle.node_hash(a, b), c)
    assert merkle.inclusion_proof(tree, 2, 3) == [merkle.node_hash(a, b)]
    assert merkle.consistency_proof(tree, 2, 3) == [c]


def test_the_incremental_tree_equals_the_recursive_definition_at_every_size(tree):
    accumulator = merkle.RootAccumulator()
    for size in range(1, MAX_LEAVES + 1):
        accumulator.append_hash(merkle.leaf_hash(LEAVES[size - 1]))
        assert tree.root(size) == accumulator.root() == REFERENCE.root(size), size


def test_every_inclusion_proof_up_to_300_leaves_verifies(tree):
    for size in range(1, MAX_LEAVES + 1):
        root = REFERENCE.root(size)
        for index in range(size):
            proof = merkle.inclusion_proof(tree, index, size)
            assert proof == REFERENCE.inclusion(index, size), (index, size)
            assert merkle.verify_inclusion(index, size, REFERENCE.leaf_hash(index), proof, root)


def test_every_consistency_proof_up_to_300_leaves_verifies(tree):
    for new in range(1, MAX_LEAVES + 1):
        new_root = REFERENCE.root(new)
        for old in range(1, new + 1):
            proof = merkle.consistency_proof(tree, old, new)
            assert proof == REFERENCE.consistency(old, new), (old, new)
            assert merkle.verify_consistency(old, new, REFERENCE.root(old), new_root, proof)


def _flip(digest: bytes, bit: int) -> bytes:
    changed = bytearray(digest)
    changed[bit // 8] ^= 1 << (bit % 8)
    return bytes(changed)


sizes = st.integers(min_value=1, max_value=MAX_LEAVES)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_changed_hash_fails_inclusion(tree, data):
    size = data.draw(sizes)
    index = data.draw(st.integers(0, size - 1))
    proof = merkle.inclusion_proof(tree, index, size)
    root, leaf = REFERENCE.root(size), REFERENCE.leaf_hash(index)
    bit = data.draw(st.integers(0, 255))
    if proof:
        position = data.draw(st.integers(0, len(proof) - 1))
        changed = list(proof)
        changed[position] = _flip(changed[position], bit)
        assert not merkle.verify_inclusion(index, size, leaf, changed, root)
        assert not merkle.verify_inclusion(index, size, leaf, proof[:-1], root)
    assert not merkle.verify_inclusion(index, size, _flip(leaf, bit), proof, root)
    assert not merkle.verify_inclusion(index, size, leaf, proof, _flip(root, bit))
    assert not merkle.verify_inclusion(index, size, leaf, proof + [root], root)
    if size > 1:
        other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index))
        assert not merkle.verify_inclusion(other, size, leaf, proof, root)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_changed_hash_fails_consistency(tree, data):
    new = data.draw(st.integers(min_value=2, max_value=MAX_LEAVES))
    old = data.draw(st.integers(1, new - 1))
    proof = merkle.consistency_proof(tree, old, new)
    old_root, new_root = REFERENCE.root(old), REFERENCE.root(new)
    bit = data.draw(st.integers(0, 255))
    position = data.draw(st.integers(0, len(proof) - 1))
    changed = list(proof)
    changed[position] = _flip(changed[position], bit)
    assert not merkle.verify_consistency(old, new, old_root, new_root, changed)
    assert not merkle.verify_consistency(old, new, _flip(old_root, bit), new_root, proof)
    assert not merkle.verify_consistency(old, new, old_root, _flip(new_root, bit), proof)
    assert not merkle.verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not merkle.verify_consistency(old, new, old_root, new_root, [])
    # A history rewritten before `old`, or forked after it, is not linked to the real one.
    rewritten = ReferenceTree(LEAVES[: old - 1] + [b"forged"] + LEAVES[old:])
    assert not merkle.verify_consistency(old, new, rewritten.root(old), new_root, proof)
    forked = ReferenceTree(LEAVES[: new - 1] + [b"forged"] + LEAVES[new:])
    assert not merkle.verify_consistency(old, new, old_root, forked.root(new), proof)


def test_equal_and_empty_trees():
    root = REFERENCE.root(5)
    assert merkle.verify_consistency(5, 5, root, root, [])
    assert not merkle.verify_consistency(5, 5, root, REFERENCE.root(6), [])
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, root, [])
    assert not merkle.verify_consistency(6, 5, root, root, [])


def test_proofs_outside_the_tree_are_refused(tree):
    for index, size in [(0, 0), (5, 5), (-1, 3)]:
        with pytest.raises(merkle.ProofError):
            merkle.inclusion_proof(tree, index, size)
    for old, new in [(0, 5), (6, 5), (-1, 2)]:
        with pytest.raises(merkle.ProofError):
            merkle.consistency_proof(tree, old, new)


def test_the_accumulator_agrees_on_random_sizes():
    rng = random.Random(7)
    for _ in range(20):
        size = rng.randint(0, 1000)
        leaves = [rng.randbytes(rng.randint(0, 40)) for _ in range(size)]
        accumulator = merkle.RootAccumulator()
        for data in leaves:
            accumulator.append_hash(merkle.leaf_hash(data))
        assert accumulator.root() == ReferenceTree(leaves).root(size)
