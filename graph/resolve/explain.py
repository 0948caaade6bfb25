"""Why two records are (or are not) the same person: each field's level and weight, and the
step of the resolution that put them together or kept them apart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinlink.errors import InputError
from kinlink.graph.resolve.resolver import Resolution, Scorer, fit
from kinlink.graph.resolve.settings import ResolverSettings


def _positions(scorer: Scorer, record_a: str, record_b: str) -> tuple[int, int]:
    """Where two record ids sit in the scorer's records; an unknown id is an InputError."""
    ids = scorer.prepared["record_id"].astype(str)
    position = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    missing = [r for r in (record_a, record_b) if str(r) not in position.index]
    if missing:
        raise InputError(f"unknown record id(s): {', '.join(map(str, missing))}")
    return int(position[str(record_a)]), int(position[str(record_b)])


def explain_with(scorer: Scorer, record_a: str, record_b: str) -> pd.DataFrame:
    """Explain one pair with an already fitted scorer.

    Returns
    -------
    DataFrame
        One row per comparison (``field, value_a, value_b, level, m, u, weight``) then rows
        ``term_frequency``, ``family_boost``, ``prior`` and ``total``; ``weight`` is in bits
        (log2 Bayes factor) and ``probability`` (on the ``total`` row) is the match probability.
    """
    a, b = _positions(scorer, record_a, record_b)
    il, ir = np.array([a]), np.array([b])
    w = scorer.weights(il, ir)
    w["bf"] = scorer.model.log2_bayes_factors(w["levels"])
    base = scorer.model.probability(w["bf"].sum(axis=1) + w["tf"])
    # the pair's own confidence does not count as evidence for itself
    boost = float(scorer.boost(il, ir, base >= scorer.settings.family_anchor_probability)[0])
    model = scorer.model
    rows = []
    for j, comp in enumerate(scorer.comparisons):
        k = int(w["levels"][0, j])
        column = comp.columns[0] if comp.columns else comp.name
        rows.append(
            {
                "field": comp.name,
                "value_a": scorer.prepared.at[a, column] if column in scorer.prepared else None,
                "value_b": scorer.prepared.at[b, column] if column in scorer.prepared else None,
                "level": comp.levels[k].label,
                "m": float(model.m[j][k]),
                "u": float(model.u[j][k]),
                "weight": float(w["bf"][0, j]),
            }
        )
    prior = float(np.log2(model.prior / (1 - model.prior)))
    total = float(w["bf"][0].sum() + w["tf"][0] + boost)
    probability = float(model.probability(np.array([total]))[0])
    rows += [
        {"field": "term_frequency", "weight": float(w["tf"][0])},
        {"field": "family_boost", "weight": boost},
        {"field": "prior", "weight": prior},
        {"field": "total", "weight": total + prior, "probability": probability},
    ]
    frame = pd.DataFrame(
        rows, columns=["field", "value_a", "value_b", "level", "m", "u", "weight", "probability"]
    )
    frame.attrs["names_swapped"] = bool(w["swapped"][0])
    return frame


def explain_pair(
    individuals: pd.DataFrame,
    family_units: pd.DataFrame | None,
    record_a: str,
    record_b: str,
    *,
    settings: ResolverSettings | None = None,
) -> pd.DataFrame:
    """Fit the model on the bundle and explain the pair ``record_a``, ``record_b``.

    Raises
    ------
    kinlink.errors.InputError
        A record id is not in ``individuals``.

    See Also
    --------
    explain_with : the same with a scorer already fitted.
    """
    ids = set(individuals["record_id"].astype(str))
    missing = [r for r in (record_a, record_b) if str(r) not in ids]
    if missing:
        raise InputError(f"unknown record id(s): {', '.join(map(str, missing))}")
    scorer, _, _ = fit(individuals, family_units, settings or ResolverSettings())
    return explain_with(scorer, record_a, record_b)


def decision(resolution: Resolution, record_a: str, record_b: str) -> str:
    """Whether two records ended up one person, and which step decided it, in a sentence.

    Needs a resolution made with ``resolve(..., keep_scorer=True)`` (its ``steps``).

    Raises
    ------
    kinlink.errors.InputError
        A record id is unknown, or the resolution kept no steps.
    """
    if resolution.scorer is None or not resolution.steps:
        raise InputError("the resolution kept no steps: resolve with keep_scorer=True")
    a, b = _positions(resolution.scorer, record_a, record_b)
    together = {step: bool(labels[a] == labels[b]) for step, labels in resolution.steps.items()}
    clustered = together["clustering"]
    final = list(together.values())[-1]
    steps = list(together)
    if "guard" in together and together[steps[steps.index("guard") - 1]] and not final:
        return (
            "Two persons: the steps before joined them, but the person they made held more "
            "records than the size guard allows without those records agreeing, and it was "
            "split at its weakest links, between these two."
        )
    if not clustered and together.get("unique_best") and final:
        return (
            "One person: their sources each hold a person once, and each record was the "
            "other's best candidate in its source, with a probability of at least "
            f"{resolution.scorer.settings.unique_best_probability:g}."
        )
    if clustered and final:
        return (
            "One person: clustering joined them, directly or through records both match strongly."
        )
    if clustered and not together.get("bridges", True):
        return (
            "Two persons: clustering joined them, but these records were the only link between "
            "two families and agree on nothing but names (no birth date, A-number, other id or "
            "phone), so the person was cut between the families."
        )
    if clustered:
        return (
            "Two persons: clustering joined them, but family completion moved one record to "
            "the unmatched member of its own family unit, whom it fits, since nothing but names "
            "tied it to the other."
        )
    if final:
        return (
            "One person: family completion joined them. Their family units share other "
            "persons, and each was the other's only compatible unmatched member."
        )
    threshold = resolution.scorer.settings.match_threshold
    probability = resolution.scorer.cluster_probability(
        np.array([min(a, b)]), np.array([max(a, b)])
    )[0]
    if probability < threshold:
        return (
            f"Two persons: their match probability {probability:.3g} is under the "
            f"threshold {threshold:g}."
        )
    return (
        f"Two persons, although their match probability {probability:.3g} reaches the "
        f"threshold {threshold:g}: joining them would put together records that contradict "
        "each other, two records one source listed in one family unit, a record that fits "
        "two different persons about equally well, or a person larger than the size guard "
        "allows whose records do not agree."
    )


#: What the rows of an explanation that are not comparisons mean, for a reader.
TERMS = {
    "term_frequency": "how common the agreeing names are in this data: agreeing on a rare name "
    "weighs more than agreeing on a common one (a negative value: the names are common)",
    "family_boost": "evidence from relatives: records in family units whose other members match "
    "each other",
    "prior": "the odds of a match before any comparison (how many pairs match, as fitted)",
    "total": "the sum, in bits (log2 of the odds); the probability follows from it",
}


def explanation_text(frame: pd.DataFrame, verdict: str = "") -> str:
    """An explanation (:func:`explain_with`) as text: no ``NaN``, a swap of given names and
    surnames said in words, and the non-comparison rows explained.

    Examples
    --------
    >>> frame = pd.DataFrame({"field": ["sex", "term_frequency", "prior", "total"],
    ...     "value_a": ["F", None, None, None], "value_b": ["F", None, None, None],
    ...     "level": ["exact", None, None, None], "m": [0.99, None, None, None],
    ...     "u": [0.5, None, None, None], "weight": [0.98, -1.5, -9.0, -9.52],
    ...     "probability": [None, None, None, 0.0014]})
    >>> frame.attrs["names_swapped"] = True
    >>> text = explanation_text(frame)
    >>> "NaN" in text, "crosswise" in text, "how common" in text
    (False, True, True)
    """
    shown = frame.copy()
    for column in ("m", "u"):
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.3g}")
    shown["weight"] = shown["weight"].map(lambda v: "" if pd.isna(v) else f"{v:+.2f}")
    shown["probability"] = shown["probability"].map(lambda v: "" if pd.isna(v) else f"{v:.4g}")
    for column in ("value_a", "value_b", "level"):
        shown[column] = shown[column].map(lambda v: "" if v is None or pd.isna(v) else str(v))
    lines = [shown.to_string(index=False)]
    if frame.attrs.get("names_swapped"):
        lines.append(
            "\nGiven names and surnames were compared crosswise: one record has them in each "
            "other's columns (the given names of one are the surnames of the other), and they "
            "agree that way."
        )
    lines.append("")
    present = set(frame["field"])
    lines += [f"{name}: {meaning}" for name, meaning in TERMS.items() if name in present]
    lines.append("weight: log2 of m/u, the evidence for a match (negative: against)")
    if verdict:
        lines += ["", verdict]
    return "\n".join(lines)
