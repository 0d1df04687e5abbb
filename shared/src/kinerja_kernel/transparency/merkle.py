"""RFC 9162 Merkle trees, pure: hashing, roots, inclusion and consistency proofs and their checks.

Hashing (RFC 9162 section 2.1.1, identical to RFC 6962 and Go's ``golang.org/x/mod/sumdb/tlog``)::

    leaf hash = SHA-256(0x00 || leaf data)
    node hash = SHA-256(0x01 || left || right)
    MTH({})   = SHA-256("")

A proof is computed from ``subtree(start, end)``, the hash of the leaves ``[start, end)``; the store
answers it from stored *perfect* subtrees (aligned, power-of-two sized), so proofs on ten million
leaves read a handful of rows. The verifiers are RFC 9162 sections 2.1.3.2 and 2.1.4.2, step by step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Subtree = Callable[[int, int], bytes]
"""The hash of the leaves ``[start, end)`` (``MTH(D[start:end])``)."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


# -- perfect subtrees -----------------------------------------------------------------------------
def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` as perfect subtrees ``(level, index)`` (node ``index`` at ``level`` covers
    ``[index << level, (index + 1) << level)``), left to right. For a range of an RFC 9162 tree (start
    aligned to a power of two not smaller than the range) its hash is the right fold of these."""
    out: list[tuple[int, int]] = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start & ((1 << level) - 1):
            level -= 1
        out.append((level, start >> level))
        start += 1 << level
    return out


def fold_right(hashes: Sequence[bytes]) -> bytes:
    """``node(h0, node(h1, ... node(h[-2], h[-1])))``: the hash of a range from its perfect subtrees."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def fold_level(hashes: Sequence[bytes]) -> bytes:
    """The root of a perfect subtree from its 2^k node hashes k levels below it."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


class CompactRange:
    """The right edge of a growing tree: one perfect-subtree hash per set bit of the size. Appending is
    amortised O(1) hashes; the root is O(log n)."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        self.size = size
        self.hashes = list(hashes)  # left to right, levels decreasing
        if len(self.hashes) != bin(size).count("1"):
            raise ValueError("a compact range has one hash per set bit of its size")

    def append(self, leaf: bytes) -> None:
        """Append a leaf *hash*."""
        h = leaf
        size = self.size
        while size & 1:
            h = node_hash(self.hashes.pop(), h)
            size >>= 1
        self.hashes.append(h)
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """``append`` for many leaf hashes (the whole-log check's loop: locals only, no calls per leaf)."""
        sha, stack, size = hashlib.sha256, self.hashes, self.size
        for h in leaves:
            bits = size
            while bits & 1:
                h = sha(b"\x01" + stack.pop() + h).digest()
                bits >>= 1
            stack.append(h)
            size += 1
        self.size = size

    def extend_data(self, data: Iterable[bytes]) -> None:
        """Append leaves given by their *data* (hashing each as a leaf on the way)."""
        sha, stack, size = hashlib.sha256, self.hashes, self.size
        for item in data:
            h = sha(b"\x00" + item).digest()
            bits = size
            while bits & 1:
                h = sha(b"\x01" + stack.pop() + h).digest()
                bits >>= 1
            stack.append(h)
            size += 1
        self.size = size

    def root(self) -> bytes:
        return fold_right(self.hashes)


def root_of(leaves: Iterable[bytes]) -> bytes:
    """``MTH`` of leaf hashes given in order (streaming: O(log n) memory)."""
    compact = CompactRange()
    compact.extend(leaves)
    return compact.root()


# -- proofs (RFC 9162 2.1.3.1 and 2.1.4.1) -------------------------------------------------------
def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose hashes form ``PATH(index, D[0:size])``, leaf to root."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    out: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start += k
    out.reverse()
    return out


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges whose hashes form ``PROOF(old, D[0:new])``, in proof order."""
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    out: list[tuple[int, int]] = []
    start, end, m, complete = 0, new, old, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        out.append((start, end))
    out.reverse()
    return out


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    return [subtree(a, b) for a, b in inclusion_ranges(index, size)]


def consistency_proof(old: int, new: int, subtree: Subtree) -> list[bytes]:
    return [subtree(a, b) for a, b in consistency_ranges(old, new)]


# -- verification (RFC 9162 2.1.3.2 and 2.1.4.2) -------------------------------------------------
def root_from_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof leads to, or None if the proof has the wrong shape."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Does ``proof`` show the leaf *hash* ``leaf`` at ``index`` in the tree of ``size`` with ``root``?"""
    return root_from_inclusion(leaf, index, size, proof) == root


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """Is the tree ``(new, new_root)`` an extension of ``(old, old_root)``?"""
    if not 0 <= old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # an exact power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


class MemoryTree:
    """All leaf hashes in memory (tests, the witness's checks, and auditors' whole-log recomputation)."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.leaves = list(leaves)

    def subtree(self, start: int, end: int) -> bytes:
        if end - start == 0:
            return EMPTY_ROOT
        if end - start == 1:
            return self.leaves[start]
        k = _split(end - start)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        return root_of(self.leaves[: len(self.leaves) if size is None else size])
