"""Blocking recall on a bundle with known truth: how many true pairs blocking proposes at all.

A pair that blocking never proposes can never be matched, so this is the ceiling on the
resolver's recall (family-unit pairs added after blocking can still lift it above).
"""

from __future__ import annotations

import pandas as pd

from kinlink.graph.resolve.blocking import blocking_recall, candidate_pairs, default_keys
from kinlink.graph.resolve.prepare import prepare
from kinlink.graph.resolve.settings import ResolverSettings


def candidate_frame(
    individuals: pd.DataFrame, settings: ResolverSettings | None = None
) -> pd.DataFrame:
    """The candidate pairs blocking proposes, as ``record_id_l, record_id_r``.

    Examples
    --------
    >>> frame = pd.DataFrame({"record_id": ["a", "b", "c"], "a_number": ["1", "1", None],
    ...                       "given_names": ["Ana", "Ana", "Eva"], "surnames": ["Paz"] * 3})
    >>> sorted(map(tuple, candidate_frame(frame).to_numpy().tolist()))[:1]
    [('a', 'b')]
    """
    settings = settings or ResolverSettings()
    prepared = prepare(individuals)
    unique = settings.unique_records(prepared["source"].to_numpy(dtype=object))
    il, ir, _ = candidate_pairs(prepared, default_keys(settings.window), unique=unique)
    ids = prepared["record_id"].to_numpy(dtype=object)
    return pd.DataFrame({"record_id_l": ids[il], "record_id_r": ids[ir]})


def bundle_blocking_recall(
    individuals: pd.DataFrame, truth: pd.DataFrame, settings: ResolverSettings | None = None
) -> dict[str, float]:
    """Blocking recall of ``individuals`` against ``truth`` (``record_id, person_id``)."""
    return blocking_recall(candidate_frame(individuals, settings), truth)
