"""RFC 9162 §2.1, written as the RFC writes it (recursion over lists), independently of
engage.transparency.merkle: the yardstick of the proof tests."""

from __future__ import annotations

from functools import lru_cache
from hashlib import sha256


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class ReferenceTree:
    def __init__(self, leaves: list[bytes]):
        self.leaves = leaves
        self.mth = lru_cache(maxsize=None)(self._mth)

    def _mth(self, start: int, end: int) -> bytes:
        n = end - start
        if n == 0:
            return sha256(b"").digest()
        if n == 1:
            return sha256(b"\x00" + self.leaves[start]).digest()
        k = largest_power_of_two_below(n)
        return sha256(b"\x01" + self.mth(start, start + k) + self.mth(start + k, end)).digest()

    def root(self, size: int) -> bytes:
        return self.mth(0, size)

    def leaf_hash(self, index: int) -> bytes:
        return self.mth(index, index + 1)

    def path(self, m: int, start: int, end: int) -> list[bytes]:
        """PATH(m, D[start:end])."""
        n = end - start
        if n == 1:
            return []
        k = largest_power_of_two_below(n)
        if m < k:
            return self.path(m, start, start + k) + [self.mth(start + k, end)]
        return self.path(m - k, start + k, end) + [self.mth(start, start + k)]

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return self.path(index, 0, size)

    def subproof(self, m: int, start: int, end: int, complete: bool) -> list[bytes]:
        """SUBPROOF(m, D[start:end], b)."""
        n = end - start
        if m == n:
            return [] if complete else [self.mth(start, end)]
        k = largest_power_of_two_below(n)
        if m <= k:
            return self.subproof(m, start, start + k, complete) + [self.mth(start + k, end)]
        return self.subproof(m - k, start + k, end, False) + [self.mth(start, start + k)]

    def consistency(self, old: int, new: int) -> list[bytes]:
        return self.subproof(old, 0, new, True)
