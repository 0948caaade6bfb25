"""What the human reports show: summary counts and one section per flagged family.

Both renderers (:mod:`kinlink.queries.render_html`, :mod:`kinlink.queries.render_xlsx`) read the
same :class:`FamilySection` objects and :class:`Summary`, so the HTML file and the workbook always
agree. Values are plain text here; each renderer neutralises and escapes them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kinlink.queries.facts import Facts
from kinlink.queries.flags import CONTRACT_FILES, RULES, Flag
from kinlink.queries.text import iso

__all__ = ["FamilySection", "Summary", "family_sections", "reference_date", "summarise"]

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


def reference_date(facts: Facts) -> pd.Timestamp | None:
    """The date "next hearing" is counted from: the latest ``as_of`` among the records.

    Using the data's own date (not today's) keeps a report reproducible.
    """
    latest = facts.records["as_of"].max()
    return None if pd.isna(latest) else pd.Timestamp(latest)


def _text(value: Any) -> str:
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


def _next_hearings(facts: Facts, ref: pd.Timestamp | None) -> dict[str, tuple[str, str]]:
    """case_id -> (date, court) of its next hearing on or after ``ref``; when it has none, its
    last hearing, marked "(last)"."""
    h = facts.hearings[facts.hearings["date"].notna()].sort_values(
        ["case_id", "date", "hearing_id"]
    )
    last = h.drop_duplicates("case_id", keep="last")
    out = {
        c: (f"{iso(d)} (last)", _text(court))
        for c, d, court in zip(last["case_id"], last["date"], last["court"], strict=True)
    }
    if ref is not None:
        nxt = h[h["date"] >= ref].drop_duplicates("case_id", keep="first")
        out.update(
            (c, (iso(d), _text(court)))
            for c, d, court in zip(nxt["case_id"], nxt["date"], nxt["court"], strict=True)
        )
    return out


def family_sections(
    facts: Facts, flags: list[Flag], *, as_of: pd.Timestamp | None = None
) -> list[FamilySection]:
    """One section per family with at least one flag, the most flagged first.

    Families are ordered by their number of contract codes, then of all codes (descending), then
    by family id, so a capped human report shows the families with the most to act on.

    Parameters
    ----------
    facts : Facts
        Facts derived from the graph.
    flags : list of Flag
        Every flag of every analysis.
    as_of : Timestamp, optional
        Hearings on or after this date are "next" (default :func:`reference_date`).
    """
    ref = as_of if as_of is not None else reference_date(facts)
    by_family: dict[str, list[Flag]] = {}
    for flag in flags:
        by_family.setdefault(flag.family_id, []).append(flag)
    nxt = _next_hearings(facts, ref)
    sections = []

    def priority(fid: str) -> tuple[int, int, str]:
        codes = {fl.code for fl in by_family[fid]}
        return (-len(codes & CONTRACT_CODES), -len(codes), fid)

    for fid in sorted(by_family, key=priority):
        members = facts.family_members.get(fid, [])
        member_rows = []
        record_rows = []
        case_rows = []
        for p in members:
            prow = facts.person_rows[p]
            recs = facts.person_records.get(p, [])
            cs = facts.person_cases.get(p, [])
            member_rows.append(
                {
                    "person_id": p,
                    "name": _text(prow.name),
                    "nationality": _text(prow.nationality),
                    "location": _text(prow.location),
                    "uac": _text(bool(prow.uac)),
                    "fear_claimed": _text(bool(prow.fear_claimed)),
                    "positive_fear": _text(bool(prow.positive_fear)),
                    "records": str(len(recs)),
                    "cases": str(len(cs)),
                }
            )
            for r in recs:
                row = facts.record_rows[r]
                record_rows.append({c: _text(getattr(row, c)) for c in RECORD_COLUMNS})
            for c in cs:
                row = facts.case_rows[c]
                cell = {k: _text(getattr(row, k)) for k in CASE_COLUMNS[:-2]}
                cell["mpp"] = "yes" if row.mpp else "no"
                cell["next_hearing"], cell["next_hearing_court"] = nxt.get(c, ("", ""))
                case_rows.append(cell)
        order = {code: i for i, code in enumerate(RULES)}
        ordered = tuple(sorted(by_family[fid], key=lambda fl: order[fl.code]))
        sections.append(FamilySection(fid, ordered, member_rows, record_rows, case_rows))
    return sections


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
