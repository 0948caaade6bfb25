"""Dates as people write them, read without ever raising on a value.

A date column is read in three steps, once per *distinct* value:

1. **Split** each value into year, month and day. Accepted shapes: ISO ``1988-03-14`` (also
   ``1988-3-14``, ``1988/03/14``, ``19880314``, a time after the date), numbers with the year last
   (``03/14/1988``, ``3/14/1988``, ``14/03/2012``, ``14.03.2012``, ``14-03-2012``), and month
   names in English or Spanish (``14 Mar 1988``, ``March 14, 1988``, ``14 de marzo de 1988``).
2. **Decide the order** of a column's year-last values: a value whose first number is over 12
   can only be day-first, one whose second number is over 12 only month-first. A column written
   year-last is read the way at least 90% of its deciding values show; a column with evidence
   split both ways, or with values such as ``03/04/2012`` and nothing that decides, raises
   :class:`DateOrderError` (never a silent guess). A column written mostly year-first (a
   bundle's ISO dates) is never stopped by a few year-last strays: each is read on its own, and
   one that reads both ways is missing (``date order unclear``). An explicit format (from a
   mapping) wins over all of this.
3. **Check** each date: a calendar date (``2019-02-30`` is not) between :data:`EARLIEST` and
   :data:`LATEST`. Anything else is missing, with its problem named.

Values are stored as ``datetime64[s]``, which holds any year the checks let through and many
more, so no date can overflow pandas' nanosecond range anywhere downstream. The split digits
(``YYYYMMDD``) are kept for every date-like value, even an impossible or out-of-range one, so
``1985-10-14`` against ``9185-10-14`` is still visibly one typed digit apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kinlink.errors import SchemaError

EARLIEST = dt.date(1900, 1, 1)
"""The earliest date accepted in any date column (a birth year before 1900 is a typing error)."""
LATEST = dt.date(2100, 12, 31)
"""The latest date accepted in any date column."""
DTYPE = "datetime64[s]"
"""The dtype of every loaded date column."""

Order = Literal["iso", "month-first", "day-first"]
Problem = Literal["unparseable date", "impossible date", "date out of range", "date order unclear"]

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_LAST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})" + _TIME)
_DAY_NAME = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+(?:de\s+)?([^\W\d_]+)\.?[\s\-/.,]+(?:del?\s+)?(\d{4})",
    re.IGNORECASE,
)
_NAME_DAY = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.IGNORECASE)

MONTHS = {
    "jan": 1,
    "january": 1,
    "ene": 1,
    "enero": 1,
    "feb": 2,
    "february": 2,
    "febrero": 2,
    "mar": 3,
    "march": 3,
    "marzo": 3,
    "apr": 4,
    "april": 4,
    "abr": 4,
    "abril": 4,
    "may": 5,
    "mayo": 5,
    "jun": 6,
    "june": 6,
    "junio": 6,
    "jul": 7,
    "july": 7,
    "julio": 7,
    "aug": 8,
    "august": 8,
    "ago": 8,
    "agosto": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "set": 9,
    "septiembre": 9,
    "setiembre": 9,
    "oct": 10,
    "october": 10,
    "octubre": 10,
    "nov": 11,
    "november": 11,
    "noviembre": 11,
    "dec": 12,
    "december": 12,
    "dic": 12,
    "diciembre": 12,
}
"""English and Spanish month names and their usual abbreviations, lower case, no accents."""

_FORMAT_FIELDS = {
    "%Y": r"(?P<y>\d{4})",
    "%m": r"(?P<m>\d{1,2})",
    "%d": r"(?P<d>\d{1,2})",
    "%b": r"(?P<name>[^\W\d_]+)\.?",
    "%B": r"(?P<name>[^\W\d_]+)",
}
ORDER_WORDS: dict[str, Order] = {
    "iso": "iso",
    "month-first": "month-first",
    "day-first": "day-first",
}


class DateOrderError(SchemaError):
    """A column of year-last dates whose order (month or day first) the values do not decide."""


@dataclass(frozen=True)
class DateFormat:
    """How a date column is read: by shape with a known order, or by an explicit pattern.

    ``text`` is what a mapping file says (``"%m/%d/%Y"``, ``"day-first"``); ``order`` the order
    given to year-last values; ``pattern`` the compiled explicit format, if one was given.
    """

    text: str
    order: Order
    pattern: re.Pattern[str] | None = None

    @classmethod
    def parse(cls, text: str) -> DateFormat:
        """Read a format as a mapping writes it.

        ``"iso"``, ``"month-first"``, ``"day-first"``, or a ``strftime``-style pattern built
        from ``%Y``, ``%m``, ``%d``, ``%b``/``%B`` (a month name) and literal characters.

        Raises
        ------
        ValueError
            The text is neither an order word nor a pattern with a year, a month and a day.

        Examples
        --------
        >>> DateFormat.parse("%d/%m/%Y").order, DateFormat.parse("month-first").order
        ('day-first', 'month-first')
        >>> DateFormat.parse("%Y")
        Traceback (most recent call last):
        ...
        ValueError: date format '%Y' needs %Y, %m (or %b/%B) and %d
        """
        word = text.strip().lower()
        if word in ORDER_WORDS:
            return cls(text, ORDER_WORDS[word])
        pieces: list[str] = []
        i = 0
        while i < len(text):
            token = text[i : i + 2]
            if token in _FORMAT_FIELDS:
                pieces.append(_FORMAT_FIELDS[token])
                i += 2
            elif text[i] == "%":
                raise ValueError(f"date format {text!r}: {token!r} is not one of %Y %m %d %b %B")
            else:
                pieces.append(r"\s+" if text[i].isspace() else re.escape(text[i]))
                i += 1
        pattern = "".join(pieces)
        has_month = "(?P<m>" in pattern or "(?P<name>" in pattern
        if "(?P<y>" not in pattern or "(?P<d>" not in pattern or not has_month:
            raise ValueError(f"date format {text!r} needs %Y, %m (or %b/%B) and %d")
        try:
            compiled = re.compile(pattern + _TIME, re.IGNORECASE)
        except re.error as err:  # a field used twice
            raise ValueError(f"date format {text!r}: {err}") from None
        day_first = text.find("%d") < max(text.find("%m"), text.find("%b"), text.find("%B"))
        return cls(text, "day-first" if day_first else "month-first", compiled)


# A split value: (year, month, day), or (a, b, year) still waiting for the column's order.
_Split = tuple[Literal["ymd", "ab?"], int, int, int]


def _month(name: str) -> int | None:
    return MONTHS.get(name.lower().replace("á", "a").replace("é", "e"))


def _split(value: str) -> _Split | None:
    """Split a value into numbers by its shape; ``None`` when it is not date-like.

    Examples
    --------
    >>> _split("1988-3-14"), _split("03/14/1988"), _split("14 de marzo de 1988")
    (('ymd', 1988, 3, 14), ('ab?', 3, 14, 1988), ('ymd', 1988, 3, 14))
    >>> _split("9185-10-14 10:00"), _split("sometime"), _split("19880314")
    (('ymd', 9185, 10, 14), None, ('ymd', 1988, 3, 14))
    """
    text = value.strip()
    if match := _YEAR_FIRST.fullmatch(text):
        return "ymd", int(match[1]), int(match[3]), int(match[4])
    if match := _YEAR_LAST.fullmatch(text):
        return "ab?", int(match[1]), int(match[3]), int(match[4])
    if match := _COMPACT.fullmatch(text):
        return "ymd", int(match[1]), int(match[2]), int(match[3])
    if (match := _DAY_NAME.fullmatch(text)) and (month := _month(match[2])):
        return "ymd", int(match[3]), month, int(match[1])
    if (match := _NAME_DAY.fullmatch(text)) and (month := _month(match[1])):
        return "ymd", int(match[3]), month, int(match[2])
    return None


def _split_with(value: str, fmt: DateFormat) -> tuple[int, int, int] | None:
    """Split by an explicit pattern; ``None`` when the value does not fit it."""
    assert fmt.pattern is not None
    match = fmt.pattern.fullmatch(value.strip())
    if not match:
        return None
    groups = match.groupdict()
    month = int(groups["m"]) if groups.get("m") else _month(groups.get("name") or "")
    if month is None:
        return None
    return int(groups["y"]), month, int(groups["d"])


@dataclass(frozen=True)
class ParsedDates:
    """A date column as read.

    Attributes
    ----------
    values
        ``datetime64[s]``; ``NaT`` where the cell was empty or is not a usable date.
    digits
        ``YYYYMMDD`` for every date-like cell (impossible and out-of-range ones too), the cell as
        written (stripped) for any other non-empty cell, ``NA`` for an empty one.
    problem
        Why a non-empty cell became ``NaT`` (one of :data:`Problem`), ``NA`` where it did not.
    order
        How the column's year-last values were read: the explicit format's text, ``"day-first"``,
        ``"month-first"``, or ``"iso"`` when it held none.

    ``digits`` and ``problem`` are built when asked for, from one array per distinct value: a
    column of a million dates that all parse costs no million-cell text column.
    """

    values: pd.Series
    order: str
    codes: np.ndarray  # per cell: its distinct value's slot (the last slot: an empty cell)
    slot_digits: np.ndarray
    slot_problems: np.ndarray

    @property
    def digits(self) -> pd.Series:
        return pd.Series(self.slot_digits[self.codes], index=self.values.index, dtype="string")

    @property
    def problem(self) -> pd.Series:
        return pd.Series(self.slot_problems[self.codes], index=self.values.index, dtype="string")

    @property
    def bad(self) -> pd.Series:
        """Cells that held something but are not a usable date."""
        flagged = np.array([p is not None for p in self.slot_problems], dtype=bool)
        return pd.Series(flagged[self.codes], index=self.values.index)

    def by_problem(self) -> dict[str, np.ndarray]:
        """The positions of the cells of each problem, by problem (none when all parsed)."""
        out: dict[str, np.ndarray] = {}
        for problem in sorted({p for p in self.slot_problems if p is not None}):
            slots = np.flatnonzero(self.slot_problems == problem)
            out[problem] = np.flatnonzero(np.isin(self.codes, slots))
        return out


SETTLED = 0.9
"""Share of a column's deciding year-last values that settles the order against the rest."""


def _decide(
    splits: dict[str, _Split | None], where: str, first_line: Callable[[str], int | None]
) -> tuple[Order | None, str]:
    """The order of a column's year-last values, from the values; raises when they do not say.

    A column written mostly year-first (ISO, as a bundle's are) keeps its year-last strays to
    themselves: each is read on its own (``None`` is returned for the order), and one that reads
    both ways is missing, as ``"date order unclear"``. A column written mostly year-last is read
    in the order its values show, when at least :data:`SETTLED` of the deciding ones agree (a
    value that cannot be read that way is then an impossible date); otherwise, or when no value
    decides, it raises.
    """
    day_first = sorted(v for v, s in splits.items() if s and s[0] == "ab?" and s[1] > 12 >= s[2])
    month_first = sorted(v for v, s in splits.items() if s and s[0] == "ab?" and s[2] > 12 >= s[1])
    open_ = sorted(
        v
        for v, s in splits.items()
        if s and s[0] == "ab?" and s[1] <= 12 and s[2] <= 12 and s[1] != s[2]
    )
    year_first = sum(1 for s in splits.values() if s and s[0] == "ymd")
    year_last = sum(1 for s in splits.values() if s and s[0] == "ab?")
    if year_last and year_first > year_last:
        return None, "iso"

    def example(values: list[str]) -> str:
        found = [(first_line(v) or 0, v) for v in values[:200]]
        line, first = min(found)
        return f"'{first}'" + (f" (line {line})" if line else "")

    fix = (
        'give the column a format in a mapping (format = "%d/%m/%Y" or "%m/%d/%Y"; '
        "`kinlink mapping INPUT > mapping.toml` writes one to edit)"
    )
    deciding = len(day_first) + len(month_first)
    if len(day_first) >= SETTLED * deciding > 0:
        return "day-first", "day-first"
    if len(month_first) >= SETTLED * deciding > 0:
        return "month-first", "month-first"
    if day_first and month_first:
        raise DateOrderError(
            f"{where}: dates read both day-first, like {example(day_first)}, and month-first, "
            f"like {example(month_first)}; {fix}"
        )
    if open_:
        raise DateOrderError(
            f"{where}: dates like {example(open_)} read as day-first or as month-first and no "
            f"value in the column decides; {fix}"
        )
    return "month-first", "iso"  # no year-last value needs an order


def _own_order(a: int, b: int) -> Order | None:
    """The order a lone year-last value shows by itself (``None`` when it reads both ways)."""
    if a == b or b > 12:
        return "month-first"
    if a > 12:
        return "day-first"
    return None


def _check(year: int, month: int, day: int) -> tuple[int | None, Problem | None]:
    """Day number (days since 1970-01-01) of a valid, in-range date, else the problem."""
    try:
        when = dt.date(year, month, day)
    except ValueError:
        return None, "impossible date"
    if not EARLIEST <= when <= LATEST:
        return None, "date out of range"
    return (when - dt.date(1970, 1, 1)).days, None


def parse_dates(
    raw: pd.Series,
    *,
    fmt: DateFormat | None = None,
    where: str = "date column",
    lines: pd.Series | None = None,
) -> ParsedDates:
    """Read a column of date cells; never raises on a value.

    Parameters
    ----------
    raw
        Text cells, ``NA`` for an empty cell.
    fmt
        An explicit format (from a mapping); without one the order of year-last values is
        decided from the column's values.
    where
        ``"FILE, column NAME"``, for the error message.
    lines
        The input line of each cell (same index as ``raw``), for the error's examples.

    Raises
    ------
    DateOrderError
        Without ``fmt``, the column is written mostly year-last, in an order its values do not
        decide.

    Examples
    --------
    >>> read = parse_dates(pd.Series(["03/14/1988", "3/1/1990", "1450-01-01", "1985-02-30",
    ...                               "soon", None]))
    >>> [str(v)[:10] for v in read.values], read.order
    (['1988-03-14', '1990-03-01', 'NaT', 'NaT', 'NaT', 'NaT'], 'month-first')
    >>> read.digits.tolist()
    ['19880314', '19900301', '14500101', '19850230', 'soon', <NA>]
    >>> read.problem.tolist()
    [<NA>, <NA>, 'date out of range', 'impossible date', 'unparseable date', <NA>]
    >>> try:
    ...     parse_dates(pd.Series(["03/04/2012"]), where="intake.csv, column DOB")
    ... except DateOrderError as err:
    ...     print(err)
    intake.csv, column DOB: dates like '03/04/2012' read as day-first or as month-first and no value in the column decides; give the column a format in a mapping (format = "%d/%m/%Y" or "%m/%d/%Y"; `kinlink mapping INPUT > mapping.toml` writes one to edit)
    """  # noqa: E501
    # one pass, work per distinct value; a column of strings (Arrow's, from the CSV reader) is
    # factorized as it is, where converting it first would make a Python string per cell
    text = raw if isinstance(raw.dtype, pd.StringDtype) else raw.astype("string")
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    distinct = [str(v) for v in uniques]
    if fmt is not None and fmt.pattern is not None:
        pattern = fmt
        splits: dict[str, _Split | None] = {}
        for value in distinct:
            parts = _split_with(value, pattern)
            splits[value] = None if parts is None else ("ymd", *parts)
        order: Order | None = fmt.order
        described = fmt.text
    else:
        splits = {value: _split(value) for value in distinct}
        if fmt is not None:
            order, described = fmt.order, fmt.text
        else:
            position = {value: i for i, value in enumerate(distinct)}

            def first_line(value: str) -> int | None:
                if lines is None:
                    return None
                at = np.flatnonzero(codes == position[value])
                return int(lines.to_numpy()[at].min()) if len(at) else None

            order, described = _decide(splits, where, first_line)
    seconds = np.full(len(distinct) + 1, np.iinfo(np.int64).min, dtype=np.int64)  # min is NaT
    digits = np.full(len(distinct) + 1, None, dtype=object)
    problems = np.full(len(distinct) + 1, None, dtype=object)
    for i, value in enumerate(distinct):
        split = splits[value]
        if split is None:
            digits[i] = value.strip()
            problems[i] = "unparseable date"
            continue
        kind, a, b, c = split
        own = order if kind == "ymd" or order is not None else _own_order(a, b)
        if kind == "ymd":
            year, month, day = a, b, c
        elif own is None:
            digits[i] = value.strip()
            problems[i] = "date order unclear"
            continue
        elif own == "day-first":
            year, month, day = c, b, a
        else:
            year, month, day = c, a, b
        digits[i] = f"{year:04d}{month:02d}{day:02d}"
        number, problem = _check(year, month, day)
        if problem is not None:
            problems[i] = problem
        else:
            seconds[i] = int(number) * 86_400  # type: ignore[arg-type]
    at = np.where(codes < 0, len(distinct), codes)  # an empty cell takes the last slot
    return ParsedDates(
        values=pd.Series(seconds[at].view(DTYPE), index=raw.index),
        order=described,
        codes=at,
        slot_digits=digits,
        slot_problems=problems,
    )


def empty(index: pd.Index) -> pd.Series:
    """An all-missing date column."""
    return pd.Series(np.full(len(index), np.datetime64("NaT"), dtype=DTYPE), index=index)
