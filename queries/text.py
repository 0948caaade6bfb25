"""Small text helpers for reasons and human reports.

Examples
--------
>>> iso(pd.Timestamp("2020-03-04 10:00"))
'2020-03-04'
>>> listing(["a", "b", "c", "d"], limit=2)
'a; b; and 2 more'
>>> neutralise("=HYPERLINK(1)"), neutralise("-5"), neutralise("ok")
("'=HYPERLINK(1)", "'-5", 'ok')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd

from kinlink.csvfile import FORMULA_PREFIXES

__all__ = ["FORMULA_PREFIXES", "iso", "joined", "listing", "neutralise"]


def iso(value: Any) -> str:
    """A date as ``YYYY-MM-DD``; ``""`` for a missing one."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, date) and value.year >= 1000:  # Timestamp, datetime, date: no strftime
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def joined(values: Iterable[Any]) -> str:
    """Sorted distinct non-missing values joined with ``;`` (the contract's list cell).

    Examples
    --------
    >>> joined(["b", "a", None, "b"])
    'a;b'
    """
    return ";".join(sorted({str(v) for v in values if v is not None and not pd.isna(v)}))


def listing(items: Sequence[str], limit: int = 6) -> str:
    """``items`` joined with ``; ``, cut after ``limit`` with a count of the rest."""
    if len(items) <= limit:
        return "; ".join(items)
    return "; ".join(items[:limit]) + f"; and {len(items) - limit} more"


def neutralise(text: Any) -> Any:
    """Prefix a string a spreadsheet would run as a formula with ``'``; other values unchanged.

    Applied to every text cell of the human reports (HTML and Excel). CSV files get the same
    prefix from :func:`kinlink.csvfile.write_csv`, which also doubles a leading quote so that a
    program can take the prefix off again.
    """
    if isinstance(text, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
