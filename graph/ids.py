"""Stable identifiers for persons and families.

A person's id depends only on the smallest (string-wise) record id of its cluster, so the same
cluster gets the same id on every run, and adding a record that is not the smallest keeps it:
``"P" + blake2b(min(record_ids)).hexdigest()[:16]``. Families do the same over person ids with an
``F`` prefix.

Sixteen hex characters are 64 bits: among two million persons the chance that any two share an
id is about one in ten million, and :func:`person_ids` still checks, lengthening the digest of
any colliding ids so two persons can never silently share one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DIGEST_CHARS = 16


def _digest(text: str, chars: int = DIGEST_CHARS) -> str:
    return hashlib.blake2b(text.encode("utf-8")).hexdigest()[:chars]


def unique_ids(prefix: str, keys: Iterable[str]) -> dict[str, str]:
    """``prefix + digest(key)`` for each distinct key, lengthened where two digests collide.

    Examples
    --------
    >>> ids = unique_ids("P", ["a", "b"])
    >>> ids["a"] == "P" + _digest("a") and len(set(ids.values())) == 2
    True
    """
    table = {key: prefix + _digest(key) for key in keys}
    if len(set(table.values())) < len(table):
        counts = pd.Series(list(table.values())).value_counts()
        clashing = set(counts[counts > 1].index)
        for key, value in table.items():
            if value in clashing:
                table[key] = prefix + _digest(key, 64)
    return table


def person_id(record_ids: Iterable[str]) -> str:
    """The id of the person made of ``record_ids``.

    Examples
    --------
    >>> person_id(["r2", "r1"]) == person_id(["r1"]) == "P" + _digest("r1")
    True
    """
    return "P" + _digest(min(str(r) for r in record_ids))


def family_id(person_ids: Iterable[str]) -> str:
    """The id of the family made of ``person_ids``.

    Examples
    --------
    >>> family_id(["Pb", "Pa"]) == "F" + _digest("Pa")
    True
    """
    return "F" + _digest(min(str(p) for p in person_ids))


def person_ids(record_ids: pd.Series, labels: np.ndarray) -> pd.Series:
    """Person id of every record, given any cluster label per record (vectorised).

    Examples
    --------
    >>> ids = person_ids(pd.Series(["b", "a", "c"]), np.array([0, 0, 2]))
    >>> ids.tolist() == [person_id(["a"]), person_id(["a"]), person_id(["c"])]
    True
    """
    values = record_ids.astype(str).to_numpy(dtype=object)
    labels = np.asarray(labels)
    # the rank of each record id in string order, sorted by Arrow in C++ (a sort of Python
    # strings compares objects one pair at a time: ~10 s at 2M records); UTF-8 byte order is
    # code-point order, so the ranks are Python's
    rank = np.empty(len(values), dtype=np.int64)
    order = _string_order(values)
    rank[order] = np.arange(len(values))
    _, group = np.unique(labels, return_inverse=True)
    best = np.full(group.max() + 1 if len(group) else 0, len(values), dtype=np.int64)
    np.minimum.at(best, group, rank)  # the smallest record's rank in each cluster
    smallest = values[order[best]]  # one record id per cluster
    table = unique_ids("P", smallest)
    ids = np.array([table[r] for r in smallest], dtype=object)
    return pd.Series(ids[group], dtype=object, name="person_id")


def _string_order(values: np.ndarray) -> np.ndarray:
    """The positions of ``values`` (Python strings) in sorted order."""
    try:
        return pc.sort_indices(pa.array(values, type=pa.string())).to_numpy()
    except (pa.ArrowException, UnicodeEncodeError):  # a lone surrogate has no UTF-8 form
        return np.argsort(values, kind="stable")
