"""Masking of A-numbers and dates of birth: the one place every page and download goes through.

A masked A-number keeps only its last three digits (``A-XXX-XXX-678``), enough for an analyst to
tell two numbers apart on screen but not to use one. A masked date of birth keeps only the year
(``1987-XX-XX``), so children and adults stay distinguishable.

Examples
--------
>>> mask_a_number("012345678")
'A-XXX-XXX-678'
>>> mask_dob(pd.Timestamp("1987-06-05"))
'1987-XX-XX'
>>> frame = pd.DataFrame({"a_number": ["012345678", None], "dob": ["1990-01-02", None]})
>>> mask_frame(frame).values.tolist()
[['A-XXX-XXX-678', '1990-XX-XX'], [None, None]]
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, Final

import pandas as pd

from kinlink.queries.privacy import MASK_KEY_ENV, mask_table

__all__ = [
    "A_NUMBER_COLUMNS",
    "DOB_COLUMNS",
    "display_frame",
    "mask_a_number",
    "mask_dob",
    "mask_frame",
    "mask_mapping",
    "mask_text",
    "mask_value",
]

#: Column (or attribute) names that hold A-numbers.
A_NUMBER_COLUMNS: Final = frozenset({"a_number", "a_numbers", "a_number_a", "a_number_b"})
#: Column (or attribute) names that hold dates of birth.
DOB_COLUMNS: Final = frozenset({"dob", "dob_raw", "dobs", "dob_a", "dob_b", "date_of_birth"})

_DIGITS = re.compile(r"\d")
_YEAR = re.compile(r"^\s*(\d{4})")
# 8 or 9 digits, optionally after an A and with separators: how A-numbers appear inside text.
_A_NUMBER_IN_TEXT = re.compile(r"\b[Aa]?[-\s.]?(?:\d[-\s./]?){7,8}\d\b")


def _missing(value: Any) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def mask_a_number(value: Any) -> Any:
    """Mask one A-number, keeping its last three digits; missing values stay missing.

    Examples
    --------
    >>> mask_a_number("A-208-004-937"), mask_a_number(None), mask_a_number("")
    ('A-XXX-XXX-937', None, '')
    """
    if _missing(value):
        return value if isinstance(value, str) else None
    digits = "".join(_DIGITS.findall(str(value)))
    return f"A-XXX-XXX-{digits[-3:]}" if len(digits) >= 3 else "A-XXX-XXX-XXX"


def mask_dob(value: Any) -> Any:
    """Mask one date of birth, keeping its year; missing values stay missing.

    Examples
    --------
    >>> mask_dob("2018-11-18"), mask_dob("unknown"), mask_dob(pd.NaT), mask_dob("")
    ('2018-XX-XX', 'XXXX-XX-XX', None, '')
    """
    if _missing(value):
        return value if isinstance(value, str) else None
    if isinstance(value, pd.Timestamp):
        return f"{value.year:04d}-XX-XX"
    match = _YEAR.match(str(value))
    return f"{match.group(1)}-XX-XX" if match else "XXXX-XX-XX"


def mask_text(text: str) -> str:
    """Mask every A-number-looking run of 8 or 9 digits inside free text.

    Examples
    --------
    >>> mask_text("A-number A208001355 on file")
    'A-number A-XXX-XXX-355 on file'
    """
    return _A_NUMBER_IN_TEXT.sub(lambda m: mask_a_number(m.group(0)), text)


def mask_value(column: str, value: Any) -> Any:
    """Mask ``value`` if ``column`` names an A-number or a date of birth; else return it as is.

    Lists (``;``-joined cells) are masked item by item.

    Examples
    --------
    >>> mask_value("a_numbers", "012345678;087654321"), mask_value("name", "Ana")
    ('A-XXX-XXX-678;A-XXX-XXX-321', 'Ana')
    """
    name = column.lower()
    if name in A_NUMBER_COLUMNS:
        func = mask_a_number
    elif name in DOB_COLUMNS:
        func = mask_dob
    else:
        return value
    if isinstance(value, str) and ";" in value:
        return ";".join(str(func(v)) for v in value.split(";"))
    return func(value)


def mask_frame(frame: pd.DataFrame, *, enabled: bool = True) -> pd.DataFrame:
    """A copy of ``frame`` with its A-number and date-of-birth columns masked.

    Parameters
    ----------
    frame : DataFrame
        Any frame; only columns named in :data:`A_NUMBER_COLUMNS` / :data:`DOB_COLUMNS` change
        (and ``value_a`` / ``value_b`` / ``values`` on the ``a_number`` and ``dob`` rows of a
        frame with a ``field`` column: a match explanation, the ``disagreeing_records`` query).
    enabled : bool
        When false, ``frame`` is returned unchanged (not copied).

    Notes
    -----
    Linear in the number of cells of the masked columns.
    """
    if not enabled:
        return frame
    out = frame.copy()
    for column in out.columns:
        name = str(column)
        if name.lower() in A_NUMBER_COLUMNS | DOB_COLUMNS:
            out[column] = pd.Series(
                [mask_value(name, v) for v in out[column].tolist()], index=out.index, dtype=object
            )
    if "field" in out.columns:
        for field in ("a_number", "dob"):
            rows = out["field"].astype(str).eq(field)
            for side in ("value_a", "value_b", "values"):
                if side in out.columns and rows.any():
                    out[side] = out[side].astype(object)
                    out.loc[rows, side] = [mask_value(field, v) for v in out.loc[rows, side]]
    return out


def mask_mapping(data: Mapping[str, Any], *, enabled: bool = True) -> dict[str, Any]:
    """A copy of an attribute dict (a graph node's data) with A-numbers and dates of birth masked.

    Examples
    --------
    >>> mask_mapping({"a_number": "012345678", "name": "Ana"})
    {'a_number': 'A-XXX-XXX-678', 'name': 'Ana'}
    """
    if not enabled:
        return dict(data)
    return {k: mask_value(k, v) for k, v in data.items()}


def display_frame(frame: pd.DataFrame, *, masked: bool) -> pd.DataFrame:
    """``frame`` as pages show it and downloads write it: dates as ``YYYY-MM-DD`` text, then
    masked when ``masked``.

    Examples
    --------
    >>> f = pd.DataFrame({"date": pd.to_datetime(["2019-09-23", None]), "dob": ["1990-01-02", ""]})
    >>> display_frame(f, masked=True).values.tolist()
    [['2019-09-23', '1990-XX-XX'], [None, '']]
    """
    out = frame
    dated = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    if dated:
        out = frame.copy()
        for column in dated:
            text = out[column].dt.strftime("%Y-%m-%d")
            out[column] = text.astype(object).where(text.notna(), None)
    return mask_frame(out, enabled=masked)


_SESSION_KEY = secrets.token_bytes(32)


def download_key() -> tuple[bytes, bool]:
    """The pseudonym key for masked downloads and whether it is stable across runs.

    ``KINLINK_MASK_KEY`` (the same key ``kinlink report --mask`` uses) gives the same
    pseudonyms as masked reports; without it, a random key for this dashboard process keeps
    pseudonyms consistent within the session only.
    """
    value = os.environ.get(MASK_KEY_ENV, "")
    return (value.encode("utf-8"), True) if value else (_SESSION_KEY, False)


def download_frame(
    frame: pd.DataFrame, *, masked: bool, rebuilt: Iterable[str] = ()
) -> pd.DataFrame:
    """``frame`` as a CSV download writes it: :func:`display_frame`, and when ``masked`` passed
    through :func:`kinlink.queries.privacy.mask_table` (ids become keyed-hash pseudonyms, dates
    months, and every column that could identify someone, or that the policy does not know, is
    dropped; the free-text columns in ``rebuilt`` were already written from masked values).

    Examples
    --------
    >>> f = pd.DataFrame({"record_ids": ["r1;r2"], "court": ["El Paso"], "name": ["Ana"]})
    >>> out = download_frame(f, masked=True)
    >>> list(out.columns), out["court"].tolist(), out["record_ids"].str.count("R-").tolist()
    (['record_ids', 'court'], ['El Paso'], [2])
    >>> download_frame(f, masked=False)["record_ids"].tolist()
    ['r1;r2']
    """
    out = display_frame(frame, masked=masked)
    if not masked:
        return out
    key, _ = download_key()
    return mask_table(out, key, rebuilt=rebuilt)
