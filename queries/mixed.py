"""Mixed-nationality units (``mixed_nationality_units.csv``): the MIXED rule of docs/contract.md,
"The rules" (a member whose nationality is unknown is ignored), and whether a member is Mexican.

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> from kinlink.queries.facts import build_facts
>>> ind = pd.DataFrame({"record_id": ["a", "b", "c"], "source": ["CBP"] * 3,
...                     "nationality": ["HND", "MEX", pd.NA]})
>>> units = pd.DataFrame({"family_unit_id": ["U"] * 3, "record_id": ["a", "b", "c"]})
>>> bundle = SimpleNamespace(individuals=ind, family_units=units, cases=None, hearings=None)
>>> facts = build_facts(bundle, pd.DataFrame({"record_id": ["a", "b", "c"],
...                                           "person_id": ["P1", "P2", "P3"]}))
>>> [(f.code, f.evidence.locations) for f in mixed_nationality_units(facts)]
[('MIXED', ('HND', 'MEX'))]
"""

from __future__ import annotations

from typing import Any

from kinlink.queries.facts import Facts
from kinlink.queries.flags import Evidence, Flag, make_flag
from kinlink.queries.text import listing

__all__ = ["mexican_member", "mixed_nationality_units"]


def mixed_nationality_units(facts: Facts) -> list[Flag]:
    """Flag families whose members have two or more distinct nationalities.

    Parameters
    ----------
    facts : Facts
        The persons and families (:func:`kinlink.queries.facts.build_facts`).

    Returns
    -------
    list of Flag
        One ``MIXED`` flag per such family, sorted by family id. ``evidence.locations`` holds
        the nationalities, ``evidence.records`` the member records that state them.

    Notes
    -----
    One group-by over the persons of families with two or more persons: O(P).
    """
    f = facts
    m = f.members
    counts = m.groupby("family_id")["nationality"].nunique()
    return [_flag(f, str(fid), f.member_rows[fid]) for fid in counts.index[counts >= 2]]


def mexican_member(facts: Facts, family_id: str) -> bool:
    """Whether a member of ``family_id`` is of Mexican nationality."""
    return any(
        facts.person_rows[p].nationality == "MEX" for p in facts.family_members.get(family_id, ())
    )


def _flag(f: Facts, fid: str, members: list[Any]) -> Flag:
    known = sorted(
        (r for r in members if isinstance(r.nationality, str)),
        key=lambda r: (r.nationality, r.person_id),
    )
    records = [
        rec
        for r in known
        for rec in f.person_records[r.person_id]
        if f.record_rows[rec].nationality == r.nationality
    ]
    nationalities = tuple(sorted({r.nationality for r in known}))
    evidence = Evidence(
        persons=tuple(r.person_id for r in known),
        records=tuple(sorted(records)),
        locations=nationalities,
    )
    parts = [f"{f.label(r.person_id)}: {r.nationality}" for r in known]
    reason = (
        f"The unit's members have {len(nationalities)} nationalities ({', '.join(nationalities)}): "
        + listing(parts)
        + "."
    )
    if "MEX" in nationalities:
        reason += " A member is Mexican, and Mexican nationals are not amenable to MPP."
    return make_flag(fid, "MIXED", evidence, reason)
