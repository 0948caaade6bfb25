"""Consolidation candidates (beyond the contract; reported in ``flags.csv`` and the human report).

- ``CONSOLIDATE_COURTS``: a family's open cases sit in two or more courts;
- ``CONSOLIDATE_LEAD``: a family's open cases (two or more) do not all ride on one lead case
  (a case's lead is found by following ``lead_case_id`` to its end; a case with none is its own
  lead);
- ``HEARING_SPLIT``: two members' *current* hearings (of open cases) fall on different days at
  different ports, so the family cannot travel to court together. A member's current hearing is
  the first on or after ``as_of``, or, when none is, the member's latest hearing.

"Open" means a status in ``open_statuses`` (default PENDING) or no status at all. Only families
of two or more persons are considered.

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> from kinlink.queries.facts import build_facts
>>> ind = pd.DataFrame({"record_id": ["a", "b"], "source": ["CBP"] * 2})
>>> units = pd.DataFrame({"family_unit_id": ["U", "U"], "record_id": ["a", "b"]})
>>> cases = pd.DataFrame({"case_id": ["C1", "C2"], "record_id": ["a", "b"],
...                       "lead_case_id": [pd.NA, "C1"], "court": ["El Paso", "El Paso"]})
>>> hearings = pd.DataFrame({"hearing_id": ["H1", "H2"], "case_id": ["C1", "C2"],
...     "date": pd.to_datetime(["2020-01-02", "2020-01-09"]), "court": ["El Paso", "Brownsville"]})
>>> bundle = SimpleNamespace(individuals=ind, family_units=units, cases=cases, hearings=hearings)
>>> facts = build_facts(bundle, pd.DataFrame({"record_id": ["a", "b"], "person_id": ["P1", "P2"]}))
>>> [f.code for f in consolidation_candidates(facts)]
['HEARING_SPLIT']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from kinlink.queries.facts import Facts, bucket
from kinlink.queries.flags import Evidence, Flag, make_flag
from kinlink.queries.text import iso, listing

__all__ = ["consolidation_candidates", "lead_of"]


def lead_of(case_id: str, leads: dict[str, Any]) -> str:
    """The end of the ``lead_case_id`` chain starting at ``case_id``.

    A chain that loops back ends at the smallest case id of the loop, so every case of the loop
    gets the same lead.

    Examples
    --------
    >>> lead_of("C3", {"C3": "C2", "C2": "C1", "C1": None})
    'C1'
    >>> lead_of("B", {"A": "B", "B": "A"}), lead_of("A", {"A": "B", "B": "A"})
    ('A', 'A')
    """
    path = [case_id]
    position = {case_id: 0}
    while True:
        nxt = leads.get(path[-1])
        if not isinstance(nxt, str):
            return path[-1]
        if nxt in position:
            return min(path[position[nxt] :])
        position[nxt] = len(path)
        path.append(nxt)


def consolidation_candidates(
    facts: Facts,
    *,
    open_statuses: Iterable[str] = ("PENDING",),
    as_of: pd.Timestamp | None = None,
) -> list[Flag]:
    """Flag families whose open cases could be consolidated, or whose hearings split them.

    Parameters
    ----------
    facts : Facts
        The persons, families, cases and hearings (:func:`kinlink.queries.facts.build_facts`).
    open_statuses : iterable of str
        Case statuses that count as open (a case with no status is open too).
    as_of : Timestamp, optional
        The date "current hearing" is counted from (default: each member's latest hearing).

    Returns
    -------
    list of Flag
        Sorted by family id then code.

    Notes
    -----
    O(C) for the courts and leads; O(h²) per family for the hearings, h its open hearings.
    """
    f = facts
    statuses = set(open_statuses)
    cases = f.cases[f.cases["family_id"].isin(f.multi_person_families)]
    is_open = cases["status"].isna() | cases["status"].isin(statuses)
    open_cases = cases[is_open].copy()
    flags: list[Flag] = []

    courts = open_cases[open_cases["court"].notna()].groupby("family_id")["court"].nunique()
    split = open_cases[
        open_cases["family_id"].isin(courts.index[courts >= 2]) & open_cases["court"].notna()
    ]
    for fid, rows in bucket(split.sort_values(["court", "case_id"])).items():
        parts = [f"case {r.case_id} of {f.label(r.person_id)} at {r.court}" for r in rows]
        ev = Evidence(
            persons=tuple(sorted({r.person_id for r in rows})),
            records=tuple(sorted({r.record_id for r in rows})),
            cases=tuple(r.case_id for r in rows),
            locations=tuple(sorted({r.court for r in rows})),
        )
        reason = (
            "The family's open cases sit in different courts and could be consolidated: "
            + listing(parts)
            + "."
        )
        flags.append(make_flag(str(fid), "CONSOLIDATE_COURTS", ev, reason))

    leads = dict(zip(f.cases["case_id"], f.cases["lead_case_id"], strict=True))
    open_cases["root"] = [lead_of(c, leads) for c in open_cases["case_id"]]
    n_open = open_cases.groupby("family_id")["case_id"].size()
    roots = open_cases.groupby("family_id")["root"].nunique()
    unjoined = open_cases[open_cases["family_id"].isin(roots.index[(roots >= 2) & (n_open >= 2)])]
    for fid, rows in bucket(unjoined.sort_values(["root", "case_id"])).items():
        parts = [
            f"case {r.case_id} of {f.label(r.person_id)} rides on {r.root}"
            if r.root != r.case_id
            else f"case {r.case_id} of {f.label(r.person_id)} is its own lead"
            for r in rows
        ]
        ev = Evidence(
            persons=tuple(sorted({r.person_id for r in rows})),
            records=tuple(sorted({r.record_id for r in rows})),
            cases=tuple(r.case_id for r in rows),
        )
        reason = (
            f"The family's open cases ride on {len({r.root for r in rows})} different leads "
            "instead of one: " + listing(parts) + "."
        )
        flags.append(make_flag(str(fid), "CONSOLIDATE_LEAD", ev, reason))

    flags.extend(_hearing_splits(f, open_cases, as_of))
    return sorted(flags, key=lambda fl: (fl.family_id, fl.code))


def _hearing_splits(f: Facts, open_cases: pd.DataFrame, as_of: pd.Timestamp | None) -> list[Flag]:
    h = f.hearings[
        f.hearings["case_id"].isin(open_cases["case_id"])
        & f.hearings["date"].notna()
        & f.hearings["court"].notna()
    ].sort_values(["person_id", "date", "hearing_id"])
    # each member's current hearing: the first on or after as_of, else the member's latest
    if as_of is not None:
        upcoming = h[h["date"] >= pd.Timestamp(as_of)].drop_duplicates("person_id", keep="first")
        past = h[~h["person_id"].isin(upcoming["person_id"])]
        current = pd.concat([upcoming, past.drop_duplicates("person_id", keep="last")])
    else:
        current = h.drop_duplicates("person_id", keep="last")
    people = current.groupby("family_id")["person_id"].nunique()
    current = current[current["family_id"].isin(people.index[people >= 2])]
    flags = []
    for fid, group in bucket(current.sort_values(["date", "hearing_id"])).items():
        rows = [(r.hearing_id, r.person_id, r.date, r.court, r.case_id) for r in group]
        pairs = [
            (a, b)
            for i, a in enumerate(rows)
            for b in rows[i + 1 :]
            if a[2] != b[2] and a[3] != b[3]
        ]
        if not pairs:
            continue
        involved = sorted({x for pair in pairs for x in pair}, key=lambda x: (x[2], x[0]))
        ev = Evidence(
            persons=tuple(sorted({x[1] for x in involved})),
            hearings=tuple(x[0] for x in involved),
            cases=tuple(sorted({x[4] for x in involved})),
            locations=tuple(sorted({x[3] for x in involved})),
            dates=tuple(sorted({iso(x[2]) for x in involved})),
        )
        reason = (
            "Members' current hearings fall on different days at different ports: "
            + listing(
                [f"{f.label(x[1])} on {iso(x[2])} at {x[3]} (hearing {x[0]})" for x in involved]
            )
            + "."
        )
        flags.append(make_flag(str(fid), "HEARING_SPLIT", ev, reason))
    return flags
