"""The candidate record pairs and what the resolver knows of each, as one typed value.

:func:`kinlink.graph.resolve.resolver.fit` builds one :class:`CandidatePairs` (blocking's pairs
plus the pairs across linked family units, compared and scored); clustering, the matches and
the uncertain decisions read it and never change it (docs/DESIGN.md, "The resolver").
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from kinlink.unionfind import pair_codes

__all__ = ["CandidatePairs", "Reviews"]


@dataclass(frozen=True)
class CandidatePairs:
    """One row per candidate pair; every array has one entry (row) per pair, read-only.

    Attributes
    ----------
    il, ir : ndarray of int32
        Record indexes (positions in the prepared records), ``il < ir``. Blocking's pairs come
        first in pair-code order, the pairs found across linked family units after them.
    levels : ndarray of int8, shape (pairs, comparisons)
        The comparison level of each pair (:func:`.compare.compare_pairs`).
    swapped : ndarray of bool
        Compared with given names and surnames swapped.
    tf : ndarray of float32
        Term-frequency adjustment (log2-odds; zeros when switched off).
    boost : ndarray of float32
        Family boost (log2-odds, :mod:`.family`).
    weight : ndarray of float32
        Total match weight: the levels' weights + ``tf`` + ``boost``.
    veto : ndarray of bool
        A field rules the pair out (:meth:`.model.FSModel.veto`).
    probability : ndarray
        Match probability of ``weight``.
    """

    il: np.ndarray
    ir: np.ndarray
    levels: np.ndarray
    swapped: np.ndarray
    tf: np.ndarray
    boost: np.ndarray
    weight: np.ndarray
    veto: np.ndarray
    probability: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.il)
        for f in fields(self):
            array = getattr(self, f.name)
            if len(array) != n:
                raise ValueError(f"CandidatePairs.{f.name} has {len(array)} rows, il has {n}")
            array.setflags(write=False)

    def __len__(self) -> int:
        return len(self.il)

    def codes(self) -> np.ndarray:
        """The pairs' codes (:func:`kinlink.unionfind.pair_codes`), in row order."""
        return pair_codes(self.il, self.ir, ordered=True)


@dataclass(frozen=True)
class Reviews:
    """An analyst's decisions as record index pairs ``(lo, hi)``: must-links and cannot-links."""

    same: tuple[tuple[int, int], ...] = ()
    different: tuple[tuple[int, int], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.same or self.different)
