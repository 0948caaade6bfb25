"""Separated families (``separated_families.csv``): LOCATION_SPLIT, COURT_SPLIT and MPP_SPLIT.

The rules are in docs/contract.md, "The rules". MPP_SPLIT's "has none" reads *has no MPP case*
by default (``mpp_split_none="mpp_case"``); ``"any_case"`` reads it as *has no case at all*.

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> from kinlink.queries.facts import build_facts
>>> ind = pd.DataFrame({"record_id": ["a", "b"], "source": ["CBP", "NGO"],
...                     "country_of_location": ["MEX", "USA"]})
>>> units = pd.DataFrame({"family_unit_id": ["U", "U"], "record_id": ["a", "b"]})
>>> bundle = SimpleNamespace(individuals=ind, family_units=units, cases=None, hearings=None)
>>> facts = build_facts(bundle, pd.DataFrame({"record_id": ["a", "b"], "person_id": ["P1", "P2"]}))
>>> [f.code for f in separated_families(facts)]
['LOCATION_SPLIT']
"""

from __future__ import annotations

from typing import Any, Literal

from kinlink.queries.facts import Facts, bucket
from kinlink.queries.flags import Evidence, Flag, make_flag
from kinlink.queries.text import iso, listing

__all__ = ["separated_families"]


def separated_families(
    facts: Facts, *, mpp_split_none: Literal["mpp_case", "any_case"] = "mpp_case"
) -> list[Flag]:
    """Flag families whose members are split across the border, courts or MPP.

    Parameters
    ----------
    facts : Facts
        The persons, families and cases (:func:`kinlink.queries.facts.build_facts`).
    mpp_split_none : {"mpp_case", "any_case"}
        How MPP_SPLIT reads "at least one member has none": no MPP case (default), or no case.

    Returns
    -------
    list of Flag
        One flag per (family, code) that holds, sorted by family id then code.

    Notes
    -----
    Group-bys over the persons and cases of families with two or more persons:
    O(P + C) plus the evidence of the flagged families.
    """
    if mpp_split_none not in ("mpp_case", "any_case"):
        raise ValueError(f"mpp_split_none must be 'mpp_case' or 'any_case', not {mpp_split_none!r}")
    f = facts
    m = f.members
    flags: list[Flag] = []

    # LOCATION_SPLIT
    loc = m.assign(mex=m["location"].eq("MEX"), usa=m["location"].eq("USA"))
    both = loc.groupby("family_id")[["mex", "usa"]].any()
    for fid in both.index[both["mex"] & both["usa"]]:
        flags.append(_location_flag(f, str(fid), f.member_rows[fid]))

    # COURT_SPLIT
    cases = f.cases[f.cases["family_id"].isin(f.multi_person_families)]
    pending = cases[cases["status"].eq("PENDING") & cases["court"].notna()]
    courts = pending.groupby("family_id")["court"].nunique()
    split = pending[pending["family_id"].isin(courts.index[courts >= 2])]
    for fid, rows in bucket(split.sort_values(["court", "case_id"])).items():
        flags.append(_court_flag(f, str(fid), rows))

    # MPP_SPLIT
    without = ~m["has_mpp"] if mpp_split_none == "mpp_case" else m["n_cases"].eq(0)
    agg = m.assign(without=without).groupby("family_id")[["has_mpp", "without"]].any()
    for fid in agg.index[agg["has_mpp"] & agg["without"]]:
        flags.append(_mpp_flag(f, str(fid), f.member_rows[fid], mpp_split_none))

    return sorted(flags, key=lambda fl: (fl.family_id, fl.code))


def _location_flag(f: Facts, fid: str, members: list[Any]) -> Flag:
    located = sorted(
        (r for r in members if r.location in ("MEX", "USA")),
        key=lambda r: (r.location, r.person_id),
    )
    parts = [
        f"{f.label(r.person_id)} in {r.location} (record {r.location_record}, "
        f"as of {iso(r.location_as_of) or 'no date'})"
        for r in located
    ]
    evidence = Evidence(
        persons=tuple(r.person_id for r in located),
        records=tuple(r.location_record for r in located),
        locations=tuple(sorted({r.location for r in located})),
        dates=tuple(sorted({iso(r.location_as_of) for r in located} - {""})),
    )
    reason = (
        "Family members are on both sides of the border by their latest known locations: "
        + listing(parts)
        + "."
    )
    return make_flag(fid, "LOCATION_SPLIT", evidence, reason)


def _court_flag(f: Facts, fid: str, pending: list[Any]) -> Flag:
    parts = [f"case {r.case_id} of {f.label(r.person_id)} at {r.court}" for r in pending]
    courts = sorted({r.court for r in pending})
    evidence = Evidence(
        persons=tuple(sorted({r.person_id for r in pending})),
        records=tuple(sorted({r.record_id for r in pending})),
        cases=tuple(r.case_id for r in pending),
        locations=tuple(courts),
        dates=tuple(sorted({iso(r.status_date) for r in pending} - {""})),
    )
    reason = f"The family's pending cases sit in {len(courts)} courts: " + listing(parts) + "."
    return make_flag(fid, "COURT_SPLIT", evidence, reason)


def _mpp_flag(f: Facts, fid: str, members: list[Any], mode: str) -> Flag:
    in_mpp = [r.person_id for r in members if r.has_mpp]
    out = [
        r.person_id for r in members if (not r.has_mpp if mode == "mpp_case" else r.n_cases == 0)
    ]
    mpp_of = {p: [c for c in f.person_cases.get(p, ()) if f.case_rows[c].mpp] for p in in_mpp}
    mpp_cases = [c for p in in_mpp for c in mpp_of[p]]
    other_cases = [c for p in out for c in f.person_cases.get(p, ())]

    def describe_out(p: str) -> str:
        cs = f.person_cases.get(p, [])
        if not cs:
            return f"{f.label(p)} (no case)"
        return f"{f.label(p)} (only non-MPP cases: {', '.join(cs)})"

    evidence = Evidence(
        persons=tuple(sorted(set(in_mpp) | set(out))),
        records=tuple(sorted({f.case_rows[c].record_id for c in mpp_cases + other_cases})),
        cases=tuple(sorted(set(mpp_cases + other_cases))),
        dates=tuple(sorted({iso(f.case_rows[c].nta_date) for c in mpp_cases} - {""})),
    )
    none = "no MPP case" if mode == "mpp_case" else "no case"
    reason = (
        f"Some members are in MPP and others have {none}: in MPP "
        + listing([f"{f.label(p)} (cases {', '.join(mpp_of[p])})" for p in in_mpp])
        + "; not in MPP "
        + listing([describe_out(p) for p in out])
        + "."
    )
    return make_flag(fid, "MPP_SPLIT", evidence, reason)
