"""Merkle tree hashes and proofs exactly as RFC 9162 §2.1 (Certificate Transparency 2.0).

The tree over n leaves D[0:n]:  MTH({}) = SHA-256(),  MTH({d}) = SHA-256(0x00 || d),
MTH(D[0:n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) with k the largest power of
two smaller than n.

Every subtree that the RFC's recursions visit is either *perfect* (2^level leaves
starting at a multiple of 2^level) or a right edge made of a few perfect ones. So a
store that keeps the hash of each perfect subtree once it is complete (`NodeSource`)
answers any root, inclusion proof or consistency proof, for any tree size up to its
own, with O(log n) lookups and without ever recomputing the tree.
"""

from __future__ import annotations

import hashlib
from typing import Iterator, Protocol, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """Proof parameters outside the tree."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """k: the largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class NodeSource(Protocol):
    def node(self, level: int, index: int) -> bytes:
        """Hash of the perfect subtree over leaves [index * 2^level, (index + 1) * 2^level)."""


def completed_nodes(nodes: NodeSource, index: int, leaf: bytes) -> Iterator[tuple[int, int, bytes]]:
    """The perfect subtrees that appending leaf number `index` completes, bottom up.

    (0, index, leaf hash) first; then, while the new node is a right child, its parent,
    whose left child is already stored. On average one lookup per leaf.
    """
    level, position, digest = 0, index, leaf
    yield level, position, digest
    while position & 1:
        digest = node_hash(nodes.node(level, position - 1), digest)
        level, position = level + 1, position >> 1
        yield level, position, digest


def edge(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees along the right edge of a tree of `size` leaves, (level, index),
    lowest level first: the only stored nodes that appending leaves after it needs."""
    return [(level, (size >> level) - 1) for level in range(size.bit_length()) if size >> level & 1]


def extend(edge_hashes: dict[int, bytes], size: int, leaves: Sequence[bytes]) -> list[tuple[int, int, bytes]]:
    """Every node that appending the leaf hashes `leaves` to a tree of `size` leaves completes,
    (level, index, hash), in the order `completed_nodes` gives them leaf after leaf.

    `edge_hashes` maps each level of `edge(size)` to its node's hash and is kept up to date
    (the edge of the longer tree afterwards). A node's left sibling is always the last node
    completed at its level, so no lookup is needed: one tight loop for a whole batch."""
    sha256 = hashlib.sha256
    completed = []
    add = completed.append
    for index, digest in enumerate(leaves, start=size):
        add((0, index, digest))
        level, position = 0, index
        while position & 1:
            digest = sha256(b"\x01" + edge_hashes[level] + digest).digest()
            level, position = level + 1, position >> 1
            add((level, position, digest))
        edge_hashes[level] = digest
    return completed


def leaf_hashes(entries: Sequence[bytes]) -> list[bytes]:
    sha256 = hashlib.sha256
    return [sha256(b"\x00" + data).digest() for data in entries]


def subtree_hash(nodes: NodeSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for the ranges the RFC's recursions produce (start aligned on k)."""
    size = end - start
    if size & (size - 1) == 0:  # a perfect subtree: stored as such
        level = size.bit_length() - 1
        if start % size:
            raise ValueError(f"[{start}, {end}) is not an aligned subtree")
        return nodes.node(level, start >> level)
    k = split_point(size)
    return node_hash(
        nodes.node(k.bit_length() - 1, start // k), subtree_hash(nodes, start + k, end)
    )


def root_hash(nodes: NodeSource, size: int) -> bytes:
    return EMPTY_ROOT if size == 0 else subtree_hash(nodes, 0, size)


def inclusion_proof(nodes: NodeSource, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf side first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    siblings = []
    start, end = 0, size
    while end - start > 1:  # walk down from the root; the RFC lists siblings from the leaf up
        k = split_point(end - start)
        if index < start + k:
            siblings.append(subtree_hash(nodes, start + k, end))
            end = start + k
        else:
            siblings.append(subtree_hash(nodes, start, start + k))
            start += k
    return siblings[::-1]


def consistency_proof(nodes: NodeSource, old: int, new: int) -> list[bytes]:
    """PROOF(old, D[0:new]) of RFC 9162 §2.1.4.1 (SUBPROOF unrolled), smallest subtree first."""
    if not 0 < old <= new:
        raise ProofError(f"no consistency proof from {old} to {new} leaves")
    proof = []
    start, end, m, whole_old_tree = 0, new, old, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            proof.append(subtree_hash(nodes, start + k, end))
            end = start + k
        else:
            proof.append(subtree_hash(nodes, start, start + k))
            start, m, whole_old_tree = start + k, m - k, False
    if not whole_old_tree:  # SUBPROOF(m, D[m], false) = [MTH(D[m])]
        proof.append(subtree_hash(nodes, start, end))
    return proof[::-1]


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does `proof` place leaf hash `leaf` at `index` under `root`?"""
    if not 0 <= index < size or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of `new` leaves an append-only extension of the `old` one?"""
    if not 0 <= old <= new or any(len(p) != HASH_SIZE for p in proof):
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:  # every tree extends the empty one; there is nothing to prove
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # the old tree is a perfect subtree: its root starts the path
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0


class MemoryTree:
    """The same incremental tree in memory: the auditor's, and the tests' yardstick."""

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def node(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def append(self, data: bytes) -> None:
        self.append_hash(leaf_hash(data))

    def append_hash(self, leaf: bytes) -> None:
        for level, index, digest in completed_nodes(self, self.size, leaf):
            if level == len(self.levels):
                self.levels.append([])
            assert len(self.levels[level]) == index
            self.levels[level].append(digest)

    def root(self, size: int | None = None) -> bytes:
        return root_hash(self, self.size if size is None else size)


class RootAccumulator:
    """The root of a growing tree in O(log n) memory: only the perfect subtrees of its edge.

    What the auditor needs to recompute a root over millions of downloaded leaves.
    """

    def __init__(self) -> None:
        self.size = 0
        self._edge: list[tuple[int, bytes]] = []  # (level, hash), left to right, levels decreasing

    def append_hash(self, leaf: bytes) -> None:
        level, digest = 0, leaf
        while self._edge and self._edge[-1][0] == level:
            _, left = self._edge.pop()
            level, digest = level + 1, node_hash(left, digest)
        self._edge.append((level, digest))
        self.size += 1

    def root(self) -> bytes:
        if not self._edge:
            return EMPTY_ROOT
        digest = self._edge[-1][1]
        for _, left in reversed(self._edge[:-1]):
            digest = node_hash(left, digest)
        return digest
