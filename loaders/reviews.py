"""The analyst's match decisions saved beside a bundle: ``BUNDLE/reviews.csv``.

Columns ``record_id_a, record_id_b, decision`` (``same`` or ``different``). The dashboard's
Match review page appends to it; every resolution reads it and applies the decisions as
must-links and cannot-links. Like every CSV file kinlink writes, its cells are spreadsheet-safe
(:mod:`kinlink.csvfile`): a record id that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
return or a quote is written with one more quote in front, which reading takes off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from kinlink.csvfile import read_csv
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
    reviews = read_csv(path)
    if not set(REVIEW_COLUMNS) <= set(reviews.columns):
        raise InputError(f"{path}: needs columns {', '.join(REVIEW_COLUMNS)}")
    return reviews
