"""Vectorised normalisers for the contract's value types.

Every normaliser takes a pandas Series of raw strings (``NA`` for an empty cell) and returns
``(values, bad)``: the normalised Series and a boolean mask of cells that held something but
could not be parsed (those become missing and are counted in the data-quality summary).

Work is done once per *distinct* raw value and mapped back, so a 2-million-row column with a few
thousand distinct values costs a few thousand parses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from kinlink.loaders.countries import country_code
from kinlink.loaders.dates import parse_dates
from kinlink.loaders.vocabulary import role_of

Normalised = tuple[pd.Series, pd.Series]
Dtype = Literal["string", "boolean"]  # of the normalised values

# spaces and dashes as word processors and web pages write them too (no-break and thin spaces,
# zero-width space, hyphens, en and em dashes, minus); the characters themselves, not ``\u``
# escapes, because the pattern also runs in Arrow's regex engine
_A_NUMBER_SEPARATORS = re.compile("[\\s\u00a0\u2000-\u200b\u202f\u2010-\u2015\u2212\\-./_#:]")
_A_NUMBER = re.compile(r"A?\d{8,9}")
_WHITESPACE = re.compile(r"\s+")

TRUE_WORDS = frozenset({"true", "t", "1", "yes", "y", "si", "sí", "verdadero", "sim"})
FALSE_WORDS = frozenset({"false", "f", "0", "no", "n", "falso", "nao", "não"})
SEX_WORDS = {
    "M": "M",
    "MALE": "M",
    "MASCULINO": "M",
    "HOMBRE": "M",
    "MAN": "M",
    "F": "F",
    "FEMALE": "F",
    "FEMENINO": "F",
    "MUJER": "F",
    "WOMAN": "F",
    "X": "X",
}


def _distinct(raw: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Each cell's place among the distinct non-missing values (-1: missing), and those values.

    Arrow factorizes an Arrow-backed column in C, so the per-value work that follows costs the
    number of distinct values, not of cells.
    """
    codes, distinct = pd.factorize(raw, use_na_sentinel=True)
    return codes, distinct.tolist()


def _spread(results: list[Any], codes: np.ndarray, dtype: Dtype, raw: pd.Series) -> pd.Series:
    """The result of each cell's distinct value (``results[code]``; a missing cell: missing),
    as a Series of ``dtype`` shaped like ``raw``."""
    values = pd.array(results, dtype=dtype).take(codes, allow_fill=True)
    return pd.Series(values, index=raw.index, name=raw.name)


def _flags(flags: list[bool], codes: np.ndarray, raw: pd.Series) -> pd.Series:
    """A flag per distinct value, spread over the cells (a missing cell: ``False``)."""
    return pd.Series(np.array([*flags, False])[codes], index=raw.index, name=raw.name)


def _by_distinct(
    raw: pd.Series, parse: Callable[[str], Hashable | None], dtype: Dtype = "string"
) -> Normalised:
    """Apply ``parse`` to each distinct non-missing value; ``None`` means unparseable."""
    codes, distinct = _distinct(raw)
    parsed = [parse(value) for value in distinct]
    bad = [value is None for value in parsed]
    return _spread(parsed, codes, dtype, raw), _flags(bad, codes, raw)


def a_number(raw: pd.Series) -> Normalised:
    """Normalise alien registration numbers to 9 digits.

    Accepts the written forms of the contract and of practitioners: an optional leading ``A``
    or ``A#``, separators (space, hyphen, dot, slash, ``#``, colon, and the no-break spaces and
    dashes of word processors) anywhere, and 8 or 9 digits (8 are zero-padded).

    Examples
    --------
    >>> values, bad = a_number(pd.Series(["A012345678", "A-012-345-678", "12345678",
    ...                                    "012 345 678", "a 12-345-678", "A12B45678", None,
    ...                                    "A# 208-123-456", "A#208123457",
    ...                                    "A\u00a0208\u2013123\u2013456"]))
    >>> values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['012345678', '012345678', '012345678', '012345678', '012345678', <NA>, <NA>,
     '208123456', '208123457', '208123456']
    >>> bad.tolist()
    [False, False, False, False, False, True, False, False, False, False]
    """

    text = raw.astype("string[pyarrow]")
    compact = text.str.upper().str.replace(_A_NUMBER_SEPARATORS.pattern, "", regex=True)
    valid = compact.str.fullmatch(_A_NUMBER.pattern).fillna(False).astype(bool)
    digits = compact.where(valid).str.lstrip("A").str.zfill(9)
    return digits.astype("string"), (text.notna() & ~valid).astype(bool)


def date(raw: pd.Series) -> Normalised:
    """Parse dates to ``datetime64[s]`` (see :mod:`kinlink.loaders.dates`); never raises on a value.

    Impossible dates (``2019-02-30``), dates before 1900 or after 2100, and text that is not a
    date are unparseable. Year-last dates (``03/14/1988``) are read in the order the column's
    values decide; a column they leave open raises :class:`~kinlink.loaders.dates.DateOrderError`.

    Examples
    --------
    >>> values, bad = date(pd.Series(["2019-01-28", "2019-02-30", "28/01/2019",
    ...                               "2020-12-07T10:00:00", "9185-10-14", None]))
    >>> [str(v.date()) if pd.notna(v) else None for v in values]
    ['2019-01-28', None, '2019-01-28', '2020-12-07', None, None]
    >>> bad.tolist()
    [False, True, False, False, True, False]
    """
    parsed = parse_dates(raw)
    return parsed.values, parsed.bad


def boolean(raw: pd.Series) -> Normalised:
    """Parse true/false, 1/0, yes/no, Y/N, T/F in any case to a nullable boolean.

    Examples
    --------
    >>> values, bad = boolean(pd.Series(["Y", "no", "TRUE", "0", "maybe", None]))
    >>> values.tolist()
    [True, False, True, False, <NA>, <NA>]
    >>> bad.tolist()
    [False, False, False, False, True, False]
    """

    def parse(value: str) -> bool | None:
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return None

    return _by_distinct(raw, parse, "boolean")


def nationality(raw: pd.Series) -> Normalised:
    """Map ISO alpha-3/alpha-2 codes and English or Spanish country names to ISO alpha-3.

    Examples
    --------
    >>> values, bad = nationality(pd.Series(["hnd", "Honduras", "El Salvador", "México",
    ...                                      "Brasil", "Atlantis"]))
    >>> values.tolist()
    ['HND', 'HND', 'SLV', 'MEX', 'BRA', <NA>]
    >>> bad.tolist()
    [False, False, False, False, False, True]
    """
    return _by_distinct(raw, country_code)


def sex(raw: pd.Series) -> Normalised:
    """Map sex codes and common English/Spanish words to ``M``, ``F`` or ``X``.

    Examples
    --------
    >>> sex(pd.Series(["m", "Femenino", "X", "?"]))[0].tolist()
    ['M', 'F', 'X', <NA>]
    """
    return _by_distinct(raw, lambda value: SEX_WORDS.get(value.strip().upper()))


def code(raw: pd.Series, allowed: Iterable[str]) -> Normalised:
    """Upper-case a coded value and keep it only when it is one of ``allowed``.

    Examples
    --------
    >>> code(pd.Series(["positive", "Pending", "unsure"]),
    ...      {"NONE", "PENDING", "POSITIVE", "NEGATIVE"})[0].tolist()
    ['POSITIVE', 'PENDING', <NA>]
    """
    allowed = frozenset(allowed)

    def parse(value: str) -> str | None:
        word = _WHITESPACE.sub("_", value.strip().upper())
        return word if word in allowed else None

    return _by_distinct(raw, parse)


def role(raw: pd.Series) -> Normalised:
    """Map a family-unit role code or a relationship word (English, Spanish, Portuguese) to the
    contract's role codes (:data:`kinlink.loaders.vocabulary.ROLE_WORDS`).

    Examples
    --------
    >>> role(pd.Series(["head", "Mother", "hijo", "Other relative", "neighbour"]))[0].tolist()
    ['HEAD', 'PARENT', 'CHILD', 'OTHER_RELATIVE', <NA>]
    """
    return _by_distinct(raw, role_of)


MAX_NAME_LENGTH = 256  # characters: longer is not a name, and fuzzy comparison is quadratic


def checked_name(raw: pd.Series) -> Normalised:
    """:func:`name`, with cells longer than :data:`MAX_NAME_LENGTH` characters unparseable.

    A name cell holding a pasted document is not a name; comparing it with every candidate
    would cost the resolver minutes, so it is read as missing (the raw text is kept apart).

    Examples
    --------
    >>> values, bad = checked_name(pd.Series(["Ana", "x" * 300, None]))
    >>> values.tolist(), bad.tolist()
    (['Ana', <NA>, <NA>], [False, True, False])
    """
    codes, distinct = _distinct(raw)
    too_long = [len(value) > MAX_NAME_LENGTH for value in distinct]
    names = [
        None if long else _clean_name(value) for value, long in zip(distinct, too_long, strict=True)
    ]
    return _spread(names, codes, "string", raw), _flags(too_long, codes, raw)


def name(raw: pd.Series) -> pd.Series:
    """Unicode NFC, whitespace collapsed and stripped; case and accents are kept.

    Examples
    --------
    >>> name(pd.Series(["  Jose\u0301   Luis ", "", None])).tolist()
    ['José Luis', <NA>, <NA>]
    """
    values, _ = _by_distinct(raw, _clean_name)
    return values


def _clean_name(value: str) -> str | None:
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", value)).strip()
    return text or None


def text(raw: pd.Series) -> pd.Series:
    """Strip surrounding whitespace; an empty result is missing.

    Examples
    --------
    >>> text(pd.Series([" a ", "", "  ", None, "a"])).tolist()
    ['a', <NA>, <NA>, <NA>, 'a']
    """
    return _on_distinct(raw, lambda values: trimmed(values).astype("string"))


def label(raw: pd.Series) -> pd.Series:
    """:func:`text`, upper-cased.

    Examples
    --------
    >>> label(pd.Series([" cbp ", "Cbp", "", None])).tolist()
    ['CBP', 'CBP', <NA>, <NA>]
    """
    return _on_distinct(raw, lambda values: trimmed(values).astype("string").str.upper())


def as_written(raw: pd.Series) -> pd.Series:
    """The cells as they are, as a ``string`` column (each distinct value converted once).

    Examples
    --------
    >>> as_written(pd.Series([" Ana ", None], dtype="string[pyarrow]")).tolist()
    [' Ana ', <NA>]
    """
    return _on_distinct(raw, lambda values: values.astype("string"))


def trimmed(raw: pd.Series) -> pd.Series:
    """:func:`text`, but in ``raw``'s own dtype: an Arrow-backed column stays in Arrow, where
    finding its empty or repeated values costs no Python string per cell.

    Examples
    --------
    >>> trimmed(pd.Series([" a ", " ", None], dtype="string[pyarrow]")).tolist()
    ['a', <NA>, <NA>]
    """
    stripped = raw.str.strip()
    return stripped.mask(stripped == "")


_SAMPLE = 4096  # first cells of a column that tell whether its values repeat


def _on_distinct(raw: pd.Series, change: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``change`` (a vectorised string method chain) applied to the distinct values of ``raw``
    and spread back over its cells: the same values as ``change(raw)``, from far fewer strings.

    A column whose first cells are mostly distinct values (ids) is changed whole: factorizing
    it would cost more than it saves (at 2 million ids, a quarter of a second). ``change`` runs
    on a Series of the same dtype either way, so Arrow's string kernels and Python's string
    methods each see the values they always saw.
    """
    head = raw.iloc[:_SAMPLE]
    if 2 * head.nunique() > len(head):
        return change(raw)
    codes, distinct = pd.factorize(raw, use_na_sentinel=True)
    changed = change(pd.Series(distinct, dtype=raw.dtype)).array
    return pd.Series(changed.take(codes, allow_fill=True), index=raw.index, name=raw.name)
