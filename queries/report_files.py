"""The frames of the report's CSV files: the contract tables and ``flags.csv``.

Columns are those :data:`kinlink.contract.REPORT_FILES` declares. Lists in a cell are sorted and
joined with ``;``; ``codes`` too. ``record_ids`` lists every record of every member of the
family, ``case_ids`` every case of every member.
"""

from __future__ import annotations

import pandas as pd

from kinlink.contract import REPORT_FILES
from kinlink.queries.analyses import Analyses
from kinlink.queries.flags import Flag
from kinlink.queries.mixed import mexican_member
from kinlink.queries.review_flags import CONFIDENCE_COLUMNS
from kinlink.sorting import sorted_by

__all__ = ["contract_tables", "flags_frame"]

FLAG_COLUMNS = [c for c in REPORT_FILES["flags"].columns if c not in CONFIDENCE_COLUMNS]


def _by_family(flags: list[Flag], analysis: str) -> dict[str, list[Flag]]:
    out: dict[str, list[Flag]] = {}
    for fl in flags:
        if fl.analysis == analysis:
            out.setdefault(fl.family_id, []).append(fl)
    return dict(sorted(out.items()))


def _sources(flags: list[Flag]) -> str:
    return ";".join(sorted({fl.source.citation() for fl in flags}))


def contract_tables(result: Analyses) -> dict[str, pd.DataFrame]:
    """The contract's report tables (without rejects), keyed by file stem.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> from kinlink.queries.analyses import analyse
    >>> from kinlink.queries.facts import build_facts
    >>> ind = pd.DataFrame({"record_id": ["a", "b", "c"], "source": ["CBP"] * 3,
    ...                     "nationality": ["MEX", "HND", "HND"]})
    >>> units = pd.DataFrame({"family_unit_id": ["U", "U"], "record_id": ["a", "b"]})
    >>> bundle = SimpleNamespace(individuals=ind, family_units=units, cases=None, hearings=None)
    >>> persons = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1", "P2", "P2"]})
    >>> t = contract_tables(analyse(build_facts(bundle, persons)))
    >>> t["mixed_nationality_units"][["nationalities", "mexican_member", "record_ids"]].values
    array([['HND;MEX', 'true', 'a;b;c']], dtype=object)
    """
    f, flags = result.facts, result.flags
    persons = f.records[["record_id", "person_id"]].copy()
    persons["family_id"] = persons["person_id"].map(f.persons["family_id"])
    persons = sorted_by(persons, ["record_id"])

    def members(fid: str) -> str:
        return ";".join(f.family_members.get(fid, []))

    sep = _by_family(flags, "separated_families")
    separated = pd.DataFrame(
        {
            "family_id": list(sep),
            "codes": [";".join(sorted({fl.code for fl in fls})) for fls in sep.values()],
            "record_ids": [";".join(f.family_record_ids(fid)) for fid in sep],
            "person_ids": [members(fid) for fid in sep],
            "sources": [_sources(fls) for fls in sep.values()],
        },
        dtype=object,
    )
    mix = _by_family(flags, "mixed_nationality_units")
    mixed = pd.DataFrame(
        {
            "family_id": list(mix),
            "nationalities": [";".join(sorted(fls[0].evidence.locations)) for fls in mix.values()],
            "mexican_member": ["true" if mexican_member(f, fid) else "false" for fid in mix],
            "record_ids": [";".join(f.family_record_ids(fid)) for fid in mix],
            "person_ids": [members(fid) for fid in mix],
            "sources": [_sources(fls) for fls in mix.values()],
        },
        dtype=object,
    )
    jnt = _by_family(flags, "joint_reprocessing")
    joint = pd.DataFrame(
        {
            "family_id": list(jnt),
            "codes": [";".join(sorted({fl.code for fl in fls})) for fls in jnt.values()],
            "case_ids": [";".join(f.family_case_ids(fid)) for fid in jnt],
            "record_ids": [";".join(f.family_record_ids(fid)) for fid in jnt],
            "person_ids": [members(fid) for fid in jnt],
            "sources": [_sources(fls) for fls in jnt.values()],
        },
        dtype=object,
    )
    return {
        "persons": persons,
        "families": f.families[["family_id", "person_id"]],
        "separated_families": separated,
        "mixed_nationality_units": mixed,
        "joint_reprocessing": joint,
    }


def flags_frame(flags: list[Flag]) -> pd.DataFrame:
    """``flags.csv``: one row per flag of every analysis, with its evidence."""
    rows = [
        (
            fl.family_id,
            fl.analysis,
            fl.code,
            fl.reason,
            fl.source.citation(),
            ";".join(fl.evidence.persons),
            ";".join(fl.evidence.records),
            ";".join(fl.evidence.cases),
            ";".join(fl.evidence.hearings),
            ";".join(fl.evidence.locations),
            ";".join(fl.evidence.dates),
        )
        for fl in flags
    ]
    return pd.DataFrame(rows, columns=FLAG_COLUMNS, dtype=object)
