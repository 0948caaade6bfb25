"""The analyst's match decisions saved beside a bundle: ``BUNDLE/reviews.csv``.

Columns ``record_id_a, record_id_b, decision`` (``same`` or ``different``). The dashboard's
Match review page appends to it; every resolution reads it and applies the decisions as
must-links and cannot-links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from kinlink.errors import InputError

REVIEWS_FILE: Final = "reviews.csv"
REVIEW_COLUMNS: Final = ["record_id_a", "record_id_b", "decision"]
DECISIONS: Final = ("same", "different")


def read_reviews(folder: str | Path) -> pd.DataFrame:
    """The decisions saved in ``folder/reviews.csv`` (an empty frame when there are none).

    Raises
    ------
    InputError
        The file exists but lacks one of the review columns.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     read_reviews(d).columns.tolist()
    ['record_id_a', 'record_id_b', 'decision']
    """
    path = Path(folder) / REVIEWS_FILE
    if not path.is_file():
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    reviews = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not set(REVIEW_COLUMNS) <= set(reviews.columns):
        raise InputError(f"{path}: needs columns {', '.join(REVIEW_COLUMNS)}")
    return reviews
