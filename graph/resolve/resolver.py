"""The resolver's steps end to end: prepare, block, compare, fit, score, cluster."""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kinlink.errors import InputError, SettingsError
from kinlink.graph.ids import person_id, person_ids
from kinlink.graph.resolve import family
from kinlink.graph.resolve.blocking import candidate_pairs, default_keys
from kinlink.graph.resolve.bridges import detach_weak_bridges
from kinlink.graph.resolve.candidates import CandidatePairs, Reviews
from kinlink.graph.resolve.cluster import Corroboration, cluster
from kinlink.graph.resolve.compare import Columns, compare_pairs
from kinlink.graph.resolve.comparisons import Comparison, default_comparisons
from kinlink.graph.resolve.completion import Fields, complete_families
from kinlink.graph.resolve.model import FSModel
from kinlink.graph.resolve.one_to_one import join_mutual_best
from kinlink.graph.resolve.prepare import prepare, term_frequencies
from kinlink.graph.resolve.settings import ResolverSettings
from kinlink.graph.resolve.size_guard import SizeBound, Splits, size_bound, split_oversized
from kinlink.graph.resolve.training import reuse, rule_pairs, train
from kinlink.unionfind import pair_codes, split_codes

log = logging.getLogger(__name__)

#: The first columns of ``Resolution.uncertain`` (the comparison levels follow).
UNCERTAIN = ["record_id_a", "record_id_b", "probability", "kind"]
#: Comparisons whose presence on both sides means more than a name tied a pair.
_BEYOND_NAMES = ("dob", "a_number", "other_id")


@dataclass
class Resolution:
    """What the resolver hands to the graph builder.

    Attributes
    ----------
    persons : DataFrame
        ``record_id, person_id``: one row per input record.
    matches : DataFrame
        ``record_id_l, record_id_r, probability`` and one ``<comparison>_level`` column per
        comparison (plus ``match_weight``, ``names_swapped``, ``family_boost`` and ``veto``: a
        field rules the pair out), for the pairs scoring at least ``review_probability``.
    stats : dict
        Counts for logs and reports: pairs per blocking key, model parameters, clustering.
    uncertain : DataFrame
        The identity decisions most worth a second look: ``record_id_a, record_id_b,
        probability, kind`` and the ``<comparison>_level`` columns. ``kind`` is ``near_miss``
        (a pair scoring at least ``near_miss_probability`` whose records stayed in two
        persons), ``name_only`` (a pair merged with no birth date, A-number or other id on
        both sides: a name alone tied them) or ``guard_split`` (an edge the size guard refused
        or cut, :mod:`.size_guard`).
    scorer : Scorer or None
        The fitted model, kept only when asked (``resolve(..., keep_scorer=True)``) by callers
        that explain pairs afterwards, such as the dashboard: it holds the prepared records.
    steps : dict
        With the scorer: the person label of every record (in ``scorer.prepared`` order) after
        each step, ``clustering``, ``bridges``, ``completion`` and ``guard``, to tell which
        step put two records together or apart (:func:`kinlink.graph.resolve.explain.decision`).
    model : dict
        The fitted model as a JSON-ready document (``model.json`` in a report; load it with
        :meth:`FSModel.load` to resolve another bundle with the same weights).
    """

    persons: pd.DataFrame
    matches: pd.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)
    uncertain: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNCERTAIN))
    scorer: Scorer | None = None
    steps: dict[str, np.ndarray] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scorer:
    """A fitted model with everything needed to score any pair of the bundle."""

    prepared: pd.DataFrame
    cols: Columns
    comparisons: tuple[Comparison, ...]
    model: FSModel
    settings: ResolverSettings
    member: pd.DataFrame
    linked: pd.DataFrame | None = None
    unit_index: family.UnitIndex | None = None  # built on first boost once ``linked`` is set
    reviews: Reviews = field(default_factory=Reviews)  # the analyst's decisions it was fitted with

    def weights(self, il: np.ndarray, ir: np.ndarray) -> dict[str, np.ndarray]:
        """Levels, per-comparison weights, tf adjustment and name-swap flags of pairs."""
        levels, swapped = compare_pairs(
            self.comparisons,
            self.cols,
            il,
            ir,
            chunk=self.settings.chunk_pairs,
            workers=self.settings.workers,
        )
        return {"levels": levels, "swapped": swapped, "tf": self.tf(levels, il, ir)}

    def tf(self, levels: np.ndarray, il: np.ndarray, ir: np.ndarray) -> np.ndarray:
        """Term-frequency adjustment of pairs (zeros when switched off)."""
        if not self.settings.term_frequency:
            return np.zeros(len(il), dtype=np.float32)
        return self.model.tf_adjustment(levels, il, ir, self.cols.tf)

    def pair_levels(self, il: np.ndarray, ir: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Comparison levels of pairs and whether a field vetoes them."""
        levels = self.weights(il, ir)["levels"]
        return levels, self.model.veto(levels, self.settings.veto_bits, self.settings.veto_fields)

    def boost(self, il: np.ndarray, ir: np.ndarray, is_anchor: np.ndarray | None = None):
        """Family boost (log2-odds) of pairs, once the unit links are known."""
        if self.linked is None or not self.settings.family_boost_bits:
            return np.zeros(len(il), dtype=np.float32)
        if self.unit_index is None:
            self.unit_index = family.UnitIndex.build(self.member, self.linked, len(self.prepared))
        return self.unit_index.boost(il, ir, self.settings.family_boost_bits, is_anchor)

    def probability(self, il: np.ndarray, ir: np.ndarray) -> np.ndarray:
        """Match probability of arbitrary pairs (family boost included)."""
        w = self.weights(il, ir)
        total = self.model.total_weight(w["levels"]) + w["tf"] + self.boost(il, ir)
        return self.model.probability(total)

    def cluster_probability(self, il: np.ndarray, ir: np.ndarray) -> np.ndarray:
        """Like :meth:`probability`, but 0 for vetoed pairs (what clustering sees)."""
        w = self.weights(il, ir)
        total = self.model.total_weight(w["levels"]) + w["tf"] + self.boost(il, ir)
        veto = self.model.veto(w["levels"], self.settings.veto_bits, self.settings.veto_fields)
        return _vetoed(self.model.probability(total), veto)


def _fields(scorer: Scorer) -> Fields:
    """Column and *else* level of each comparison (what family completion checks)."""
    return Fields(
        {c.name: j for j, c in enumerate(scorer.comparisons)},
        {c.name: len(c.levels) - 1 for c in scorer.comparisons},
    )


def _corroboration(scorer: Scorer) -> Corroboration | None:
    """What clustering checks for confirmed disagreement (``corroborated_fields``): each
    field's values as codes of its first column, and its *else* level."""
    wanted = scorer.settings.corroborated_fields
    fields = [
        (j, c)
        for j, c in enumerate(scorer.comparisons)
        if c.name in wanted and c.columns and c.columns[0] in scorer.cols.codes
    ]
    if not fields:
        return None
    codes = [scorer.cols.codes[c.columns[0]] for _, c in fields]
    where = np.array([j for j, _ in fields])
    other = np.array([len(c.levels) - 1 for _, c in fields])

    def outright(il: np.ndarray, ir: np.ndarray) -> np.ndarray:
        levels = scorer.weights(il, ir)["levels"]
        return levels[:, where] == other

    return Corroboration(codes, outright)


def _vetoed(probability: np.ndarray, veto: np.ndarray) -> np.ndarray:
    """What clustering sees: 0 for a vetoed pair unless the other fields still make it likely.

    A vetoed pair that still scores 0.5 or more (same A-number, same names, but a birth date
    written wrong in a way no level covers) keeps its probability: one bad field among several
    records of one person must not split it.
    """
    return np.where(veto & (probability < 0.5), 0.0, probability)


def _random_pairs(n: int, count: int, rng: np.random.Generator, sources: np.ndarray | None):
    if n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    left = rng.integers(0, n, size=count)
    right = rng.integers(0, n, size=count)
    keep = left != right
    if sources is not None:
        keep &= sources[left] != sources[right]
    return left[keep], right[keep]


def _check_input(individuals: pd.DataFrame) -> None:
    if "record_id" not in individuals.columns:
        raise InputError("individuals has no record_id column")
    if individuals["record_id"].duplicated().any():
        dupes = individuals.loc[individuals["record_id"].duplicated(), "record_id"].head(5)
        raise InputError(f"record_id values repeat: {', '.join(map(str, dupes))}")


def _reviews(reviews: pd.DataFrame | None, record_ids: pd.Series) -> Reviews:
    """Analyst decisions as record index pairs."""
    if reviews is None or reviews.empty:
        return Reviews()
    position = pd.Series(np.arange(len(record_ids)), index=record_ids.astype(str).to_numpy())
    a = reviews["record_id_a"].astype(str).map(position)
    b = reviews["record_id_b"].astype(str).map(position)
    decision = reviews["decision"].astype(str).str.strip().str.lower()
    unknown = a.isna() | b.isna()
    if unknown.any():
        log.warning("%d review rows name unknown records and are ignored", int(unknown.sum()))
    same, different = [], []
    for x, y, d in zip(a[~unknown], b[~unknown], decision[~unknown], strict=True):
        pair = (int(min(x, y)), int(max(x, y)))
        if pair[0] == pair[1]:
            continue
        if d == "same":
            same.append(pair)
        elif d == "different":
            different.append(pair)
        else:
            log.warning("review decision %r is neither 'same' nor 'different'", d)
    return Reviews(tuple(same), tuple(different))


def fit(
    individuals: pd.DataFrame,
    family_units: pd.DataFrame | None,
    settings: ResolverSettings,
    *,
    reviews: pd.DataFrame | None = None,
    comparisons: tuple[Comparison, ...] | None = None,
    model: FSModel | None = None,
) -> tuple[Scorer, dict[str, Any], CandidatePairs]:
    """Prepare, block, compare and fit; returns the scorer, stats and the scored candidates.

    With ``model`` (a model fitted before, :meth:`FSModel.load`), its m and u are used as they
    are and only the prior is estimated here (:func:`.training.reuse`).
    """
    _check_input(individuals)
    clock = time.perf_counter()
    stats: dict[str, Any] = {"records": len(individuals), "seconds": {}}
    comparisons = comparisons or default_comparisons()
    for name in ("veto_fields", "corroborated_fields"):
        unknown = sorted(set(getattr(settings, name)) - {c.name for c in comparisons})
        if unknown:
            raise SettingsError(f"{name} names no comparison: {', '.join(unknown)}")
    prepared, cols, member = _prepare_records(individuals, family_units, comparisons)
    stats["seconds"]["prepare"] = round(time.perf_counter() - clock, 2)

    link_only = settings.links_only
    unique = settings.unique_records(prepared["source"].to_numpy(dtype=object))
    il, ir, counts = candidate_pairs(prepared, default_keys(settings.window), unique=unique)
    stats["blocking"] = counts
    stats["candidate_pairs"] = len(il)
    stats["seconds"]["blocking"] = round(time.perf_counter() - clock, 2)

    loaded = model is not None
    if model is None:
        model = FSModel.from_priors(comparisons)
        model.tf_max_bits = settings.tf_max_bits
    else:
        model = copy.deepcopy(model)
    decided = _reviews(reviews, prepared["record_id"])
    scorer = Scorer(prepared, cols, comparisons, model, settings, member, reviews=decided)
    if not loaded:
        rng = np.random.default_rng(settings.seed)
        sources = prepared["source"].fillna("").to_numpy(dtype=object) if link_only else None
        rl, rr = _random_pairs(len(prepared), settings.u_sample_pairs, rng, sources)
        random_levels = compare_pairs(
            comparisons, cols, rl, rr, chunk=settings.chunk_pairs, workers=settings.workers
        )[0]
        model.estimate_u(random_levels)
        del random_levels
    levels, swapped = compare_pairs(
        comparisons, cols, il, ir, chunk=settings.chunk_pairs, workers=settings.workers
    )
    stats["seconds"]["compare"] = round(time.perf_counter() - clock, 2)

    same, different = decided.same, decided.different
    labelled, labels = None, None
    if decided:
        pairs = np.array(same + different, dtype=np.int64)
        labelled = scorer.weights(pairs[:, 0], pairs[:, 1])["levels"]
        labels = np.r_[np.ones(len(same)), np.zeros(len(different))]
    if loaded:
        fitted = reuse(
            model,
            levels,
            max_iterations=settings.em_max_iterations,
            tolerance=settings.em_tolerance,
        )
    else:
        fitted = train(
            model,
            levels,
            labelled=labelled,
            labels=labels,
            max_iterations=settings.em_max_iterations,
            tolerance=settings.em_tolerance,
        )
    stats["fit"] = fitted.as_dict()
    stats.setdefault("warnings", []).extend(f"model: {w}" for w in fitted.warnings())
    tf = scorer.tf(levels, il, ir)
    stats["em_iterations"] = model.iterations
    stats["prior"] = model.prior
    stats["model"] = model.table()
    stats["seconds"]["fit"] = round(time.perf_counter() - clock, 2)

    base = model.total_weight(levels) + tf
    boost = np.zeros(len(il), dtype=np.float32)
    probability = None  # of ``base``, once computed (each pair's is its own: kept, extended)
    if settings.family_boost_bits and not member.empty:
        probability = model.probability(base)
        linked, _ = family.linked_units(
            member, il, ir, probability, anchor=settings.family_anchor_probability
        )
        scorer.linked = linked
        nl, nr = _family_pairs(scorer, il, ir, linked, stats)
        if len(nl):
            extra = scorer.weights(nl, nr)
            il, ir = np.concatenate([il, nl]), np.concatenate([ir, nr])
            levels = np.concatenate([levels, extra["levels"]])
            swapped = np.concatenate([swapped, extra["swapped"]])
            tf = np.concatenate([tf, extra["tf"]])
            extra_base = model.total_weight(extra["levels"]) + extra["tf"]
            base = np.concatenate([base, extra_base])
            probability = np.concatenate([probability, model.probability(extra_base)])
            del extra_base
        stats["candidate_pairs"] = len(il)
        boost = _family_boost(scorer, il, ir, base, probability)
        stats["family_boosted_pairs"] = int((boost > 0).sum())
    weight = base + boost
    del base
    if probability is None:
        probability = model.probability(weight)
    else:  # a pair without boost keeps the probability of its base weight (weight == base)
        moved = np.flatnonzero(boost != 0)
        probability[moved] = model.probability(weight[moved])
    stats["seconds"]["family"] = round(time.perf_counter() - clock, 2)
    veto = model.veto(levels, settings.veto_bits, settings.veto_fields)
    stats["vetoed_pairs"] = int(veto.sum())
    candidates = CandidatePairs(il, ir, levels, swapped, tf, boost, weight, veto, probability)
    return scorer, stats, candidates


def saved_scorer(
    individuals: pd.DataFrame,
    family_units: pd.DataFrame | None,
    model: FSModel,
    settings: ResolverSettings,
    *,
    unit_links: pd.DataFrame | None = None,
    comparisons: tuple[Comparison, ...] | None = None,
) -> Scorer:
    """A scorer for a model fitted before (a report's ``model.json``), used as it is: no
    blocking, no comparing, no fitting; only the records are prepared.

    With ``unit_links`` (the unit pairs the resolution's family boost stood on, as a report
    saves them), pairs get the family boost they got in the resolution; without, none.
    """
    _check_input(individuals)
    comparisons = comparisons or default_comparisons()
    prepared, cols, member = _prepare_records(individuals, family_units, comparisons)
    scorer = Scorer(prepared, cols, comparisons, copy.deepcopy(model), settings, member)
    if unit_links is not None and settings.family_boost_bits and not member.empty:
        scorer.linked = unit_links
    return scorer


def _prepare_records(
    individuals: pd.DataFrame,
    family_units: pd.DataFrame | None,
    comparisons: tuple[Comparison, ...],
) -> tuple[pd.DataFrame, Columns, pd.DataFrame]:
    """The prepared records, their comparison columns and their unit memberships."""
    prepared = prepare(individuals)
    frequencies = {
        c: term_frequencies(prepared[c]).to_numpy()
        for c in {lev.tf for comp in comparisons for lev in comp.levels if lev.tf}
    }
    cols = Columns.from_prepared(prepared, comparisons, tf=frequencies)
    member = family.memberships(prepared["record_id"], family_units)
    return prepared, cols, member


def _family_boost(
    scorer: Scorer, il: np.ndarray, ir: np.ndarray, base: np.ndarray, probability: np.ndarray
) -> np.ndarray:
    """The family boost of each pair, computed for the pairs it could move across the conflict
    or match thresholds only (0 for the others); ``probability`` is that of ``base``."""
    model, settings = scorer.model, scorer.settings
    boosted = model.probability(base + settings.family_boost_bits)
    reach = boosted >= settings.conflict_probability
    del boosted
    near = np.flatnonzero(reach & (probability < 0.999999))
    del reach
    anchor = probability[near] >= settings.family_anchor_probability
    boost = np.zeros(len(il), dtype=np.float32)
    boost[near] = scorer.boost(il[near], ir[near], anchor)
    return boost


def _family_pairs(
    scorer: Scorer, il: np.ndarray, ir: np.ndarray, linked: pd.DataFrame, stats: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs across linked family units that blocking (``il, ir``) missed."""
    codes = family.pairs_across_linked_units(scorer.member, linked)
    known = pair_codes(il, ir, ordered=True)  # sorted: candidate_pairs returns code order
    at = np.minimum(np.searchsorted(known, codes), max(len(known) - 1, 0))
    new = codes[known[at] != codes] if len(known) else codes
    stats["blocking"]["family_units"] = {"pairs": len(codes), "new": len(new)}
    log.info("blocking key family_units: %d candidate pairs (%d new)", len(codes), len(new))
    return split_codes(new, np.int32)


def resolve(
    individuals: pd.DataFrame,
    family_units: pd.DataFrame | None = None,
    *,
    settings: ResolverSettings | None = None,
    reviews: pd.DataFrame | None = None,
    progress: bool = False,
    keep_scorer: bool = False,
    model: FSModel | None = None,
) -> Resolution:
    """Group records into persons.

    Parameters
    ----------
    individuals : DataFrame
        The loaded individuals (DESIGN.md); ``record_id`` must be unique.
    family_units : DataFrame, optional
        ``family_unit_id, record_id``: same unit + same source means different people, and
        matched relatives boost each other.
    settings : ResolverSettings, optional
    reviews : DataFrame, optional
        ``record_id_a, record_id_b, decision`` (``same`` / ``different``): must-links and
        cannot-links; they also act as labelled pairs for the model.
    progress : bool
        Log each step at INFO (the CLI shows them).
    keep_scorer : bool
        Return the fitted model in ``Resolution.scorer`` (to explain pairs without refitting).
    model : FSModel, optional
        A model fitted before (``model.json`` of an earlier report, :meth:`FSModel.load`):
        its m and u are used as they are and only the prior is estimated on this bundle.

    Returns
    -------
    Resolution

    Raises
    ------
    kinlink.errors.InputError
        ``record_id`` missing or repeated.

    Notes
    -----
    Linear in the records times the blocking window; see :mod:`.blocking`.
    """
    settings = settings or ResolverSettings()
    start = time.perf_counter()
    if len(individuals) < 2:
        _check_input(individuals)
        ids = individuals["record_id"].astype(str).reset_index(drop=True)
        persons = pd.DataFrame({"record_id": ids, "person_id": [person_id([r]) for r in ids]})
        return Resolution(
            persons,
            pd.DataFrame(columns=["record_id_l", "record_id_r", "probability"]),
            {"records": len(ids)},
        )
    scorer, stats, cand = fit(individuals, family_units, settings, reviews=reviews, model=model)
    decided = scorer.reviews
    _log_model(scorer.model, stats["fit"])
    prepared, n = scorer.prepared, len(scorer.prepared)
    keys: dict[int, set[str]] = {}
    sources = prepared["source"].fillna("").to_numpy(dtype=object)
    unique = settings.unique_records(sources)
    if settings.family_constraints or unique is not None or decided.different:
        member = scorer.member if settings.family_constraints else scorer.member.iloc[0:0]
        keys = family.cannot_link_keys(
            sources,
            member,
            unique=unique,
            different=list(decided.different),
        )
    same = list(decided.same)  # an analyst's "same"
    rule = rule_pairs(cand.levels, scorer.comparisons)[0]
    bound = size_bound(
        n,
        cand.il,
        cand.ir,
        rule,
        minimum=settings.guard_min_records,
        factor=settings.guard_factor,
    )
    del rule
    seen = _vetoed(cand.probability, cand.veto)  # what clustering and the checks see
    seen.setflags(write=False)
    labels, cstats = cluster(
        n,
        cand.il,
        cand.ir,
        seen,
        threshold=settings.match_threshold,
        conflict=settings.conflict_probability,
        cannot_link=keys,
        must_link=same,
        score=scorer.cluster_probability,
        max_component=settings.max_component,
        ambiguity=settings.ambiguity_bits,
        max_size=bound.records,
        agreement=settings.guard_agreement,
        corroboration=_corroboration(scorer),
        coherence=settings.join_coherence,
    )
    size_refused = cstats.size_refused
    cstats.size_refused = []
    stats["clustering"] = cstats.__dict__
    steps = {"clustering": labels}
    if settings.family_constraints and not scorer.member.empty:
        if settings.detach_weak_bridges:
            labels, detached = detach_weak_bridges(
                scorer.member,
                labels,
                scorer.pair_levels,
                _fields(scorer),
                must_link=same,
            )
            stats["bridges_detached"] = detached
            steps["bridges"] = labels
            (log.info if progress else log.debug)(
                "detached %d sides of persons that only a name tied to another family", detached
            )
        labels, completed = complete_families(
            prepared,
            scorer.member,
            labels,
            keys,
            scorer.pair_levels,
            _fields(scorer),
            must_link=same,
        )
        stats["family_completed"] = completed
        steps["completion"] = labels
        (log.info if progress else log.debug)(
            "family completion merged %d leftover unit members", completed
        )
    if unique is not None:
        labels, joined = join_mutual_best(
            labels,
            cand.il,
            cand.ir,
            seen,
            sources,
            unique,
            keys,
            scorer.cluster_probability,
            low=settings.unique_best_probability,
            high=settings.match_threshold,
            conflict=settings.conflict_probability,
        )
        stats["unique_best_joined"] = joined
        steps["unique_best"] = labels
    labels, splits = split_oversized(
        labels,
        cand.il,
        cand.ir,
        seen,
        scorer.cluster_probability,
        bound=bound.records,
        threshold=settings.match_threshold,
        agreement=settings.guard_agreement,
        must_link=same,
    )
    steps["guard"] = labels
    stats["guard"] = _guard_stats(bound, size_refused, splits, stats)
    stats["seconds"]["cluster"] = round(time.perf_counter() - start, 2)
    persons = pd.DataFrame(
        {
            "record_id": prepared["record_id"].to_numpy(),
            "person_id": person_ids(prepared["record_id"], labels).to_numpy(),
        }
    )
    stats["persons"] = int(persons["person_id"].nunique())
    keep = cand.probability >= settings.review_probability
    matches = _matches(scorer, cand, keep)
    stats["matches"] = len(matches)
    uncertain = _uncertain(scorer, cand, labels, size_refused + splits.cut, settings)
    stats["uncertain"] = uncertain["kind"].value_counts().to_dict()
    for text in stats.get("warnings", []):
        log.warning("%s", text)
    stats["seconds"]["total"] = round(time.perf_counter() - start, 2)
    log_step = log.info if progress else log.debug
    log_step(
        "resolved %d records into %d persons in %.1fs",
        n,
        stats["persons"],
        stats["seconds"]["total"],
    )
    document = scorer.model.to_dict(fit=stats["fit"])
    if not keep_scorer:
        return Resolution(persons, matches, stats, uncertain, model=document)
    return Resolution(persons, matches, stats, uncertain, scorer, steps, model=document)


def resolution_summary(resolution: Any) -> dict[str, Any]:
    """What a report says about its resolution (``summary.json``): the model's fit, the size
    guard, the warnings and the counts of uncertain decisions. Nothing identifying.

    Examples
    --------
    >>> resolution_summary(None)
    {}
    """
    stats = getattr(resolution, "stats", None) or {}
    if not stats:
        return {}
    return {
        "records": stats.get("records"),
        "persons": stats.get("persons"),
        "candidate_pairs": stats.get("candidate_pairs"),
        "fit": stats.get("fit", {}),
        "size_guard": stats.get("guard", {}),
        "uncertain": stats.get("uncertain", {}),
        "warnings": list(stats.get("warnings", [])),
    }


def _log_model(model: FSModel, fit: dict[str, Any]) -> None:
    """The fitted weights, one line per level (shown by ``kinlink report -v``)."""
    state = "converged" if fit.get("converged") else "stopped"
    log.info(
        "model: %s; match prior among candidates %.4g (%s after %d EM iterations)",
        fit.get("stage", ""),
        model.prior,
        state,
        fit.get("iterations", 0),
    )
    for line in model.describe():
        log.info("  %s", line)


def _guard_stats(
    bound: SizeBound, refused: list[tuple[int, int, float]], splits: Splits, stats: dict[str, Any]
) -> dict[str, Any]:
    """The size guard's figures, and a warning when it acted."""
    out = {
        **bound.as_dict(),
        "merges_refused": len(refused),
        "persons_checked": splits.persons_checked,
        "persons_split": splits.persons_split,
        "records_moved": splits.records_moved,
    }
    if refused or splits.persons_split:
        stats.setdefault("warnings", []).append(
            f"size guard: a person may hold {bound.records} records unless they agree; "
            f"{len(refused)} merges past it were refused and {splits.persons_split} persons "
            f"were split ({splits.records_moved} records moved)"
        )
    return out


def _uncertain(
    scorer: Scorer,
    cand: CandidatePairs,
    labels: np.ndarray,
    guarded: list[tuple[int, int, float]],
    settings: ResolverSettings,
) -> pd.DataFrame:
    """Near misses, name-only merges and guard splits (``Resolution.uncertain``)."""
    il, ir, p = cand.il, cand.ir, cand.probability
    # both kinds score at least one of the thresholds: look at those pairs only
    likely = np.flatnonzero(p >= min(settings.near_miss_probability, settings.match_threshold))
    together = labels[il[likely]] == labels[ir[likely]]
    near = likely[~together & (p[likely] >= settings.near_miss_probability)]
    names = {c.name: j for j, c in enumerate(scorer.comparisons)}
    beyond = np.zeros(len(likely), dtype=bool)
    for name in _BEYOND_NAMES:
        if name in names:
            beyond |= cand.levels[likely, names[name]] > 0
    name_only = likely[together & ~beyond & (p[likely] >= settings.match_threshold)]
    gl = np.array([a for a, _, _ in guarded], dtype=np.int64)
    gr = np.array([b for _, b, _ in guarded], dtype=np.int64)
    gp = np.array([q for _, _, q in guarded], dtype=float)
    left = np.concatenate([il[near], il[name_only], np.minimum(gl, gr)])
    right = np.concatenate([ir[near], ir[name_only], np.maximum(gl, gr)])
    kind = np.repeat(
        np.array(["near_miss", "name_only", "guard_split"], dtype=object),
        [len(near), len(name_only), len(gl)],
    )
    parts = [cand.levels[near], cand.levels[name_only]]
    if len(gl):
        parts.append(scorer.weights(np.minimum(gl, gr), np.maximum(gl, gr))["levels"])
    levels = np.concatenate(parts)
    ids = scorer.prepared["record_id"].to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "record_id_a": ids[left],
            "record_id_b": ids[right],
            "probability": np.concatenate([p[near], p[name_only], np.clip(gp, 0.0, 1.0)]),
            "kind": pd.Categorical(kind, categories=["near_miss", "name_only", "guard_split"]),
        }
    )
    for j, comp in enumerate(scorer.comparisons):
        frame[f"{comp.name}_level"] = pd.Categorical.from_codes(
            levels[:, j].astype(np.int64), categories=comp.labels()
        )
    return frame


def _matches(scorer: Scorer, cand: CandidatePairs, keep: np.ndarray) -> pd.DataFrame:
    ids = scorer.prepared["record_id"].to_numpy(dtype=object)
    il, ir = cand.il[keep], cand.ir[keep]
    frame = pd.DataFrame(
        {
            "record_id_l": ids[il],
            "record_id_r": ids[ir],
            "probability": cand.probability[keep],
            "match_weight": cand.weight[keep],
        }
    )
    for j, comp in enumerate(scorer.comparisons):
        frame[f"{comp.name}_level"] = pd.Categorical.from_codes(
            cand.levels[keep, j].astype(np.int64), categories=comp.labels()
        )
    frame["names_swapped"] = cand.swapped[keep]
    frame["family_boost"] = cand.boost[keep]
    frame["veto"] = cand.veto[keep]
    order = np.lexsort((ir, il))  # record order of the bundle, cheaper than sorting strings
    return frame.iloc[order].reset_index(drop=True)
