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

from kinlink.sorting import stable_ranks

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
    return pd.Series(smallest_ids("P", values, labels), dtype=object, name="person_id")


def smallest_ids(prefix: str, values: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """For each item, ``prefix + digest`` of the smallest of ``values`` (strings) among the items
    with its label: the ids of :func:`person_ids` (records by cluster) and of families (persons
    by component), lengthened where two collide (:func:`unique_ids`).

    The strings are ranked once by Arrow's sort (:mod:`kinlink.sorting`; a sort of Python
    strings compares objects pair by pair: ~10 s for 2M record ids), then each label keeps its
    smallest rank.

    Examples
    --------
    >>> got = smallest_ids("F", np.array(["Pb", "Pa", "Pc"], dtype=object), np.array([5, 5, 1]))
    >>> got.tolist() == ["F" + _digest("Pa")] * 2 + ["F" + _digest("Pc")]
    True
    """
    labels = np.asarray(labels)
    order, rank = stable_ranks(values)
    distinct, group = np.unique(labels, return_inverse=True)
    best = np.full(len(distinct), len(values), dtype=np.int64)
    np.minimum.at(best, group, rank)  # each label's smallest rank
    smallest = values[order[best]]  # one value per label
    table = unique_ids(prefix, smallest)
    ids = np.array([table[v] for v in smallest], dtype=object)
    return ids[group]
