"""The Overview page's numbers: headline counts, flags by code, nationality and court, quality.

Examples
--------
>>> counts_frame({"HND": 3, "GTM": 5}, "nationality", "members").values.tolist()
[['GTM', 5], ['HND', 3]]
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kinlink.dashboard.data import DashboardData
from kinlink.queries.flags import RULES

__all__ = [
    "METRICS_PER_ROW",
    "by_code",
    "by_court",
    "by_nationality",
    "counts_frame",
    "headline",
    "since",
    "table_counts",
]

#: Metrics per row on the Overview page: at the page's width four keep every label whole.
METRICS_PER_ROW = 4

HEADLINE_LABELS = {
    "records": "Records",
    "persons": "Persons",
    "families_of_two_or_more": "Families (2+ persons)",
    "cases": "Cases",
    "hearings": "Hearings",
    "flagged_families": "Flagged families",
    "flags": "Flags",
}


def counts_frame(counts: Mapping[str, int], label: str, value: str, *, limit: int = 25):
    """A two-column frame (``label``, ``value``) of the largest ``limit`` counts, largest first."""
    frame = pd.DataFrame({label: list(counts), value: [int(v) for v in counts.values()]})
    frame = frame.sort_values([value, label], ascending=[False, True], kind="mergesort")
    return frame.head(limit).reset_index(drop=True)


def headline(data: DashboardData) -> dict[str, int]:
    """The headline counts, labelled for display, plus the families whose flags are set aside
    for review ("Check first") and the number of rejected input rows."""
    totals = data.summary.totals
    out = {HEADLINE_LABELS[k]: int(totals.get(k, 0)) for k in HEADLINE_LABELS}
    review = data.review
    out["Check first"] = int(review["family_id"].nunique()) if len(review) else 0
    out["Rejected input rows"] = len(data.rejects)
    return out


SINCE_LABELS = {
    "flags_new": "New flags",
    "flags_gone": "Flags gone",
    "flags_changed": "Flags changed",
    "persons_merged": "Persons merged",
    "persons_split": "Persons split",
}


def since(data: DashboardData) -> dict[str, int] | None:
    """What changed since the last report (``changes.csv`` counts), labelled; ``None`` when no
    previous report is known.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> since(SimpleNamespace(since={"flags_new": 3, "persons_split": 1}))["New flags"]
    3
    """
    if data.since is None:
        return None
    return {label: int(data.since.get(key, 0)) for key, label in SINCE_LABELS.items()}


def by_code(data: DashboardData) -> pd.DataFrame:
    """Flagged families per code, in the rules' order, with the analysis that raises each."""
    rows = [
        {"code": code, "analysis": RULES[code].analysis, "families": n}
        for code, n in data.summary.by_code.items()
    ]
    return pd.DataFrame(rows, columns=["code", "analysis", "families"])


def by_nationality(data: DashboardData, *, limit: int = 25) -> pd.DataFrame:
    """Members of flagged families per nationality."""
    return counts_frame(data.summary.by_nationality, "nationality", "members", limit=limit)


def by_court(data: DashboardData, *, limit: int = 25) -> pd.DataFrame:
    """Pending cases of flagged families per court."""
    return counts_frame(data.summary.by_court, "court", "pending_cases", limit=limit)


def table_counts(data: DashboardData) -> pd.DataFrame:
    """Rows read, loaded and rejected per input table (empty for a saved graph)."""
    if data.bundle is None:
        return pd.DataFrame(columns=["table", "read", "loaded", "rejected"])
    counts = data.bundle.summary()
    rejected = data.rejects.groupby("file").size() if len(data.rejects) else pd.Series(dtype=int)
    rows = []
    for stem in ("individuals", "family_units", "cases", "hearings"):
        file = data.bundle.files.get(stem, stem)
        rows.append(
            {
                "table": file,
                "read": counts[f"{stem}_read"],
                "loaded": counts[f"{stem}_loaded"],
                "rejected": int(rejected.get(file, 0)),
            }
        )
    return pd.DataFrame(rows)
