"""Connected components of items numbered ``0..n-1``: one union-find, and pair codes.

The resolver's clustering, its size guard, the exact-key baseline, the families and the EOIR
lead/rider units all group numbered items by links between them; they share this one
implementation (docs/DESIGN.md, "The path of kinlink report"). A pair of item numbers below
2**31 packs into one int64 (:func:`pair_codes`), so sets of pairs are sorted arrays.

Examples
--------
>>> uf = UnionFind(5)
>>> uf.union_pairs(np.array([0, 3]), np.array([1, 4]))
>>> uf.labels().tolist()
[0, 0, 2, 3, 3]
>>> codes = pair_codes(np.array([4, 1]), np.array([2, 3]))
>>> codes.tolist(), [c.tolist() for c in split_codes(codes)]
([8589934596, 4294967299], [[2, 1], [4, 3]])
"""

from __future__ import annotations

import sys

import numpy as np

__all__ = ["UnionFind", "components", "pair_code", "pair_codes", "split_codes"]

#: A pair code is ``lo << SHIFT | hi``: item numbers below 2**31, codes sort as ``(lo, hi)``.
SHIFT = 32
_LOW = (1 << SHIFT) - 1


def pair_codes(a: np.ndarray, b: np.ndarray, *, ordered: bool = False) -> np.ndarray:
    """One int64 per unordered pair: ``min << 32 | max``.

    ``ordered=True`` says every ``a[i] <= b[i]`` already (the resolver's ``il < ir``), which
    spares the minimum and maximum.

    Examples
    --------
    >>> pair_codes(np.array([3]), np.array([1])).tolist() == pair_codes(np.array([1]),
    ...                                                                 np.array([3])).tolist()
    True
    >>> pair_codes(np.array([1]), np.array([3]), ordered=True).tolist()
    [4294967299]
    """
    a, b = _integers(a), _integers(b)
    if not ordered:
        a, b = np.minimum(a, b), np.maximum(a, b)
    codes = a.astype(np.int64)  # the one full-size int64 array made (int32 input stays narrow)
    codes <<= SHIFT
    codes |= b
    return codes


def _integers(values: np.ndarray) -> np.ndarray:
    """``values`` as an integer array that fits in int64 (narrow ints kept as they are)."""
    values = np.asarray(values)
    if values.dtype.kind == "i" or (values.dtype.kind == "u" and values.dtype.itemsize < 8):
        return values
    return values.astype(np.int64)


def pair_code(a: int, b: int) -> int:
    """:func:`pair_codes` of one pair, in plain Python ints (for loops over a few pairs).

    Examples
    --------
    >>> pair_code(3, 1) == pair_code(1, 3) == int(pair_codes(np.array([1]), np.array([3]))[0])
    True
    """
    return (a << SHIFT) | b if a <= b else (b << SHIFT) | a


def split_codes(codes: np.ndarray, dtype: type = np.int64) -> tuple[np.ndarray, np.ndarray]:
    """The ``(lo, hi)`` item numbers of pair codes made by :func:`pair_codes`.

    ``dtype=np.int32`` halves the memory of the result (item numbers are below 2**31) and
    makes no int64 temporaries.

    Examples
    --------
    >>> lo, hi = split_codes(pair_codes(np.array([7, 2]), np.array([3, 9])), np.int32)
    >>> lo.tolist(), hi.tolist(), lo.dtype.name
    ([3, 2], [7, 9], 'int32')
    """
    codes = np.asarray(codes, dtype=np.int64)
    if np.dtype(dtype) == np.int32 and sys.byteorder == "little":
        halves = codes.view(np.int32).reshape(-1, 2)  # (low word, high word) of each code
        return halves[:, 1].copy(), halves[:, 0].copy()
    return (codes >> SHIFT).astype(dtype, copy=False), (codes & _LOW).astype(dtype, copy=False)


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each of ``n`` items' component (its smallest item) over the links ``(a[i], b[i])``,
    vectorised.

    Examples
    --------
    >>> components(5, np.array([0, 3]), np.array([1, 4])).tolist()
    [0, 0, 2, 3, 3]
    """
    return _joined(np.arange(n, dtype=np.int64), a, b)


def _joined(labels: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``labels`` (every item pointing at its set's smallest item) with the links joined.

    Min-label propagation: hook each link's two roots onto the smaller, then jump every item
    to its root; a few passes of O(n + links) until no link spans two sets.
    """
    if not len(a):
        return labels
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while True:
        left, right = labels[a], labels[b]
        if np.array_equal(left, right):
            return labels
        low = np.minimum(left, right)
        np.minimum.at(labels, left, low)  # hook each endpoint's root onto the smaller label
        np.minimum.at(labels, right, low)
        while True:  # then jump every item to its root
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped


class UnionFind:
    """A union-find over ``n`` items with path halving; every root is its set's smallest item.

    Keeping the smallest item as the root makes :meth:`labels` independent of the order in
    which links arrive. One-by-one :meth:`find` and :meth:`union` work on a Python list (numpy
    scalar access would cost several times more in those loops); :meth:`union_pairs` and
    :meth:`labels` are vectorised.
    """

    def __init__(self, n: int) -> None:
        self._parent: list[int] = list(range(n))

    def __len__(self) -> int:
        return len(self._parent)

    def find(self, x: int) -> int:
        """The root (smallest item) of ``x``'s set."""
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        """Join the sets of ``a`` and ``b``; returns the root of the joined set."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if rb < ra:
            ra, rb = rb, ra
        self._parent[rb] = ra
        return ra

    def union_pairs(self, a: np.ndarray, b: np.ndarray) -> None:
        """Join every pair ``(a[i], b[i])``, vectorised (:func:`components`)."""
        if len(a):
            self._parent = _joined(self.labels(), a, b).tolist()

    def labels(self) -> np.ndarray:
        """Each item's root (the smallest item of its set), as int64."""
        parent = np.array(self._parent, dtype=np.int64)
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent
            parent = grand
