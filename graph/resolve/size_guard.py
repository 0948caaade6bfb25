"""Persons that cannot run away: a size bound from the data, and splits at the weakest links.

A person far larger than the data's own duplication suggests is nearly always a chain of
namesakes that a weak model let through. The bound comes from the data: the records that
deterministic rules put together (:func:`kinlink.graph.resolve.training.rule_pairs`: every
shared field exact, or an identifier exact) form groups whose sizes show how many records a
person has here; the bound is :attr:`~kinlink.graph.resolve.settings.ResolverSettings.guard_factor`
times the 99.9th percentile of those sizes, and never below ``guard_min_records``.

Clustering refuses a merge that would cross the bound unless the two sides really agree (at
least ``guard_agreement`` of their cross pairs score as matches). After the family steps,
:func:`split_oversized` checks every person once more: one above the bound whose record pairs
do not agree that well is split at its weakest links (the weakest edge of its maximum spanning
tree, again and again) until every part is within the bound or agrees. An analyst's "same" is
never cut. The resolution reports the bound, the refused merges and the splits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kinlink.unionfind import UnionFind, components

PairScores = Callable[[np.ndarray, np.ndarray], np.ndarray]
#: Persons up to this size have every inner pair scored when checked; bigger ones use the
#: candidate pairs inside them.
ALL_PAIRS_UP_TO = 3000


@dataclass
class SizeBound:
    """The size guard and how it was derived."""

    records: int
    rule_groups_q999: float
    rule_groups_largest: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "max_records": self.records,
            "rule_groups_q999": self.rule_groups_q999,
            "rule_groups_largest": self.rule_groups_largest,
        }


def size_bound(
    n: int, il: np.ndarray, ir: np.ndarray, rule: np.ndarray, *, minimum: int, factor: float
) -> SizeBound:
    """The most records a person may hold without its records agreeing.

    Parameters
    ----------
    n : int
        Number of records.
    il, ir : ndarray
        Candidate pairs.
    rule : ndarray of bool
        Pairs a deterministic rule calls a match.
    minimum, factor : int, float
        ``max(minimum, ceil(factor * q))``, ``q`` the 99.9th percentile of the sizes of the
        groups (two or more records) that the rule pairs form.

    Examples
    --------
    >>> il, ir = np.array([0, 1, 3]), np.array([1, 2, 4])
    >>> size_bound(6, il, ir, np.array([True, True, False]), minimum=4, factor=2).records
    6
    """
    labels = components(n, il[rule], ir[rule])
    sizes = np.bincount(labels, minlength=n)
    groups = sizes[sizes >= 2]
    q = float(np.quantile(groups, 0.999)) if len(groups) else 1.0
    bound = max(int(minimum), math.ceil(factor * q))
    return SizeBound(bound, q, int(groups.max()) if len(groups) else 1)


@dataclass
class Splits:
    """What :func:`split_oversized` did."""

    persons_checked: int = 0
    persons_split: int = 0
    records_moved: int = 0
    cut: list[tuple[int, int, float]] = field(default_factory=list)


def _inner_pairs(
    members: np.ndarray, il: np.ndarray, ir: np.ndarray, probability: np.ndarray, score: PairScores
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Pairs inside one person with their probabilities; ``True`` when all pairs are there."""
    k = len(members)
    if k <= ALL_PAIRS_UP_TO:
        a, b = np.triu_indices(k, 1)
        left, right = np.minimum(members[a], members[b]), np.maximum(members[a], members[b])
        return left, right, score(left, right), True
    inside = np.isin(il, members) & np.isin(ir, members)
    return il[inside], ir[inside], probability[inside], False


def _split_one(
    left: np.ndarray,
    right: np.ndarray,
    p: np.ndarray,
    complete: bool,
    *,
    bound: int,
    threshold: float,
    agreement: float,
    must: set[tuple[int, int]],
) -> tuple[list[np.ndarray], list[tuple[int, int, float]]]:
    """Parts of one person and the edges cut between them."""
    strength = p.astype(float).copy()
    for i, pair in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        if pair in must:
            strength[i] = np.inf
    edge = strength >= threshold
    el, er, ew = left[edge], right[edge], strength[edge]
    order = np.argsort(-ew, kind="stable")
    nodes = np.unique(np.r_[left, right])
    forest = UnionFind(len(nodes))  # over positions in ``nodes``
    pl, pr = np.searchsorted(nodes, el).tolist(), np.searchsorted(nodes, er).tolist()
    tree: list[tuple[int, int, float]] = []  # the maximum spanning forest, strongest first
    for i in order.tolist():
        if forest.find(pl[i]) != forest.find(pr[i]):
            forest.union(pl[i], pr[i])
            tree.append((int(el[i]), int(er[i]), float(ew[i])))
    matched = {
        (a, b)
        for a, b in zip(left[p >= threshold].tolist(), right[p >= threshold].tolist(), strict=True)
    }

    def agrees(part: np.ndarray) -> bool:
        if len(part) <= bound:
            return True
        if not complete:
            return False
        inside = set(part.tolist())
        pairs = len(part) * (len(part) - 1) // 2
        hits = sum(1 for a, b in matched if a in inside and b in inside)
        return hits >= agreement * pairs

    parts: list[np.ndarray] = []
    cut: list[tuple[int, int, float]] = []
    todo = [(nodes, tree)]
    while todo:
        part, edges = todo.pop()
        if agrees(part) or not edges:
            parts.append(part)
            continue
        weakest = min(range(len(edges)), key=lambda i: edges[i][2])
        if not np.isfinite(edges[weakest][2]):  # only analysts' links left: keep it whole
            parts.append(part)
            continue
        cut.append(edges[weakest])
        rest = edges[:weakest] + edges[weakest + 1 :]
        index = {v: i for i, v in enumerate(part.tolist())}
        sub = components(
            len(part),
            np.array([index[a] for a, _, _ in rest], dtype=np.int64),
            np.array([index[b] for _, b, _ in rest], dtype=np.int64),
        )
        for label in np.unique(sub):
            piece = part[sub == label]
            inside = set(piece.tolist())
            todo.append((piece, [e for e in rest if e[0] in inside]))
    return parts, cut


def split_oversized(
    labels: np.ndarray,
    il: np.ndarray,
    ir: np.ndarray,
    probability: np.ndarray,
    score: PairScores,
    *,
    bound: int,
    threshold: float,
    agreement: float,
    must_link: list[tuple[int, int]] | None = None,
) -> tuple[np.ndarray, Splits]:
    """Split every person above ``bound`` records whose records do not agree.

    Parameters
    ----------
    labels : ndarray
        Person label of every record.
    il, ir, probability : ndarray
        Candidate pairs and their probabilities (used for persons too big to score whole).
    score : callable
        ``score(il, ir) -> probability`` of any pairs (what clustering sees).
    bound, threshold, agreement
        A person above ``bound`` records stays whole only if at least ``agreement`` of its
        record pairs score ``threshold`` or more.
    must_link : list of (int, int)
        Analysts' "same" pairs: never cut.

    Returns
    -------
    labels : ndarray
        New labels: the biggest part of a split person keeps its label, the others get new
        ones.
    Splits

    Examples
    --------
    A chain of six records whose neighbours match and nothing else does, with a bound of 3:

    >>> il, ir = np.arange(5), np.arange(1, 6)
    >>> p = np.array([0.99, 0.95, 0.91, 0.97, 0.98])
    >>> def score(a, b):
    ...     return np.where(np.abs(a - b) == 1, p[np.minimum(a, b) % 5], 0.01)
    >>> labels, splits = split_oversized(np.zeros(6, dtype=np.int64), il, ir, p, score,
    ...                                  bound=3, threshold=0.9, agreement=0.8)
    >>> labels[:3].tolist() == [labels[0]] * 3, labels[3:].tolist() == [labels[3]] * 3
    (True, True)
    >>> bool(labels[0] != labels[3]), splits.cut
    (True, [(2, 3, 0.91)])
    """
    labels = labels.copy()
    fresh = int(labels.max()) + 1 if len(labels) else 0
    stats = Splits()
    sizes = np.bincount(labels, minlength=len(labels))
    big = np.flatnonzero(sizes > bound)
    must = {(min(a, b), max(a, b)) for a, b in (must_link or [])}
    for label in big.tolist():
        members = np.flatnonzero(labels == label)
        stats.persons_checked += 1
        left, right, p, complete = _inner_pairs(members, il, ir, probability, score)
        parts, cut = _split_one(
            left,
            right,
            p,
            complete,
            bound=bound,
            threshold=threshold,
            agreement=agreement,
            must=must,
        )
        covered = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)
        loose = np.setdiff1d(members, covered)  # records with no edge at all: their own parts
        parts.extend(np.array([r]) for r in loose.tolist())
        if len(parts) <= 1:
            continue
        stats.persons_split += 1
        stats.cut.extend(cut)
        parts.sort(key=lambda part: (-len(part), int(part.min())))
        for part in parts[1:]:
            labels[part] = fresh
            fresh += 1
            stats.records_moved += len(part)
    return labels, stats
