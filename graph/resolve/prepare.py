"""Name, date and identifier keys for comparing and blocking person records.

Everything here works once per *distinct* value and maps back, so a 2-million-row column with a
few tens of thousands of distinct names costs a few tens of thousands of calls.

Names are treated the Latin American way: accents and case are dropped, particles (de, del,
de la, da, dos, y, ...) are removed, nicknames that stand for one name map to it (Pepe -> jose,
Paco/Pancho -> francisco, Lupe -> guadalupe, Chuy -> jesus, ...; the tables are in
:mod:`kinlink.graph.resolve.nicknames`) while those shared by several names (Beto, Dani, Alex)
stay as written for the ``nickname`` level of the given-name comparison, and surnames keep their
order (paternal, maternal) as separate tokens so that comparisons can accept either order or one
surname missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from kinlink.graph.resolve.nicknames import NICKNAMES
from kinlink.sorting import stable_ranks

PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "y", "e", "van", "von", "der"}
)

_NON_LETTER = re.compile(r"[^a-z ]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"\D+")
_SPACES = re.compile(r"\s+")
MISSING_DAYS = -(10**9)  # dob_days of a record without a date of birth
PHONETIC_SLOTS = 3  # phonetic keys kept per name part (given names, surnames)


def fold(text: str) -> str:
    """Lower-case, strip accents and keep letters and single spaces.

    Examples
    --------
    >>> fold("  María-José  Ñúñez ")
    'maria jose nunez'
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("ç", "s").replace("Ç", "s"))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _SPACES.sub(" ", _NON_LETTER.sub(" ", ascii_text)).strip()


def name_tokens(text: str, *, nicknames: bool = True) -> list[str]:
    """Fold a name, drop particles and map one-valued nicknames to the names they stand for.

    Nicknames shared by several names (:data:`kinlink.graph.resolve.nicknames.AMBIGUOUS`) are
    kept as written.

    Examples
    --------
    >>> name_tokens("Pepe de la Cruz")
    ['jose', 'cruz']
    >>> name_tokens("Güicho"), name_tokens("Beto")
    (['luis'], ['beto'])
    >>> name_tokens("María de los Ángeles")
    ['maria', 'angeles']
    """
    tokens = [t for t in fold(text).split(" ") if t and t not in PARTICLES]
    if nicknames:
        tokens = [NICKNAMES.get(t, t) for t in tokens]
    return tokens


_PHONETIC_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ph", "f"),
        (r"sch", "x"),
        (r"ch", "x"),
        (r"sh", "x"),
        (r"lh", "l"),
        (r"nh", "n"),
        (r"ll", "y"),
        (r"qu", "k"),
        (r"gu(?=[ei])", "g"),
        (r"c(?=[ei])", "s"),
        (r"c", "k"),
        (r"q", "k"),
        (r"z", "s"),
        (r"g(?=[ei])", "j"),
        (r"^x", "j"),
        (r"h", ""),
        (r"v", "b"),
        (r"w", "b"),
        (r"y", "i"),
        (r"(?<=[aeiou])x(?=[aeiou])", "j"),
        (r"x", "s"),
        (r"mb", "nb"),
        (r"mp", "np"),
    )
)


def phonetic(token: str) -> str:
    """A phonetic key suited to Spanish and Portuguese names (at most 6 characters).

    The first sound is kept; later vowels are dropped and doubled letters collapse, so common
    spelling variants share a key.

    Examples
    --------
    >>> phonetic("Hernández") == phonetic("ernandes"), phonetic("hernan") == phonetic("fernan")
    (True, False)
    >>> phonetic("gonzalez") == phonetic("gonsales"), phonetic("yesenia") == phonetic("llesenia")
    (True, True)
    >>> phonetic("ximena") == phonetic("jimena"), phonetic("vasquez") == phonetic("basques")
    (True, True)
    """
    word = fold(token).replace(" ", "")
    if not word:
        return ""
    for pattern, replacement in _PHONETIC_RULES:
        word = pattern.sub(replacement, word)
    if not word:
        return ""
    head, tail = word[0], re.sub(r"[aeiou]", "", word[1:])
    collapsed = re.sub(r"(.)\1+", r"\1", head + tail)
    return collapsed[:6]


def by_distinct(values: pd.Series, func: Callable[[str], object]) -> np.ndarray:
    """Apply ``func`` once per distinct non-missing value; an object array (``None`` missing).

    Examples
    --------
    >>> by_distinct(pd.Series(["a", None, "a"]), str.upper).tolist()
    ['A', None, 'A']
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [func(v) for v in uniques.tolist()]
    table[-1] = None
    return table[codes]


def _name_parts(text: str, *, nicknames: bool) -> tuple[str | None, str | None, str | None]:
    tokens = name_tokens(text, nicknames=nicknames)
    if not tokens:
        return None, None, None
    return " ".join(tokens), tokens[0], tokens[1] if len(tokens) > 1 else None


def _date_key(days: np.ndarray, present: np.ndarray) -> np.ndarray:
    codes, uniques = pd.factorize(np.where(present, days, MISSING_DAYS))
    distinct = np.asarray(uniques)
    absent = distinct == MISSING_DAYS
    stamps = pd.to_datetime(np.where(absent, 0, distinct), unit="D")
    text = np.asarray(stamps.strftime("%Y%m%d"), dtype=object)
    text[absent] = None
    return text[codes]


def _names(raw: pd.Series, *, nicknames: bool) -> tuple[np.ndarray, list[np.ndarray]]:
    """Codes of the distinct raw names and, per distinct name, full / first / second token."""
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object))
    parts = [_name_parts(v, nicknames=nicknames) for v in uniques.tolist()]
    columns = []
    for k in range(3):
        table = np.empty(len(parts) + 1, dtype=object)
        table[:-1] = [p[k] for p in parts]
        table[-1] = None
        columns.append(table)
    return codes, columns


def prepare(individuals: pd.DataFrame) -> pd.DataFrame:
    """Derive the comparison and blocking keys of every record.

    Parameters
    ----------
    individuals : DataFrame
        The loaded ``individuals`` frame (DESIGN.md). Only ``record_id`` is required; every other
        column the resolver uses is optional.

    Returns
    -------
    DataFrame
        One row per record, same order, with string keys (``None`` when missing):
        ``given``, ``given1``, ``given_raw`` (without nickname mapping), ``surname``,
        ``surname1``, ``surname2``, ``dob`` (YYYYMMDD),
        ``dob_days`` (days since 1970, ``MISSING_DAYS`` if missing), the other birth-date keys
        of :func:`birth_dates`, ``a_number``, ``sex``,
        ``nationality``, ``other_id``, ``phone``, ``address``, ``source``; and ``pg0..pg2``,
        ``ps0..ps2``: integer codes of the phonetic keys of the first three given-name and
        surname tokens (-1: none; equal codes mean equal keys).

    Notes
    -----
    Python runs once per distinct raw value; everything per record is a numpy gather.

    Examples
    --------
    >>> frame = pd.DataFrame({"record_id": ["r1"], "given_names": ["Pepe"],
    ...                       "surnames": ["de la Cruz Núñez"],
    ...                       "dob": pd.to_datetime(["1980-02-01"])})
    >>> row = prepare(frame).iloc[0]
    >>> row["given"], row["surname"], row["surname2"], row["dob"]
    ('jose', 'cruz nunez', 'nunez', '19800201')
    >>> [int(row[c]) for c in ("pg0", "pg1", "ps0", "ps1", "ps2")]
    [0, -1, 1, 2, -1]
    """
    n = len(individuals)

    def column(name: str) -> pd.Series:
        if name in individuals.columns:
            return individuals[name].astype(object).where(individuals[name].notna(), None)
        return pd.Series([None] * n, index=individuals.index, dtype=object)

    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["record_id"] = individuals["record_id"].astype(str).to_numpy()
    out["source"] = column("source").to_numpy()
    g_codes, (given, given1, _) = _names(column("given_names"), nicknames=True)
    # as written (folded, particles dropped) for spelling likeness: a nickname mapping must not
    # hide a typo ("charlei" is a misspelt "charlie" even where "charlie" stands for "carlos")
    r_codes, (given_raw, _, _) = _names(column("given_names"), nicknames=False)
    s_codes, (surname, surname1, surname2) = _names(column("surnames"), nicknames=False)
    out["given"], out["given1"] = given[g_codes], given1[g_codes]
    out["given_raw"] = given_raw[r_codes]
    out["surname"], out["surname1"], out["surname2"] = (
        surname[s_codes],
        surname1[s_codes],
        surname2[s_codes],
    )

    for name, values in birth_dates(individuals).items():
        out[name] = values

    out["a_number"] = by_distinct(column("a_number"), lambda s: _DIGITS.sub("", s) or None)
    out["sex"] = by_distinct(column("sex"), lambda s: s.strip().upper()[:1] or None)
    out["nationality"] = by_distinct(column("nationality"), lambda s: s.strip().upper() or None)
    out["other_id"] = by_distinct(
        column("other_id"), lambda s: _NON_ALNUM.sub("", s.lower()) or None
    )
    out["phone"] = by_distinct(column("phone"), lambda s: _DIGITS.sub("", s)[-10:] or None)
    out["address"] = by_distinct(column("address"), lambda s: fold_any(s) or None)

    # rank of "surname|given" (sorted-neighbourhood order), computed over distinct pairs
    pair_code, pairs = pd.factorize((s_codes.astype(np.int64) + 1) * (len(given) + 1) + g_codes + 1)
    pairs = np.asarray(pairs)
    text = [
        f"{(surname[s - 1] if s else '') or ''}|{(given[g - 1] if g else '') or ''}"
        for s, g in zip(
            (pairs // (len(given) + 1)).tolist(), (pairs % (len(given) + 1)).tolist(), strict=True
        )
    ]
    # Arrow's sort: the order of Python's string comparison, without comparing two million
    # objects pair by pair
    out["name_rank"] = stable_ranks(np.asarray(text, dtype=object))[1][pair_code]

    vocabulary: dict[str, int] = {}
    keys_of: dict[str, str] = {}
    for prefix, codes, table in (("pg", g_codes, given), ("ps", s_codes, surname)):
        keys = np.full((len(table), PHONETIC_SLOTS), -1, dtype=np.int32)
        for row, full in enumerate(table.tolist()):
            for slot, token in enumerate(full.split(" ")[:PHONETIC_SLOTS] if full else []):
                key = keys_of.get(token)
                if key is None:
                    key = keys_of[token] = phonetic(token)
                if key:
                    keys[row, slot] = vocabulary.setdefault(key, len(vocabulary))
        for slot in range(PHONETIC_SLOTS):
            out[f"{prefix}{slot}"] = keys[codes, slot]
    return out


#: Jan 1 is read as "only the year is known" when the data holds this many times more Jan-1
#: birth dates than one day's share (1/365): immigration and refugee systems record 1 January
#: when the day and month are unknown.
PLACEHOLDER_EXCESS = 3.0
_YEAR_ONLY = re.compile(r"(\d{4})(?:0000|00\d\d|\d\d00)?")


def _raw_date(raw: str) -> tuple[str | None, int, int, int, bool]:
    """Key, year, month, day and year-only flag of a birth date written as ``dob_raw``.

    ``dob_raw`` (the loaders) holds ``YYYYMMDD`` digits for every date-like cell, possible or
    not, and the text as written otherwise. A year alone (``1985``) or a date with a zero
    month or day (``1985-00-00``) is year-only; an impossible or out-of-range date
    (``9185-10-14``) keeps its digits, so a typing error can still be recognised.

    Examples
    --------
    >>> _raw_date("91851014"), _raw_date("19850000"), _raw_date("1985"), _raw_date("unknown")
    (('91851014', 9185, 10, 14, False), ('19850000', 1985, 0, 0, True), \
('19850000', 1985, 0, 0, True), (None, 0, 0, 0, False))
    """
    text = raw.strip()
    if len(text) == 8 and text.isdigit():
        y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
        if m and d:
            return text, y, m, d, False
    match = _YEAR_ONLY.fullmatch(text)
    if match and int(match.group(1)):
        year = int(match.group(1))
        return f"{year:04d}0000", year, 0, 0, True
    return None, 0, 0, 0, False


def birth_dates(individuals: pd.DataFrame) -> dict[str, np.ndarray]:
    """The birth-date keys of every record: ``dob`` (YYYYMMDD text, ``YYYY0000`` when only the
    year is known), ``dob_days``, ``dob_y``, ``dob_m``, ``dob_d`` (0 when unknown) and
    ``dob_loose`` (only the year is known).

    A valid ``dob`` is used first; when it is missing, ``dob_raw`` (the cell as written, from
    the loaders) gives a year-only date or the digits of an impossible date. A 1 January date
    counts as year-only when the data holds far more of them than chance
    (:data:`PLACEHOLDER_EXCESS`).

    Examples
    --------
    >>> frame = pd.DataFrame({"dob": pd.to_datetime(["1985-10-14", None, None]),
    ...                       "dob_raw": ["19851014", "91851014", "1985"]})
    >>> keys = birth_dates(frame)
    >>> keys["dob"].tolist(), keys["dob_y"].tolist(), keys["dob_loose"].tolist()
    (['19851014', '91851014', '19850000'], [1985, 9185, 1985], [False, False, True])
    """
    n = len(individuals)
    days = np.full(n, MISSING_DAYS, dtype=np.int64)
    ymd = np.zeros((3, n), dtype=np.int32)
    loose = np.zeros(n, dtype=bool)
    present = np.zeros(n, dtype=bool)
    if "dob" in individuals.columns:
        dob = pd.to_datetime(individuals["dob"], errors="coerce").to_numpy()
        present = ~np.isnat(dob)
        days[present] = dob[present].astype("datetime64[D]").astype(np.int64)
        stamp = np.where(present, days, 0).astype("datetime64[D]")
        ymd[0] = stamp.astype("datetime64[Y]").astype(np.int32) + 1970
        ymd[1] = stamp.astype("datetime64[M]").astype(np.int32) % 12 + 1
        ymd[2] = (stamp - stamp.astype("datetime64[M]")).astype(np.int32) + 1
        ymd[:, ~present] = 0
        jan1 = present & (ymd[1] == 1) & (ymd[2] == 1)
        if jan1.sum() >= 20 and jan1.sum() > PLACEHOLDER_EXCESS * present.sum() / 365:
            loose = jan1
    key = _date_key(days, present)
    if "dob_raw" in individuals.columns:
        raw = individuals["dob_raw"].astype(object).where(individuals["dob_raw"].notna(), None)
        todo = np.flatnonzero(~present & raw.notna().to_numpy())
        if len(todo):
            codes, uniques = pd.factorize(raw.to_numpy(dtype=object)[todo])
            parsed = [_raw_date(str(v)) for v in uniques.tolist()]
            key[todo] = np.array([p[0] for p in parsed], dtype=object)[codes]
            for k in range(3):
                ymd[k, todo] = np.array([p[k + 1] for p in parsed], dtype=np.int32)[codes]
            loose[todo] = np.array([p[4] for p in parsed], dtype=bool)[codes]
    key[loose & present] = np.array(
        [f"{y:04d}0000" for y in ymd[0, loose & present].tolist()], dtype=object
    )
    return {
        "dob_days": days,
        "dob": key,
        "dob_y": ymd[0],
        "dob_m": ymd[1],
        "dob_d": ymd[2],
        "dob_loose": loose,
    }


def fold_any(text: str) -> str:
    """Like :func:`fold` but keeps digits (for addresses and identifiers).

    Examples
    --------
    >>> fold_any("Calle 5 de Mayo #12, Tijuana")
    'calle 5 de mayo 12 tijuana'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _SPACES.sub(" ", _NON_ALNUM.sub(" ", ascii_text)).strip()


def term_frequencies(values: pd.Series) -> pd.Series:
    """Relative frequency of each record's value among the non-missing values (NaN if missing).

    Examples
    --------
    >>> term_frequencies(pd.Series(["a", "a", "b", None])).tolist()
    [0.6666666666666666, 0.6666666666666666, 0.3333333333333333, nan]
    """
    counts = values.value_counts(dropna=True)
    total = counts.sum()
    return values.map(counts / total if total else counts).astype(float)
