"""Fitting that cannot run away: a bounded prior from deterministic rules, and checked weights.

Unsupervised EM finds *a* two-class split of the candidate pairs, not necessarily "same person"
against "different people". On data with few fields it can settle on another split: on records
with only names and a birth year, "same surname" explains the candidates better than "same
person", the fitted prior climbs to a third of all pairs, agreeing on the birth date weighs
*against* a match, and clustering then chains thousands of records into one person. Three
guards stop that here:

1. **The prior is bounded by deterministic rules.** The share of candidate pairs that agree
   exactly on every field both records have (with at least three identifying fields present,
   or fewer when the data has fewer), or on an identifier (A-number, other id), is a floor on
   the share of matches (those rules are nearly always right) and, divided by the least recall
   such rules have (:data:`RULE_RECALL_FLOOR`), a ceiling. EM keeps the prior inside the band
   at every iteration. The rules are several, as Splink recommends for its
   ``estimate_probability_two_random_records_match``.
2. **Weights are checked after the fit.** For every comparison with enough data, exact
   agreement must weigh for a match (m > u) and the *else* level against it (m < u), and no
   more than :data:`M_ELSE_MAX` of matches may disagree outright on an identifying field. A
   comparison that breaks this falls back to its declared m and the u of random pairs, and EM
   runs again with it held. A fit that leaves half the comparisons at their priors, or whose
   prior ran to the rules' upper bound, is discarded: EM runs again with u held at the random
   pairs' values, and if that fails too the declared priors are used. Every fallback is
   reported.
3. **Convergence is checked**: a fit that ran out of iterations is reported as such.

And no level's m falls below :data:`M_FLOOR_SHARE` of its declared value, so a level seen
rarely among matches in one bundle (a sex written differently) cannot become a veto.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kinlink.graph.resolve.comparisons import Comparison
from kinlink.graph.resolve.model import FSModel, distinct_rows

log = logging.getLogger(__name__)

#: Fields whose exact agreement makes a pair's identity plausible.
IDENTIFYING = ("given_names", "surnames", "dob", "a_number", "other_id")
#: Identifiers whose exact agreement alone is a deterministic match rule.
IDENTIFIERS = ("a_number", "other_id")
#: The least share of true matches the deterministic rules are assumed to find.
RULE_RECALL_FLOOR = 0.25
#: No level's m goes below this share of its declared m.
M_FLOOR_SHARE = 0.001
#: The starting prior when no deterministic rule fires (no pair agrees on everything).
NO_RULE_PRIOR = 0.1
#: A comparison is checked only when at least this many candidate pairs have it on both
#: sides: a field seen in a handful of pairs has no weights worth judging.
MIN_CHECKED_PAIRS = 50
#: At most this share of true matches may disagree outright on an identifying field: a fit
#: claiming more has found another class (same surname, same family) than "same person".
M_ELSE_MAX = 0.3


@dataclass
class RulePrior:
    """The prior's estimate from deterministic rules.

    Attributes
    ----------
    share : float
        Share of candidate pairs that some rule calls a match.
    low, high : float
        The band EM's prior is kept in.
    fields_required : int
        Identifying fields both records must have for the all-exact rule.
    """

    share: float
    low: float
    high: float
    fields_required: int

    @property
    def start(self) -> float:
        """EM's starting prior (and the prior of the declared model): the rules' share over a
        middling recall, inside the band; :data:`NO_RULE_PRIOR` when no rule fired."""
        if self.share == 0.0:
            return NO_RULE_PRIOR
        return float(min(max(self.share / 0.6, self.low), self.high))


@dataclass
class FitReport:
    """What the guards found; readable with :meth:`lines`."""

    converged: bool = False
    iterations: int = 0
    prior: float = 0.0
    rule_prior: RulePrior | None = None
    prior_at_bound: str = ""
    fallbacks: list[str] = field(default_factory=list)
    all_priors: bool = False
    stage: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (stats, ``model.json``)."""
        rule = self.rule_prior
        return {
            "converged": self.converged,
            "iterations": self.iterations,
            "prior": self.prior,
            "rule_share": rule.share if rule else None,
            "prior_bounds": [rule.low, rule.high] if rule else None,
            "prior_at_bound": self.prior_at_bound,
            "fallbacks": list(self.fallbacks),
            "all_priors": self.all_priors,
            "stage": self.stage,
        }

    def warnings(self) -> list[str]:
        """Sentences for the log and the report when a guard acted."""
        out = []
        if not self.converged and not self.all_priors:
            out.append(f"EM did not converge in {self.iterations} iterations")
        if self.prior_at_bound:
            out.append(
                f"EM's match prior was held at its {self.prior_at_bound} bound "
                f"({self.prior:.4g}, from deterministic rules)"
            )
        out.extend(self.fallbacks)
        if self.all_priors:
            out.append("the fitted weights were unusable: the declared priors are used instead")
        return out


def _level(comp: Comparison, label: str) -> int | None:
    labels = comp.labels()
    return labels.index(label) if label in labels else None


def rule_pairs(levels: np.ndarray, comparisons: tuple[Comparison, ...]) -> tuple[np.ndarray, int]:
    """Which pairs a deterministic rule calls a match, and the identifying fields required.

    The rules: every field both records have agrees exactly (for a birth date known only to
    the year, the same year) and they have at least three identifying fields
    (:data:`IDENTIFYING`) in common (fewer when the data has fewer), or an identifier
    (:data:`IDENTIFIERS`) agrees exactly.

    Examples
    --------
    >>> from kinlink.graph.resolve.comparisons import exact_or_else
    >>> comps = tuple(exact_or_else(c) for c in ("given_names", "surnames", "dob"))
    >>> levels = np.array([[1, 1, 1], [1, 1, 2], [1, 1, 0]], dtype=np.int8)
    >>> mask, required = rule_pairs(levels, comps)
    >>> mask.tolist(), required
    ([True, False, False], 3)
    """
    n = len(levels)
    names = [c.name for c in comparisons]
    identifying = [j for j, c in enumerate(names) if c in IDENTIFYING and levels[:, j].any()]
    required = min(3, len(identifying))
    all_exact = np.ones(n, dtype=bool)
    present = np.zeros(n, dtype=np.int8)
    for j, comp in enumerate(comparisons):
        exact = _level(comp, "exact")
        if exact is None:
            continue
        there = levels[:, j] > 0
        agree = levels[:, j] == exact
        year = _level(comp, "year")  # a birth date known to the year: the same year is exact
        if year is not None:
            agree |= levels[:, j] == year
        all_exact &= ~there | agree
        if j in identifying:
            present += there
    rule = all_exact & (present >= max(required, 1))
    for j, comp in enumerate(comparisons):
        exact = _level(comp, "exact")
        if comp.name in IDENTIFIERS and exact is not None:
            rule |= levels[:, j] == exact
    return rule, required


def rule_prior(
    levels: np.ndarray, comparisons: tuple[Comparison, ...], counts: np.ndarray | None = None
) -> RulePrior:
    """Estimate the share of matches among candidate pairs from deterministic rules.

    With ``counts``, ``levels`` are the distinct rows of the candidates' levels and ``counts``
    their numbers of pairs (:func:`~kinlink.graph.resolve.model.distinct_rows`).

    Examples
    --------
    >>> from kinlink.graph.resolve.comparisons import exact_or_else
    >>> comps = tuple(exact_or_else(c) for c in ("given_names", "surnames", "dob"))
    >>> levels = np.array([[1, 1, 1], [1, 1, 2], [1, 2, 2], [1, 1, 1]], dtype=np.int8)
    >>> est = rule_prior(levels, comps)
    >>> est.share, est.low, est.high, est.fields_required
    (0.5, 0.25, 0.95, 3)
    """
    if not len(levels):
        return RulePrior(0.0, 1e-9, 0.5, 0)
    rule, required = rule_pairs(levels, comparisons)
    share = float(rule.mean()) if counts is None else float(counts[rule].sum() / counts.sum())
    if share == 0.0:  # no rule fired: nothing bounds EM from above but common sense
        return RulePrior(0.0, 1e-9, 0.5, required)
    return RulePrior(share, share / 2, min(0.95, share / RULE_RECALL_FLOOR), required)


def data_counts(levels: np.ndarray, counts: np.ndarray | None = None) -> np.ndarray:
    """Per comparison, the number of pairs among ``levels`` with data on both sides (with
    ``counts``: ``levels`` are distinct rows and ``counts`` their numbers of pairs).

    Examples
    --------
    >>> levels = np.array([[1, 0], [2, 0], [1, 0]], dtype=np.int8)
    >>> data_counts(levels).tolist(), data_counts(levels[:2], np.array([2.0, 1.0])).tolist()
    ([3, 0], [3, 0])
    """
    if counts is None:
        return (levels > 0).sum(axis=0)
    return ((levels > 0) * counts[:, None]).sum(axis=0).astype(np.int64)


def checked(levels: np.ndarray, counts: np.ndarray | None = None) -> list[int]:
    """The comparisons with enough data among ``levels`` to judge their weights (``counts``:
    :func:`data_counts` of the levels, when the caller has it already)."""
    counts = data_counts(levels) if counts is None else counts
    return [j for j, count in enumerate(counts.tolist()) if count >= MIN_CHECKED_PAIRS]


def weight_problems(
    model: FSModel, levels: np.ndarray, counts: np.ndarray | None = None
) -> dict[int, str]:
    """Comparisons whose exact level does not weigh for a match, whose else level does not
    weigh against it, or whose else level holds too many matches (only comparisons with enough
    data among ``levels``, :func:`checked`; the share of outright disagreements is judged on
    any identifying comparison with data). ``counts`` is :func:`data_counts` of the levels when
    the caller has it already."""
    table = model.weights()
    problems = {}
    counts = data_counts(levels) if counts is None else counts
    enough = set(checked(levels, counts))
    seen = counts > 0
    for j, comp in enumerate(model.comparisons):
        exact, other = _level(comp, "exact"), len(comp.levels) - 1
        m, u = model.m[j], model.u[j]
        disagree = comp.name in IDENTIFYING and m[other] > M_ELSE_MAX
        too_many = f"{comp.name}: the fit says {m[other]:.0%} of matches disagree on it outright"
        if j not in enough:
            # too few pairs to judge the signs, but a fit that calls most matches outright
            # disagreements on a name, birth date or identifier has found another class
            # whatever the count (six records of two families: "same nationality")
            if seen[j] and disagree:
                problems[j] = too_many
            continue
        if exact is not None and table[j, exact] <= 0:
            problems[j] = (
                f"{comp.name}: exact agreement weighed against a match "
                f"(m={m[exact]:.3g} <= u={u[exact]:.3g})"
            )
        elif table[j, other] >= 0:
            problems[j] = (
                f"{comp.name}: disagreement weighed for a match "
                f"(m={m[other]:.3g} >= u={u[other]:.3g})"
            )
        elif disagree:
            problems[j] = too_many
    return problems


def _floor_m(model: FSModel, declared: list[np.ndarray]) -> None:
    for j in range(len(model.m)):
        m = np.maximum(model.m[j], M_FLOOR_SHARE * declared[j])
        m[1:] /= m[1:].sum()
        m[0] = 1.0
        model.m[j] = m


def _fit_once(
    model: FSModel,
    levels: np.ndarray,
    rule: RulePrior,
    declared: list[np.ndarray],
    u_random: list[np.ndarray],
    *,
    fix_u: bool,
    em: dict[str, Any],
) -> tuple[set[int], list[str]]:
    """One guarded EM from the priors; returns the comparisons held at their priors and why."""
    model.m = [d.copy() for d in declared]
    model.u = [u.copy() for u in u_random]
    model.prior = rule.start
    held: set[int] = set()
    notes: list[str] = []
    counts = em["counts"]
    enough = len(checked(levels, counts))

    def run() -> None:
        model.fit_em(
            levels,
            fix_u=fix_u,
            fix_m=tuple(model.comparisons[j].name for j in sorted(held)),
            prior_bounds=(rule.low, rule.high),
            labelled=em["labelled"],
            labels=em["labels"],
            max_iterations=em["max_iterations"],
            tolerance=em["tolerance"],
            distinct=em["distinct"],
        )
        _floor_m(model, declared)

    run()
    for _ in range(3):
        found = weight_problems(model, levels, counts)
        problems = {j: text for j, text in found.items() if j not in held}
        if not problems:
            break
        for j, text in problems.items():
            notes.append(f"{text}: its declared m and random-pair u are used")
            model.m[j], model.u[j] = declared[j].copy(), u_random[j].copy()
            held.add(j)
        if len(held) * 2 >= max(enough, 1):
            break
        run()
    return held, notes


def train(
    model: FSModel,
    levels: np.ndarray,
    *,
    labelled: np.ndarray | None = None,
    labels: np.ndarray | None = None,
    max_iterations: int = 40,
    tolerance: float = 1e-5,
) -> FitReport:
    """Fit ``model`` (u from random pairs already set) on the candidates' levels, guarded.

    EM first re-estimates u among the candidates (which share names by construction of the
    blocking, so their u differs from random pairs'). If that fit leaves half the comparisons
    with data at their priors, breaks a weight check, or pushes the prior against the rules'
    upper bound (EM wants a "match" class bigger than any deterministic evidence allows: a
    runaway), EM runs again with u held at the random pairs' values; if that fails the same
    way, the declared priors are used. Returns the :class:`FitReport`; the model is fitted
    in place.
    """
    declared = [np.array([lev.m for lev in c.levels], dtype=float) for c in model.comparisons]
    u_random = [u.copy() for u in (model.u_random or model.u)]
    # the rules, the data counts and every EM run below read the same levels: their distinct
    # rows are counted once and all of them work on those
    patterns, pattern_counts = distinct_rows(levels)
    rule = rule_prior(patterns, model.comparisons, pattern_counts)
    report = FitReport(rule_prior=rule)
    counts = data_counts(patterns, pattern_counts)
    with_data = len(checked(levels, counts))
    em: dict[str, Any] = {
        "labelled": labelled,
        "labels": labels,
        "max_iterations": max_iterations,
        "tolerance": tolerance,
        "distinct": (patterns, pattern_counts),
        "counts": counts,
    }
    for fix_u, name in ((False, "u among the candidates"), (True, "u from random pairs")):
        held, notes = _fit_once(model, levels, rule, declared, u_random, fix_u=fix_u, em=em)
        pinned = bool(np.isclose(model.prior, rule.high)) and rule.high < 0.95
        left = set(weight_problems(model, levels, counts)) - held
        broken = len(held) * 2 >= max(with_data, 1) or bool(left)
        if not pinned and not broken:
            report.fallbacks.extend(notes)
            report.stage = name
            break
        why = (
            f"the match prior ran to the rules' upper bound ({rule.high:.3g})"
            if pinned
            else "half the comparisons failed the weight checks"
        )
        report.fallbacks.append(f"EM with {name} was discarded: {why}")
    else:
        report.all_priors = True
        report.stage = "declared priors"
        model.m = [d.copy() for d in declared]
        model.u = [u.copy() for u in u_random]
        model.prior = rule.start
    report.converged = model.converged and not report.all_priors
    report.iterations = model.iterations
    report.prior = model.prior
    if not report.all_priors and np.isclose(model.prior, rule.low) and rule.low > 1e-9:
        report.prior_at_bound = "lower"
    for text in report.warnings():
        log.debug("model: %s", text)  # resolve() logs every warning once, at the end
    return report


def reuse(
    model: FSModel, levels: np.ndarray, *, max_iterations: int = 40, tolerance: float = 1e-5
) -> FitReport:
    """Use a loaded model's m and u as they are, re-estimating only the prior here.

    The share of matches among candidate pairs depends on the bundle (its size, how many
    records each person has), so the prior of a model fitted elsewhere is re-estimated by EM
    with every m and u held, inside the rules' band.
    """
    rule = rule_prior(levels, model.comparisons)
    report = FitReport(rule_prior=rule, stage="loaded model (prior re-estimated)")
    model.prior = rule.start
    model.fit_em(
        levels,
        fix_m=tuple(c.name for c in model.comparisons),
        fix_u=True,
        max_iterations=max_iterations,
        tolerance=tolerance,
        prior_bounds=(rule.low, rule.high),
    )
    report.converged, report.iterations, report.prior = (
        model.converged,
        model.iterations,
        model.prior,
    )
    return report
