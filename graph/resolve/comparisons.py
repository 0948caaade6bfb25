"""The comparisons, declared as data (Splink style: Null -> Exact -> fuzzy -> Else).

A :class:`Comparison` is a field name and an ordered tuple of :class:`Level` s. A pair of
records takes the *first* level whose test passes; the first level is always the null level
(either side missing: no evidence) and the last is ``else``. A level's test is a tuple of
:class:`Test` s, any of which may pass. Tests name a *kind* (``exact``, ``jaro_winkler``,
``token_set``, ``nickname``, ``levenshtein``, ``hamming``, ``transposition``, ``date_swap``, ...)
that the engine (:mod:`kinlink.graph.resolve.compare`) knows how to evaluate over arrays of pairs;
nothing here imports an engine.

``m`` is the prior guess of P(level | same person); the model re-estimates it by EM.
``tf`` names the prepared column whose term frequency adjusts the level's weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = frozenset(
    {
        "null",
        "exact",
        "jaro_winkler",
        "token_set",
        "nickname",
        "token_edit",
        "levenshtein",
        "hamming",
        "transposition",
        "date_exact",
        "date_swap",
        "date_one_digit",
        "date_transposition",
        "date_year",
        "date_year_off",
        "date_within",
        "else",
    }
)


@dataclass(frozen=True)
class Test:
    """One vectorisable test on a prepared column: ``kind`` with an optional ``threshold``.

    Examples
    --------
    >>> Test("jaro_winkler", "given", 0.92)
    Test(kind='jaro_winkler', column='given', threshold=0.92)
    """

    kind: str
    column: str
    threshold: float | None = None


@dataclass(frozen=True)
class Level:
    """A comparison level: its label, the tests (any may pass), prior m, optional tf column."""

    label: str
    tests: tuple[Test, ...]
    m: float = 0.1
    tf: str | None = None

    @property
    def is_null(self) -> bool:
        """True for the level that means 'no evidence' (a side is missing)."""
        return any(t.kind == "null" for t in self.tests)


@dataclass(frozen=True)
class Comparison:
    """A field's comparison: ordered levels, null first, else last.

    Examples
    --------
    >>> c = exact_or_else("sex", m_exact=0.98)
    >>> [level.label for level in c.levels]
    ['null', 'exact', 'else']
    """

    name: str
    levels: tuple[Level, ...]
    columns: tuple[str, ...] = field(default=())

    def labels(self) -> list[str]:
        """The level labels in order."""
        return [level.label for level in self.levels]


def null_level(column: str) -> Level:
    """Either side missing: weight 0."""
    return Level("null", (Test("null", column),), m=1.0)


def else_level(m: float) -> Level:
    """Nothing above matched."""
    return Level("else", (Test("else", ""),), m=m)


def exact_or_else(column: str, *, m_exact: float = 0.95, name: str | None = None) -> Comparison:
    """Null / exact / else on one column."""
    return Comparison(
        name or column,
        (
            null_level(column),
            Level("exact", (Test("exact", column),), m_exact),
            else_level(1 - m_exact),
        ),
        (column,),
    )


def given_names() -> Comparison:
    """Given names: exact, one compound name inside the other, nickname, fuzzy.

    *exact* is after folding and mapping one-valued nicknames (Pepe = José); the spelling
    levels (Jaro-Winkler) also compare the names as written, so a typo in a name that is a
    nickname elsewhere ("Charlei" for "Charlie") still counts as a typo. *nickname* accepts
    nicknames shared by several names and diminutives (Beto vs Alberto José, Rosita vs Rosa):
    every token of the shorter name equals or stands for a token of the other
    (:func:`kinlink.graph.resolve.nicknames.nickname_match`). It is weaker evidence than exact
    (Beto may be Alberto or Roberto) but stronger than a mere spelling likeness, so it sits
    after *subset* and before the Jaro-Winkler levels.

    Examples
    --------
    >>> given_names().labels()
    ['null', 'exact', 'subset', 'nickname', 'jw>=0.92', 'jw>=0.80', 'else']
    """
    c = "given"
    return Comparison(
        "given_names",
        (
            null_level(c),
            Level("exact", (Test("exact", c),), 0.77, tf=c),
            Level("subset", (Test("token_set", c, 1.0),), 0.08),
            Level("nickname", (Test("nickname", c),), 0.03),
            Level(
                "jw>=0.92",
                (Test("jaro_winkler", c, 0.92), Test("jaro_winkler", "given_raw", 0.92)),
                0.07,
            ),
            Level(
                "jw>=0.80",
                (
                    Test("jaro_winkler", c, 0.80),
                    Test("token_set", c, 0.80),
                    Test("jaro_winkler", "given_raw", 0.80),
                ),
                0.03,
            ),
            else_level(0.02),
        ),
        (c, "given1", "given_raw"),
    )


def surnames() -> Comparison:
    """Surnames: exact, either order or one missing, fuzzy on the whole and on token sets, and
    one surname within a typing error of one of the other's.

    The last level catches what the whole-string scores miss when one record holds a single
    mistyped surname and the other both ("Pedko" against "Pedro Murillo", "Vkrona" against
    "Varona Cárdenas"), and one surname shared in another position. It is weak evidence (two
    siblings' fathers share no more); EM weighs it.

    Examples
    --------
    >>> surnames().labels()
    ['null', 'exact', 'subset', 'jw>=0.92', 'jw>=0.80', 'token_typo', 'else']
    """
    c = "surname"
    return Comparison(
        "surnames",
        (
            null_level(c),
            Level("exact", (Test("exact", c),), 0.75, tf=c),
            Level("subset", (Test("token_set", c, 1.0),), 0.12),
            Level("jw>=0.92", (Test("jaro_winkler", c, 0.92), Test("token_set", c, 0.92)), 0.07),
            Level("jw>=0.80", (Test("jaro_winkler", c, 0.80), Test("token_set", c, 0.80)), 0.03),
            Level("token_typo", (Test("token_edit", c, 1),), 0.015),
            else_level(0.015),
        ),
        (c,),
    )


def date_of_birth() -> Comparison:
    """Dates of birth: exact, a typing error, the same year where only the year is known, a
    year off, else.

    *exact* needs two full dates. *typo* is the day and month swapped (US against Latin
    American order), one digit changed or two adjacent digits transposed, also in a date that
    is impossible as written (``9185-10-14`` against ``1985-10-14``: the loaders keep its
    digits in ``dob_raw``). *year* is the same year when one side gives only a year (``1985``,
    ``1985-00-00``, or a 1 January that the data shows to be a placeholder): weak evidence,
    weighed by EM. *year_off* is a year one off with the same day and month, or dates within a
    month of each other.

    Examples
    --------
    >>> date_of_birth().labels()
    ['null', 'exact', 'typo', 'year', 'year_off', 'else']
    """
    c = "dob"
    return Comparison(
        "dob",
        (
            null_level(c),
            Level("exact", (Test("date_exact", c),), 0.85, tf=c),
            Level(
                "typo",
                (Test("date_swap", c), Test("date_one_digit", c), Test("date_transposition", c)),
                0.08,
            ),
            Level("year", (Test("date_year", c),), 0.02),
            Level("year_off", (Test("date_year_off", c), Test("date_within", c, 31)), 0.03),
            else_level(0.02),
        ),
        (c, "dob_days"),
    )


def a_number() -> Comparison:
    """A-numbers: exact, one substitution or one adjacent transposition, else."""
    c = "a_number"
    return Comparison(
        "a_number",
        (
            null_level(c),
            Level("exact", (Test("exact", c),), 0.92),
            Level("one_edit", (Test("hamming", c, 1), Test("transposition", c)), 0.06),
            else_level(0.02),
        ),
        (c,),
    )


def identifier(column: str) -> Comparison:
    """Other identifiers (other_id, phone): exact, one edit, else."""
    return Comparison(
        column,
        (
            null_level(column),
            Level("exact", (Test("exact", column),), 0.85),
            Level("one_edit", (Test("levenshtein", column, 1),), 0.08),
            else_level(0.07),
        ),
        (column,),
    )


def address() -> Comparison:
    """Addresses: exact, nearly the same words, some words shared, else."""
    c = "address"
    return Comparison(
        "address",
        (
            null_level(c),
            Level("exact", (Test("exact", c),), 0.6),
            Level("ts>=0.85", (Test("token_set", c, 0.85),), 0.2),
            Level("ts>=0.60", (Test("token_set", c, 0.60),), 0.1),
            else_level(0.1),
        ),
        (c,),
    )


def default_comparisons() -> tuple[Comparison, ...]:
    """The comparisons kinlink uses unless told otherwise.

    Examples
    --------
    >>> [c.name for c in default_comparisons()]  # doctest: +NORMALIZE_WHITESPACE
    ['given_names', 'surnames', 'dob', 'a_number', 'sex', 'nationality', 'other_id', 'phone',
     'address']
    """
    return (
        given_names(),
        surnames(),
        date_of_birth(),
        a_number(),
        exact_or_else("sex", m_exact=0.97),
        exact_or_else("nationality", m_exact=0.95),
        identifier("other_id"),
        identifier("phone"),
        address(),
    )


def check(comparisons: tuple[Comparison, ...]) -> list[str]:
    """Problems with a set of comparisons (empty when fine).

    Examples
    --------
    >>> check((Comparison("x", (else_level(1.0),)),))
    ['comparison x: the first level must be the null level']
    """
    problems = []
    names = [c.name for c in comparisons]
    if len(set(names)) != len(names):
        problems.append(f"comparison names repeat: {names}")
    for comp in comparisons:
        if not comp.levels or not comp.levels[0].is_null:
            problems.append(f"comparison {comp.name}: the first level must be the null level")
        if comp.levels and comp.levels[-1].tests[0].kind != "else":
            problems.append(f"comparison {comp.name}: the last level must be else")
        for level in comp.levels:
            for test in level.tests:
                if test.kind not in KINDS:
                    problems.append(f"comparison {comp.name}: unknown test kind {test.kind!r}")
    return problems
