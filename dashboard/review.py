"""Match review: explain a pair of records and save the analyst's decision to ``reviews.csv``.

Decisions are appended to ``BUNDLE/reviews.csv`` (columns ``record_id_a, record_id_b,
decision``, decision ``same`` or ``different``), which :meth:`kinlink.source.Source.resolve`
reads on the next resolution: ``same`` pairs are linked, ``different`` pairs are kept apart.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     _ = append_review(d, "r1", "r2", "same")
...     _ = append_review(d, "r1", "r3", "different")
...     read_reviews(d).values.tolist()
[['r1', 'r2', 'same'], ['r1', 'r3', 'different']]
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pandas as pd

from kinlink.csvfile import escape_cell
from kinlink.errors import InputError
from kinlink.graph.resolve import Scorer, explain_with
from kinlink.loaders.reviews import DECISIONS, REVIEW_COLUMNS, REVIEWS_FILE, read_reviews

log = logging.getLogger(__name__)

__all__ = [
    "DECISIONS",
    "REVIEW_COLUMNS",
    "append_review",
    "candidate_pairs",
    "explain",
    "read_reviews",
    "same_person",
]


def append_review(folder: str | Path, record_a: str, record_b: str, decision: str) -> Path:
    """Append one decision to ``folder/reviews.csv`` (written with a header when new).

    Raises
    ------
    InputError
        ``decision`` is not ``same``/``different``, the two ids are equal or empty, or an
        existing ``reviews.csv`` lacks the review columns.
    """
    if decision not in DECISIONS:
        raise InputError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    a, b = str(record_a).strip(), str(record_b).strip()
    if not a or not b or a == b:
        raise InputError("a review needs two different record ids")
    path = Path(folder) / REVIEWS_FILE
    exists = path.is_file() and path.stat().st_size > 0
    if exists:
        header = next(csv.reader(path.open(encoding="utf-8", newline="")), [])
        if not set(REVIEW_COLUMNS) <= set(header):
            raise InputError(f"{path}: needs columns {', '.join(REVIEW_COLUMNS)}")
    else:
        header = REVIEW_COLUMNS
    row = {"record_id_a": escape_cell(a), "record_id_b": escape_cell(b), "decision": decision}
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, restval="", lineterminator="\n")
        if not exists:
            writer.writeheader()
        writer.writerow(row)
    log.info("review saved to %s: %s %s %s", path, a, b, decision)
    return path


def explain(scorer: Scorer, record_a: str, record_b: str) -> pd.DataFrame:
    """Per-field explanation of a pair (:func:`kinlink.graph.resolve.explain_with`).

    Raises
    ------
    InputError
        A record id is unknown.
    """
    return explain_with(scorer, record_a.strip(), record_b.strip())


def candidate_pairs(matches: pd.DataFrame | None, *, limit: int = 500) -> pd.DataFrame:
    """Scored pairs worth a look, the most uncertain first (probability nearest 0.5).

    Columns: ``record_id_l, record_id_r, probability``.

    Examples
    --------
    >>> m = pd.DataFrame({"record_id_l": ["a", "b"], "record_id_r": ["c", "d"],
    ...                   "probability": [0.99, 0.55]})
    >>> candidate_pairs(m)["record_id_l"].tolist()
    ['b', 'a']
    """
    columns = ["record_id_l", "record_id_r", "probability"]
    if matches is None or not len(matches):
        return pd.DataFrame(columns=columns)
    frame = matches[columns].copy()
    frame["_distance"] = (frame["probability"] - 0.5).abs()
    frame = frame.sort_values(["_distance", "record_id_l", "record_id_r"], kind="mergesort")
    return frame[columns].head(limit).reset_index(drop=True)


def same_person(records: pd.DataFrame, record_a: str, record_b: str) -> bool:
    """Whether the resolver put both records (``record_id, person_id`` rows) in one person.

    Examples
    --------
    >>> r = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1", "P1", "P2"]})
    >>> same_person(r, "a", "b"), same_person(r, "a", "c"), same_person(r, "a", "zz")
    (True, False, False)
    """
    ids = records["record_id"]
    a = records.loc[ids.eq(record_a.strip()), "person_id"].tolist()
    b = records.loc[ids.eq(record_b.strip()), "person_id"].tolist()
    return bool(a) and a == b
