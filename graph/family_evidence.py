"""Family evidence at flag time: which unmatched members are the same person as another member.

A record the resolver fails to merge becomes an extra member of its family, with no case, and
that alone raises MPP_SPLIT or WIND_DOWN_SPLIT (or LOCATION_SPLIT and MIXED when the stray
record's location or nationality is written differently). The resolver judges each record pair
against the whole bundle; inside one family the question is much narrower: is this member with no
case one of the few other members that its own family unit does not list? In this domain it
usually is, and the family graph is the evidence.

Candidates
----------
A *candidate* is a pair ``(L, X)`` of persons of one family (:func:`families`) where ``L`` has
no case and no family unit lists ``L`` and ``X`` together (a unit lists different people, so
co-listed persons are never candidates). Each ``L`` is either a person of its own or exactly one
of its candidates. A candidate is ruled out when an identifier conflicts (:data:`CONFLICTING`:
the two persons' records disagree on an A-number, other id or birth date and no pair of them
agrees on it, a typo level counting as agreement), when no pair of their records agrees on a
given name (``names`` level ``same`` or ``variant``), or when an analyst said "different" about
any of their record pairs.

The family-context model
------------------------
Fellegi-Sunter weights over the resolver's own comparisons (their levels), with both
distributions taken from the family context rather than from the whole bundle:

* ``u`` (how two *different* members of one family agree) is counted on the record pairs of
  persons that a family unit lists together, the source's own statement that they are different
  people. Siblings share surnames, nationality, phone and address, so those agreements weigh
  little here, while given names, sex and birth dates weigh much.
* ``m`` (how the records of one person disagree when the resolver split them) is estimated by
  EM over the candidates themselves, shrunk toward the levels of record pairs inside resolved
  persons (``prior_pairs`` pseudo-pairs), so a bundle with few candidates stays near that prior.
* A candidate is scored on the record pair of ``L`` and ``X`` that agrees best. With ``λ`` the
  share of holders ``L`` that are a split of one of their candidates (fitted by EM too)::

      P(L = X) = (λ / |C_L|) BF_X / ((1 - λ) + (λ / |C_L|) Σ_{Y in C_L} BF_Y)

Decisions
---------
``L`` joins ``X`` when ``P(L = X) >= 0.5`` (at most one candidate can reach it), most likely
first and never joining two persons that a unit lists together. The candidates are drawn again
on the new persons and scored with the same model until nothing moves (a person split in three
has two equally good candidates at first). The decisions that stay uncertain are kept as
alternatives for the flags (:mod:`kinlink.queries.confidence`): a merge whose probability is under
``1 - plausible`` (the alternative: they are two people), and a candidate left apart whose
probability is at least ``plausible`` (the alternative: they are one person).

Examples
--------
>>> posteriors(np.array([0, 0, 1]), np.array([4.0, -3.0, 0.0]), lam=0.5).round(3).tolist()
[0.883, 0.007, 0.5]
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kinlink.graph.family_comparisons import FAMILY_COMPARISONS, family_levels
from kinlink.graph.ids import person_ids
from kinlink.graph.resolve import Scorer
from kinlink.unionfind import UnionFind, components, pair_codes

log = logging.getLogger(__name__)

__all__ = [
    "ALTERNATIVE_COLUMNS",
    "CONFLICTING",
    "DECISION_COLUMNS",
    "FamilyEvidence",
    "FamilyModel",
    "apply_family_evidence",
    "families",
    "merge_sentence",
    "posteriors",
]

#: Identifier comparisons whose disagreement rules a candidate out ("no conflicting identifier"):
#: some record pair of the two persons disagrees on it and none agrees; birth dates likewise.
CONFLICTING = ("a_number", "other_id")

_NAMES = FAMILY_COMPARISONS["names"]
_DOB = FAMILY_COMPARISONS["dob"]
#: A candidate sharing its holder's likelihood counts from this probability (:func:`_shared`).
SHARED_FLOOR = 0.05
#: ``names`` levels a candidate's record pair needs (else a name tells nothing or disagrees).
NAMES_AGREE = np.array([_NAMES.index("same"), _NAMES.index("variant")])
DOB_AGREE = np.array([_DOB.index(x) for x in ("exact", "typo", "year_off")])
DOB_ELSE = _DOB.index("else")

#: Columns of :attr:`FamilyEvidence.decisions` (then one ``<comparison>_level`` per comparison).
DECISION_COLUMNS = [
    "person_a",
    "person_b",
    "record_id_a",
    "record_id_b",
    "probability",
    "weight",
    "merged",
    "round",
    "records",
    "records_b",
    "reason",
]

#: Columns of :attr:`FamilyEvidence.alternatives`.
ALTERNATIVE_COLUMNS = [
    "alternative",
    "decision",
    "kind",
    "records",
    "to_person",
    "record_id_a",
    "record_id_b",
    "probability",
    "levels",
    "why",
]


@dataclass
class FamilyModel:
    """The fitted family-context model.

    Attributes
    ----------
    table : DataFrame
        ``comparison, level, m, u, weight`` (weight = log2(m / u), in bits).
    share : float
        λ: the share of holders that are a split of one of their candidates.
    iterations : int
        EM iterations run.
    """

    table: pd.DataFrame
    share: float
    iterations: int

    def weights(self, comparisons: list[str]) -> list[np.ndarray]:
        """Per comparison (in the order given), the weight of each of its levels."""
        by = self.table.groupby("comparison", sort=False)["weight"]
        return [by.get_group(name).to_numpy() for name in comparisons]


@dataclass
class FamilyEvidence:
    """What the family evidence decided, and what it leaves uncertain.

    Attributes
    ----------
    persons : DataFrame
        ``record_id, person_id`` after the merges (one row per record, like
        ``Resolution.persons``).
    decisions : DataFrame
        One row per candidate weighed (:data:`DECISION_COLUMNS`, then ``<comparison>_level``
        columns): ``person_a`` (the member with no case) and ``person_b`` as the resolver made
        them, ``record_id_a``/``record_id_b`` the pair that agrees best, ``probability``
        P(same person), ``weight`` its family-context weight in bits (``-inf`` when ruled out),
        ``merged`` whether the two ended in one person, ``round`` the round that weighed it,
        ``records`` the record ids of ``person_a`` at that round, ``reason`` a sentence.
    alternatives : DataFrame
        The uncertain decisions as moves of records (:data:`ALTERNATIVE_COLUMNS`): ``kind``
        ``merge`` (``records`` may belong to ``to_person``) or ``split`` (``records`` may be a
        person of their own; ``to_person`` empty). ``probability`` is the alternative's;
        alternatives of one ``decision`` (the candidates of one member) exclude each other;
        ``levels`` the deciding pair's comparison levels; person ids are those after the merges.
    model : FamilyModel or None
        The fitted model (``None`` when no family had a candidate).
    stats : dict
        Counts: ``candidates``, ``merged``, ``alternatives``, ``rounds``.
    """

    persons: pd.DataFrame
    decisions: pd.DataFrame
    alternatives: pd.DataFrame
    model: FamilyModel | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    def about(self, record_a: str, record_b: str) -> str | None:
        """The family evidence about two records' persons, in a sentence (``None``: none).

        Examples
        --------
        >>> rows = pd.DataFrame({"records": [("n1",)], "records_b": [("c1", "e1")],
        ...                      "reason": ["n1 is c1"]})
        >>> ev = FamilyEvidence(pd.DataFrame(), rows, pd.DataFrame())
        >>> ev.about("e1", "n1"), ev.about("e1", "c1")
        ('n1 is c1', None)
        """
        rows: list[Any] = list(self.decisions.itertuples(index=False))
        for a, b in ((record_a, record_b), (record_b, record_a)):
            for row in rows:
                if a in row.records and b in row.records_b:
                    return str(row.reason)
        return None


def families(labels: np.ndarray, member: pd.DataFrame) -> np.ndarray:
    """Family label of every person label (``-1`` for a person in no unit).

    Parameters
    ----------
    labels : ndarray
        Person label (0..P-1) of every record.
    member : DataFrame
        ``record, unit`` integer codes (:func:`kinlink.graph.resolve.family.memberships`).

    Examples
    --------
    >>> member = pd.DataFrame({"record": [0, 1, 2, 3], "unit": [0, 0, 1, 1]})
    >>> families(np.array([0, 1, 1, 2, 3]), member).tolist()
    [0, 0, 0, -1]
    """
    n_persons = int(labels.max()) + 1 if len(labels) else 0
    if member.empty:
        return np.full(n_persons, -1, dtype=np.int64)
    person = labels[member["record"].to_numpy()]
    unit = member["unit"].to_numpy() + n_persons
    n_units = int(member["unit"].max()) + 1
    comp = components(n_persons + n_units, person, unit)[:n_persons]
    in_unit = np.zeros(n_persons, dtype=bool)
    in_unit[person] = True
    return np.where(in_unit, comp, -1)


def posteriors(holder: np.ndarray, weight: np.ndarray, *, lam: float) -> np.ndarray:
    """P(L = X) of each candidate, given its holder ``L`` and its weight log2(BF).

    Each holder is a person of its own (prior ``1 - lam``) or exactly one of its candidates
    (prior ``lam`` shared evenly among them).

    Examples
    --------
    >>> posteriors(np.array([0, 1, 1]), np.array([0.0, 0.0, 0.0]), lam=0.5).round(3).tolist()
    [0.5, 0.25, 0.25]
    """
    if not len(holder):
        return np.empty(0)
    _, inverse, count = np.unique(holder, return_inverse=True, return_counts=True)
    term = np.log2(lam) - np.log2(count[inverse]) + weight
    denom = np.full(len(count), np.log2(1 - lam))
    np.logaddexp2.at(denom, inverse, term)
    return np.exp2(term - denom[inverse])


def _counts(levels: np.ndarray, sizes: list[int], weights: np.ndarray | None = None):
    """Per comparison, how many (weighted) pairs sit at each level."""
    return [
        np.bincount(levels[:, j], weights=weights, minlength=k).astype(float)
        for j, k in enumerate(sizes)
    ]


def _share(counts: list[np.ndarray]) -> list[np.ndarray]:
    """Counts to probabilities, with half a pair added to every level."""
    return [(c + 0.5) / (c.sum() + 0.5 * len(c)) for c in counts]


def _sample(n: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    return np.sort(rng.choice(n, limit, replace=False)) if n > limit else np.arange(n)


@dataclass(frozen=True)
class _Persons:
    """Records grouped by person label (CSR): ``order[starts[p]:starts[p + 1]]``."""

    labels: np.ndarray
    order: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, labels: np.ndarray) -> _Persons:
        order = np.argsort(labels, kind="stable")
        starts = np.searchsorted(labels[order], np.arange(int(labels.max()) + 2))
        return cls(labels, order, starts)

    def records(self, person: int) -> np.ndarray:
        return self.order[self.starts[person] : self.starts[person + 1]]

    def cross(self, pa: np.ndarray, pb: np.ndarray):
        """Every record pair across each person pair ``(pa[k], pb[k])``, and its ``k``."""
        na = self.starts[pa + 1] - self.starts[pa]
        nb = self.starts[pb + 1] - self.starts[pb]
        reps = na * nb
        k = np.repeat(np.arange(len(pa)), reps)
        within = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
        ra = self.order[self.starts[pa][k] + within // nb[k]]
        rb = self.order[self.starts[pb][k] + within % nb[k]]
        return ra, rb, k


def _colisted(labels: np.ndarray, member: pd.DataFrame) -> pd.DataFrame:
    """Person pairs ``a < b`` that one family unit lists together (known to be different)."""
    frame = pd.DataFrame(
        {"unit": member["unit"].to_numpy(), "p": labels[member["record"].to_numpy()]}
    ).drop_duplicates()
    both = frame.merge(frame, on="unit")
    both = both[both["p_x"] < both["p_y"]]
    pairs = pd.DataFrame({"a": both["p_x"].to_numpy(), "b": both["p_y"].to_numpy()})
    return pairs.drop_duplicates(ignore_index=True)


def _candidates(labels: np.ndarray, member: pd.DataFrame, case_record: np.ndarray) -> pd.DataFrame:
    """``l, x``: person pairs of one family, ``l`` with no case, never listed together."""
    n = int(labels.max()) + 1
    fam = families(labels, member)
    has_case = np.zeros(n, dtype=bool)
    has_case[labels[case_record]] = True
    people = pd.DataFrame({"p": np.flatnonzero(fam >= 0)})
    people["family"] = fam[people["p"].to_numpy()]
    people = people[people.groupby("family")["p"].transform("size") >= 2]
    holders = people[~has_case[people["p"].to_numpy()]]
    pairs = holders.merge(people, on="family", suffixes=("_l", "_x"))
    held, x = pairs["p_l"].to_numpy(), pairs["p_x"].to_numpy()
    colisted = _colisted(labels, member)
    listed = np.sort(pair_codes(colisted["a"].to_numpy(), colisted["b"].to_numpy(), ordered=True))
    code = pair_codes(held, x)
    at = np.minimum(np.searchsorted(listed, code), max(len(listed) - 1, 0))
    together = listed[at] == code if len(listed) else np.zeros(len(code), dtype=bool)
    keep = (held != x) & ~together
    return pd.DataFrame({"l": held[keep], "x": x[keep]})


def _pair_codes(reviews: pd.DataFrame | None, position: pd.Series, decision: str) -> np.ndarray:
    """Sorted pair codes (:func:`kinlink.unionfind.pair_codes`) of the record pairs an analyst
    marked ``decision``."""
    if reviews is None or reviews.empty:
        return np.empty(0, dtype=np.int64)
    chosen = reviews[reviews["decision"].astype(str).str.strip().str.lower() == decision]
    a = chosen["record_id_a"].astype(str).map(position)
    b = chosen["record_id_b"].astype(str).map(position)
    known = (a.notna() & b.notna()).to_numpy()
    left = a[known].astype(np.int64).to_numpy()
    right = b[known].astype(np.int64).to_numpy()
    return np.sort(pair_codes(left, right))


def _isin_sorted(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    if not len(table):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return table[at] == values


def _any(flags: np.ndarray, k: np.ndarray, n: int) -> np.ndarray:
    """Per group ``0..n-1`` of the pairs (``k``), whether any of its pairs is flagged."""
    out = np.zeros(n, dtype=bool)
    np.logical_or.at(out, k, flags)
    return out


def _best(k: np.ndarray, w: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate ``0..n-1``, the index of its best record pair and that pair's weight."""
    order = np.lexsort((-w, k))
    first = np.r_[True, k[order][1:] != k[order][:-1]] if len(order) else np.empty(0, bool)
    best = np.zeros(n, dtype=np.int64)
    weight = np.full(n, -np.inf)
    best[k[order][first]] = order[first]
    weight[k[order][first]] = w[order][first]
    return best, weight


@dataclass
class _Round:
    """One round's candidates with their record pairs, levels and scores."""

    cands: pd.DataFrame
    ra: np.ndarray
    rb: np.ndarray
    k: np.ndarray
    levels: np.ndarray
    ruled_out: np.ndarray
    usable: np.ndarray
    best: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    weight: np.ndarray = field(default_factory=lambda: np.empty(0))
    probability: np.ndarray = field(default_factory=lambda: np.empty(0))


def apply_family_evidence(
    scorer: Scorer,
    persons: pd.DataFrame,
    case_records: Iterable[str],
    *,
    reviews: pd.DataFrame | None = None,
    plausible: float = 0.1,
    prior_pairs: float = 20.0,
    sample_pairs: int = 50_000,
    max_iterations: int = 100,
    max_rounds: int = 4,
    seed: int = 0,
    model: FamilyModel | None = None,
) -> FamilyEvidence:
    """Merge the members that the family evidence says are one person; keep the doubts.

    Parameters
    ----------
    scorer : Scorer
        The resolver's fitted model (``resolve(..., keep_scorer=True)``): its prepared records,
        comparisons and family-unit memberships.
    persons : DataFrame
        ``record_id, person_id`` from the resolver.
    case_records : iterable of str
        Record ids that are the respondent of a case.
    reviews : DataFrame, optional
        The analyst's ``record_id_a, record_id_b, decision``: a ``different`` between any
        records of two persons rules the candidate out.
    plausible : float
        An alternative decision at least this likely is kept for the flags.
    prior_pairs : float
        Weight (pseudo-pairs) of the within-person level counts in the m estimate.
    sample_pairs : int
        Record pairs sampled to count the within-person and co-listed levels.
    max_iterations, max_rounds : int
        EM iterations at most; rounds of candidates at most.
    seed : int
        Seed of the samples.
    model : FamilyModel, optional
        A model fitted before (:attr:`FamilyEvidence.model`) to use as it is, instead of
        fitting one on this bundle.

    Returns
    -------
    FamilyEvidence

    Notes
    -----
    Linear in the records and memberships, plus the record pairs of the candidates (a few per
    family at most) and two samples of ``sample_pairs`` pairs, each compared once.
    """
    ids = scorer.prepared["record_id"].astype(str).reset_index(drop=True)
    position = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    given = persons.set_index(persons["record_id"].astype(str))["person_id"].astype(str)
    codes, uniques = pd.factorize(given.reindex(ids).to_numpy())
    labels = codes.astype(np.int64)
    member = scorer.member
    wanted = pd.Index([str(r) for r in case_records])
    case_record = position.reindex(wanted).dropna().astype(np.int64).to_numpy()
    kept = persons[["record_id", "person_id"]].reset_index(drop=True)
    stats: dict[str, Any] = {"candidates": 0, "merged": 0, "alternatives": 0, "rounds": 0}
    none = FamilyEvidence(
        kept,
        pd.DataFrame(columns=DECISION_COLUMNS),
        pd.DataFrame(columns=ALTERNATIVE_COLUMNS),
        None,
        stats,
    )
    if member.empty or len(labels) < 2:
        return none
    comps = [c.name for c in scorer.comparisons]
    sizes = [len(c.levels) for c in scorer.comparisons]
    labels_of = {c.name: c.labels() for c in scorer.comparisons}
    different = _pair_codes(reviews, position, "different")

    def resolver_levels(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        if not len(lo):
            return np.zeros((0, len(comps)), dtype=np.int64)
        return scorer.weights(lo, hi)["levels"].astype(np.int64)

    def levels_of(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        return family_levels(scorer.prepared, lo, hi, resolver_levels(lo, hi), labels_of)

    def draw(labels: np.ndarray, cands: pd.DataFrame | None = None) -> _Round:
        if cands is None:
            cands = _candidates(labels, member, case_record)
        grouped = _Persons.of(labels)
        ra, rb, k = grouped.cross(cands["l"].to_numpy(), cands["x"].to_numpy())
        lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
        resolver = resolver_levels(lo, hi)
        levels = family_levels(scorer.prepared, lo, hi, resolver, labels_of)
        n = len(cands)
        usable = np.isin(levels[:, 0], NAMES_AGREE)
        ruled_out = ~_any(usable, k, n)
        ruled_out |= _any(_isin_sorted(pair_codes(lo, hi, ordered=True), different), k, n)
        # an identifier conflicts when some records disagree on it and none agree (a person's
        # own records may carry a typo, so one disagreeing pair alone proves nothing)
        for name in CONFLICTING:
            if name in comps:
                j = comps.index(name)
                value = resolver[:, j]
                agree = (value != 0) & (value != sizes[j] - 1)
                ruled_out |= _any(value == sizes[j] - 1, k, n) & ~_any(agree, k, n)
        dob_else = levels[:, 2] == DOB_ELSE
        dob_agree = np.isin(levels[:, 2], DOB_AGREE)
        ruled_out |= _any(dob_else, k, n) & ~_any(dob_agree, k, n)
        return _Round(cands, ra, rb, k, levels, ruled_out, usable)

    first = draw(labels)
    if first.cands.empty:
        return none
    model = model or _fit(
        levels_of,
        labels,
        member,
        first,
        prior_pairs=prior_pairs,
        sample_pairs=sample_pairs,
        max_iterations=max_iterations,
        seed=seed,
    )
    weights = model.weights(list(FAMILY_COMPARISONS))
    start_labels = labels
    decided: list[pd.DataFrame] = []
    current = first
    rounds = 0
    for rounds in range(1, max_rounds + 1):
        _score(current, weights, model.share)
        accept = np.flatnonzero(~current.ruled_out & (current.probability >= 0.5))
        accept = np.r_[accept, _shared(current, labels, member, weights, draw)]
        accept = accept[np.argsort(-current.probability[accept], kind="stable")]  # likeliest first
        new_labels, joined = _merge(labels, current.cands, accept, member)
        frame = _frame(current, ids, uniques, start_labels, labels, rounds)
        labels = new_labels
        if not joined or rounds == max_rounds:
            decided.append(frame)
            break
        decided.append(frame.iloc[joined])
        current = draw(labels)
        if current.cands.empty:
            break
    decisions = pd.concat(decided, ignore_index=True)
    final = person_ids(ids, labels).to_numpy()
    decisions["merged"] = [
        final[position[a]] == final[position[b]]
        for a, b in zip(decisions["record_id_a"], decisions["record_id_b"], strict=True)
    ]
    # a pair of two members without a case is weighed both ways: keep the likelier
    pair = [
        tuple(sorted(x)) for x in zip(decisions["person_a"], decisions["person_b"], strict=True)
    ]
    decisions = (
        decisions.assign(_pair=pd.Series(pair, index=decisions.index, dtype=object))
        .sort_values(["probability", "round"], ascending=[False, True], kind="stable")
        .drop_duplicates("_pair")
        .drop(columns="_pair")
        .sort_values(["person_a", "person_b"], ignore_index=True)
    )
    decisions["reason"] = [reason_sentence(row, model) for row in decisions.itertuples(index=False)]
    decisions = decisions[[*DECISION_COLUMNS, *(f"{c}_level" for c in FAMILY_COMPARISONS)]]
    out = pd.DataFrame({"record_id": ids.to_numpy(), "person_id": final})
    alternatives = alternatives_of(decisions, out, plausible)
    stats.update(
        plausible=plausible,
        candidates=int(np.isfinite(decisions["weight"]).sum()),
        merged=int(decisions["merged"].sum()),
        alternatives=len(alternatives),
        rounds=rounds,
        share=model.share,
    )
    log.info(
        "family evidence: %d candidates, %d joined, %d uncertain decisions kept for the flags",
        stats["candidates"],
        stats["merged"],
        stats["alternatives"],
    )
    return FamilyEvidence(out, decisions, alternatives, model, stats)


def _fit(
    levels_of: Callable[[np.ndarray, np.ndarray], np.ndarray],
    labels: np.ndarray,
    member: pd.DataFrame,
    first: _Round,
    *,
    prior_pairs: float,
    sample_pairs: int,
    max_iterations: int,
    seed: int,
) -> FamilyModel:
    """u from co-listed persons, m by EM over the candidates (prior: within-person pairs)."""
    rng = np.random.default_rng(seed)
    sizes = [len(v) for v in FAMILY_COMPARISONS.values()]
    grouped = _Persons.of(labels)
    order = grouped.order
    same = labels[order][1:] == labels[order][:-1]
    wl, wr = order[:-1][same], order[1:][same]
    keep = _sample(len(wl), sample_pairs, rng)
    wl, wr = np.minimum(wl[keep], wr[keep]), np.maximum(wl[keep], wr[keep])
    m_prior = _share(_counts(levels_of(wl, wr), sizes))
    colisted = _colisted(labels, member)
    pick = _sample(len(colisted), max(1, sample_pairs // 4), rng)
    ul, ur, _ = grouped.cross(colisted["a"].to_numpy()[pick], colisted["b"].to_numpy()[pick])
    pick = _sample(len(ul), sample_pairs, rng)
    ul, ur = np.minimum(ul[pick], ur[pick]), np.maximum(ul[pick], ur[pick])
    u = _share(_counts(levels_of(ul, ur), sizes))

    live = np.flatnonzero(~first.ruled_out)
    holders = first.cands["l"].to_numpy()[live]
    n_holders = len(np.unique(holders))
    m = [x.copy() for x in m_prior]
    lam = 0.5
    iterations = 0
    for _ in range(max_iterations):
        iterations += 1
        table = [np.log2(m[j] / u[j]) for j in range(len(sizes))]
        w = np.zeros(len(first.levels))
        for j, t in enumerate(table):
            w += t[first.levels[:, j]]
        w[~first.usable] = -np.inf
        best, weight = _best(first.k, w, len(first.cands))
        p = posteriors(holders, weight[live], lam=lam)
        counts = _counts(first.levels[best[live]], sizes, p)
        new_m = [
            (counts[j] + prior_pairs * m_prior[j]) / (p.sum() + prior_pairs)
            for j in range(len(sizes))
        ]
        new_lam = (p.sum() + 1.0) / (n_holders + 2.0)
        moved = max(
            [abs(new_lam - lam)]
            + [float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True)]
        )
        m, lam = new_m, float(new_lam)
        if moved < 1e-7:
            break
    rows = [
        {
            "comparison": name,
            "level": label,
            "m": float(m[j][i]),
            "u": float(u[j][i]),
            "weight": float(np.log2(m[j][i] / u[j][i])),
        }
        for j, (name, labels_) in enumerate(FAMILY_COMPARISONS.items())
        for i, label in enumerate(labels_)
    ]
    return FamilyModel(pd.DataFrame(rows), lam, iterations)


def _score(current: _Round, weights: list[np.ndarray], share: float) -> None:
    """Best pair, weight and P(L = X) of every candidate of a round (ruled out: 0)."""
    w = np.zeros(len(current.levels))
    for j, t in enumerate(weights):
        w += t[current.levels[:, j]]
    w[~current.usable] = -np.inf
    current.best, current.weight = _best(current.k, w, len(current.cands))
    live = ~current.ruled_out
    current.probability = np.zeros(len(current.cands))
    holders = current.cands["l"].to_numpy()
    current.probability[live] = posteriors(holders[live], current.weight[live], lam=share)
    current.weight = np.where(live, current.weight, -np.inf)


def _shared(
    current: _Round,
    labels: np.ndarray,
    member: pd.DataFrame,
    weights: list[np.ndarray],
    draw: Callable[[np.ndarray, pd.DataFrame], _Round],
) -> np.ndarray:
    """Candidates of holders whose likelihood is shared among candidates that are one person.

    A holder matched about equally by two or three candidates is one of them only if those
    are different people; when each pair of them agrees too (no unit lists them together, no
    conflict, a positive family weight), they are most likely one person split three ways, and
    the holder joins them all. Their probability becomes the group's (the sum).
    """
    p = current.probability
    holders = current.cands["l"].to_numpy()
    frame = pd.DataFrame({"h": holders, "p": p, "i": np.arange(len(p))})
    frame = frame[~current.ruled_out]
    total = frame.groupby("h")["p"].transform("sum")
    top = frame.groupby("h")["p"].transform("max")
    frame = frame[(total >= 0.5) & (top < 0.5) & (frame["p"] >= SHARED_FLOOR)]
    frame = frame[frame.groupby("h")["p"].transform("size") >= 2]
    if frame.empty:
        return np.empty(0, dtype=np.int64)
    xs = current.cands["x"].to_numpy()
    pairs = frame.merge(frame, on="h")
    pairs = pairs[pairs["i_x"] < pairs["i_y"]]
    check = pd.DataFrame({"l": xs[pairs["i_x"].to_numpy()], "x": xs[pairs["i_y"].to_numpy()]})
    listed = _colisted(labels, member)
    codes = set(pair_codes(listed["a"].to_numpy(), listed["b"].to_numpy(), ordered=True).tolist())
    wanted = pair_codes(check["l"].to_numpy(), check["x"].to_numpy()).tolist()
    together = np.fromiter((c in codes for c in wanted), dtype=bool, count=len(wanted))
    among = draw(labels, check.reset_index(drop=True))
    w = np.zeros(len(among.levels))
    for j, t in enumerate(weights):
        w += t[among.levels[:, j]]
    w[~among.usable] = -np.inf
    _, weight = _best(among.k, w, len(check))
    agree = ~together & ~among.ruled_out & (weight > 0)
    fine = pd.Series(agree).groupby(pairs["h"].to_numpy()).all()
    chosen = frame[frame["h"].map(fine).fillna(False).astype(bool)]
    # the holder is one of them: the likelihood of the group is that of each
    current.probability[chosen["i"].to_numpy()] = chosen.groupby("h")["p"].transform("sum")
    return chosen["i"].to_numpy(dtype=np.int64)


def _merge(
    labels: np.ndarray, cands: pd.DataFrame, accept: np.ndarray, member: pd.DataFrame
) -> tuple[np.ndarray, list[int]]:
    """Apply accepted candidates, most likely first, never joining persons listed together."""
    n = int(labels.max()) + 1
    groups = UnionFind(n)
    held, other = cands["l"].to_numpy(), cands["x"].to_numpy()
    # the units of the persons an accepted candidate names (a merged root is one of them)
    named = np.zeros(n, dtype=bool)
    named[held[accept]] = True
    named[other[accept]] = True
    persons = labels[member["record"].to_numpy()]
    near = named[persons]
    units: dict[int, set[int]] = {}
    for p, u in zip(persons[near].tolist(), member["unit"].to_numpy()[near].tolist(), strict=True):
        units.setdefault(p, set()).add(u)
    joined: list[int] = []
    for i in accept.tolist():
        ra, rb = groups.find(int(held[i])), groups.find(int(other[i]))
        if ra == rb or units.get(ra, set()) & units.get(rb, set()):
            continue
        keep = groups.union(ra, rb)  # the smaller root stays
        units[keep] = units.get(keep, set()) | units.pop(ra + rb - keep, set())
        joined.append(i)
    return groups.labels()[labels], joined


def _frame(
    current: _Round,
    ids: pd.Series,
    uniques: np.ndarray,
    start: np.ndarray,
    labels: np.ndarray,
    round_: int,
) -> pd.DataFrame:
    """The candidates of a round as decision rows (before ``merged`` and ``reason``)."""
    grouped = _Persons.of(labels)
    record_ids = ids.to_numpy()
    pa, pb = current.ra[current.best], current.rb[current.best]
    holders = current.cands["l"].to_numpy()
    frame = pd.DataFrame(
        {
            "person_a": uniques[start[pa]],
            "person_b": uniques[start[pb]],
            "record_id_a": record_ids[pa],
            "record_id_b": record_ids[pb],
            "probability": current.probability,
            "weight": current.weight,
            "merged": False,
            "round": round_,
            "records": [tuple(sorted(record_ids[grouped.records(h)].tolist())) for h in holders],
            "records_b": [
                tuple(sorted(record_ids[grouped.records(x)].tolist()))
                for x in current.cands["x"].to_numpy()
            ],
            "reason": "",
        }
    )
    for j, (name, names) in enumerate(FAMILY_COMPARISONS.items()):
        frame[f"{name}_level"] = np.array(names, dtype=object)[current.levels[current.best, j]]
    return frame


def reason_sentence(row: Any, model: FamilyModel) -> str:
    """The family evidence about one candidate, in a sentence."""
    head = (
        f"Family evidence: {row.person_a} has no case and no family unit lists it with "
        f"{row.person_b}, a member of the same family"
    )
    if not np.isfinite(row.weight):
        return f"{head}; they stay apart: an identifier disagrees, or an analyst said different."
    verdict = "counted as one person" if row.merged else "kept apart"
    return (
        f"{head}; their closest records {row.record_id_a} and {row.record_id_b} compare as given "
        f"names {row.names_level}, surnames {row.surnames_level}, birth date "
        f"{row.dob_level}, sex {row.sex_level}, and no identifier conflicts. Among family "
        f"members that weighs {row.weight:+.1f} bits; with {model.share:.0%} of such members "
        f"being a split of another, they are one person with probability "
        f"{row.probability:.2f}: {verdict}."
    )


def merge_sentence(row: Any) -> str:
    """What the family evidence did about one candidate, in a sentence for a flag's reason.

    Examples
    --------
    >>> row = pd.Series({"record_id_a": "N1", "record_id_b": "C1", "merged": True,
    ...     "probability": 0.97, "names_level": "variant", "surnames_level": "same",
    ...     "dob_level": "year_off", "sex_level": "exact"})
    >>> merge_sentence(row)  # doctest: +NORMALIZE_WHITESPACE
    'Family evidence counts record N1 as the same person as record C1 (probability 0.97: no
    family unit lists them together; given names variant, surnames same, birth date year_off,
    sex exact; no identifier conflicts).'
    """
    verb = "counts" if row["merged"] else "keeps"
    link = "as the same person as" if row["merged"] else "apart from"
    return (
        f"Family evidence {verb} record {row['record_id_a']} {link} record "
        f"{row['record_id_b']} (probability {float(row['probability']):.2f}: no family unit "
        f"lists them together; given names {row['names_level']}, surnames "
        f"{row['surnames_level']}, birth date {row['dob_level']}, sex {row['sex_level']}; no "
        "identifier conflicts)."
    )


def alternatives_of(decisions: pd.DataFrame, persons: pd.DataFrame, plausible: float):
    """The uncertain decisions as record moves on the persons after the merges."""
    person_of = dict(zip(persons["record_id"], persons["person_id"], strict=True))
    level_cols = [c for c in decisions.columns if c.endswith("_level")]
    rows: list[dict[str, Any]] = []
    decided: list[Any] = list(decisions.itertuples(index=False))
    for row in decided:
        p = float(row.probability)
        if not np.isfinite(row.weight):
            continue
        if row.merged and 1 - p >= plausible:
            kind, probability, to = "split", 1 - p, ""
        elif not row.merged and p >= plausible:
            kind, probability, to = "merge", p, person_of[row.record_id_b]
        else:
            continue
        levels = ";".join(f"{c[: -len('_level')]}={getattr(row, c)}" for c in level_cols)
        # the options of one holder exclude each other: one decision
        decision = f"{kind}:{row.round}:{row.records[0]}"
        rows.append(
            {
                "alternative": f"A{len(rows) + 1}",
                "decision": decision,
                "kind": kind,
                "records": row.records,
                "to_person": to,
                "record_id_a": row.record_id_a,
                "record_id_b": row.record_id_b,
                "probability": probability,
                "levels": levels,
                "why": row.reason,
            }
        )
    return pd.DataFrame(rows, columns=ALTERNATIVE_COLUMNS)
