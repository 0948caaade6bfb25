"""Cases and proceedings of the release -> the contract's ``individuals`` and ``cases`` rows.

One individuals record per case respondent (``record_id`` = ``IDNCASE``): the release has no
names, so the same person's several cases stay several records. A case's court, status and dates
come from its *latest* proceeding: the one with the greatest ``IDNPROCEEDING`` (EOIR numbers
proceedings in the order it creates them; a change of venue or a reopening creates a new one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from kinlink.loaders.eoir.codes import CodeTables, is_true
from kinlink.loaders.eoir.layout import CASE, PROCEEDING
from kinlink.loaders.eoir.reader import (
    LINE,
    TEXT,
    FileStats,
    Rejects,
    empty_frame,
    read_table,
    stream_table,
)
from kinlink.loaders.eoir.values import (
    Counts,
    drop_rows,
    keep_known_cases,
    parse_dates,
)

SOURCE = "EOIR"
CourtFrom = Literal["hearing-location", "base-city"]


def read_cases(path: Path, rejects: Rejects, stats: FileStats) -> pd.DataFrame:
    """``A_TblCase``'s kept columns, one row per case (missing, repeated ``IDNCASE`` rejected)."""
    frame = read_table(path, CASE.wanted, required=CASE.required, rejects=rejects, stats=stats)
    frame = drop_rows(
        frame, frame["IDNCASE"].isna(), rejects, path.name, "IDNCASE", "missing IDNCASE"
    )
    duplicate = frame["IDNCASE"].duplicated(keep="first")
    if duplicate.any():
        first = frame.groupby("IDNCASE")[LINE].transform("min")
        for line, first_line in zip(frame.loc[duplicate, LINE], first[duplicate], strict=True):
            rejects.add(
                path.name, line, "IDNCASE", f"duplicate IDNCASE (first at line {first_line})"
            )
        frame = frame.loc[~duplicate]
    return frame.reset_index(drop=True)


def individuals(cases: pd.DataFrame, codes: CodeTables, counts: Counts) -> pd.DataFrame:
    """One record per case respondent: nationality (ISO alpha-3), language, sex; no names."""
    nat = cases["NAT"].str.upper()
    nationality = nat.map(codes.nationality).astype(TEXT)
    counts.note(
        "NAT codes with no ISO country (nationality left empty)",
        int((nat.notna() & nationality.isna()).sum()),
    )
    lang = cases["LANG"].str.upper()
    language = lang.map(codes.language).astype(TEXT).fillna(lang) if codes.language else lang
    sex = cases["SEX"].str.upper().str.slice(0, 1)
    counts.note(
        "sex codes other than M/F (left empty)", int((sex.notna() & ~sex.isin(["M", "F"])).sum())
    )
    return pd.DataFrame(
        {
            "record_id": cases["IDNCASE"],
            "source": SOURCE,
            "sex": sex.where(sex.isin(["M", "F"])),
            "nationality": nationality,
            "language": language.astype(TEXT),
            "eoir_nat": cases["NAT"],
        }
    ).reset_index(drop=True)


def read_proceedings(
    path: Path, case_ids: pd.Index, case_file: str, rejects: Rejects, stats: FileStats
) -> pd.DataFrame:
    """``B_TblProceeding``'s kept columns, streamed; rows of unknown cases are rejected."""
    parts = []
    for chunk in stream_table(
        path, PROCEEDING.wanted, required=PROCEEDING.required, rejects=rejects, stats=stats
    ):
        chunk = keep_known_cases(
            chunk, ("IDNPROCEEDING", "IDNCASE"), case_ids, rejects, path.name, case_file
        )
        parts.append(chunk)
    frame = pd.concat(parts, ignore_index=True) if parts else empty_frame(list(PROCEEDING.wanted))
    duplicate = frame["IDNPROCEEDING"].duplicated(keep="first")
    frame = drop_rows(
        frame, duplicate, rejects, path.name, "IDNPROCEEDING", "duplicate IDNPROCEEDING"
    )
    return frame.reset_index(drop=True)


@dataclass
class CaseSide:
    """Per-case facts from the proceedings, and per-proceeding completion for hearing results."""

    cases: pd.DataFrame  # index IDNCASE: court, base_city, status, status_date, nta_date, ...
    completion: pd.DataFrame  # index IDNPROCEEDING: comp_date, absentia


def summarise_proceedings(
    proceedings: pd.DataFrame,
    codes: CodeTables,
    counts: Counts,
    *,
    court_from: CourtFrom = "hearing-location",
) -> CaseSide:
    """Court, status and dates of each case from its proceedings.

    ``court`` is the latest proceeding's ``HEARING_LOC_CODE`` (else its ``BASE_CITY_CODE``), or
    with ``court_from="base-city"`` its ``BASE_CITY_CODE`` (the immigration court that owns the
    docket; else the hearing location). Hearing locations are finer: an MPP hearing facility and
    the court whose judges hear its cases are two locations but one base city.

    Notes
    -----
    A sort and a few group-bys over the proceedings: O(P log P).
    """
    p = proceedings.assign(_order=pd.to_numeric(proceedings["IDNPROCEEDING"], errors="coerce"))
    p = p.sort_values(["IDNCASE", "_order", LINE], na_position="first", kind="stable")
    comp, bad_comp = parse_dates(p["COMP_DATE"])
    osc, bad_osc = parse_dates(p["OSC_DATE"])
    counts.note("unparseable COMP_DATE (left empty)", bad_comp)
    counts.note("unparseable OSC_DATE (left empty)", bad_osc)
    absentia = is_true(p["ABSENTIA"])
    p = p.assign(_comp=comp, _osc=osc, _absentia=absentia)
    mpp_loc = p["HEARING_LOC_CODE"].str.upper().isin(codes.mpp_locations).fillna(False)

    latest = p.groupby("IDNCASE", sort=False).tail(1).set_index("IDNCASE")
    status = _status(latest, codes, counts)
    hloc, base = latest["HEARING_LOC_CODE"], latest["BASE_CITY_CODE"]
    by_base = court_from == "base-city"
    court = base.fillna(hloc) if by_base else hloc.fillna(base)
    names = (
        {**codes.hearing_location, **codes.base_city}
        if by_base
        else {**codes.base_city, **codes.hearing_location}
    )
    per_case = pd.DataFrame(
        {
            "court": court,
            "court_name": court.str.upper().map(names).astype(TEXT),
            "base_city": latest["BASE_CITY_CODE"],
            "status": status,
            "status_date": latest["_comp"],
            "nta_date": p.groupby("IDNCASE", sort=False)["_osc"].min(),
            "decision_code": latest["DEC_CODE"],
            "absentia": latest["_absentia"],
            "case_type": latest["CASE_TYPE"],
            "proceedings": p.groupby("IDNCASE", sort=False).size(),
            "mpp_location": mpp_loc.groupby(p["IDNCASE"], sort=False).any(),
        }
    )
    done = p["_comp"].notna().to_numpy()
    completion = pd.DataFrame(
        {
            "comp_date": p["_comp"].to_numpy()[done],
            "absentia": p["_absentia"].to_numpy(dtype=bool)[done],
        },
        index=pd.Index(
            p["IDNPROCEEDING"].astype(object).to_numpy()[done], dtype=object, name="IDNPROCEEDING"
        ),
    )
    return CaseSide(per_case, completion)


def _status(latest: pd.DataFrame, codes: CodeTables, counts: Counts) -> pd.Series:
    dec = latest["DEC_CODE"].str.upper()
    key = latest["CASE_TYPE"].fillna("").str.upper() + "|" + dec  # missing when dec is
    found, uniques = pd.factorize(key.astype(object))  # a handful of distinct pairs
    mapped = np.array(
        [codes.decision_status(*str(k).split("|")) for k in uniques] + [None], dtype=object
    )
    decided = pd.Series(mapped[found], index=latest.index, dtype=object)
    unmapped = dec.notna() & decided.isna()
    counts.note("decision codes with no known meaning (status CLOSED)", int(unmapped.sum()))
    completed = latest["_comp"].notna()
    status = pd.Series("PENDING", index=latest.index, dtype=object)
    status[completed] = "CLOSED"  # completed without a decision code (closure, venue change)
    status[dec.notna()] = decided[dec.notna()].fillna("CLOSED")
    status[(status == "REMOVAL_ORDERED") & latest["_absentia"]] = "IN_ABSENTIA"
    return status.astype(TEXT)
