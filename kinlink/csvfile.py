"""The one CSV writer of kinlink: every cell safe to open in a spreadsheet, and its reader.

Every CSV file kinlink writes goes through :func:`write_csv` (or :func:`csv_bytes` for a download):
the report's files, ``matches.csv``, the dashboard's downloads and ``kinlink cypher --csv``.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
as a formula (OWASP, "CSV Injection"), and a record id, a court or a free-text reason taken from
a bundle can start with any of them. Following OWASP's advice, such a text cell is written with a
single quote in front (``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``), which a spreadsheet shows
as text. So that the quote can be taken off again without guessing, a text cell that itself starts
with a quote gets one more in front as well. Reading a cell back is then one rule: **a cell that
starts with** ``'`` **had one quote added; drop it** (:func:`read_csv`, :func:`unescape_cell`).

Everything else is written as it is, so the usual ids, names and codes are byte for byte the
bundle's: numbers (int, float columns), and text that is a plain number (``-5``, ``+1.5``,
``-0012``), which a spreadsheet reads as a value, never as a formula.

Examples
--------
>>> escape_cell("=1+2"), escape_cell("-A12"), escape_cell("'quoted"), escape_cell("El Paso")
("'=1+2", "'-A12", "''quoted", 'El Paso')
>>> all(unescape_cell(escape_cell(s)) == s for s in ["=x", "'=x", "''", "", "ok", "\\tx"])
True
>>> frame = pd.DataFrame({"record_id": ["=cmd", "R1"], "weight": [-1.5, 2.0]})
>>> print(csv_bytes(frame).decode(), end="")
record_id,weight
'=cmd,-1.5
R1,2.0
"""

from __future__ import annotations

import csv
import io
import os
import re
from typing import IO, Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "FORMULA_PREFIXES",
    "PLAIN_NUMBER",
    "QUOTE",
    "csv_bytes",
    "escape_cell",
    "escape_frame",
    "read_csv",
    "unescape_cell",
    "unescape_frame",
    "write_csv",
]

#: Leading characters that make a spreadsheet run a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
#: The character put in front of such a cell (and of a cell that already starts with it).
QUOTE: Final = "'"
_ESCAPED: Final = (*FORMULA_PREFIXES, QUOTE)
#: Text a spreadsheet reads as a number even though it starts with a sign: left as it is.
PLAIN_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def escape_cell(value: Any) -> Any:
    """``value`` with a quote in front if it is text starting with a formula character or a quote
    (and is not a plain number such as ``-5``).

    Anything that is not a ``str`` is returned unchanged.

    Examples
    --------
    >>> escape_cell("-5"), escape_cell("+1.5e3"), escape_cell("-1+1"), escape_cell("-")
    ('-5', '+1.5e3', "'-1+1", "'-")
    """
    if isinstance(value, str) and value.startswith(_ESCAPED) and not PLAIN_NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def unescape_cell(value: Any) -> Any:
    """Inverse of :func:`escape_cell`: drop one leading quote from text.

    Examples
    --------
    >>> unescape_cell("'=1+2"), unescape_cell("''x"), unescape_cell("R1"), unescape_cell(3)
    ('=1+2', "'x", 'R1', 3)
    """
    if isinstance(value, str) and value.startswith(QUOTE):
        return value[1:]
    return value


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype | pd.CategoricalDtype)


def _arrow_text(series: pd.Series) -> pa.Array | None:
    """``series`` as an Arrow string array if every cell is text or missing, else ``None``."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        values = series.astype(object).to_numpy()
    else:  # the cells themselves: a copy would write every cell's reference count, and in a
        # forked writer that copies every page it shares with the parent
        values = np.asarray(series.array, dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return None
    return pa.array(values, type=pa.string(), from_pandas=True)


def _starting(series: pd.Series, prefixes: tuple[str, ...], text: pa.Array | None) -> pd.Series:
    """Boolean mask of the cells of ``series`` that are text starting with one of ``prefixes``
    (each one character).

    Vectorised through Arrow when every cell is text or missing (``text``, its
    :func:`_arrow_text`: one pass in C); a column that mixes text with other values (``text`` is
    ``None``) is checked cell by cell.
    """
    if text is None:
        values = series.astype(object)
        return values.map(lambda v: isinstance(v, str) and v.startswith(prefixes)).astype(bool)
    first = pc.utf8_slice_codeunits(text, 0, 1)
    hit = pc.fill_null(pc.is_in(first, value_set=pa.array(prefixes, type=pa.string())), False)
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=series.index, dtype=bool)


def _holding(series: pd.Series, char: str, text: pa.Array | None) -> bool:
    """Whether a text cell of ``series`` holds ``char`` (``text``: as in :func:`_starting`)."""
    if text is None:
        return bool(series.astype(object).map(lambda v: isinstance(v, str) and char in v).any())
    return bool(pc.any(pc.match_substring(text, char)).as_py())


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`escape_cell` applied to every text cell and header.

    Only text columns are looked at (numbers, booleans and dates cannot start a formula) and only
    the cells that need it are changed. ``frame`` itself is never modified.
    """
    return _escape(frame)[0]


def _escape(frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """:func:`escape_frame`, and whether a text cell holds a carriage return (read from the
    same pass over each column; escaping only puts a quote in front, so it changes neither)."""
    out = frame
    carriage_return = False
    for i in range(frame.shape[1]):
        series = frame.iloc[:, i]
        if not len(series) or not _is_text(series):
            continue
        text = _arrow_text(series)
        carriage_return = carriage_return or _holding(series, "\r", text)
        hit = _starting(series, _ESCAPED, text)
        if hit.any():
            if out is frame:
                out = frame.copy()
            text = series.astype(object)
            out.isetitem(i, text.where(~hit, text[hit].map(escape_cell)).to_numpy())
    names = [escape_cell(c) for c in out.columns]
    if names != list(out.columns):
        out = out.copy() if out is frame else out
        out.columns = names
    return out, carriage_return


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Inverse of :func:`escape_frame` (headers too); ``frame`` itself is never modified."""
    out = frame.copy()
    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        if not len(series) or not _is_text(series):
            continue
        hit = _starting(series, (QUOTE,), _arrow_text(series))
        if hit.any():
            text = series.astype(object)
            out.isetitem(i, text.where(~hit, text[hit].map(unescape_cell)).to_numpy())
    out.columns = [unescape_cell(c) for c in out.columns]
    return out


def _write(frame: pd.DataFrame, target: IO[str]) -> None:
    out, carriage_return = _escape(frame)
    # Python's csv module quotes a cell holding a line end only if the end is part of its own
    # line terminator ("\n" here): a bare "\r" would go out unquoted and split the row for a
    # reader. A file with one is written with every cell quoted.
    if carriage_return:
        out.to_csv(target, index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)
    else:
        out.to_csv(target, index=False, lineterminator="\n")


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str] | IO[str]) -> None:
    """Write ``frame`` as CSV (UTF-8, ``\\n`` line ends, no index), every cell spreadsheet-safe.

    Parameters
    ----------
    frame : DataFrame
        The table; it is not modified.
    path : path-like or text file
        Where to write.
    """
    if isinstance(path, str | os.PathLike):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            _write(frame, fh)
    else:
        _write(frame, path)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The bytes :func:`write_csv` would write (for a download button)."""
    buffer = io.StringIO()
    _write(frame, buffer)
    return buffer.getvalue().encode("utf-8")


def read_csv(path: str | os.PathLike[str] | IO[str], **kwargs: Any) -> pd.DataFrame:
    """Read a CSV file kinlink wrote, every cell as text, with the added quotes taken off.

    An empty cell reads as ``""`` (not NaN). ``kwargs`` go to :func:`pandas.read_csv`
    (``usecols``, ``nrows``, ...).

    Examples
    --------
    >>> frame = pd.DataFrame({"record_id": ["=cmd", "'R1", "R2"]})
    >>> read_csv(io.StringIO(csv_bytes(frame).decode()))["record_id"].tolist()
    ['=cmd', "'R1", 'R2']
    """
    options: dict[str, Any] = {"dtype": str, "keep_default_na": False, **kwargs}
    return unescape_frame(pd.read_csv(path, **options))
