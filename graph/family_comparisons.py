"""The comparisons of the family-context model (:mod:`kinlink.graph.family_evidence`).

Inside one family the question is whether a member is another member written differently, so
the comparisons are few and coarse, each with a level for "either side missing" first:

=========  ============================================================================
names      ``same``: a given name agrees (equal after folding, or a nickname of the other:
           Pepe and José); ``variant``: a given name is a typing error, a sound-alike or a
           mistyped nickname of the other's ("Joze", "Guanito" for Juanito, "Eppe" for
           Pepe), or the names sit in each other's columns ("Lima / Pedro" against
           "Pedro / da Conceição Lima"); ``else``
surnames   from the resolver's levels: ``same`` (exact, or one surname of the other's),
           ``near`` (any fuzzy level), ``else``
dob        from the resolver's levels: ``exact``, ``typo``, ``year_off``, ``else``
sex        from the resolver's levels: ``exact``, ``else``
=========  ============================================================================

Examples
--------
>>> name_level("joze", "orozco matute", "jose antonio", "orozco matute")
'variant'
>>> name_level("ana", "lopez", "maria", "lopez"), name_level("jose", "paz", "jose luis", "paz")
('else', 'same')
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA

from kinlink.graph.resolve.nicknames import AMBIGUOUS, NICKNAMES, diminutive_bases, names_for
from kinlink.graph.resolve.nicknames import tokens_agree as _tokens_agree
from kinlink.graph.resolve.prepare import phonetic

__all__ = ["FAMILY_COMPARISONS", "family_levels", "name_level"]

#: Each family comparison and its levels, the missing level first and ``else`` last.
FAMILY_COMPARISONS: Final[dict[str, tuple[str, ...]]] = {
    "names": ("null", "same", "variant", "else"),
    "surnames": ("null", "same", "near", "else"),
    "dob": ("null", "exact", "typo", "year_off", "else"),
    "sex": ("null", "exact", "else"),
}

# the resolver's level labels read into the family levels (a label not listed reads as "near"
# for surnames and "else" for the others)
_FROM_RESOLVER: Final[dict[str, dict[str, str]]] = {
    "surnames": {"null": "null", "exact": "same", "subset": "same", "else": "else"},
    "dob": {"null": "null", "exact": "exact", "typo": "typo", "year_off": "year_off"},
    "sex": {"null": "null", "exact": "exact"},
}
_UNLISTED: Final = {"surnames": "near", "dob": "else", "sex": "else"}


def _nicknames_of() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for nick, name in NICKNAMES.items():
        out.setdefault(name, set()).add(nick)
    for nick, names in AMBIGUOUS.items():
        for name in names:
            out.setdefault(name, set()).add(nick)
    return {name: frozenset(nicks) for name, nicks in out.items()}


_NICKNAMES_OF: Final = _nicknames_of()
_MIN_LETTERS: Final = 3  # shorter tokens ("aa", "jo") are too easy to match by chance


@lru_cache(maxsize=1 << 16)
def _forms(token: str) -> frozenset[str]:
    """A token and what it may stand for: the names of a nickname, the base of a diminutive,
    and the nicknames of a name."""
    forms = {token} | set(names_for(token)) | set(diminutive_bases(token))
    forms |= _NICKNAMES_OF.get(token, frozenset())
    return frozenset(f for f in forms if len(f) >= _MIN_LETTERS)


@lru_cache(maxsize=1 << 16)
def _key(token: str) -> str:
    return phonetic(token) if len(token) >= _MIN_LETTERS else ""


def _close(a: str, b: str) -> bool:
    """One token is within one edit (or one transposition) or one sound of the other, either
    as written or through a nickname or diminutive of either."""
    for x in _forms(a):
        for y in _forms(b):
            if OSA.distance(x, y, score_cutoff=1) <= 1:
                return True
            if len(_key(x)) >= _MIN_LETTERS and _key(x) == _key(y):
                return True
    return False


@lru_cache(maxsize=1 << 18)
def name_level(given_a: str, surname_a: str, given_b: str, surname_b: str) -> str:
    """The family ``names`` level of two records (normalised given names and surnames).

    Examples
    --------
    >>> name_level("lima", "pedro", "pedro", "conceicao lima")  # columns swapped
    'variant'
    >>> name_level("guanito", "hernandez", "juan", "hernandez valladares")
    'variant'
    >>> name_level("", "perez", "ana", "perez")
    'null'
    """
    ga, gb = given_a.split(), given_b.split()
    if not ga or not gb:
        return "null"
    if any(_tokens_agree(a, b) for a in ga for b in gb):
        return "same"
    sa, sb = surname_a.split(), surname_b.split()
    if any(_close(a, b) for a in ga for b in gb):
        return "variant"
    if any(_close(a, b) for a in sa for b in gb) or any(_close(a, b) for a in ga for b in sb):
        return "variant"
    return "else"


def _text(values: pd.Series, at: np.ndarray) -> list[str]:
    """The text at positions ``at`` of ``values`` (missing: "")."""
    return [v if isinstance(v, str) else "" for v in values.to_numpy()[at].tolist()]


def family_levels(
    prepared: pd.DataFrame,
    il: np.ndarray,
    ir: np.ndarray,
    resolver_levels: np.ndarray,
    resolver_labels: dict[str, list[str]],
) -> np.ndarray:
    """Family levels (codes into :data:`FAMILY_COMPARISONS`) of record pairs.

    Parameters
    ----------
    prepared : DataFrame
        The resolver's prepared records (``given``, ``surname``).
    il, ir : ndarray
        The pairs (record positions).
    resolver_levels : ndarray
        The resolver's level codes of the same pairs, one column per comparison.
    resolver_labels : dict
        Resolver comparison name -> its level labels, in column order.

    Returns
    -------
    ndarray
        ``(len(il), 4)`` level codes: names, surnames, dob, sex.
    """
    out = np.zeros((len(il), len(FAMILY_COMPARISONS)), dtype=np.int64)
    codes = {label: k for k, label in enumerate(FAMILY_COMPARISONS["names"])}
    given, surname = prepared["given"], prepared["surname"]
    out[:, 0] = [
        codes[name_level(*names)]
        for names in zip(
            _text(given, il), _text(surname, il), _text(given, ir), _text(surname, ir), strict=True
        )
    ]
    for col, name in enumerate(("surnames", "dob", "sex"), start=1):
        labels = FAMILY_COMPARISONS[name]
        if name not in resolver_labels:
            continue  # no such resolver comparison: every pair reads as missing
        j = list(resolver_labels).index(name)
        table = np.array(
            [
                labels.index(_FROM_RESOLVER[name].get(lab, _UNLISTED[name]))
                for lab in resolver_labels[name]
            ],
            dtype=np.int64,
        )
        out[:, col] = table[resolver_levels[:, j]]
    return out
