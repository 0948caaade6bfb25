"""Joint reprocessing (``joint_reprocessing.csv``): POSITIVE_FEAR, MEXICAN_MEMBER_FEAR,
RELIEF_SPLIT, NON_AMENABLE and WIND_DOWN_SPLIT.

The rules and kinlink's readings are in docs/contract.md, "The rules"; the terms they use
(person, cases, MPP case) are computed in :mod:`kinlink.queries.facts`.

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> from kinlink.queries.facts import build_facts
>>> ind = pd.DataFrame({"record_id": ["a", "b"], "source": ["CBP"] * 2,
...                     "nationality": ["HND", "HND"]})
>>> units = pd.DataFrame({"family_unit_id": ["U", "U"], "record_id": ["a", "b"]})
>>> cases = pd.DataFrame({"case_id": ["C1"], "record_id": ["a"], "mpp": [True],
...                       "status": ["PENDING"]})
>>> bundle = SimpleNamespace(individuals=ind, family_units=units, cases=cases, hearings=None)
>>> facts = build_facts(bundle, pd.DataFrame({"record_id": ["a", "b"], "person_id": ["P1", "P2"]}))
>>> [(f.code, f.evidence.cases) for f in joint_reprocessing(facts)]
[('WIND_DOWN_SPLIT', ('C1',))]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from kinlink.queries.facts import Facts, exists_distinct
from kinlink.queries.flags import Evidence, Flag, make_flag
from kinlink.queries.text import iso, listing

__all__ = ["joint_reprocessing"]


def joint_reprocessing(facts: Facts) -> list[Flag]:
    """Flag families that the MPP guidance says must be reprocessed or processed out together.

    Parameters
    ----------
    facts : Facts
        The persons, families and cases (:func:`kinlink.queries.facts.build_facts`).

    Returns
    -------
    list of Flag
        One flag per (family, code) that holds, sorted by family id then code.

    Notes
    -----
    Group-bys over the persons (with per-person case facts) of families with two or more
    persons: O(P + C) plus the evidence of the flagged families.
    """
    f = facts
    m = f.members.assign(
        fear_mex=lambda d: d["mexican"] & d["fear_claimed"],
        non_amenable=lambda d: d["has_mpp"] & (d["mexican"] | d["uac"]),
        wind_down_other=lambda d: d["has_ended_mpp"] | d["n_cases"].eq(0),
    )
    fam = m.groupby("family_id")
    family_mpp = fam["has_mpp"].any()
    hits: dict[str, pd.Index] = {
        "POSITIVE_FEAR": _true(family_mpp & fam["positive_fear"].any()),
        "MEXICAN_MEMBER_FEAR": _true(family_mpp & fam["fear_mex"].any()),
        "RELIEF_SPLIT": _true(exists_distinct(m, "has_relief_mpp", "has_non_relief")),
        "NON_AMENABLE": _true(fam["non_amenable"].any()),
        "WIND_DOWN_SPLIT": _true(exists_distinct(m, "has_pending_mpp", "wind_down_other")),
    }
    builders: dict[str, Callable[[Facts, str, list[Any]], Flag]] = {
        "POSITIVE_FEAR": _positive_fear,
        "MEXICAN_MEMBER_FEAR": _mexican_fear,
        "RELIEF_SPLIT": _relief_split,
        "NON_AMENABLE": _non_amenable,
        "WIND_DOWN_SPLIT": _wind_down,
    }
    flags: list[Flag] = []
    for code, fids in hits.items():
        flags.extend(builders[code](f, str(fid), f.member_rows[fid]) for fid in fids)
    return sorted(flags, key=lambda fl: (fl.family_id, fl.code))


def _true(mask: pd.Series) -> pd.Index:
    return mask.index[mask.astype(bool)]


def _cases(f: Facts, persons: list[str], keep: Callable[[Any], bool]) -> list[str]:
    return [c for p in persons for c in f.person_cases.get(p, ()) if keep(f.case_rows[c])]


def _is_mpp(row: Any) -> bool:
    return bool(getattr(row, "mpp", False))


def _describe(f: Facts, cases: list[str]) -> list[str]:
    out = []
    for c in cases:
        row = f.case_rows[c]
        kind = "MPP case" if row.mpp else "case"
        status = row.status if isinstance(row.status, str) else "no status"
        when = f" since {iso(row.status_date)}" if iso(row.status_date) else ""
        out.append(f"{kind} {c} of {f.label(row.person_id)} ({status}{when})")
    return out


def _evidence(f: Facts, persons: list[str], cases: list[str], records: list[str]) -> Evidence:
    rows = [f.case_rows[c] for c in cases]
    return Evidence(
        persons=tuple(sorted(set(persons))),
        records=tuple(sorted(set(records) | {r.record_id for r in rows})),
        cases=tuple(sorted(set(cases))),
        dates=tuple(
            sorted(
                (
                    {iso(r.status_date) for r in rows}
                    | {iso(f.record_rows[x].as_of) for x in records}
                )
                - {""}
            )
        ),
    )


def _fear_mex(r: Any) -> bool:
    return bool(r.mexican and r.fear_claimed)


def _non_amenable_row(r: Any) -> bool:
    return bool(r.has_mpp and (r.mexican or r.uac))


def _wind_down_other(r: Any) -> bool:
    return bool(r.has_ended_mpp or r.n_cases == 0)


def _family_mpp_cases(f: Facts, members: list[Any]) -> list[str]:
    return _cases(f, [r.person_id for r in members], _is_mpp)


def _positive_fear(f: Facts, fid: str, m: list[Any]) -> Flag:
    who = [r.person_id for r in m if r.positive_fear]
    records = {
        p: [r for r in f.person_records[p] if f.record_rows[r].fear_assessment == "POSITIVE"]
        for p in who
    }
    mpp = _family_mpp_cases(f, m)
    reason = (
        "A member of a family in MPP has a positive fear assessment, so the whole unit leaves "
        "MPP and is reprocessed: "
        + listing([f"{f.label(p)} (records {', '.join(records[p])})" for p in who])
        + "; the family's MPP cases: "
        + listing(_describe(f, mpp))
        + "."
    )
    flat = [r for p in who for r in records[p]]
    return make_flag(fid, "POSITIVE_FEAR", _evidence(f, who, mpp, flat), reason)


def _mexican_fear(f: Facts, fid: str, m: list[Any]) -> Flag:
    who = [r.person_id for r in m if _fear_mex(r)]
    records = {p: [r for r in f.person_records[p] if f.record_rows[r].fear_claimed] for p in who}
    mpp = _family_mpp_cases(f, m)
    reason = (
        "A Mexican member of a family in MPP claimed fear of return to Mexico, so the whole unit "
        "leaves MPP: "
        + listing([f"{f.label(p)} (records {', '.join(records[p])})" for p in who])
        + "; the family's MPP cases: "
        + listing(_describe(f, mpp))
        + "."
    )
    flat = [r for p in who for r in records[p]]
    return make_flag(fid, "MEXICAN_MEMBER_FEAR", _evidence(f, who, mpp, flat), reason)


def _relief_split(f: Facts, fid: str, m: list[Any]) -> Flag:
    granted_people = [r.person_id for r in m if r.has_relief_mpp]
    granted = _cases(f, granted_people, lambda r: _is_mpp(r) and r.status == "RELIEF_GRANTED")
    other_people = [r.person_id for r in m if r.has_non_relief]
    others = _cases(f, other_people, lambda r: r.status != "RELIEF_GRANTED")
    reason = (
        "A member's MPP case was granted relief while another member's case was not, so the "
        "others go to an ICE custody determination together: granted "
        + listing(_describe(f, granted))
        + "; not granted "
        + listing(_describe(f, others))
        + "."
    )
    ev = _evidence(f, granted_people + other_people, granted + others, [])
    return make_flag(fid, "RELIEF_SPLIT", ev, reason)


def _non_amenable(f: Facts, fid: str, m: list[Any]) -> Flag:
    who = [r for r in m if _non_amenable_row(r)]
    cases = _cases(f, [r.person_id for r in who], _is_mpp)
    records: list[str] = []
    parts = []
    for row in who:
        p = row.person_id
        why = []
        if row.mexican:
            why.append("Mexican")
            records += [r for r in f.person_records[p] if f.record_rows[r].nationality == "MEX"]
        if row.uac:
            why.append("an unaccompanied child")
            records += [r for r in f.person_records[p] if f.record_rows[r].uac]
        mine = [c for c in f.person_cases.get(p, ()) if f.case_rows[c].mpp]
        parts.append(
            f"{f.label(p)} is {' and '.join(why)} yet respondent in MPP case {', '.join(mine)}"
        )
    reason = (
        "An MPP case's respondent is not amenable to MPP (Mexican nationals and unaccompanied "
        "children are not): " + listing(parts) + "."
    )
    ev = _evidence(f, [r.person_id for r in who], cases, records)
    return make_flag(fid, "NON_AMENABLE", ev, reason)


def _wind_down(f: Facts, fid: str, m: list[Any]) -> Flag:
    pending_people = [r.person_id for r in m if r.has_pending_mpp]
    pending = _cases(f, pending_people, lambda r: _is_mpp(r) and r.status == "PENDING")
    other_people = [r.person_id for r in m if _wind_down_other(r)]
    ended = _cases(
        f, other_people, lambda r: _is_mpp(r) and r.status in ("IN_ABSENTIA", "TERMINATED")
    )
    no_case = [p for p in other_people if not f.person_cases.get(p)]
    parts = _describe(f, ended) + [f"{f.label(p)} has no case" for p in no_case]
    reason = (
        "A member has a pending MPP case while another has an in-absentia or terminated MPP case, "
        "or no case, so all are processed out of MPP together: pending "
        + listing(_describe(f, pending))
        + "; others "
        + listing(parts)
        + "."
    )
    records = [r for p in no_case for r in f.person_records[p]]
    ev = _evidence(f, pending_people + other_people, pending + ended, records)
    return make_flag(fid, "WIND_DOWN_SPLIT", ev, reason)
