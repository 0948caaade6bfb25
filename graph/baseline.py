"""The exact-key baseline resolver: a yardstick, not the product.

Two records are the same person when they share a normalised A-number, or the same folded
given names, surnames and date of birth; clusters are the connected components of those links.
It misses every fuzzy match (nicknames, typos, swapped day and month) and chains namesakes who
share a typo'd A-number, which is exactly what :mod:`kinlink.graph.resolve` exists to do better.
It is kept as the baseline that benchmarks and tests compare the real resolver with.

Complexity: O(n) keys and a union-find over at most 2n links.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from kinlink.graph.ids import person_ids
from kinlink.unionfind import UnionFind


def _fold(series: pd.Series) -> pd.Series:
    def fold(value: str) -> str:
        decomposed = unicodedata.normalize("NFKD", value)
        return " ".join(
            "".join(c for c in decomposed if not unicodedata.combining(c)).upper().split()
        )

    return series.map(fold, na_action="ignore")


def exact_clusters(individuals: pd.DataFrame) -> pd.DataFrame:
    """Cluster records by exact A-number or exact (given names, surnames, dob).

    Returns
    -------
    DataFrame
        ``record_id, person_id`` for every row of ``individuals``.

    Examples
    --------
    >>> frame = pd.DataFrame({"record_id": ["r1", "r2", "r3"],
    ...                       "a_number": ["012345678", "012345678", None],
    ...                       "given_names": ["Ana", "ANA", "Ana"],
    ...                       "surnames": ["Paz", "Paz", "Paz"],
    ...                       "dob": pd.to_datetime(["2000-01-01", None, "2000-01-01"])})
    >>> exact_clusters(frame)["person_id"].nunique()
    1
    """
    n = len(individuals)
    groups = UnionFind(n)
    name_key = (
        _fold(individuals["given_names"])
        + "|"
        + _fold(individuals["surnames"])
        + "|"
        + individuals["dob"].dt.strftime("%Y-%m-%d")
    )
    for key in (individuals["a_number"], name_key):
        present = key.notna().to_numpy()
        codes = pd.factorize(key[present])[0]
        rows = np.flatnonzero(present)
        first = pd.Series(rows).groupby(codes).transform("first").to_numpy()
        groups.union_pairs(rows, first)
    roots = groups.labels()
    record_ids = individuals["record_id"].astype(str).reset_index(drop=True)
    return pd.DataFrame(
        {"record_id": record_ids, "person_id": person_ids(record_ids, roots).to_numpy()}
    )
