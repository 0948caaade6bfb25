"""Candidate pairs: several blocking keys, each a sorted neighbourhood inside its key.

Every key sorts the records by ``(key, order)`` and pairs each record with the next ``window``
records that share its key. A small block therefore yields all its pairs, and a huge block (the
Marías Hernández of a big bundle) yields at most ``window`` pairs per record, with the ordering
column (date of birth, names) putting the likely matches next to each other. No step is
quadratic: a key yields at most ``rows * window`` pairs.

Keys (all on the prepared frame of :func:`kinlink.graph.resolve.prepare.prepare`):

``a_number``         the 9-digit A-number
``a_number_near``    the A-number with two adjacent digits masked (one substitution or one
                     transposition away)
``dob``              the date of birth, ordered by name
``name_pairs``       every unordered pair of phonetic name tokens (either surname order, one
                     surname missing, given names and surnames swapped), ordered by birth date
``token_year``       one phonetic name token and the birth year, ordered by name
``first_tokens``     the first given-name and first surname keys as an unordered pair, ordered
                     by name: what a sparse record without a birth date ("Manuel Palma", or
                     "Palma / Manuel" swapped) shares with the full one ("Manuel Palma
                     Jiménez"), which the keys ordered by birth date cannot bring next to it
``sorted_names``     one global sorted neighbourhood over surname + given names
``other_id``, ``phone``  exact identifiers
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinlink.graph.resolve.prepare import MISSING_DAYS
from kinlink.unionfind import pair_codes, split_codes

log = logging.getLogger(__name__)

KeyRows = tuple[np.ndarray, np.ndarray, np.ndarray]  # record index, key, ordering value


@dataclass(frozen=True)
class BlockingKey:
    """A named key builder and its window."""

    name: str
    build: Callable[[pd.DataFrame], KeyRows]
    window: int


def _rows(prepared: pd.DataFrame, key: pd.Series, order: pd.Series) -> KeyRows:
    present = key.notna().to_numpy()
    index = np.flatnonzero(present)
    return index, key.to_numpy(dtype=object)[present], order.to_numpy()[present]


def _name_order(prepared: pd.DataFrame) -> pd.Series:
    """Rank of the records' ``surname|given`` strings (precomputed by ``prepare``)."""
    if "name_rank" in prepared:
        return prepared["name_rank"]
    text = prepared["surname"].fillna("") + "|" + prepared["given"].fillna("")
    return pd.Series(pd.factorize(text.to_numpy(dtype=object), sort=True)[0], index=text.index)


def key_a_number(prepared: pd.DataFrame) -> KeyRows:
    """Records sharing an A-number."""
    return _rows(prepared, prepared["a_number"], prepared["dob_days"])


def _initial(prepared: pd.DataFrame) -> np.ndarray:
    """First phonetic key of the surnames (else of the given names), -1 if none."""
    first = prepared["ps0"].to_numpy()
    return np.where(first >= 0, first, prepared["pg0"].to_numpy()).astype(np.int64)


def key_a_number_near(prepared: pd.DataFrame) -> KeyRows:
    """The A-number with positions ``p, p+1`` masked, for every ``p``, plus the first name key.

    A-numbers are handed out in sequence, so a masked number alone would group a hundred
    people; the first phonetic name key keeps the groups to the same person's records.

    Examples
    --------
    >>> frame = pd.DataFrame({"a_number": ["123456789", "213456789", None],
    ...                       "ps0": [4, 4, 4], "pg0": [1, 1, 1], "dob_days": [0, 0, 0]})
    >>> index, key, _ = key_a_number_near(frame)
    >>> len(set(key[index == 0]) & set(key[index == 1]))
    1
    """
    present = prepared["a_number"].notna().to_numpy()
    text = prepared["a_number"].to_numpy(dtype=object)[present]
    digits = pd.to_numeric(pd.Series(text), errors="coerce").fillna(-1).to_numpy(np.int64)
    base = np.flatnonzero(present)[digits >= 0]
    digits = digits[digits >= 0]
    initial = _initial(prepared)[base]
    index, keys = [], []
    for p in range(8):
        low = 10 ** (7 - p)  # positions p, p+1 from the left of 9 digits
        masked = digits - (digits // low % 100) * low
        keys.append((initial + 1) * 10**11 + p * 10**9 + masked)
        index.append(base)
    idx = np.concatenate(index) if index else base
    key = np.concatenate(keys) if keys else base
    return idx, key, prepared["dob_days"].to_numpy()[idx]


def key_dob(prepared: pd.DataFrame) -> KeyRows:
    """Records born on the same day, ordered by name."""
    return _rows(prepared, prepared["dob"], _name_order(prepared))


def _phonetic_matrix(prepared: pd.DataFrame) -> np.ndarray:
    columns = [c for c in ("pg0", "pg1", "pg2", "ps0", "ps1", "ps2") if c in prepared]
    return prepared[columns].to_numpy(dtype=np.int64)


def key_name_pairs(prepared: pd.DataFrame) -> KeyRows:
    """Every unordered pair of a record's phonetic name keys, ordered by date of birth.

    Examples
    --------
    >>> frame = pd.DataFrame({"pg0": [0, 0], "pg1": [-1, -1], "pg2": [-1, -1],
    ...                       "ps0": [1, 2], "ps1": [2, 1], "ps2": [-1, -1],
    ...                       "dob_days": [0, 0]})
    >>> index, key, _ = key_name_pairs(frame)
    >>> len(set(key[index == 0]) & set(key[index == 1]))  # surnames in either order
    3
    """
    tokens = _phonetic_matrix(prepared)
    index, keys = [], []
    rows = np.arange(len(prepared), dtype=np.int64)
    for a in range(tokens.shape[1]):
        for b in range(a + 1, tokens.shape[1]):
            lo = np.minimum(tokens[:, a], tokens[:, b])
            hi = np.maximum(tokens[:, a], tokens[:, b])
            ok = (lo >= 0) & (lo != hi)
            index.append(rows[ok])
            keys.append(lo[ok] * (1 << 22) + hi[ok])
    idx = np.concatenate(index)
    return idx, np.concatenate(keys), prepared["dob_days"].to_numpy()[idx]


def key_token_year(prepared: pd.DataFrame) -> KeyRows:
    """One phonetic key (first given, first surname) with the birth year, ordered by name.

    The year is that of a full birth date, of one known to the year only, or of one written
    impossibly (``dob_y`` of :func:`~kinlink.graph.resolve.prepare.birth_dates`).
    """
    if "dob_y" in prepared:
        year = prepared["dob_y"].to_numpy(dtype=np.int64)
        known = year > 0
    else:
        days = prepared["dob_days"].to_numpy()
        known = days != MISSING_DAYS
        year = np.where(
            known, days.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970, 0
        )
    rows = np.arange(len(prepared), dtype=np.int64)
    index, keys = [], []
    for column in ("pg0", "ps0"):
        token = prepared[column].to_numpy(dtype=np.int64)
        ok = (token >= 0) & known
        index.append(rows[ok])
        keys.append(token[ok] * 100_000 + year[ok])
    idx = np.concatenate(index)
    order = _name_order(prepared).to_numpy()[idx]
    return idx, np.concatenate(keys), order


def key_first_tokens(prepared: pd.DataFrame) -> KeyRows:
    """First given-name and first surname phonetic keys, either way round, ordered by name.

    Examples
    --------
    >>> frame = pd.DataFrame({"pg0": [0, 1, 0], "ps0": [1, 0, -1], "name_rank": [0, 1, 2]})
    >>> index, key, _ = key_first_tokens(frame)
    >>> index.tolist(), bool(key[0] == key[1])  # given names and surnames swapped: one key
    ([0, 1], True)
    """
    given, surname = prepared["pg0"].to_numpy(), prepared["ps0"].to_numpy()
    lo, hi = np.minimum(given, surname).astype(np.int64), np.maximum(given, surname)
    ok = lo >= 0
    index = np.flatnonzero(ok)
    order = _name_order(prepared).to_numpy()
    return index, lo[ok] * (1 << 22) + hi[ok], order[ok]


def key_sorted_names(prepared: pd.DataFrame) -> KeyRows:
    """One global block ordered by surname then given names (classic sorted neighbourhood)."""
    order = _name_order(prepared).to_numpy()
    present = (prepared["surname"].notna() | prepared["given"].notna()).to_numpy()
    index = np.flatnonzero(present)
    return index, np.zeros(len(index), dtype=np.int64), order[present]


def key_column(column: str) -> Callable[[pd.DataFrame], KeyRows]:
    """Exact key on one prepared column, ordered by date of birth."""

    def build(prepared: pd.DataFrame) -> KeyRows:
        return _rows(prepared, prepared[column], prepared["dob_days"])

    build.__doc__ = f"Records sharing {column}."
    return build


def default_keys(window: int) -> tuple[BlockingKey, ...]:
    """The blocking keys kinlink uses, with windows derived from one setting."""
    return (
        BlockingKey("a_number", key_a_number, window),
        BlockingKey("a_number_near", key_a_number_near, max(2, window // 4)),
        BlockingKey("dob", key_dob, max(2, window // 2)),
        BlockingKey("name_pairs", key_name_pairs, max(2, window // 2)),
        BlockingKey("token_year", key_token_year, max(2, window // 2)),
        BlockingKey("first_tokens", key_first_tokens, max(2, window // 2)),
        BlockingKey("sorted_names", key_sorted_names, max(2, window // 4)),
        BlockingKey("other_id", key_column("other_id"), window),
        BlockingKey("phone", key_column("phone"), window),
    )


def unique_codes(codes: np.ndarray) -> np.ndarray:
    """Sorted unique values (a plain sort: numpy's hash-based ``unique`` is slower here).

    Examples
    --------
    >>> unique_codes(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(codes)
    if len(ordered) < 2:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def window_pairs(index: np.ndarray, key: np.ndarray, order: np.ndarray, window: int) -> np.ndarray:
    """Pairs of rows sharing ``key`` at most ``window`` apart when sorted by ``(key, order)``.

    Returns pair codes (:func:`kinlink.unionfind.pair_codes` of ``lo < hi`` record indexes),
    each once, sorted.

    Examples
    --------
    >>> codes = window_pairs(np.array([0, 1, 2, 3]), np.array(["a", "a", "a", "b"], dtype=object),
    ...                      np.array([3, 1, 2, 0]), 1)
    >>> lo, hi = split_codes(codes)
    >>> sorted(zip(lo.tolist(), hi.tolist()))
    [(0, 2), (1, 2)]
    """
    return unique_codes(_window_codes(index, key, order, window))


def _window_codes(index: np.ndarray, key: np.ndarray, order: np.ndarray, window: int) -> np.ndarray:
    """:func:`window_pairs` before sorting: a pair may come more than once (a record with
    several rows of one key, as in ``name_pairs``), in no particular order."""
    if len(index) < 2:
        return np.empty(0, dtype=np.int64)
    # integer keys sort as they are (the blocks come in another order than factorized codes
    # would put them, but each block's rows, and so the pairs, are the same)
    codes = key if key.dtype.kind in "iu" else pd.factorize(key)[0]
    if order.dtype == object:
        order = pd.factorize(order, sort=True)[0]
    sort = np.lexsort((order, codes))
    idx, grp = index[sort].astype(np.int64), codes[sort]
    parts = []
    # rows ``step`` apart in the sorted order, while both still share the key (a block is
    # contiguous: when no row has a block-mate ``step`` ahead, none has one further ahead)
    for step in range(1, window + 1):
        same = grp[step:] == grp[:-step]
        if not same.any():
            break
        a, b = idx[:-step][same], idx[step:][same]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        keep = lo != hi
        parts.append(pair_codes(lo[keep], hi[keep], ordered=True))
    if not parts:
        return np.empty(0, dtype=np.int64)
    return np.concatenate(parts)


def candidate_pairs(
    prepared: pd.DataFrame,
    keys: tuple[BlockingKey, ...],
    *,
    unique: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, dict[str, int]]]:
    """All candidate pairs (left and right record indexes) and per-key counts.

    ``unique`` marks the records whose source holds each person once: two records of such a
    source are never a candidate pair (every record marked: linking across sources only).

    Returns
    -------
    il, ir : ndarray of int32
        Record indexes, ``il < ir``, each pair once, in pair-code order.
    counts : dict
        ``{key: {"pairs": n, "new": n}}``: pairs a key yields and pairs no earlier key yielded.

    Examples
    --------
    >>> from kinlink.graph.resolve.prepare import prepare
    >>> frame = pd.DataFrame({"record_id": ["a", "b", "c"], "a_number": ["1", "1", None],
    ...                       "given_names": ["Ana", "Ana", "Eva"], "surnames": ["Paz"] * 3})
    >>> il, ir, counts = candidate_pairs(prepare(frame), default_keys(5))
    >>> list(zip(il.tolist(), ir.tolist())), counts["a_number"]
    ([(0, 1), (0, 2), (1, 2)], {'pairs': 1, 'new': 1})
    """
    if len(prepared) >= 2**27 or len(keys) > 15:
        raise ValueError("blocking supports up to 2**27 records and 15 keys")
    sources = pd.factorize(prepared["source"].fillna(""))[0] if unique is not None else None
    parts, owner = [], []
    counts: dict[str, dict[str, int]] = {}
    for number, spec in enumerate(keys):
        index, key, order = spec.build(prepared)
        codes = _window_codes(index, key, order, spec.window)
        if sources is not None and unique is not None and len(codes):
            left, right = split_codes(codes)
            codes = codes[(sources[left] != sources[right]) | ~unique[left]]
        parts.append(codes)
        owner.append(np.full(len(codes), number, dtype=np.int8))
    tagged = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    del parts
    # one sort of (pair, key number) for every key at once (not one per key, then this one):
    # equal entries (a pair one key found twice) end up side by side, and each pair's first
    # entry names the first key that found it (record indexes < 2**27, so the pair code
    # shifted by 4 bits still fits in 63 bits); done in place, as the pairs of every key
    # together are the resolver's biggest array
    tagged <<= 4
    tagged |= np.concatenate(owner) if owner else np.empty(0, dtype=np.int8)
    del owner
    tagged.sort()
    starts = np.empty(len(tagged), dtype=bool)
    starts[:1] = True
    np.not_equal(tagged[1:], tagged[:-1], out=starts[1:])  # a pair's first entry for a key
    key_of = np.bitwise_and(tagged, 15, out=np.empty(len(tagged), np.int8), casting="unsafe")
    found = np.bincount(key_of[starts], minlength=len(keys))
    tagged >>= 4  # the pair codes, sorted
    np.not_equal(tagged[1:], tagged[:-1], out=starts[1:])  # a pair's first entry
    total, finder = tagged[starts], key_of[starts]
    del tagged, key_of, starts
    new = np.bincount(finder, minlength=len(keys))
    for number, spec in enumerate(keys):
        counts[spec.name] = {"pairs": int(found[number]), "new": int(new[number])}
        log.info("blocking key %s: %d candidate pairs", spec.name, counts[spec.name]["pairs"])
    log.info(
        "blocking: %d candidate pairs in all (%s)",
        len(total),
        ", ".join(f"{k}: {v['new']} first found" for k, v in counts.items()),
    )
    left, right = split_codes(total, np.int32)
    return left, right, counts


def blocking_recall(pairs: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Share of the true matching pairs that blocking proposed.

    Parameters
    ----------
    pairs : DataFrame
        ``record_id_l, record_id_r``: candidate pairs (either order).
    truth : DataFrame
        ``record_id, person_id``: the true person of each record.

    Returns
    -------
    dict
        ``true_pairs``, ``found``, ``recall`` and ``candidates``.

    Notes
    -----
    Linear in pairs and records: the true pairs are counted from person sizes, never listed.

    Examples
    --------
    >>> truth = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["p", "p", "p"]})
    >>> pairs = pd.DataFrame({"record_id_l": ["b"], "record_id_r": ["a"]})
    >>> blocking_recall(pairs, truth)
    {'true_pairs': 3, 'found': 1, 'recall': 0.3333333333333333, 'candidates': 1}
    """
    records = truth["record_id"].astype(str).to_numpy(dtype=object)
    position = pd.Series(np.arange(len(records), dtype=float), index=records)
    person = pd.factorize(truth["person_id"].astype(str).to_numpy(dtype=object))[0]
    left = position.reindex(pairs["record_id_l"].astype(str).to_numpy()).to_numpy()
    right = position.reindex(pairs["record_id_r"].astype(str).to_numpy()).to_numpy()
    known = ~(np.isnan(left) | np.isnan(right))
    a, b = left[known].astype(np.int64), right[known].astype(np.int64)
    lo, hi = split_codes(unique_codes(pair_codes(a, b)))
    apart = lo != hi
    same = person[lo[apart]] == person[hi[apart]]
    sizes = np.bincount(person).astype(np.int64) if len(person) else np.zeros(0, np.int64)
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    found = int(same.sum())
    return {
        "true_pairs": true_pairs,
        "found": found,
        "recall": found / true_pairs if true_pairs else 1.0,
        "candidates": int(apart.sum() + (~known).sum()),
    }
