"""Guards of the resolver: fitting that cannot run away and persons that cannot run away."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinlink.graph.resolve import ResolverSettings, resolve
from kinlink.graph.resolve.cluster import cluster
from kinlink.graph.resolve.comparisons import default_comparisons, exact_or_else
from kinlink.graph.resolve.model import FSModel
from kinlink.graph.resolve.size_guard import size_bound, split_oversized
from kinlink.graph.resolve.training import (
    M_ELSE_MAX,
    MIN_CHECKED_PAIRS,
    NO_RULE_PRIOR,
    rule_prior,
    train,
    weight_problems,
)

from .runaway import runaway_bundle


@pytest.fixture(scope="module")
def runaway() -> tuple[pd.DataFrame, object]:
    frame, _ = runaway_bundle(families=20, size=80)
    return frame, resolve(frame)


def test_a_bundle_built_to_make_em_diverge_makes_no_giant_person(runaway) -> None:
    frame, resolution = runaway
    sizes = resolution.persons["person_id"].value_counts()
    guard = resolution.stats["guard"]
    # without the guards this bundle gave a person of 167 records (20 families of 80)
    assert sizes.max() <= max(guard["max_records"], 30)
    assert guard["max_records"] < 40
    # every record is still in exactly one person
    assert sorted(resolution.persons["record_id"]) == sorted(frame["record_id"])


def test_the_run_says_which_guard_acted(runaway) -> None:
    _, resolution = runaway
    fit = resolution.stats["fit"]
    assert fit["fallbacks"] and fit["stage"] == "declared priors"
    warnings = " ".join(resolution.stats["warnings"])
    assert "upper bound" in warnings and "declared priors" in warnings


def test_a_person_above_the_bound_stays_whole_when_its_records_agree() -> None:
    # six records, every pair a match: above a bound of 3, but they really agree
    a, b = np.triu_indices(6, 1)
    p = np.full(len(a), 0.97)

    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.full(len(left), 0.97)

    labels, stats = cluster(
        6,
        a,
        b,
        p,
        threshold=0.9,
        conflict=0.001,
        cannot_link={},
        score=score,
        max_component=100,
        max_size=3,
    )
    assert len(set(labels.tolist())) == 1 and stats.refused_size == 0
    labels, splits = split_oversized(labels, a, b, p, score, bound=3, threshold=0.9, agreement=0.8)
    assert len(set(labels.tolist())) == 1 and splits.persons_checked == 1
    assert splits.persons_split == 0


def test_rule_prior_bounds_the_share_of_matches() -> None:
    comps = tuple(exact_or_else(c) for c in ("given_names", "surnames", "dob"))
    levels = np.array([[1, 1, 1]] * 10 + [[1, 2, 1]] * 30 + [[2, 2, 2]] * 60, dtype=np.int8)
    est = rule_prior(levels, comps)
    assert est.share == pytest.approx(0.1)
    assert est.low == pytest.approx(0.05) and est.high == pytest.approx(0.4)
    assert est.low <= est.start <= est.high


def test_em_prior_stays_inside_the_rule_band() -> None:
    comps = tuple(exact_or_else(c) for c in ("given_names", "surnames", "dob"))
    model = FSModel.from_priors(comps)
    # random pairs: nearly everything disagrees
    model.estimate_u(np.array([[2, 2, 2]] * 990 + [[1, 2, 2]] * 10, dtype=np.int8))
    levels = np.array([[1, 1, 1]] * 10 + [[1, 1, 2]] * 400 + [[2, 2, 2]] * 590, dtype=np.int8)
    report = train(model, levels)
    rule = report.rule_prior
    assert rule is not None and rule.low - 1e-12 <= model.prior <= rule.high + 1e-12


def test_weight_checks_catch_a_backwards_fit() -> None:
    comps = default_comparisons()
    model = FSModel.from_priors(comps)
    levels = np.ones((MIN_CHECKED_PAIRS, len(comps)), dtype=np.int8)
    assert weight_problems(model, levels) == {}
    j = [c.name for c in comps].index("dob")
    model.m[j][1], model.u[j][1] = 0.01, 0.5  # exact birth dates weighing against a match
    assert "dob: exact agreement weighed against" in weight_problems(model, levels)[j]
    model = FSModel.from_priors(comps)
    g = [c.name for c in comps].index("given_names")
    model.m[g][-1] = M_ELSE_MAX + 0.2  # "most matches disagree on their given names"
    model.u[g][-1] = 0.9
    assert "disagree on it outright" in weight_problems(model, levels)[g]


def test_size_bound_follows_the_rule_groups() -> None:
    n = 40
    il = np.arange(0, 30, 1)
    ir = il + 1
    rule = np.zeros(len(il), dtype=bool)
    rule[:4] = True  # one group of five records
    assert size_bound(n, il, ir, rule, minimum=3, factor=2).records == 10
    assert size_bound(n, il, ir, rule, minimum=12, factor=2).records == 12


def test_clustering_refuses_merges_past_the_size_bound() -> None:
    # a chain of 8 records whose neighbours match, nothing else scored high
    il, ir = np.arange(7), np.arange(1, 8)
    p = np.full(7, 0.95)

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(np.abs(a - b) == 1, 0.95, 0.3)

    labels, stats = cluster(
        8,
        il,
        ir,
        p,
        threshold=0.9,
        conflict=0.001,
        cannot_link={},
        score=score,
        max_component=100,
        max_size=4,
    )
    assert np.bincount(labels).max() <= 4
    assert stats.refused_size >= 1 and len(stats.size_refused) == stats.refused_size


def test_split_never_cuts_an_analysts_same() -> None:
    il, ir = np.arange(5), np.arange(1, 6)
    p = np.full(5, 0.95)

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(np.abs(a - b) == 1, 0.95, 0.01)

    labels, splits = split_oversized(
        np.zeros(6, dtype=np.int64),
        il,
        ir,
        p,
        score,
        bound=2,
        threshold=0.9,
        agreement=0.8,
        must_link=[(a, a + 1) for a in range(5)],
    )
    assert len(set(labels.tolist())) == 1 and splits.persons_split == 0


def test_uncertain_decisions_are_kept_for_review() -> None:
    frame = pd.DataFrame(
        {
            "record_id": ["a", "b", "c", "d", "e"],
            "source": ["CBP", "NGO", "CBP", "NGO", "EOIR"],
            "given_names": ["Ana María", "Ana", "Luis", "Luis", "Pedro"],
            "surnames": ["Paz Ruiz", "Paz", "Soto Vega", "Soto Vega", "Lara"],
            "dob": pd.to_datetime(["1990-01-02", None, "1985-05-06", "1985-06-05", "1970-01-01"]),
        }
    )
    resolution = resolve(frame, settings=ResolverSettings(near_miss_probability=0.01))
    uncertain = resolution.uncertain
    assert list(uncertain.columns[:4]) == ["record_id_a", "record_id_b", "probability", "kind"]
    assert {f"{c.name}_level" for c in default_comparisons()} <= set(uncertain.columns)
    assert set(uncertain["kind"].astype(str)) <= {"near_miss", "name_only", "guard_split"}
    persons = resolution.persons.set_index("record_id")["person_id"]
    for row in uncertain.itertuples():
        together = persons[row.record_id_a] == persons[row.record_id_b]
        assert together == (row.kind == "name_only")
    name_only = uncertain[uncertain["kind"] == "name_only"]
    assert (name_only["dob_level"] == "null").all()


def test_a_birth_year_agreement_counts_for_the_rules_and_no_rule_means_a_usable_prior() -> None:
    comps = default_comparisons()
    names = [c.name for c in comps]
    labels = {c.name: c.labels() for c in comps}
    row = np.zeros(len(comps), dtype=np.int8)
    row[names.index("given_names")] = labels["given_names"].index("exact")
    row[names.index("surnames")] = labels["surnames"].index("exact")
    row[names.index("dob")] = labels["dob"].index("year")  # both known to the year only
    other = np.array([len(c.levels) - 1 if k else 0 for c, k in zip(comps, row, strict=True)])
    levels = np.vstack([row] * 10 + [other.astype(np.int8)] * 30)  # else on all three
    assert rule_prior(levels, comps).share == pytest.approx(0.25)
    none = rule_prior(levels[10:], comps)
    assert none.share == 0.0 and none.start == NO_RULE_PRIOR


def test_a_handful_of_records_cannot_fit_same_nationality_as_same_person() -> None:
    # an intake sheet of six people in two families, no family column: EM on its 9 candidate
    # pairs once called "same nationality" a match and every name and birth date an outright
    # disagreement among matches, and merged a mother with her son and a father with his
    # daughter
    frame = pd.DataFrame(
        {
            "record_id": ["R2", "R3", "R4", "R5", "R6", "R7"],
            "source": ["INTAKE"] * 6,
            "a_number": ["208123456", "208123457", "208123458", "", "", "208123460"],
            "given_names": ["Ana María", "Luis", "José", "Rosa", "Pedro", "Marta"],
            "surnames": ["Paz Rivas", "Paz Rivas", "Núñez", "Núñez Cruz", "Núñez Cruz", "López"],
            "dob": pd.to_datetime(
                ["1988-03-14", "2012-07-02", "1985-12-31", "2015-01-15", "2016-06-01", "1990-09-09"]
            ),
            "nationality": ["HND", "HND", "GTM", "GTM", "MEX", "SLV"],
        }
    )
    resolution = resolve(frame)
    assert resolution.persons["person_id"].nunique() == 6
    assert any("declared priors" in w for w in resolution.stats["warnings"])


def test_a_rare_value_is_worth_no_more_in_a_bigger_bundle() -> None:
    # u among the candidates stays near 0.2 for an exact birth date whatever the size, while a
    # value's frequency falls as 1/N: uncapped, log2(u / freq) grew by 3.3 bits per field from
    # 40k to 400k records and a rare given name plus its birth date outweighed two entirely
    # different surnames (400k records without identifiers: 2,700 false pairs)
    settings = ResolverSettings()
    comparisons = default_comparisons()
    model = FSModel.from_priors(comparisons)
    model.tf_max_bits = settings.tf_max_bits
    j = next(i for i, c in enumerate(comparisons) if c.name == "dob")
    exact = next(k for k, lev in enumerate(comparisons[j].levels) if lev.label == "exact")
    model.u[j][exact] = 0.2
    levels = np.zeros((1, len(comparisons)), dtype=np.int8)
    levels[0, j] = exact
    pair = np.array([0]), np.array([1])

    def bonus(records: int) -> float:
        freq = np.full(2, 1.0 / records)
        return float(model.tf_adjustment(levels, *pair, {"dob": freq})[0])

    assert bonus(40_000) == bonus(400_000) == pytest.approx(settings.tf_max_bits)
