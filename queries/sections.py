"""What the human reports show: summary counts and one section per flagged family.

Both renderers (:mod:`kinlink.queries.render_html`, :mod:`kinlink.queries.render_xlsx`) read the
same :class:`FamilySection` objects and :class:`Summary`, so the HTML file and the workbook always
agree. Values are plain text here; each renderer neutralises and escapes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import pandas as pd

from kinlink.queries.facts import Facts, reference_date
from kinlink.queries.flags import CONTRACT_FILES, RULES, Flag
from kinlink.queries.text import iso
from kinlink.sorting import sort_order

__all__ = ["FamilySection", "FamilySections", "Summary", "family_sections", "summarise"]

CONTRACT_CODES = frozenset(c for codes in CONTRACT_FILES.values() for c in codes)

MEMBER_COLUMNS = (
    "person_id",
    "name",
    "nationality",
    "location",
    "uac",
    "fear_claimed",
    "positive_fear",
    "records",
    "cases",
)
RECORD_COLUMNS = (
    "record_id",
    "person_id",
    "source",
    "given_names",
    "surnames",
    "dob",
    "nationality",
    "country_of_location",
    "location",
    "as_of",
    "fear_assessment",
)
CASE_COLUMNS = (
    "case_id",
    "person_id",
    "record_id",
    "court",
    "mpp",
    "status",
    "status_date",
    "lead_case_id",
    "next_hearing",
    "next_hearing_court",
)


@dataclass(frozen=True)
class FamilySection:
    """One flagged family, as the human reports show it (every cell already text)."""

    family_id: str
    flags: tuple[Flag, ...]
    members: list[dict[str, str]]
    records: list[dict[str, str]]
    cases: list[dict[str, str]]

    @property
    def codes(self) -> tuple[str, ...]:
        """The family's codes, in :data:`~kinlink.queries.flags.RULES` order."""
        have = {f.code for f in self.flags}
        return tuple(c for c in RULES if c in have)


@dataclass(frozen=True)
class Summary:
    """Counts for the summary page."""

    totals: dict[str, int]
    by_code: dict[str, int]
    by_nationality: dict[str, int]
    by_court: dict[str, int]
    reference_date: str
    notes: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)  # what the data cannot show (Bundle.gaps)


def _text(value: Any) -> str:
    if type(value) is str:  # most cells: before the checks below (pd.isna is slow on text)
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return iso(value)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _each_distinct(values: pd.Series, convert: Callable[[Any], str]) -> list[str]:
    """``[convert(v) for v in values]``, calling ``convert`` once per distinct value, and with
    ``None`` for every missing one (a case's hearing dates and courts repeat: a few thousand
    distinct values among a hundred thousand cases).

    Examples
    --------
    >>> _each_distinct(pd.Series(["b", None, "b", float("nan")]), lambda v: f"<{v}>")
    ['<b>', '<None>', '<b>', '<None>']
    """
    codes, distinct = pd.factorize(values)
    made = [convert(v) for v in distinct]
    made.append(convert(None))  # code -1: missing
    return [made[k] for k in codes.tolist()]


def _next_hearings(facts: Facts, ref: pd.Timestamp | None) -> dict[str, tuple[str, str]]:
    """case_id -> (date, court) of its next hearing on or after ``ref``; when it has none, its
    last hearing, marked "(last)"."""
    h = facts.hearings[facts.hearings["date"].notna()]
    # Arrow's stable sort of the ids (pandas compares the strings one pair at a time): the
    # order of h.sort_values(["case_id", "date", "hearing_id"]), also a stable sort
    dates = h["date"]
    order = (
        sort_order(h["case_id"], dates.to_numpy().view(np.int64), h["hearing_id"])
        if isinstance(dates.dtype, np.dtype) and dates.dtype == "datetime64[ns]"
        else None
    )
    h = h.sort_values(["case_id", "date", "hearing_id"]) if order is None else h.iloc[order]
    out: dict[str, tuple[str, str]] = {}
    chosen = [(h.drop_duplicates("case_id", keep="last"), " (last)")]
    if ref is not None:  # a next hearing replaces the last one
        chosen.append((h[h["date"] >= ref].drop_duplicates("case_id", keep="first"), ""))
    for rows, mark in chosen:
        when = [d + mark for d in _each_distinct(rows["date"], iso)]
        courts = _each_distinct(rows["court"], _text)
        out.update(zip(rows["case_id"], zip(when, courts, strict=True), strict=True))
    return out


class FamilySections(Sequence[FamilySection]):
    """The flagged families' sections, in priority order, each built when first read.

    A renderer reads only the sections it shows (the HTML report the first 1,000, the workbook the
    first 5,000 by default), and the length of the whole list for its "N more" note.
    """

    def __init__(
        self,
        facts: Facts,
        flags: list[Flag],
        ref: pd.Timestamp | None,
        transform: Callable[[FamilySection], FamilySection] | None = None,
    ) -> None:
        self.facts = facts
        self.ref = ref
        self.transform = transform
        self.by_family: dict[str, list[Flag]] = {}
        for flag in flags:
            self.by_family.setdefault(flag.family_id, []).append(flag)

        def priority(fid: str) -> tuple[int, int, str]:
            codes = {fl.code for fl in self.by_family[fid]}
            return (-len(codes & CONTRACT_CODES), -len(codes), fid)

        self.order = sorted(self.by_family, key=priority)
        self._built: dict[str, FamilySection] = {}
        self._next: dict[str, tuple[str, str]] | None = None

    def __len__(self) -> int:
        return len(self.order)

    @overload
    def __getitem__(self, index: int) -> FamilySection: ...

    @overload
    def __getitem__(self, index: slice) -> list[FamilySection]: ...

    def __getitem__(self, index: int | slice) -> FamilySection | list[FamilySection]:
        if isinstance(index, slice):
            return [self._section(fid) for fid in self.order[index]]
        return self._section(self.order[index])

    def _section(self, fid: str) -> FamilySection:
        if fid not in self._built:
            self._built[fid] = self._make(fid)
        return self._built[fid]

    def _make(self, fid: str) -> FamilySection:
        if self._next is None:
            self._next = _next_hearings(self.facts, self.ref)
        built = _build_section(self.facts, fid, self.by_family[fid], self._next)
        return self.transform(built) if self.transform else built

    def stream(self, limit: int | None = None) -> Iterator[FamilySection]:
        """The first ``limit`` sections (``None``: all) in order, each built as read and not
        kept: a writer that reads each section once (the workbook's child, 5,000 of them) holds
        one at a time instead of all."""
        for fid in self.order[:limit]:
            section = self._built.get(fid)
            yield section if section is not None else self._make(fid)

    def prepare(self) -> None:
        """Make now what every section reads (the next hearings, the facts' row lookups), so
        that a forked writer shares it instead of making it again (nothing without a section)."""
        if not self.order:
            return
        if self._next is None:
            self._next = _next_hearings(self.facts, self.ref)
        for lookup in (self.facts.person_rows, self.facts.record_rows, self.facts.case_rows):
            lookup.load()
        for mapping in (
            self.facts.family_members,
            self.facts.person_records,
            self.facts.person_cases,
        ):
            len(mapping)

    def each(self, transform: Callable[[FamilySection], FamilySection]) -> FamilySections:
        """The same sections, each passed through ``transform`` when read."""
        out = FamilySections(self.facts, [], self.ref, transform)
        out.by_family, out.order = self.by_family, self.order
        return out


_PERSON_FIELDS = ("name", "nationality", "location", "uac", "fear_claimed", "positive_fear")
_CASE_FIELDS = CASE_COLUMNS[:-2]  # the last two are the next hearing's


def _build_section(
    facts: Facts, fid: str, flags: list[Flag], nxt: dict[str, tuple[str, str]]
) -> FamilySection:
    members = facts.family_members.get(fid, [])
    member_rows = []
    record_rows = []
    case_rows = []
    # the rows' values read by column: making each row's namedtuple (and a Timestamp for each of
    # its dates, read or not) was most of the cost of a section
    person = facts.person_rows.reader(_PERSON_FIELDS)
    record = facts.record_rows.reader(RECORD_COLUMNS)
    case = facts.case_rows.reader(_CASE_FIELDS)
    mpp = _CASE_FIELDS.index("mpp")
    for p in members:
        name, nationality, location, uac, fear_claimed, positive_fear = person(p)
        recs = facts.person_records.get(p, [])
        cs = facts.person_cases.get(p, [])
        member_rows.append(
            {
                "person_id": p,
                "name": _text(name),
                "nationality": _text(nationality),
                "location": _text(location),
                "uac": _text(bool(uac)),
                "fear_claimed": _text(bool(fear_claimed)),
                "positive_fear": _text(bool(positive_fear)),
                "records": str(len(recs)),
                "cases": str(len(cs)),
            }
        )
        for r in recs:
            record_rows.append(
                {c: _text(v) for c, v in zip(RECORD_COLUMNS, record(r), strict=True)}
            )
        for c in cs:
            values = case(c)
            cell = {k: _text(v) for k, v in zip(_CASE_FIELDS, values, strict=True)}
            cell["mpp"] = "yes" if values[mpp] else "no"
            cell["next_hearing"], cell["next_hearing_court"] = nxt.get(c, ("", ""))
            case_rows.append(cell)
    ordered = tuple(sorted(flags, key=lambda fl: _RULE_ORDER[fl.code]))
    return FamilySection(fid, ordered, member_rows, record_rows, case_rows)


_RULE_ORDER = {code: i for i, code in enumerate(RULES)}


def family_sections(
    facts: Facts, flags: list[Flag], *, as_of: pd.Timestamp | None = None
) -> FamilySections:
    """One section per family with at least one flag, the most flagged first.

    Families are ordered by their number of contract codes, then of all codes (descending), then
    by family id, so a capped human report shows the families with the most to act on. Each
    section is built when it is first read (:class:`FamilySections`).

    Parameters
    ----------
    facts : Facts
        The facts the flags were raised on.
    flags : list of Flag
        Every flag of every analysis.
    as_of : Timestamp, optional
        Hearings on or after this date are "next" (default :func:`reference_date`).
    """
    ref = as_of if as_of is not None else reference_date(facts)
    return FamilySections(facts, flags, ref)


def summarise(facts: Facts, flags: list[Flag], *, as_of: pd.Timestamp | None = None) -> Summary:
    """Counts by code, nationality (members of flagged families) and court (their pending
    cases)."""
    ref = as_of if as_of is not None else reference_date(facts)
    by_code = Counter(f.code for f in flags)
    flagged = sorted({f.family_id for f in flags if f.code in CONTRACT_CODES})
    people = facts.families[facts.families["family_id"].isin(flagged)]["person_id"]
    nats = facts.persons.loc[people, "nationality"].fillna("unknown")
    cases = facts.cases[
        facts.cases["family_id"].isin(flagged) & facts.cases["status"].eq("PENDING")
    ]
    courts = cases["court"].fillna("no court")
    sizes = facts.families.groupby("family_id").size()
    totals = {
        "records": len(facts.records),
        "persons": len(facts.persons),
        "families": len(sizes),
        "families_of_two_or_more": int((sizes >= 2).sum()),
        "cases": len(facts.cases),
        "hearings": len(facts.hearings),
        "flagged_families": len(flagged),
        "flags": len(flags),
    }
    return Summary(
        totals=totals,
        by_code={c: by_code[c] for c in RULES if by_code[c]},
        by_nationality=dict(Counter(nats.tolist()).most_common()),
        by_court=dict(Counter(courts.tolist()).most_common()),
        reference_date=iso(ref) if ref is not None else "",
    )
