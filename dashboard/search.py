"""Find a person by name (fuzzy, accent- and order-insensitive) or by A-number (any written form).

:class:`SearchIndex` is built once per loaded source (the dashboard caches it). Names are keyed the
way the resolver keys them (:func:`kinlink.graph.resolve.prepare.name_tokens`: accents and case
dropped, particles removed, nicknames mapped), with the tokens sorted so that word order does not
matter. Distinct keys are scored against the query with rapidfuzz in one vectorised call; records
sharing a key share the score. Results are ranked per person.

Scores (0-100): an exact identifier (record, person or family id) or A-number is 100; an A-number
one digit away is 90; a name scores the mean of rapidfuzz's ``token_set_ratio`` (a query that
names only some of the tokens still scores high) and ``token_sort_ratio`` (which prefers names
with no extra tokens), so "maria lopez" ranks "López, María" above "María José López García".

Examples
--------
>>> records = pd.DataFrame({
...     "record_id": ["r1", "r2", "r3"], "person_id": ["P1", "P1", "P2"],
...     "given_names": ["José", "Jose", "Ana"], "surnames": ["Pérez Núñez", "Perez", "Ruiz"],
...     "a_number": ["012345678", None, "087654321"], "dob": [None, None, None]})
>>> index = SearchIndex.build(records)
>>> index.search("nunez perez jose")["person_id"].tolist()
['P1']
>>> index.search("A-087-654-321")[["person_id", "score"]].values.tolist()
[['P2', 100.0]]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from kinlink.graph.resolve.nicknames import names_for
from kinlink.graph.resolve.prepare import name_tokens
from kinlink.loaders.normalize import a_number

log = logging.getLogger(__name__)

__all__ = ["RESULT_COLUMNS", "Postings", "SearchIndex", "name_key"]

RESULT_COLUMNS: Final = [
    "score",
    "person_id",
    "name",
    "family_id",
    "nationality",
    "a_numbers",
    "dobs",
    "matched",
    "records",
]
_EXACT: Final = 100.0
_A_NUMBER_NEAR: Final = 90.0
_TOKEN_CUTOFF: Final = 75.0
_NICKNAME_VARIANTS: Final = 8  # names tried for a query nickname that stands for several
_NICKNAME_DISCOUNT: Final = 0.95  # score factor of a hit found through such a name


def name_key(text: str) -> str:
    """The search key of a name: resolver tokens, sorted.

    Examples
    --------
    >>> name_key("Núñez de la Cruz, María")
    'cruz maria nunez'
    """
    return " ".join(sorted(name_tokens(text)))


def _by_distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes per row, distinct values): ``values[i] == distinct[codes[i]]``."""
    codes, distinct = pd.factorize(values, sort=False)
    return codes, np.asarray(distinct, dtype=object)


@dataclass
class Postings:
    """Which rows hold each value of a column: a hashed index of the distinct values and, per
    value, its rows (contiguous in ``order``). Lookups cost the number of values asked for and
    rows found, not the length of the column.

    Examples
    --------
    >>> p = Postings.build(pd.Series(["b", "a", None, "b"]))
    >>> p.rows(["b", "zz"]).tolist(), p.rows(["a"]).tolist()
    ([0, 3], [1])
    """

    values: pd.Index
    starts: np.ndarray
    order: np.ndarray

    @classmethod
    def build(cls, column: pd.Series) -> Postings:
        """Index the non-missing values of ``column`` (rows are positions, 0-based)."""
        codes, distinct = pd.factorize(column.astype(object), sort=False)
        present = np.flatnonzero(codes >= 0)
        order = present[np.argsort(codes[present], kind="stable")]
        starts = np.searchsorted(codes[order], np.arange(len(distinct) + 1))
        values = pd.Index(distinct.astype(str), dtype=object)
        values.get_indexer(pd.Index([""]))  # build the hash table now, not on the first search
        return cls(values, starts, order)

    def rows(self, wanted: list[str]) -> np.ndarray:
        """Positions of the rows holding any of ``wanted``, in value then row order."""
        found = self.values.get_indexer(pd.Index(wanted, dtype=object))
        found = found[found >= 0]
        if not len(found):
            return np.array([], dtype=np.int64)
        return np.concatenate(
            [self.order[self.starts[i] : self.starts[i + 1]] for i in found.tolist()]
        ).astype(np.int64)


@dataclass
class SearchIndex:
    """Name keys and A-numbers of every record, ready to search.

    Build it with :meth:`build`; search it with :meth:`search`.
    """

    records: pd.DataFrame
    key_codes: np.ndarray
    keys: list[str]
    key_starts: np.ndarray
    key_rows: np.ndarray
    vocabulary: list[str]
    token_starts: np.ndarray
    token_keys: np.ndarray
    ids: dict[str, Postings]

    @classmethod
    def build(cls, records: pd.DataFrame, persons: pd.DataFrame | None = None) -> SearchIndex:
        """Index ``records`` (Facts.records: ``record_id, person_id, given_names, surnames,
        a_number, dob``); ``persons`` (indexed by person id: ``name, family_id,
        nationality``) adds what results show.

        Notes
        -----
        ``name_tokens`` runs once per distinct name; the rest is vectorised. A few seconds for
        400,000 records.
        """
        frame = records[["record_id", "person_id", "given_names", "surnames", "a_number", "dob"]]
        frame = frame.reset_index(drop=True)
        raw = (
            frame["given_names"].fillna("").astype(str)
            + " "
            + frame["surnames"].fillna("").astype(str)
        ).str.strip()
        raw_codes, raw_distinct = _by_distinct(raw)
        keyed = np.array([name_key(v) for v in raw_distinct], dtype=object)
        row_keys = keyed[raw_codes] if len(raw_codes) else np.array([], dtype=object)
        key_codes, key_distinct = _by_distinct(pd.Series(row_keys, dtype=object))
        order = np.argsort(key_codes, kind="stable")
        starts = np.searchsorted(key_codes[order], np.arange(len(key_distinct) + 1))
        shown = frame.copy()
        shown["raw_name"] = raw
        if persons is not None:
            for column in ("name", "family_id", "nationality"):
                shown[column] = shown["person_id"].map(persons[column])
        else:
            shown["name"], shown["family_id"], shown["nationality"] = raw, None, None
        ids = {
            column: Postings.build(shown[column])
            for column in ("record_id", "person_id", "family_id", "a_number")
        }
        tokens = pd.Series([k.split(" ") if k else [] for k in key_distinct]).explode().dropna()
        token_codes, vocabulary = _by_distinct(tokens)
        token_order = np.argsort(token_codes, kind="stable")
        token_starts = np.searchsorted(token_codes[token_order], np.arange(len(vocabulary) + 1))
        token_keys = tokens.index.to_numpy()[token_order]
        log.debug("search index: %d records, %d name keys", len(frame), len(key_distinct))
        return cls(
            records=shown,
            key_codes=key_codes,
            keys=[str(k) for k in key_distinct],
            key_starts=starts,
            key_rows=order,
            vocabulary=[str(t) for t in vocabulary],
            token_starts=token_starts,
            token_keys=token_keys,
            ids=ids,
        )

    def _candidate_keys(self, tokens: list[str], wanted: int) -> np.ndarray:
        """Keys sharing tokens with the query, allowing a typo or two in each token.

        Keys that match every query token come first; when fewer than ``wanted`` do, keys that
        match any of them are candidates too.
        """
        found: list[np.ndarray] = []
        for token in tokens:
            similar = process.extract(
                token, self.vocabulary, scorer=fuzz.ratio, score_cutoff=_TOKEN_CUTOFF, limit=None
            )
            if similar:
                found.append(
                    np.unique(
                        np.concatenate(
                            [
                                self.token_keys[self.token_starts[t] : self.token_starts[t + 1]]
                                for _, _, t in similar
                            ]
                        )
                    )
                )
        if not found:
            return np.array([], dtype=np.int64)
        keys, counts = np.unique(np.concatenate(found), return_counts=True)
        best = keys[counts == counts.max()]
        return best if len(best) >= wanted else keys

    def _name_hits(self, query: str, cutoff: float, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """Hits of the query's name key, and of the same key with a nickname of several names
        replaced by each of them ("Beto Ruiz" also finds Alberto Ruiz and Roberto Ruiz)."""
        key = name_key(query)
        empty = (np.array([], dtype=np.int64), np.array([]))
        if not key:
            return empty
        keys = [key]
        tokens = key.split(" ")
        for i, token in enumerate(tokens):
            for name in sorted(names_for(token))[:_NICKNAME_VARIANTS]:
                keys.append(" ".join(sorted([*tokens[:i], name, *tokens[i + 1 :]])))
        hits = [self._key_hits(k, cutoff, limit) for k in keys]
        rows = np.concatenate([h[0] for h in hits])
        if not len(rows):
            return empty
        # a name found through a nickname ranks just below the same name as typed
        scores = np.concatenate(
            [h[1] * (1.0 if k == 0 else _NICKNAME_DISCOUNT) for k, h in enumerate(hits)]
        )
        order = np.lexsort((-scores, rows))  # each record once, with its best score
        rows, scores = rows[order], scores[order]
        first = np.r_[True, rows[1:] != rows[:-1]]
        return rows[first], scores[first]

    def _key_hits(self, key: str, cutoff: float, limit: int) -> tuple[np.ndarray, np.ndarray]:
        empty = (np.array([], dtype=np.int64), np.array([]))
        candidates = self._candidate_keys(key.split(" "), limit)
        if not len(candidates):
            return empty
        choices = [self.keys[k] for k in candidates.tolist()]
        coarse = process.cdist([key], choices, scorer=fuzz.token_set_ratio, workers=-1)[0]
        fine = process.cdist([key], choices, scorer=fuzz.token_sort_ratio, workers=-1)[0]
        scores = (coarse.astype(float) + fine) / 2
        keep = np.flatnonzero(scores >= cutoff)
        if len(keep) > limit:
            keep = keep[np.argpartition(-scores[keep], limit - 1)[:limit]]
        keep = keep[np.argsort(-scores[keep], kind="stable")]
        rows, row_scores = [], []
        for k, s in zip(candidates[keep].tolist(), scores[keep].tolist(), strict=True):
            members = self.key_rows[self.key_starts[k] : self.key_starts[k + 1]]
            rows.append(members)
            row_scores.append(np.full(len(members), s))
        if not rows:
            return empty
        return np.concatenate(rows), np.concatenate(row_scores)

    def _rows(self, column: str, value: str) -> np.ndarray:
        """Positions of the records whose ``column`` is ``value``."""
        return self.ids[column].rows([value])

    def _a_number_hits(self, digits: str) -> tuple[np.ndarray, np.ndarray]:
        rows = [self._rows("a_number", digits)]
        scores = [np.full(len(rows[0]), _EXACT)]
        near = self.ids["a_number"].rows(_one_digit_away(digits))
        rows.append(near)
        scores.append(np.full(len(near), _A_NUMBER_NEAR))
        return np.concatenate(rows), np.concatenate(scores)

    def search(self, query: str, *, limit: int = 50, cutoff: float = 60.0) -> pd.DataFrame:
        """Persons matching ``query``, best first (columns :data:`RESULT_COLUMNS`).

        ``query`` is an A-number in any written form, a record, person or family id, or a name
        in any order, with or without accents. ``cutoff`` is the lowest name score kept.

        Notes
        -----
        One rapidfuzz pass over the distinct name keys (or A-numbers), then a group-by over the
        matching records only.
        """
        text = query.strip()
        if not text:
            return pd.DataFrame(columns=RESULT_COLUMNS)
        parts: list[tuple[np.ndarray, np.ndarray]] = []
        for column in ("record_id", "person_id", "family_id"):
            exact = self._rows(column, text)
            if len(exact):
                parts.append((exact, np.full(len(exact), _EXACT)))
        digits = a_number(pd.Series([text], dtype="string"))[0].iloc[0]
        if isinstance(digits, str):
            parts.append(self._a_number_hits(digits))
        elif any(ch.isalpha() for ch in text):
            parts.append(self._name_hits(text, cutoff, 4 * limit))
        if not parts:
            return pd.DataFrame(columns=RESULT_COLUMNS)
        rows = np.concatenate([p[0] for p in parts])
        scores = np.concatenate([p[1] for p in parts])
        if not len(rows):
            return pd.DataFrame(columns=RESULT_COLUMNS)
        return self._results(rows, scores, limit)

    def _results(self, rows: np.ndarray, scores: np.ndarray, limit: int) -> pd.DataFrame:
        hits = self.records.iloc[rows].assign(score=scores)
        hits = hits.sort_values(["score", "record_id"], ascending=[False, True], kind="mergesort")
        best = hits.drop_duplicates("person_id").head(limit)
        people = best["person_id"]
        mine = self.records.iloc[np.sort(self.ids["person_id"].rows(people.tolist()))]
        a_numbers: dict[str, set[str]] = {}
        dobs: dict[str, set[str]] = {}
        sizes: dict[str, int] = {}
        for person, number, dob in zip(
            mine["person_id"], mine["a_number"], mine["dob"], strict=True
        ):
            sizes[person] = sizes.get(person, 0) + 1
            if isinstance(number, str):
                a_numbers.setdefault(person, set()).add(number)
            if not pd.isna(dob):
                dobs.setdefault(person, set()).add(pd.Timestamp(dob).strftime("%Y-%m-%d"))
        out = pd.DataFrame(
            {
                "score": best["score"].round(1).to_numpy(),
                "person_id": people.to_numpy(),
                "name": best["name"].fillna(best["raw_name"]).to_numpy(),
                "family_id": best["family_id"].to_numpy(),
                "nationality": best["nationality"].to_numpy(),
                "matched": best["raw_name"].to_numpy(),
            }
        )
        out["a_numbers"] = [";".join(sorted(a_numbers.get(p, ()))) for p in people]
        out["dobs"] = [";".join(sorted(dobs.get(p, ()))) for p in people]
        out["records"] = [sizes.get(p, 0) for p in people]
        return out[RESULT_COLUMNS].reset_index(drop=True)


def _one_digit_away(digits: str) -> list[str]:
    """Every string one substituted digit or one swap of neighbours away from ``digits``.

    Examples
    --------
    >>> len(_one_digit_away("012345678")), "102345678" in _one_digit_away("012345678")
    (89, True)
    """
    out = []
    for i, d in enumerate(digits):
        out += [digits[:i] + c + digits[i + 1 :] for c in "0123456789" if c != d]
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            out.append(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :])
    return out
