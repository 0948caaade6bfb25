"""Evaluate declared comparisons over arrays of candidate pairs, vectorised.

String similarities run in rapidfuzz's C++ (``process.cpdist``: element-wise over two equally
long lists, multi-threaded); dates and identifiers run in numpy. Work is done in chunks of pairs
so memory stays flat whatever the number of candidates.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Hamming, JaroWinkler, Levenshtein

from kinlink.graph.resolve.comparisons import Comparison, Test, default_comparisons
from kinlink.graph.resolve.nicknames import NICKNAMES, may_be_nickname, nickname_match
from kinlink.graph.resolve.prepare import MISSING_DAYS
from kinlink.memory import return_free_memory

_SCORERS: dict[str, Callable[..., float]] = {
    "jaro_winkler": JaroWinkler.normalized_similarity,
    "token_set": fuzz.token_set_ratio,
    "levenshtein": Levenshtein.distance,
    "hamming": Hamming.distance,
    "transposition": OSA.distance,
}
_BEST_WORST = {
    "jaro_winkler": (1.0, 0.0),
    "token_set": (100.0, 0.0),
    "levenshtein": (0.0, 1e9),
    "hamming": (0.0, 1e9),
    "transposition": (0.0, 1e9),
}
_SWAPPABLE = (("given", "surname"), ("given1", "surname1"), ("given_raw", "surname"))


@dataclass(frozen=True)
class Columns:
    """The prepared records as integer codes into tables of distinct strings, read-only.

    Comparing codes is cheaper than comparing strings, and a similarity is computed once per
    distinct *pair of values*: names repeat a lot, so a chunk of a million pairs often holds
    only a few tens of thousands of distinct name pairs.

    Everything the comparisons need beyond the codes (names read from the other column when a
    pair's given names and surnames are swapped, digit tables, nickname flags, lengths) is
    computed by :meth:`from_prepared`, before any thread compares pairs; afterwards the
    mappings are read-only views and the arrays are not writeable, so the chunks compared in
    parallel (:func:`compare_pairs`) share the object without locks.

    Examples
    --------
    >>> frame = pd.DataFrame({"given": ["ana", None, "ana"], "dob": ["19800102", None, None],
    ...                       "dob_days": [3653, MISSING_DAYS, MISSING_DAYS]})
    >>> cols = Columns.from_prepared(frame)
    >>> cols.codes["given"].tolist(), cols.uniques["given"].tolist(), cols.ymd[0].tolist()
    ([0, -1, 0], ['ana'], [1980, 0, 0])
    """

    codes: Mapping[str, np.ndarray]
    uniques: Mapping[str, np.ndarray]  # with the names a swap reads from the other column
    ymd: tuple[np.ndarray, np.ndarray, np.ndarray]
    days: np.ndarray
    tf: Mapping[str, np.ndarray] = field(default_factory=dict)  # term frequencies
    digits: np.ndarray | None = None  # (n, 8) birth-date digits YYYYMMDD
    recoded: Mapping[tuple[str, str], np.ndarray] = field(default_factory=dict)  # _recode_table
    digit_columns: Mapping[str, np.ndarray | None] = field(default_factory=dict)  # _digit_matrix
    phonetic: np.ndarray | None = None  # (n, 6): given-name then surname phonetic key codes
    nicknamed: Mapping[str, np.ndarray] = field(default_factory=dict)  # _nickname_flags
    lengths: Mapping[str, np.ndarray] = field(default_factory=dict)  # _lengths
    loose: np.ndarray | None = None  # birth date known to the year only (prepare.birth_dates)
    packed: Mapping[str, np.ndarray] = field(default_factory=dict)  # _pack of digit matrices
    phonetic_bits: np.ndarray | None = None  # (n, 2): _phonetic_bits of given names, surnames

    @classmethod
    def from_prepared(
        cls,
        prepared: pd.DataFrame,
        comparisons: tuple[Comparison, ...] | None = None,
        *,
        tf: Mapping[str, np.ndarray] | None = None,
    ) -> Columns:
        """Build from :func:`kinlink.graph.resolve.prepare.prepare` output, with everything
        ``comparisons`` (default: :func:`.comparisons.default_comparisons`) will look up, and
        the term frequencies ``tf`` (column -> per-record frequency)."""
        codes, uniques = {}, {}
        for name in prepared.columns:
            if prepared[name].dtype != object:
                continue
            code, table = pd.factorize(prepared[name].to_numpy(dtype=object))
            codes[name] = code.astype(np.int32)
            uniques[name] = np.asarray(table, dtype=object)
        n = len(prepared)
        days = (
            prepared["dob_days"].to_numpy()
            if "dob_days" in prepared
            else np.full(n, MISSING_DAYS, dtype=np.int64)
        )
        if "dob_y" in prepared:
            ymd = tuple(prepared[c].to_numpy(dtype=np.int32) for c in ("dob_y", "dob_m", "dob_d"))
        else:
            absent = days == MISSING_DAYS
            stamp = np.where(absent, 0, days).astype("datetime64[D]")
            year = stamp.astype("datetime64[Y]").astype(np.int32) + 1970
            month = stamp.astype("datetime64[M]").astype(np.int32) % 12 + 1
            day = (stamp - stamp.astype("datetime64[M]")).astype(np.int32) + 1
            ymd = tuple(np.where(absent, 0, a).astype(np.int32) for a in (year, month, day))
        loose = prepared["dob_loose"].to_numpy(dtype=bool) if "dob_loose" in prepared else None
        slots = [c for c in ("pg0", "pg1", "pg2", "ps0", "ps1", "ps2") if c in prepared]
        phonetic = prepared[slots].to_numpy(dtype=np.int32) if len(slots) == 6 else None

        # names read across a swap: every target's table grows by the source's new strings
        recoded = {}
        for source, target in _swap_reads(codes):
            recoded[(source, target)], uniques[target] = _recode_table(uniques, source, target)
        tests = [
            t
            for comp in comparisons or default_comparisons()
            for lev in comp.levels
            for t in lev.tests
        ]
        kinds: dict[str, set[str]] = {}
        for t in tests:
            kinds.setdefault(t.kind, set()).add(t.column)
        nicknamed = {
            c: _nickname_flags(uniques[c]) for c in kinds.get("nickname", ()) if c in codes
        }
        edited = {f"{c}{k}" for c in kinds.get("token_edit", ()) for k in (1, 2)}
        digit_columns = {
            c: _digit_matrix(uniques[c], codes[c])
            for c in kinds.get("hamming", set()) | kinds.get("transposition", set())
            if c in codes
        }
        measured = edited | {c for c in kinds.get("hamming", ()) if digit_columns.get(c) is None}
        lengths = {c: _lengths(uniques[c]) for c in measured if c in codes}
        digits = None
        if kinds.keys() & {"date_one_digit", "date_transposition"}:
            digits = _digits(*ymd).astype(np.int8)
        packed = {f"digits:{c}": _pack(m) for c, m in digit_columns.items() if m is not None}
        if digits is not None:
            packed["dob"] = _pack(digits)
        bits = None
        if phonetic is not None:
            bits = np.stack([_phonetic_bits(phonetic[:, :3]), _phonetic_bits(phonetic[:, 3:])], 1)
        cols = cls(
            MappingProxyType(codes),
            MappingProxyType(uniques),
            ymd,  # type: ignore[arg-type]
            days,
            tf=MappingProxyType(dict(tf or {})),
            digits=digits,
            recoded=MappingProxyType(recoded),
            digit_columns=MappingProxyType(digit_columns),
            phonetic=phonetic,
            nicknamed=MappingProxyType(nicknamed),
            lengths=MappingProxyType(lengths),
            loose=loose,
            packed=MappingProxyType(packed),
            phonetic_bits=bits,
        )
        cols._freeze()
        return cols

    def _freeze(self) -> None:
        """Make every array read-only: nothing may change them once threads share them."""
        arrays: list[np.ndarray | None] = [*self.codes.values(), *self.uniques.values()]
        arrays += [*self.ymd, self.days]
        arrays += [*self.tf.values(), *self.recoded.values(), *self.nicknamed.values()]
        arrays += [*self.lengths.values(), *self.digit_columns.values()]
        arrays += [*self.packed.values(), self.digits, self.phonetic, self.loose]
        arrays.append(self.phonetic_bits)
        for array in arrays:
            if array is not None:
                array.setflags(write=False)


def _swap_reads(codes: Mapping[str, np.ndarray]) -> list[tuple[str, str]]:
    """``(source, target)``: the columns :meth:`PairEvaluator.side` reads ``target`` from
    when a pair's names are swapped (the first pair of ``_SWAPPABLE`` naming ``target``)."""
    if not all(c in codes for c in ("given", "surname")):
        return []  # no swap is ever detected
    reads = {}
    for a, b in _SWAPPABLE:
        for target, source in ((a, b), (b, a)):
            if target not in reads and target in codes and source in codes:
                reads[target] = source
    return [(source, target) for target, source in reads.items()]


def _recode_table(
    uniques: Mapping[str, np.ndarray], source: str, target: str
) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``source``'s strings in ``target`` and ``target``'s table grown to hold them.

    Index 0 of the codes is for the missing code -1; strings absent from ``target`` get new
    codes appended to its table. A surname read as a given name is mapped through the
    nicknames, as given names are.
    """
    table = uniques[target]
    position = {value: i for i, value in enumerate(table.tolist())}
    strings = uniques[source].tolist()
    if target in ("given", "given1"):  # a given name written as a surname: map nicknames
        strings = [" ".join(NICKNAMES.get(t, t) for t in v.split(" ")) for v in strings]
    extra = [v for v in dict.fromkeys(strings) if v not in position]
    for value in extra:
        position[value] = len(position)
    if extra:
        table = np.concatenate([table, np.asarray(extra, dtype=object)])
    mapped = [position[v] for v in strings]
    return np.asarray([-1, *mapped], dtype=np.int64), table


def _nickname_flags(table: np.ndarray) -> np.ndarray:
    """Per code + 1 (index 0: missing), whether the value holds a nickname or diminutive."""
    return np.asarray([False, *map(may_be_nickname, table.tolist())], dtype=bool)


def _lengths(table: np.ndarray) -> np.ndarray:
    """Per code + 1 (index 0: missing), the length of the value."""
    return np.r_[0, [len(v) for v in table.tolist()]]


def _digit_matrix(table: np.ndarray, codes: np.ndarray) -> np.ndarray | None:
    """Per record, the digits of an all-digit column of fixed length (else ``None``)."""
    values = table.tolist()
    width = len(values[0]) if values else 0
    if not (all(len(v) == width and v.isdigit() for v in values) and 0 < width <= 18):
        return None
    per_value = np.frombuffer("".join(values).encode(), dtype=np.uint8)
    per_value = (per_value.reshape(len(values), width) - 48).astype(np.int8)
    padded = np.vstack([per_value, np.full((1, width), -1, dtype=np.int8)])
    return padded[codes]  # code -1 -> the padding row


def _digits(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """YYYYMMDD as an (n, 8) array of digits."""
    number = y.astype(np.int64) * 10000 + m * 100 + d
    out = np.empty((len(number), 8), dtype=np.int64)
    for k in range(7, -1, -1):  # one division per digit over a column (not per cell)
        number, out[:, k] = np.divmod(number, 10)
    return out


def _pack(matrix: np.ndarray) -> np.ndarray:
    """The rows of a one-byte-per-value matrix as 64-bit words, eight values to a word (the
    last word padded with zeros): ``(words, n)``, one contiguous array per word."""
    n, width = matrix.shape
    words = -(-width // 8)
    padded = np.zeros((n, words * 8), dtype=np.uint8)
    padded[:, :width] = matrix.view(np.uint8)
    return np.ascontiguousarray(padded.view(np.uint64).T)


def _mismatches(packed: np.ndarray, il: np.ndarray, ir: np.ndarray) -> np.ndarray:
    """Per pair, the number of positions where rows ``il`` and ``ir`` of a matrix (one byte
    per value, :func:`_pack` ed) differ.

    The rows are read as 64-bit words, eight positions at a time: a pair costs one read per
    word and side instead of one per position.

    Examples
    --------
    >>> m = np.array([[1, 9, 8, 5], [1, 8, 9, 5], [-1, -1, -1, -1]], dtype=np.int8)
    >>> _mismatches(_pack(m), np.array([0, 0, 2]), np.array([1, 2, 2])).tolist()
    [2, 4, 0]
    """
    count = np.zeros(len(il), dtype=np.int64)
    for column in packed:
        x = column[il] ^ column[ir]
        x |= x >> np.uint64(4)
        x |= x >> np.uint64(2)
        x |= x >> np.uint64(1)
        x &= np.uint64(0x0101010101010101)  # one bit per differing byte
        count += np.bitwise_count(x)
    return count


def _phonetic_bits(keys: np.ndarray) -> np.ndarray:
    """Per record, a 64-bit mask with bit ``key % 64`` set for each phonetic key (-1: none).

    Two records whose masks share no bit share no key; the masks rule most pairs out before
    the keys themselves are compared.

    Examples
    --------
    >>> _phonetic_bits(np.array([[1, 65, -1], [-1, -1, -1]])).tolist()
    [2, 0]
    """
    bits = np.zeros(len(keys), dtype=np.uint64)
    for j in range(keys.shape[1]):
        key = keys[:, j].astype(np.int64)
        bits |= np.where(key >= 0, np.left_shift(np.uint64(1), (key % 64).astype(np.uint64)), 0)
    return bits


def _transposed(
    matrix: np.ndarray, il: np.ndarray, ir: np.ndarray, where: np.ndarray
) -> np.ndarray:
    """Pairs marked by ``where`` whose rows of ``matrix`` differ by two adjacent values
    swapped (``where`` should mark pairs differing in exactly two positions).

    Examples
    --------
    >>> m = np.array([[1, 9, 8, 5], [1, 8, 9, 5], [8, 1, 9, 5]], dtype=np.int8)
    >>> _transposed(m, np.array([0, 0]), np.array([1, 2]), np.array([True, True])).tolist()
    [True, False]
    """
    out = np.zeros(len(il), dtype=bool)
    rows = np.flatnonzero(where)
    if len(rows):
        left, right = matrix[il[rows]], matrix[ir[rows]]
        diff = left != right
        swap = diff[:, :-1] & diff[:, 1:] & (left[:, :-1] == right[:, 1:])
        swap &= left[:, 1:] == right[:, :-1]
        out[rows] = swap.any(axis=1)
    return out


class PairEvaluator:
    """Evaluate tests for one chunk of pairs, caching similarities shared by several levels."""

    def __init__(self, cols: Columns, il: np.ndarray, ir: np.ndarray, workers: int = -1):
        self.cols, self.il, self.ir, self.workers = cols, il, ir, workers
        self._cache: dict[tuple[str, str], np.ndarray] = {}
        # results computed for some pairs only (the pairs no earlier level decided): the values
        # and the mask of the pairs they hold
        self._partial: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._digit_cache: dict[tuple[str, str], np.ndarray | None] = {}
        self._sides: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._gathered: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.swapped: np.ndarray | None = None
        self.swapped = self._detect_swaps()
        self._kept = frozenset(self._cache)  # the swap check's scores, kept for the chunk
        self._swaps_known = True  # from here on, side() may keep what it reads

    def release(self) -> None:
        """Forget what the tests read and computed, but the swap check's scores (called
        between comparisons: a chunk's caches would otherwise hold every column at once)."""
        self._cache = {k: v for k, v in self._cache.items() if k in self._kept}
        self._partial.clear()
        self._digit_cache.clear()
        self._sides.clear()
        self._gathered.clear()

    def side(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Codes of ``column`` on the left and right of each pair (-1: missing).

        When the given names and surnames of a pair were found swapped, the right side's given
        names are read from its surnames and vice versa.
        """
        if column in self._sides:
            return self._sides[column]
        codes = self.cols.codes[column]
        left, right = codes[self.il], codes[self.ir]
        if self.swapped is not None and self.swapped.any():
            for a, b in _SWAPPABLE:
                if column in (a, b):
                    other = b if column == a else a
                    table = self._recode(other, column)
                    right = right.copy()
                    right[self.swapped] = table[self.cols.codes[other][self.ir[self.swapped]] + 1]
                    break  # a surname read from the given names once, from the first pair
        if getattr(self, "_swaps_known", False):
            left.setflags(write=False)
            right.setflags(write=False)
            self._sides[column] = (left, right)
        return left, right

    def _pair(self, name: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``values`` (one per record) at the left and right record of each pair, read once
        per chunk under ``name``."""
        if name not in self._gathered:
            self._gathered[name] = (values[self.il], values[self.ir])
        return self._gathered[name]

    def _partially(
        self,
        key: tuple[str, str],
        todo: np.ndarray | None,
        compute: Callable[[np.ndarray | None], np.ndarray],
    ) -> np.ndarray:
        """A per-pair result that is only needed for the pairs ``todo`` (all when None).

        ``compute(mask)`` returns an array whose values are right where ``mask`` is set (every
        pair when None); the values of the pairs asked for are kept under ``key``, and a later
        call computes only those pairs it has not seen. A test is evaluated for the pairs no
        earlier level of their comparison took (:func:`evaluate`): its value elsewhere is never
        read, and each pair's value is the one the whole chunk would give it.
        """
        if key in self._cache:
            return self._cache[key]
        if todo is None:
            values = compute(None)
            self._cache[key] = values
            self._partial.pop(key, None)
            return values
        if key not in self._partial:
            need = todo.copy()
            self._partial[key] = (compute(need), need)
            return self._partial[key][0]
        values, done = self._partial[key]
        need = todo & ~done
        if need.any():
            fresh = compute(need)
            values[need] = fresh[need]
            done |= need
        return values

    def _recode(self, source: str, target: str) -> np.ndarray:
        """Codes of ``source`` read as codes of ``target`` (index 0: the missing code -1), as
        :meth:`Columns.from_prepared` recoded them."""
        return self.cols.recoded[(source, target)]

    def _table(self, cache: str, column: str, build: Callable[[], np.ndarray]) -> np.ndarray:
        """A per-value table :meth:`Columns.from_prepared` did not make (comparisons it was
        not told of): built for this chunk only, never stored in the shared columns."""
        key = (cache, column)
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def missing(self, column: str) -> np.ndarray:
        """Either side missing."""
        left, right = self.side(column)
        return (left < 0) | (right < 0)

    def _pairs_score(
        self,
        kind: str,
        column: str,
        left: np.ndarray,
        right: np.ndarray,
        where: np.ndarray | None = None,
    ):
        """Score code pairs once per distinct pair of values.

        Only pairs with both values present and different are scored: equal values get the
        best score and pairs with a missing side the worst (the null level catches them first).
        With ``where``, only the pairs it marks are scored (the others get best or worst).
        """
        best, worst = _BEST_WORST[kind]
        out = np.where(left == right, best, worst).astype(np.float64)
        wanted = (left >= 0) & (right >= 0) & (left != right)
        if where is not None:
            wanted &= where
        todo = np.flatnonzero(wanted)
        if not len(todo):
            return out
        table = self.cols.uniques[column]
        width = np.int64(len(table))
        key = left[todo].astype(np.int64) * width + right[todo]
        inverse, distinct = pd.factorize(key)
        scores = process.cpdist(
            table[distinct // width],
            table[distinct % width],
            scorer=_SCORERS[kind],
            workers=self.workers,
        )
        out[todo] = np.asarray(scores)[inverse]
        return out

    def _may_be_nickname(self, column: str) -> np.ndarray:
        """Per code + 1 (index 0: missing), whether the value holds a nickname or diminutive."""
        if column in self.cols.nicknamed:
            return self.cols.nicknamed[column]
        return self._table("nicknamed", column, lambda: _nickname_flags(self.cols.uniques[column]))

    def nickname(self, column: str) -> np.ndarray:
        """Equal values, or one name a nickname form of the other (cached).

        :func:`~kinlink.graph.resolve.nicknames.nickname_match` runs once per distinct pair of
        values, and only for pairs where a side holds a nickname or diminutive at all (a small
        share of the distinct names), so the test costs little next to Jaro-Winkler.
        """
        key = ("nickname", column)
        if key not in self._cache:
            left, right = self.side(column)
            out = (left == right) & (left >= 0)
            flags = self._may_be_nickname(column)
            todo = np.flatnonzero(
                (left >= 0) & (right >= 0) & (left != right) & (flags[left + 1] | flags[right + 1])
            )
            if len(todo):
                table = self.cols.uniques[column]
                width = np.int64(len(table))
                inverse, distinct = pd.factorize(left[todo].astype(np.int64) * width + right[todo])
                pairs = zip(table[distinct // width], table[distinct % width], strict=True)
                passed = np.fromiter(
                    (nickname_match(a, b) for a, b in pairs), dtype=bool, count=len(distinct)
                )
                out[todo] = passed[inverse]
            self._cache[key] = out
        return self._cache[key]

    def _lengths(self, column: str) -> np.ndarray:
        """Per code + 1 (index 0: missing), the length of the value."""
        if column in self.cols.lengths:
            return self.cols.lengths[column]
        return self._table("lengths", column, lambda: _lengths(self.cols.uniques[column]))

    def token_edit(self, column: str, limit: int, todo: np.ndarray | None = None) -> np.ndarray:
        """Some name part of one side within ``limit`` edits of some part of the other.

        The parts are ``<column>1`` and ``<column>2`` (first and second surname); both parts of
        a pair must have at least four letters, so short names do not pass on one letter. The
        edit distance counts an adjacent transposition as one edit (optimal string alignment)
        and runs once per distinct pair of values (of the pairs ``todo``, all when None).
        """
        return self._partially(
            ("token_edit", f"{column}:{limit}"),
            todo,
            lambda where: self._token_edit(column, limit, where),
        )

    def _token_edit(self, column: str, limit: int, where: np.ndarray | None) -> np.ndarray:
        parts = [p for p in (f"{column}1", f"{column}2") if p in self.cols.codes]
        out = np.zeros(len(self.il), dtype=bool)
        for a in parts:
            for b in parts:
                left, right = self.side(a)[0], self.side(b)[1]
                ta, tb = self.cols.uniques[a], self.cols.uniques[b]  # after any swap recoding
                len_a, len_b = self._lengths(a), self._lengths(b)
                wanted = (len_a[left + 1] >= 4) & (len_b[right + 1] >= 4)
                if where is not None:
                    wanted &= where
                todo = np.flatnonzero(wanted)
                if not len(todo):
                    continue
                width = np.int64(len(tb))
                inverse, distinct = pd.factorize(left[todo].astype(np.int64) * width + right[todo])
                distance = process.cpdist(
                    ta[distinct // width],
                    tb[distinct % width],
                    scorer=OSA.distance,
                    workers=self.workers,
                )
                out[todo] |= np.asarray(distance)[inverse] <= limit
        return out

    def score(self, kind: str, column: str, todo: np.ndarray | None = None) -> np.ndarray:
        """The raw similarity or distance of ``kind`` on ``column`` (cached), for the pairs
        ``todo`` (all when None)."""
        return self._partially(
            (kind, column),
            todo,
            lambda where: self._pairs_score(kind, column, *self.side(column), where),
        )

    def _detect_swaps(self) -> np.ndarray | None:
        """Pairs whose given names and surnames are written in each other's columns."""
        if not all(c in self.cols.codes for c in ("given", "surname")):
            return None
        g, s = self.cols.codes["given"], self.cols.codes["surname"]
        gl, gr, sl, sr = g[self.il], g[self.ir], s[self.il], s[self.ir]
        jw_given = self._pairs_score("jaro_winkler", "given", gl, gr)
        jw_surname = self._pairs_score("jaro_winkler", "surname", sl, sr)
        straight = jw_given + jw_surname
        maybe = (straight < 1.6) & (gl >= 0) & (gr >= 0) & (sl >= 0) & (sr >= 0)
        todo = np.flatnonzero(maybe)
        if self.cols.phonetic is not None and len(todo):
            # a swap shares a phonetic key across the columns (looked at where it may be,
            # where the key masks share a bit)
            bits = self.cols.phonetic_bits
            if bits is not None:
                bl, br = bits[self.il[todo]], bits[self.ir[todo]]
                todo = todo[((bl[:, 0] & br[:, 1]) | (bl[:, 1] & br[:, 0])) != 0]
            left, right = self.cols.phonetic[self.il[todo]], self.cols.phonetic[self.ir[todo]]
            cross = np.zeros(len(todo), dtype=bool)
            for a in range(3):
                for b in range(3, 6):
                    cross |= (left[:, a] == right[:, b]) & (left[:, a] >= 0)
                    cross |= (left[:, b] == right[:, a]) & (left[:, b] >= 0)
            todo = todo[cross]
        swapped = np.zeros(len(self.il), dtype=bool)
        if len(todo):
            to_given = self._recode("surname", "given")
            to_surname = self._recode("given", "surname")
            cross_given = self._pairs_score(
                "jaro_winkler", "given", gl[todo], to_given[sr[todo] + 1]
            )
            cross_surname = self._pairs_score(
                "jaro_winkler", "surname", sl[todo], to_surname[gr[todo] + 1]
            )
            crossed = cross_given + cross_surname
            hit = (crossed >= 1.7) & (crossed > straight[todo] + 0.2)
            swapped[todo] = hit
            jw_given[todo[hit]] = cross_given[hit]
            jw_surname[todo[hit]] = cross_surname[hit]
        # the plain Jaro-Winkler scores (after the swap) serve the comparison levels too
        self._cache[("jaro_winkler", "given")] = jw_given
        self._cache[("jaro_winkler", "surname")] = jw_surname
        return swapped

    def test(self, test: Test, todo: np.ndarray | None = None) -> np.ndarray:
        """Boolean result of one test for every pair in the chunk; with ``todo``, only the
        pairs it marks are certain to be right (the others' result may be anything)."""
        kind, col, t = test.kind, test.column, test.threshold
        if kind == "null":
            return self.missing(col)
        if kind == "else":
            return np.ones(len(self.il), dtype=bool)
        if kind == "exact":
            left, right = self.side(col)
            return left == right
        if kind == "nickname":
            return self.nickname(col)
        if kind == "token_edit":
            return self.token_edit(col, 1 if t is None else int(t), todo)
        if kind in ("jaro_winkler", "token_set"):
            scale = 100.0 if kind == "token_set" else 1.0
            return self.score(kind, col, todo) >= (t if t is not None else 1.0) * scale - 1e-9
        if kind in ("hamming", "transposition") and self._digits_of(col) is not None:
            return self._digit_test(kind, col, 1 if t is None else int(t))
        if kind in ("levenshtein", "hamming"):
            ok = self.score(kind, col, todo) <= (t if t is not None else 1)
            if kind == "hamming":
                left, right = self.side(col)
                lengths = self._lengths(col)
                ok &= lengths[left + 1] == lengths[right + 1]
            return ok
        if kind == "transposition":
            return self.score("transposition", col, todo) <= 1
        return self._date_test(kind, t)

    def _digits_of(self, column: str) -> np.ndarray | None:
        """Per record, the digits of an all-digit column of fixed length (else ``None``)."""
        if column in self.cols.digit_columns:
            return self.cols.digit_columns[column]
        key = ("digits", column)
        if key not in self._digit_cache:
            cols = self.cols
            self._digit_cache[key] = _digit_matrix(cols.uniques[column], cols.codes[column])
        return self._digit_cache[key]

    def _digit_test(self, kind: str, column: str, limit: int) -> np.ndarray:
        """Hamming distance, or one adjacent transposition, over digit matrices."""
        matrix = self._digits_of(column)
        assert matrix is not None
        hamming = self._mismatches(f"digits:{column}", matrix)
        if kind == "hamming":
            return hamming <= limit
        return (hamming <= 1) | _transposed(matrix, self.il, self.ir, hamming == 2)

    def _mismatches(self, name: str, matrix: np.ndarray) -> np.ndarray:
        """Per pair, the positions where the rows of ``matrix`` (one per record) differ
        (kept per chunk under ``name``)."""
        key = ("mismatches", name)
        if key not in self._cache:
            packed = self.cols.packed.get(name)
            if packed is None:
                packed = _pack(matrix)
            self._cache[key] = _mismatches(packed, self.il, self.ir)
        return self._cache[key]

    def _date_test(self, kind: str, threshold: float | None) -> np.ndarray:
        """Birth-date tests. Only ``date_year`` looks at a date known to the year only; every
        other test needs a full date on both sides."""
        y, m, d = self.cols.ymd
        yl, yr = self._pair("y", y)
        if kind == "date_year":
            return self._loose() & (yl == yr) & (yl > 0)
        full = self._full_dates()
        if kind == "date_exact":
            left, right = self.side("dob")
            return full & (left == right) & (left >= 0)
        ml, mr = self._pair("m", m)
        dl, dr = self._pair("d", d)
        if kind == "date_swap":
            return full & (yl == yr) & (ml == dr) & (dl == mr)
        if kind in ("date_one_digit", "date_transposition"):
            digits = self.cols.digits
            if digits is None:
                digits = self._table("date", "digits", lambda: _digits(y, m, d).astype(np.int8))
            count = self._mismatches("dob", digits)
            if kind == "date_one_digit":
                return full & (count == 1)
            return _transposed(digits, self.il, self.ir, full & (count == 2))
        if kind == "date_year_off":
            return full & (ml == mr) & (dl == dr) & (np.abs(yl - yr) == 1)
        if kind == "date_within":
            days = self.cols.days
            left, right = self._pair("days", days)
            both = (left != MISSING_DAYS) & (right != MISSING_DAYS)
            return full & both & (np.abs(left - right) <= (threshold or 0))
        raise ValueError(f"unknown test kind {kind!r}")

    def _loose(self) -> np.ndarray:
        """Either side's birth date known to the year only."""
        key = ("date", "loose")
        if key not in self._cache:
            loose = self.cols.loose
            if loose is None:
                self._cache[key] = np.zeros(len(self.il), dtype=bool)
            else:
                left, right = self._pair("loose", loose)
                self._cache[key] = left | right
        return self._cache[key]

    def _full_dates(self) -> np.ndarray:
        """Both sides hold a full birth date (not one known to the year only)."""
        key = ("date", "full")
        if key not in self._cache:
            ml, mr = self._pair("m", self.cols.ymd[1])
            self._cache[key] = ~self._loose() & (ml > 0) & (mr > 0)
        return self._cache[key]


def evaluate(comparisons: tuple[Comparison, ...], ev: PairEvaluator) -> np.ndarray:
    """Level index of every pair for every comparison: an ``(n_pairs, n_comparisons)`` int8.

    Level 0 is the null level; the first level whose tests pass wins. A level's tests are
    asked only about the pairs no earlier level took (``todo``), so the costly similarities
    run on fewer pairs the further down a comparison they sit.
    """
    out = np.empty((len(ev.il), len(comparisons)), dtype=np.int8)
    for j, comp in enumerate(comparisons):
        level = np.full(len(ev.il), len(comp.levels) - 1, dtype=np.int8)
        todo = np.ones(len(ev.il), dtype=bool)
        for k, lev in enumerate(comp.levels[:-1]):
            passed = np.zeros(len(ev.il), dtype=bool)
            for test in lev.tests:
                passed |= ev.test(test, todo)
            hit = todo & passed
            level[hit] = k
            todo &= ~hit
        out[:, j] = level
        ev.release()
    return out


def chunks(n: int, size: int) -> Iterator[slice]:
    """Slices covering ``range(n)`` in steps of ``size``.

    Examples
    --------
    >>> list(chunks(5, 2))
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    """
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def compare_pairs(
    comparisons: tuple[Comparison, ...],
    cols: Columns,
    il: np.ndarray,
    ir: np.ndarray,
    *,
    chunk: int = 1_000_000,
    workers: int = -1,
) -> tuple[np.ndarray, np.ndarray]:
    """Levels of every pair (``(n, k)`` int8) and the mask of pairs compared with names swapped.

    Examples
    --------
    >>> from kinlink.graph.resolve.comparisons import exact_or_else
    >>> frame = pd.DataFrame({"sex": ["M", "M", None], "dob_days": [-1, -1, -1]})
    >>> levels, swapped = compare_pairs((exact_or_else("sex"),), Columns.from_prepared(frame),
    ...                                 np.array([0, 0]), np.array([1, 2]))
    >>> levels[:, 0].tolist()
    [1, 0]
    """
    levels = np.empty((len(il), len(comparisons)), dtype=np.int8)
    swapped = np.zeros(len(il), dtype=bool)

    def run(part: slice, threads: int) -> None:
        ev = PairEvaluator(cols, il[part], ir[part], threads)
        levels[part] = evaluate(comparisons, ev)
        if ev.swapped is not None:
            swapped[part] = ev.swapped

    cores = (os.cpu_count() or 1) if workers < 0 else workers
    if cores > 1 and len(il) >= 2 * _SPLIT_AT:  # fewer pairs than a chunk: every core still
        chunk = min(chunk, -(-len(il) // cores))
    parts = list(chunks(len(il), chunk))
    if len(parts) > 1 and cores > 1:
        # numpy and rapidfuzz release the GIL: one chunk per core keeps every core busy; the
        # chunks share ``cols`` (read-only) and write disjoint rows of ``levels`` and ``swapped``
        with ThreadPoolExecutor(max_workers=cores) as pool:
            list(pool.map(lambda part: run(part, 1), parts))
        return_free_memory()  # what the threads freed stays in their arenas otherwise
    else:
        for part in parts:
            run(part, workers)
    return levels, swapped


#: compare_pairs splits fewer pairs than a chunk between the cores from twice this many (the
#: family pairs of a large bundle; a pair's levels do not depend on its chunk)
_SPLIT_AT = 100_000
