"""How sure each flag is: would it still hold under the plausible alternative identity decisions?

Every flag stands on identity decisions: which records are one person. The uncertain ones are
the :class:`~kinlink.graph.family_evidence.FamilyEvidence` alternatives: a member with no case
that may be another member (``merge``), or a member joined by the family evidence that may be a
person of its own (``split``), each at least ``plausible`` likely and under one half (the likelier
choice is the one taken). For each alternative, the family it touches is rebuilt in an
*alternative world* (its records with the alternative's persons, its cases and hearings) and the
analyses run again on all worlds at once. A flag (a family and a code) that every world touching
its family still raises is ``confirmed``; one that some world drops is ``review``, and the likeliest
such world names the record pair the flag hinges on, its probability and its field levels.

Only the flags kinlink raises are judged; a flag that only an alternative would raise is not
reported (the likelier decision did not raise it).

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> from kinlink.queries.facts import build_facts
>>> from kinlink.queries.analyses import analyse
>>> ind = pd.DataFrame({"record_id": ["a", "b", "c"], "source": ["CBP", "CBP", "NGO"],
...                     "given_names": ["Ana", "Luis", "Luis"]})
>>> units = pd.DataFrame({"family_unit_id": ["U", "U", "V"], "record_id": ["a", "b", "c"]})
>>> units = pd.concat([units, pd.DataFrame({"family_unit_id": ["V"], "record_id": ["a"]})])
>>> cases = pd.DataFrame({"case_id": ["C1", "C2"], "record_id": ["a", "b"], "mpp": [True, True],
...                       "status": ["PENDING", "PENDING"]})
>>> bundle = SimpleNamespace(individuals=ind, family_units=units, cases=cases, hearings=None)
>>> persons = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1", "P2", "P3"]})
>>> facts = build_facts(bundle, persons)
>>> flags = analyse(facts).flags
>>> sorted({f.code for f in flags})
['CONSOLIDATE_LEAD', 'MPP_SPLIT', 'WIND_DOWN_SPLIT']
>>> alt = pd.DataFrame([{"alternative": "A1", "decision": "c", "kind": "merge", "records": ("c",),
...     "to_person": "P2", "record_id_a": "c", "record_id_b": "b", "probability": 0.3,
...     "levels": "names=same", "why": "c may be b"}])
>>> judged = judge_flags(facts, flags, alt)
>>> judged[["code", "confidence", "record_id_a", "probability"]].values.tolist()
... # doctest: +NORMALIZE_WHITESPACE
[['CONSOLIDATE_LEAD', 'confirmed', None, None], ['MPP_SPLIT', 'review', 'c', 0.3],
 ['WIND_DOWN_SPLIT', 'review', 'c', 0.3]]
"""

from __future__ import annotations

import logging
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from kinlink.graph.family_evidence import ALTERNATIVE_COLUMNS
from kinlink.queries.facts import Facts, _person_facts
from kinlink.queries.flags import RULES, Flag
from kinlink.unionfind import components

log = logging.getLogger(__name__)

__all__ = ["CONFIDENCE", "JUDGED_COLUMNS", "judge_flags", "world_facts"]

#: The confidence levels of a flag (see :func:`judge_flags`).
CONFIDENCE: Final = ("confirmed", "review", "unlikely")

#: Columns of :func:`judge_flags`' result.
JUDGED_COLUMNS: Final = [
    "family_id",
    "code",
    "confidence",
    "holds",
    "alternative",
    "kind",
    "record_id_a",
    "record_id_b",
    "probability",
    "levels",
    "why",
]

_SEP: Final = "~"  # joins a base id and an alternative's id in a world


def world_facts(facts: Facts, alternatives: pd.DataFrame) -> tuple[Facts, pd.DataFrame]:
    """The facts of every alternative world, side by side, and where each world came from.

    For alternative ``A``, the records of the family it touches are copied with every person id
    suffixed ``~A``; the alternative's ``records`` move to ``to_person`` (``merge``) or to a
    person of their own (``split``). Families are recomputed over the family units, cases and
    hearings follow their respondent records.

    Returns
    -------
    facts : Facts
        Facts over the worlds only.
    origin : DataFrame
        ``world_family, family_id, alternative``: each world family's base family.
    """
    records = facts.records
    # the analyses' look-up by record id (made once), not a new one over every record
    rows = facts.record_rows
    person_of = rows.reader(["person_id"])
    person_family = facts.persons["family_id"]
    rec_rows: list[pd.DataFrame] = []
    alts: list[Any] = list(alternatives.itertuples(index=False))
    for alt in alts:
        moved = [r for r in alt.records if r in rows]
        if not moved:
            continue
        fid = person_family.get(person_of(moved[0])[0])
        if not isinstance(fid, str):
            continue
        members = facts.family_members.get(fid, [])
        ids = [r for p in members for r in facts.person_records[p]]
        copied = records.iloc[rows.positions(ids)].copy()
        tag = f"{_SEP}{alt.alternative}"
        copied["person_id"] = copied["person_id"].astype(str) + tag
        at = copied["record_id"].isin(moved)
        target = f"{alt.to_person}{tag}" if alt.kind == "merge" else f"S{tag}"
        copied.loc[at, "person_id"] = target
        copied["_family"] = fid
        copied["_alternative"] = alt.alternative
        rec_rows.append(copied)
    if not rec_rows:
        empty = pd.DataFrame(columns=["world_family", "family_id", "alternative"])
        return _facts(
            facts, records.iloc[0:0], pd.DataFrame(columns=["family_id", "person_id"])
        ), empty
    world = pd.concat(rec_rows, ignore_index=True)
    fam = _families(world, facts.units)
    origin = (
        fam.merge(world[["person_id", "_family", "_alternative"]].drop_duplicates("person_id"))
        .rename(
            columns={
                "family_id": "world_family",
                "_family": "family_id",
                "_alternative": "alternative",
            }
        )[["world_family", "family_id", "alternative"]]
        .drop_duplicates(ignore_index=True)
    )
    return _facts(facts, world.drop(columns=["_family", "_alternative"]), fam), origin


def _families(world: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """``family_id, person_id`` of the worlds: components of persons over shared units.

    A unit's membership is read per world (the unit id is qualified by the world's tag), so
    worlds never join each other.
    """
    tags = world["person_id"].str.rsplit(_SEP, n=1).str[1]
    member = world[["record_id", "person_id"]].assign(tag=tags.to_numpy())
    member = member.merge(units[["record_id", "family_unit_id"]], on="record_id")
    member["unit"] = member["family_unit_id"].astype(str) + _SEP + member["tag"]
    people, pcode = np.unique(member["person_id"].to_numpy(dtype=str), return_inverse=True)
    _, ucode = np.unique(member["unit"].to_numpy(dtype=str), return_inverse=True)
    comp = components(len(people) + int(ucode.max()) + 1, pcode, ucode + len(people))
    label = comp[: len(people)]
    frame = pd.DataFrame({"person_id": people, "label": label})
    first = frame.groupby("label")["person_id"].transform("min")
    frame["family_id"] = "F" + _SEP + first
    return frame[["family_id", "person_id"]].sort_values(
        ["family_id", "person_id"], ignore_index=True
    )


def _facts(base: Facts, records: pd.DataFrame, fam: pd.DataFrame) -> Facts:
    """Facts over ``records`` (with their world person ids) and the world families."""
    persons = _person_facts(records, fam)
    world_records = set(records["record_id"])
    cases = base.cases[base.cases["record_id"].isin(world_records)]
    # a record may sit in several worlds: expand the cases once per world the record is in
    cases = cases.drop(columns=["person_id", "family_id"]).merge(
        records[["record_id", "person_id"]], on="record_id"
    )
    cases["family_id"] = cases["person_id"].map(persons["family_id"])
    hearings = base.hearings.drop(columns=["person_id", "family_id"]).merge(
        cases[["case_id", "person_id", "family_id"]], on="case_id"
    )
    units = base.units[base.units["record_id"].isin(world_records)]
    return Facts(
        records.reset_index(drop=True),
        persons,
        fam,
        cases.reset_index(drop=True),
        hearings.reset_index(drop=True),
        units,
    )


def _codes(flags: list[Flag]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for fl in flags:
        out.setdefault(fl.family_id, set()).add(fl.code)
    return out


def judge_flags(
    facts: Facts,
    flags: list[Flag],
    alternatives: pd.DataFrame | None,
    *,
    mpp_split_none: Literal["mpp_case", "any_case"] = "mpp_case",
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The confidence of every flag (:data:`JUDGED_COLUMNS`, one row per family and code).

    A flag is ``confirmed`` when every alternative world of its family still raises it. Else its
    probability of holding is ``holds`` = the product, over the decisions whose alternatives
    drop it, of one minus their summed probability (the alternatives of one decision exclude each
    other; decisions are taken as independent). With ``holds`` at least one half the flag is in
    ``review``, hinging on its likeliest dropping alternative (``alternative`` and the columns
    after it); under one half it is ``unlikely`` (the flag is more likely false than true: a
    member that is surely one of two namesakes, but which one the evidence cannot tell).

    Parameters
    ----------
    facts : Facts
        The facts the flags were raised on.
    flags : list of Flag
        Every flag of the run.
    alternatives : DataFrame or None
        :attr:`FamilyEvidence.alternatives` (on the same person ids as ``facts``).
    mpp_split_none, as_of
        As given to the analyses.

    Notes
    -----
    One run of the analyses over all alternative worlds together: linear in the records of the
    families the alternatives touch.
    """
    from kinlink.queries.analyses import analyse  # the analyses registry (one place)
    from kinlink.queries.sections import reference_date

    as_of = as_of if as_of is not None else reference_date(facts)

    base = _codes(flags)
    rows = [
        {"family_id": fid, "code": code, "confidence": "confirmed"}
        for fid, codes in sorted(base.items())
        for code in sorted(codes)
    ]
    judged = pd.DataFrame(rows, columns=["family_id", "code", "confidence"])
    judged["holds"] = 1.0
    for col in JUDGED_COLUMNS[4:]:
        judged[col] = None
    if alternatives is None or alternatives.empty or judged.empty:
        return judged[JUDGED_COLUMNS]
    alternatives = alternatives[ALTERNATIVE_COLUMNS]
    world, origin = world_facts(facts, alternatives)
    if origin.empty:
        return judged[JUDGED_COLUMNS]
    world_flags = analyse(world, as_of=as_of, mpp_split_none=mpp_split_none).flags
    still = _codes(world_flags)
    held: dict[tuple[str, str], set[str]] = {}  # (alternative, base family) -> codes held
    origins: list[Any] = list(origin.itertuples(index=False))
    for row in origins:
        held.setdefault((row.alternative, row.family_id), set()).update(
            still.get(row.world_family, set())
        )
    by_alt = alternatives.set_index("alternative")
    deciding: dict[tuple[str, str], Any] = {}
    against: dict[tuple[str, str], dict[str, float]] = {}  # flag -> decision -> P(dropping it)
    for (alt, fid), codes_held in held.items():
        info: Any = by_alt.loc[alt]
        for code in base.get(fid, set()) - codes_held:
            current = deciding.get((fid, code))
            if current is None or info["probability"] > current["probability"]:
                deciding[(fid, code)] = info
            by_decision = against.setdefault((fid, code), {})
            by_decision[info["decision"]] = by_decision.get(info["decision"], 0.0) + float(
                info["probability"]
            )
    judged["holds"] = 1.0
    for i, (fid, code) in enumerate(zip(judged["family_id"], judged["code"], strict=True)):
        info = deciding.get((fid, code))
        if info is None:
            continue
        holds = float(np.prod([max(0.0, 1.0 - p) for p in against[(fid, code)].values()]))
        judged.at[i, "holds"] = holds
        judged.at[i, "confidence"] = "review" if holds >= 0.5 else "unlikely"
        judged.at[i, "alternative"] = info.name
        for col in ("kind", "record_id_a", "record_id_b", "levels", "why"):
            judged.at[i, col] = info[col]
        judged.at[i, "probability"] = float(info["probability"])
    log.info(
        "flag confidence: %d flags, %d in review, %d unlikely (%d alternative decisions)",
        len(judged),
        int(judged["confidence"].eq("review").sum()),
        int(judged["confidence"].eq("unlikely").sum()),
        len(alternatives),
    )
    return judged[JUDGED_COLUMNS]


def review_codes(judged: pd.DataFrame) -> dict[str, set[str]]:
    """family_id -> the codes set aside for review."""
    out: dict[str, set[str]] = {}
    review = judged[judged["confidence"].eq("review")]
    for fid, code in zip(review["family_id"], review["code"], strict=True):
        out.setdefault(fid, set()).add(code)
    return out


def contract_file(code: str) -> str:
    """The analysis (contract file stem or ``consolidation``) that raises ``code``."""
    return RULES[code].analysis
