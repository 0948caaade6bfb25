"""Small perturbations that real record systems introduce: case, accents, typos, dates, A-numbers.

Every function takes the caller's ``random.Random`` so that the whole bundle stays reproducible.

Examples
--------
>>> import random
>>> fold("Peña Núñez")
'Pena Nunez'
>>> anumber_form("012345678", 2)
'012345678'
>>> anumber_form("012345678", 4)
'A-012-345-678'
>>> swap_day_month("2011-03-07")
'2011-07-03'
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date
from functools import lru_cache

#: Spanish spelling confusions (lowercase pattern, replacement), tried before blind edits.
PHONETIC = (
    ("v", "b"),
    ("b", "v"),
    ("z", "s"),
    ("s", "z"),
    ("ll", "y"),
    ("y", "ll"),
    ("h", ""),
    ("ñ", "n"),
    ("rr", "r"),
    ("th", "t"),
    ("ce", "se"),
    ("ci", "si"),
    ("qu", "k"),
    ("j", "g"),
    ("ge", "je"),
    ("gi", "ji"),
    ("x", "j"),
    ("ie", "i"),
    ("ei", "ey"),
)

_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Drop accents and tildes (``Peña`` -> ``Pena``)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def upper_ascii(text: str) -> str:
    """Upper-case without accents, as many government systems store names."""
    return fold(text).upper()


def _match_case(template: str, repl: str) -> str:
    if not repl:
        return repl
    return repl.upper() if template[:1].isupper() else repl


def typo(text: str, rng: random.Random) -> str:
    """Introduce one spelling error: a phonetic confusion or a character edit.

    The result always differs from ``text`` when ``text`` has at least two letters.
    """
    if len(text) < 2:
        return text
    low = text.lower()
    if rng.random() < 0.5:
        options = [(i, pat, rep) for pat, rep in PHONETIC for i in _find_all(low, pat)]
        if options:
            i, pat, rep = options[rng.randrange(len(options))]
            new = text[:i] + _match_case(text[i : i + len(pat)], rep) + text[i + len(pat) :]
            if new and new != text:
                return new
    return _char_edit(text, rng)


def _find_all(text: str, pat: str) -> list[int]:
    found, start = [], text.find(pat)
    while start >= 0:
        found.append(start)
        start = text.find(pat, start + 1)
    return found


def _char_edit(text: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 2:
        return text
    i = letters[rng.randrange(1, len(letters))]
    op = rng.randrange(4)
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i] + text[i:]
    if op == 2 and text[i - 1] != text[i] and text[i - 1].isalpha():
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
    new = rng.choice(_KEYBOARD.replace(text[i].lower(), ""))
    return text[:i] + _match_case(text[i], new) + text[i + 1 :]


# --- A-numbers --------------------------------------------------------------------------------


def anumber_form(a9: str, form: int) -> str:
    """Write a 9-digit A-number in one of the ways sources write it.

    ``form``: 0 ``A012345678``; 1 ``A12345678`` (leading zero dropped); 2 ``012345678``;
    3 ``12345678`` (digits, leading zero dropped); 4 ``A-012-345-678``; 5 ``012 345 678``.
    Forms 1 and 3 keep the zero when the number does not start with one.
    """
    if form == 0:
        return "A" + a9
    if form == 1:
        return "A" + (a9[1:] if a9[0] == "0" else a9)
    if form == 2:
        return a9
    if form == 3:
        return a9[1:] if a9[0] == "0" else a9
    if form == 4:
        return f"A-{a9[:3]}-{a9[3:6]}-{a9[6:]}"
    return f"{a9[:3]} {a9[3:6]} {a9[6:]}"


def anumber_typo(a9: str, rng: random.Random) -> str:
    """One digit substituted, or two adjacent different digits transposed."""
    digits = list(a9)
    if rng.random() < 0.5:
        pairs = [i for i in range(1, 8) if digits[i] != digits[i + 1]]
        if pairs:
            i = rng.choice(pairs)
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
            return "".join(digits)
    i = rng.randrange(1, 9)
    digits[i] = rng.choice("0123456789".replace(digits[i], ""))
    return "".join(digits)


# --- dates ------------------------------------------------------------------------------------


def iso(d: date | None) -> str:
    """ISO date, or the empty string for a missing date."""
    return d.isoformat() if d is not None else ""


def swap_day_month(dob: str) -> str:
    """Swap day and month when both could be a month and they differ; else return as is."""
    y, m, d = dob.split("-")
    if d != m and int(d) <= 12:
        return f"{y}-{d}-{m}"
    return dob


def year_off(dob: str, rng: random.Random) -> str:
    """Year one off (Feb 29 becomes Feb 28)."""
    y, m, d = dob.split("-")
    year = int(y) + rng.choice((-1, 1))
    if m == "02" and d == "29":
        d = "28"
    return f"{year:04d}-{m}-{d}"


def digit_off(dob: str, rng: random.Random) -> str:
    """One digit of the day or of the year's last digit changed (always a valid date)."""
    y, m, d = dob.split("-")
    for _ in range(10):
        if rng.random() < 0.5:
            day = int(d[0] + rng.choice("0123456789".replace(d[1], "")))
            try:
                return date(int(y), int(m), day).isoformat()
            except ValueError:
                continue
        year = int(y[:3] + rng.choice("0123456789".replace(y[3], "")))
        try:
            return date(year, int(m), int(d)).isoformat()
        except ValueError:
            continue
    return year_off(dob, rng)
