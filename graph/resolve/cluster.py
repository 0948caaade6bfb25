"""Family-aware clustering of scored pairs into persons.

Edges (pairs at or above the match threshold) are merged greedily in descending probability with
a union-find, and a merge is refused when

* the two clusters share a cannot-link key (same family unit and same source, an analyst's
  "different" decision, or, when linking, the same source), or
* some record of one cluster and some record of the other score below ``conflict`` probability
  (strong evidence of two people, e.g. different A-numbers *and* birth dates): this is what
  stops a sparse record ("Maria Hernandez", no birth date, no A-number) from chaining two
  namesakes into one person.

To make the second test meaningful, every pair inside a connected component of at most
``max_component`` records is scored up front, not only the blocked pairs (``score`` callback);
in a bigger component (a common name in a big bundle) the cross pairs of each merge are scored
when the merge is tried, so a sparse "Jeremy López" cannot chain two Jeremy López of different
birth dates and A-numbers however many namesakes surround them.
Must-link pairs (analyst "same") are merged first and are not subject to the conflict test.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from kinlink.unionfind import UnionFind, components, pair_code, pair_codes, split_codes

log = logging.getLogger(__name__)

#: Scores of record pairs given as two index arrays (the fitted model, closed over its records).
PairScores = Callable[[np.ndarray, np.ndarray], np.ndarray]
#: What a pair scoring more than this is: more likely one person than two.
EVEN_ODDS = 0.5
#: Per pair and field, whether the two records disagree on the field outright.
Outright = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass
class Corroboration:
    """Identifying values two records of a cluster confirm, to refuse merging two clusters that
    each confirm a different one.

    One record can carry a wrong birth date (a typo no level covers, a date copied from a
    relative, a placeholder): a pair of records disagreeing on it outright may still be one
    person when the names agree. But when two records of one cluster agree on a birth date
    and two records of the other on a birth date that disagrees with it outright, each side's
    date is confirmed by independent records, and the two clusters are two people however
    rare their shared name.

    Attributes
    ----------
    codes : list of ndarray
        Per field, the value code of every record (-1: missing).
    outright : callable
        ``(il, ir) -> (n_pairs, n_fields)`` bool: the pair disagrees on the field outright
        (the comparison's *else* level: no typo, no shared year explains it).
    """

    codes: list[np.ndarray]
    outright: Outright
    _values: list[list[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._values = [np.asarray(c).tolist() for c in self.codes]  # one lookup per record

    def conflict(self, left: list[int], right: list[int]) -> bool:
        """Whether the merged cluster would confirm two values of a field that disagree
        outright, where neither side alone did (each side may bring one of them, or one side
        a first record of a value the other side already holds once)."""
        if len(left) + len(right) < 4:
            return False
        for f, codes in enumerate(self._values):
            both = _confirmed(codes, left + right)
            if len(both) < 2:
                continue
            own_left, own_right = set(_confirmed(codes, left)), set(_confirmed(codes, right))
            values = sorted(both)
            pairs = [
                (both[va], both[vb])
                for i, va in enumerate(values)
                for vb in values[i + 1 :]
                if not {va, vb} <= own_left and not {va, vb} <= own_right
            ]
            if not pairs:
                continue
            il = np.array([x for x, _ in pairs], dtype=np.int64)
            ir = np.array([y for _, y in pairs], dtype=np.int64)
            if bool(self.outright(np.minimum(il, ir), np.maximum(il, ir))[:, f].any()):
                return True
        return False


def _confirmed(codes: list[int], records: list[int]) -> dict[int, int]:
    """Values held by at least two of ``records``, each with one record holding it."""
    seen: dict[int, int] = {}
    out: dict[int, int] = {}
    for r in records:
        value = codes[r]
        if value < 0:
            continue
        if value in seen:
            out[value] = seen[value]
        else:
            seen[value] = r
    return out


@dataclass
class ClusterStats:
    """Counts from one clustering run."""

    edges: int = 0
    merges: int = 0
    refused_cannot_link: int = 0
    refused_conflict: int = 0
    extra_pairs_scored: int = 0
    must_links: int = 0
    detached_ambiguous: int = 0
    largest_component: int = 0
    refused_size: int = 0
    refused_corroborated: int = 0
    refused_incoherent: int = 0
    size_refused: list[tuple[int, int, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _within_pairs(labels: np.ndarray, max_component: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs inside components of 3..max_component records."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    sizes = np.diff(np.r_[starts, len(labels)])
    left, right = [], []
    for size in range(3, max_component + 1):
        chosen = starts[sizes == size]
        if not len(chosen):
            continue
        members = order[chosen[:, None] + np.arange(size)]
        a, b = np.triu_indices(size, 1)
        left.append(members[:, a].ravel())
        right.append(members[:, b].ravel())
    if not left:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    il, ir = np.concatenate(left), np.concatenate(right)
    return np.minimum(il, ir), np.maximum(il, ir)


def cluster(
    n: int,
    il: np.ndarray,
    ir: np.ndarray,
    probability: np.ndarray,
    *,
    threshold: float,
    conflict: float,
    cannot_link: dict[int, set[str]],
    must_link: list[tuple[int, int]] | None = None,
    score: PairScores | None = None,
    max_component: int = 40,
    ambiguity: float = 0.0,
    max_size: int | None = None,
    agreement: float = 0.8,
    corroboration: Corroboration | None = None,
    coherence: float = 0.0,
) -> tuple[np.ndarray, ClusterStats]:
    """Cluster label (smallest member index) of every record.

    Parameters
    ----------
    n : int
        Number of records.
    il, ir, probability : ndarray
        Scored pairs (record indexes, ``il < ir``) and their match probabilities.
    threshold : float
        Pairs at or above it are edges.
    conflict : float
        A merge is refused when a cross pair scores below it.
    cannot_link : dict
        Record index -> keys it may not share with a cluster-mate.
    must_link : list of (int, int)
        Pairs merged first, whatever their score.
    score : callable, optional
        ``score(il, ir) -> probability`` for pairs inside components that blocking did not
        propose.
    max_component : int
        Components up to this size get every inner pair scored.
    ambiguity : float
        A record whose refused (conflicting) edge is within this many bits of its best edge into
        its own cluster is made its own person (0: off).
    max_size : int, optional
        The size guard (:mod:`.size_guard`): a merge that would make a person of more records is
        refused unless at least ``agreement`` of its cross pairs score at or above
        ``threshold`` (the records really agree). Refused edges are in ``stats.size_refused``.
    agreement : float
        See ``max_size``.
    corroboration : Corroboration, optional
        Refuses a merge after which the person would hold two confirmed values of a field
        that disagree outright (:class:`Corroboration`).
    coherence : float
        A merge of two clusters, one of them with two or more records, needs at least this
        share of its cross pairs to score :data:`EVEN_ODDS` or more: a record joins a person
        by agreeing with most of its records, not through one of them (0: off).

    Notes
    -----
    Linear in the number of edges plus the sum of squared component sizes (capped).

    Examples
    --------
    >>> il, ir = np.array([0, 1, 0]), np.array([1, 2, 2])
    >>> p = np.array([0.99, 0.98, 0.0001])
    >>> cluster(3, il, ir, p, threshold=0.5, conflict=0.01, cannot_link={})[0].tolist()
    [0, 0, 2]
    >>> cluster(3, il, ir, p, threshold=0.5, conflict=0.01,
    ...         cannot_link={0: {"u"}, 1: {"u"}})[0].tolist()
    [0, 1, 1]
    """
    stats = ClusterStats()
    must_link = must_link or []
    edge = probability >= threshold
    el, er, ep = il[edge], ir[edge], probability[edge]
    ml = np.array([min(a, b) for a, b in must_link], dtype=np.int64)
    mr = np.array([max(a, b) for a, b in must_link], dtype=np.int64)
    labels = components(n, np.r_[el, ml], np.r_[er, mr])
    sizes = np.bincount(labels, minlength=n)
    stats.largest_component = int(sizes.max()) if n else 0

    known: dict[int, float] = {}
    if score is not None:
        wl, wr = _within_pairs(labels, max_component)
        codes = pair_codes(wl, wr, ordered=True)
        scored = pair_codes(il, ir, ordered=True)
        scored.sort()  # in place: one array of the candidates' size, not two
        at = np.minimum(np.searchsorted(scored, codes), max(len(scored) - 1, 0))
        have = scored[at] == codes if len(scored) else np.zeros(len(codes), dtype=bool)
        if (~have).any():
            extra_p = score(wl[~have], wr[~have])
            stats.extra_pairs_scored = int((~have).sum())
            known.update(zip(codes[~have].tolist(), extra_p.tolist(), strict=True))
        del scored, at, have
    big = sizes[labels] >= 3
    inner = big[il]
    inner &= big[ir]
    inner = np.flatnonzero(inner)  # then the same component, on these pairs only
    inner = inner[labels[il[inner]] == labels[ir[inner]]]
    inner_codes = pair_codes(il[inner], ir[inner], ordered=True)
    known.update(zip(inner_codes.tolist(), probability[inner].tolist(), strict=True))

    groups = UnionFind(n)
    find = groups.find
    members: dict[int, list[int]] = {}  # a root's records, the bigger side's first at each union
    keys = dict(cannot_link)  # a root's keys; a union makes a new set (the caller's stay)

    apart: set[tuple[int, int]] = set()  # root pairs found in conflict (true while both stay)

    def cross(ra: int, rb: int) -> float | None:
        """``None`` when some cross pair of the two clusters scores below ``conflict`` (two
        people); otherwise the share of the cross pairs scoring :data:`EVEN_ODDS` or more.

        One pass over the cross pairs in plain Python (clusters are small, and this runs once
        per merge); in a component too big to score whole, the pairs not yet scored are.
        """
        pair = (ra, rb) if ra < rb else (rb, ra)
        if pair in apart:
            return None
        left, right = members.get(ra, [ra]), members.get(rb, [rb])
        above = 0
        unknown = []
        for a in left:
            for b in right:
                code = pair_code(a, b)
                p = known.get(code)
                if p is None:
                    unknown.append(code)
                elif p < conflict:
                    apart.add(pair)
                    return None
                elif p >= EVEN_ODDS:
                    above += 1
        if unknown and score is not None:
            scored = score(*split_codes(np.array(unknown, dtype=np.int64)))
            known.update(zip(unknown, scored.tolist(), strict=True))
            stats.extra_pairs_scored += len(unknown)
            if bool((scored < conflict).any()):
                apart.add(pair)
                return None
            above += int((scored >= EVEN_ODDS).sum())
        return above / (len(left) * len(right))

    def share(ra: int, rb: int, level: float) -> float:
        """The share of the cross pairs of two clusters scoring ``level`` or more (a pair
        with no score and no ``score`` callback counts as below)."""
        left, right = members.get(ra, [ra]), members.get(rb, [rb])
        above = 0
        unknown = []
        for a in left:  # plain Python: clusters are small, and this runs once per merge
            for b in right:
                code = pair_code(a, b)
                p = known.get(code)
                if p is None:
                    unknown.append(code)
                elif p >= level:
                    above += 1
        if unknown and score is not None:
            scored = np.asarray(score(*split_codes(np.array(unknown))), dtype=np.float64)
            known.update(zip(unknown, scored.tolist(), strict=True))
            stats.extra_pairs_scored += len(unknown)
            above += int((scored >= level).sum())
        return above / (len(left) * len(right))

    def size(root: int) -> int:
        group = members.get(root)
        return 1 if group is None else len(group)

    def union(ra: int, rb: int) -> None:
        if size(ra) < size(rb):
            ra, rb = rb, ra
        root = groups.union(ra, rb)
        joined = members.pop(ra, [ra])  # extended in place: the bigger side's first
        joined.extend(members.pop(rb, [rb]))
        members[root] = joined
        gone = rb if root == ra else ra
        if gone in keys:
            keys[root] = keys.get(root, set()) | keys.pop(gone)
        stats.merges += 1

    for a, b in zip(ml.tolist(), mr.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            if keys.get(ra, set()) & keys.get(rb, set()):
                stats.refused_cannot_link += 1
                continue
            union(ra, rb)
            stats.must_links += 1

    # a component of two records has one edge and nothing to check but cannot-link keys
    pair_only = (sizes[labels[el]] == 2) if len(el) else np.zeros(0, dtype=bool)
    for a, b in zip(el[pair_only].tolist(), er[pair_only].tolist(), strict=True):
        if keys.get(a) and keys.get(b) and keys[a] & keys[b]:
            stats.refused_cannot_link += 1
        elif find(a) != find(b):
            union(find(a), find(b))
    stats.edges = len(el)
    el, er, ep = el[~pair_only], er[~pair_only], ep[~pair_only]
    order = np.argsort(-ep, kind="stable")
    refused: list[int] = []
    ordered_p = ep[order]
    for position, (a, b) in enumerate(zip(el[order].tolist(), er[order].tolist(), strict=True)):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if keys.get(ra) and keys.get(rb) and keys[ra] & keys[rb]:
            stats.refused_cannot_link += 1
            continue
        # two single records: their own edge is the only cross pair, and it passed
        single = ra not in members and rb not in members
        even = None if single else cross(ra, rb)
        if not single and even is None:
            stats.refused_conflict += 1
            refused.append(position)
            continue
        if corroboration is not None and corroboration.conflict(
            members.get(ra, [ra]), members.get(rb, [rb])
        ):
            stats.refused_corroborated += 1
            continue
        if coherence and even is not None and even < coherence:
            stats.refused_incoherent += 1
            continue
        if (
            max_size is not None
            and size(ra) + size(rb) > max_size
            and share(ra, rb, threshold) < agreement
        ):
            stats.refused_size += 1
            stats.size_refused.append((a, b, float(ordered_p[position])))
            continue
        union(ra, rb)

    roots = groups.labels()
    if ambiguity > 0 and refused:
        roots = _detach_ambiguous(
            roots, el[order], er[order], ep[order], np.array(refused), ambiguity, stats
        )
    smallest = np.full(int(roots.max()) + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(smallest, roots, np.arange(n))
    return smallest[roots], stats


def _logit2(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return np.log2(p / (1 - p))


def _detach_ambiguous(
    roots: np.ndarray,
    el: np.ndarray,
    er: np.ndarray,
    ep: np.ndarray,
    refused: np.ndarray,
    bits: float,
    stats: ClusterStats,
) -> np.ndarray:
    """Make a record its own person when it fits another, conflicting person about as well.

    A record whose edge into a person it could not join (refused for a conflict) is within
    ``bits`` of its best edge into the person it did join has no real evidence for either: a
    sparse "María Jiménez" between two María Jiménez of different birth dates.
    """
    weight = _logit2(ep)
    best = np.full(len(roots), -np.inf)
    same = roots[el] == roots[er]
    np.maximum.at(best, el[same], weight[same])
    np.maximum.at(best, er[same], weight[same])
    rl, rr, rw = el[refused], er[refused], weight[refused]
    ambiguous = np.r_[rl[rw >= best[rl] - bits], rr[rw >= best[rr] - bits]]
    ambiguous = np.unique(ambiguous[np.isfinite(best[ambiguous])])
    if len(ambiguous):
        roots = roots.copy()
        roots[ambiguous] = len(roots) + np.arange(len(ambiguous))  # fresh labels
        stats.detached_ambiguous = len(ambiguous)
    return roots
