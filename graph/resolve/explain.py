"""Why two records are (or are not) the same person: each field's level and weight."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinlink.errors import InputError
from kinlink.graph.resolve.pipeline import Scorer, fit
from kinlink.graph.resolve.settings import ResolverSettings


def explain_with(scorer: Scorer, record_a: str, record_b: str) -> pd.DataFrame:
    """Explain one pair with an already fitted scorer.

    Returns
    -------
    DataFrame
        One row per comparison (``field, value_a, value_b, level, m, u, weight``) then rows
        ``term_frequency``, ``family_boost``, ``prior`` and ``total``; ``weight`` is in bits
        (log2 Bayes factor) and ``probability`` (on the ``total`` row) is the match probability.
    """
    ids = scorer.prepared["record_id"].astype(str)
    position = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    missing = [r for r in (record_a, record_b) if str(r) not in position.index]
    if missing:
        raise InputError(f"unknown record id(s): {', '.join(map(str, missing))}")
    a, b = int(position[str(record_a)]), int(position[str(record_b)])
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
        rows.append({
            "field": comp.name,
            "value_a": scorer.prepared.at[a, column] if column in scorer.prepared else None,
            "value_b": scorer.prepared.at[b, column] if column in scorer.prepared else None,
            "level": comp.levels[k].label, "m": float(model.m[j][k]),
            "u": float(model.u[j][k]), "weight": float(w["bf"][0, j]),
        })  # fmt: skip
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
