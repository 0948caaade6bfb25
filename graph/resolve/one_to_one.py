"""Sources that hold each person once: mutual best matches below the threshold.

When two sources each hold a person at most once (two files being linked, or clean rosters:
``ResolverSettings.unique_sources``), a record has at most one partner in the other source.
Then a pair need not reach the match threshold to be believed: if each record is the other's
best candidate in its source, their probability is at least ``low`` (more likely the same than
not, by default), the two persons share no source and no cannot-link key, and no record of one
contradicts a record of the other, the two persons are joined. The match threshold guards a
deduplication against chains of near matches; between two sources that hold a person once
there is no chain to guard against, only a choice between partners, and the mutual best makes
it. This is what Splink's ``link_only`` and one-to-one linkage exploit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

PairScores = Callable[[np.ndarray, np.ndarray], np.ndarray]


def join_mutual_best(
    labels: np.ndarray,
    il: np.ndarray,
    ir: np.ndarray,
    probability: np.ndarray,
    sources: np.ndarray,
    unique: np.ndarray,
    cannot_link: dict[int, set[str]],
    score: PairScores,
    *,
    low: float,
    high: float,
    conflict: float,
) -> tuple[np.ndarray, int]:
    """Join persons whose records from two once-only sources are each other's best candidate.

    Parameters
    ----------
    labels : ndarray
        Person label of every record.
    il, ir, probability : ndarray
        Candidate pairs and their probabilities (vetoed pairs at 0).
    sources : ndarray
        Source of every record.
    unique : ndarray of bool
        Records whose source holds each person once.
    cannot_link : dict
        Record index -> keys it may not share with a person-mate.
    score : callable
        ``score(il, ir) -> probability`` of any pairs (cross pairs of the two persons).
    low, high : float
        Pairs scoring in ``[low, high)`` are considered (those at ``high`` or more were
        clustering's to decide).
    conflict : float
        A join is refused when a cross pair of the two persons scores below it.

    Returns
    -------
    labels : ndarray
    joined : int
        Joins made.

    Examples
    --------
    Record 0 (file A) prefers 2 (file B) over 3, and 2 prefers 0 over 1:

    >>> il, ir = np.array([0, 0, 1]), np.array([2, 3, 2])
    >>> p = np.array([0.7, 0.6, 0.55])
    >>> sources = np.array(["A", "A", "B", "B"], dtype=object)
    >>> labels, joined = join_mutual_best(
    ...     np.arange(4), il, ir, p, sources, np.ones(4, bool), {}, lambda a, b: p[:len(a)],
    ...     low=0.5, high=0.9, conflict=0.001)
    >>> labels.tolist(), joined
    ([0, 1, 0, 3], 1)
    """
    labels = labels.copy()
    ok = (
        unique[il]
        & unique[ir]
        & (sources[il] != sources[ir])
        & (probability >= low)
        & (probability < high)
        & (labels[il] != labels[ir])
    )
    if not ok.any():
        return labels, 0
    pairs = pd.DataFrame({"a": il[ok], "b": ir[ok], "p": probability[ok]})
    pairs["sa"], pairs["sb"] = sources[pairs["a"]], sources[pairs["b"]]
    # each record's best partner in the other's source; ties mean no clear choice
    best_a = pairs.groupby(["a", "sb"])["p"].transform("max")
    best_b = pairs.groupby(["b", "sa"])["p"].transform("max")
    ties_a = pairs.groupby(["a", "sb"])["p"].transform(lambda s: (s == s.max()).sum())
    ties_b = pairs.groupby(["b", "sa"])["p"].transform(lambda s: (s == s.max()).sum())
    mutual = pairs[(pairs["p"] == best_a) & (pairs["p"] == best_b) & (ties_a == 1) & (ties_b == 1)]
    mutual = mutual.sort_values("p", ascending=False, kind="stable")
    members: dict[int, list[int]] = {}
    for record, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(record)
    joined = 0
    for a, b in zip(mutual["a"].tolist(), mutual["b"].tolist(), strict=True):
        la, lb = int(labels[a]), int(labels[b])
        if la == lb:
            continue
        left, right = members[la], members[lb]
        keys_a = set().union(*(cannot_link.get(r, set()) for r in left))
        keys_b = set().union(*(cannot_link.get(r, set()) for r in right))
        if keys_a & keys_b:
            continue
        cl = np.repeat(np.array(left), len(right))
        cr = np.tile(np.array(right), len(left))
        if (score(np.minimum(cl, cr), np.maximum(cl, cr)) < conflict).any():
            continue
        labels[right] = la
        members[la] = left + right
        del members[lb]
        joined += 1
    return labels, joined
