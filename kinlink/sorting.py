"""Sorting rows by columns of strings with Arrow's sort, in Python's string order.

A pandas or numpy sort of a column of Python strings compares the objects one pair at a time
(a group-by or ``sort_values`` on two million record ids takes seconds); Arrow sorts the same
strings as UTF-8 in C++. UTF-8's byte order is code-point order, which is how Python compares
``str``, so the order is the same. Integer columns may stand beside them as keys. A column
holding anything else falls back to pandas. Missing strings sort last, as in pandas.

Examples
--------
>>> frame = pd.DataFrame({"a": ["é", "b", "b"], "b": ["2", "9", "1"]})
>>> sorted_by(frame, ["a", "b"]).values.tolist()
[['b', '1'], ['b', '9'], ['é', '2']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["sort_order", "sorted_by", "stable_ranks"]


def sort_order(*columns: pd.Series | np.ndarray) -> np.ndarray | None:
    """Positions that sort the rows by ``columns`` (the first one first), stable; ``None`` if a
    column holds anything but strings (and missing values) or integers."""
    try:
        arrays = [_key(c) for c in columns]
    except (pa.ArrowException, UnicodeEncodeError):  # not strings; a lone surrogate
        return None
    names = [f"k{i}" for i in range(len(arrays))]
    table = pa.table(dict(zip(names, arrays, strict=True)))
    keys = [(name, "ascending") for name in names]
    return np.asarray(pc.sort_indices(table, sort_keys=keys))


def _key(column: pd.Series | np.ndarray) -> pa.Array:
    values = np.asarray(column)
    if values.dtype.kind in "iu":
        return pa.array(values)
    return pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)


def sorted_by(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame.sort_values(columns, ignore_index=True)`` for columns of strings whose rows are
    unique together (ties could be ordered otherwise than pandas' sort orders them)."""
    order = sort_order(*(frame[c] for c in columns))
    if order is None:
        return frame.sort_values(list(columns), ignore_index=True)
    return frame.take(order).reset_index(drop=True)


def stable_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions that sort ``values`` (stable), and each value's place in that order.

    Arrow's sort (:func:`sort_order`) where it takes the column; numpy's stable sort, with
    Python's comparison, where it does not (a lone surrogate, values other than strings).

    Examples
    --------
    >>> order, rank = stable_ranks(np.array(["b", "é", "a", "b"], dtype=object))
    >>> order.tolist(), rank.tolist()
    ([2, 0, 3, 1], [1, 3, 0, 2])
    """
    order = sort_order(values)
    if order is None:
        order = np.argsort(values, kind="stable")
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values), dtype=np.int64)
    return order, rank
