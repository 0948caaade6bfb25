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
import pyarrow as pa

from kinlink.loaders.eoir.codes import CREDIBLE_FEAR_REVIEW, CodeTables, is_true
from kinlink.loaders.eoir.families import known_cases
from kinlink.loaders.eoir.layout import CASE, PROCEEDING
from kinlink.loaders.eoir.reader import (
    LINE,
    TEXT,
    FileStats,
    Rejects,
    empty_frame,
    stream_table,
)
from kinlink.loaders.eoir.values import (
    CaseIndex,
    Counts,
    KeptIds,
    Spill,
    arrow_text,
    parse_dates,
    whole_ids,
)

SOURCE = "EOIR"
CourtFrom = Literal["hearing-location", "base-city"]


@dataclass
class CaseTable:
    """``A_TblCase`` read once: what every case needs in memory, the rest spilled to disk.

    A full release has 12 million cases; only their numbers and credible-fear flags stay in
    memory (a few bytes each). The text columns wait in ``spill`` until the import knows which
    cases it keeps (:meth:`kept`).
    """

    numbers: np.ndarray  # IDNCASE as a number, by position (the case's row among valid rows)
    credible_fear: np.ndarray  # CASE_TYPE is CFR
    untyped: np.ndarray  # CASE_TYPE is empty
    spill: Spill
    valid: np.ndarray  # per spilled row: a case (not a repeated IDNCASE)

    def kept(self, keep: np.ndarray) -> pd.DataFrame:
        """The text columns of the kept cases, in position order."""
        position = np.cumsum(self.valid) - 1
        parts, offset = [], 0
        for table in self.spill.read():
            rows = slice(offset, offset + table.num_rows)
            mask = self.valid[rows] & keep[np.maximum(position[rows], 0)]
            parts.append(table.filter(pa.array(mask)))
            offset += table.num_rows
        if not parts:
            return empty_frame(list(CASE.wanted)).drop(columns=LINE)
        table = pa.concat_tables(parts)
        return pd.DataFrame(
            {
                name: pd.Series(pd.arrays.ArrowStringArray(table.column(name)))
                for name in CASE.wanted
            }
        )


def read_cases(path: Path, rejects: Rejects, stats: FileStats, spill: Spill) -> CaseTable:
    """Stream ``A_TblCase``: check each row and spill its kept columns.

    Rows with no ``IDNCASE``, one that is not a whole number, or one already seen are rejected.
    """
    numbers, lines, cfr, untyped = [], [], [], []
    for chunk in stream_table(
        path, CASE.wanted, required=CASE.required, rejects=rejects, stats=stats
    ):
        chunk, ids = whole_ids(chunk, "IDNCASE", rejects, path.name)
        case_type = chunk["CASE_TYPE"].str.upper()
        numbers.append(ids)
        lines.append(chunk[LINE].to_numpy(dtype=np.int64))
        cfr.append(case_type.isin(CREDIBLE_FEAR_REVIEW).fillna(False).to_numpy(dtype=bool))
        untyped.append(case_type.isna().to_numpy(dtype=bool))
        spill.write({name: arrow_text(chunk[name]) for name in CASE.wanted})

    def joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    all_ids, all_lines = joined(numbers, np.int64), joined(lines, np.int64)
    duplicate = pd.Series(all_ids).duplicated(keep="first").to_numpy()
    if duplicate.any():
        repeated = np.isin(all_ids, np.unique(all_ids[duplicate]))
        first = pd.Series(all_lines[repeated]).groupby(all_ids[repeated]).min()
        for line, number in zip(all_lines[duplicate], all_ids[duplicate], strict=True):
            rejects.add(
                path.name, line, "IDNCASE", f"duplicate IDNCASE (first at line {first[number]})"
            )
    valid = ~duplicate
    return CaseTable(
        all_ids[valid], joined(cfr, bool)[valid], joined(untyped, bool)[valid], spill, valid
    )


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


PROCEEDING_TEXT = [
    "OSC_DATE",
    "HEARING_LOC_CODE",
    "BASE_CITY_CODE",
    "DEC_CODE",
    "OTHER_COMP",
    "ABSENTIA",
    "COMP_DATE",
    "CASE_TYPE",
]


@dataclass
class ProceedingPass:
    """What one pass over ``B_TblProceeding`` found, per case (by row of the case table)."""

    at_mpp_location: np.ndarray  # a proceeding at an MPP hearing location
    credible_fear: np.ndarray  # a proceeding of case type CFR
    duplicate_lines: np.ndarray  # lines of repeated IDNPROCEEDING (rejected)


def scan_proceedings(
    path: Path,
    index: CaseIndex,
    case_file: str,
    codes: CodeTables,
    spill: Spill,
    rejects: Rejects,
    stats: FileStats,
) -> ProceedingPass:
    """Stream ``B_TblProceeding`` once: check each row, note MPP locations, spill kept columns.

    Rows naming no case or an unknown one, or whose ``IDNPROCEEDING`` is missing, not a whole
    number or repeated, are rejected.
    """
    n = len(index)
    found = ProceedingPass(
        np.zeros(n, dtype=bool),
        np.zeros(n, dtype=bool),
        np.zeros(0, dtype=np.int64),
    )
    ids_seen, lines_seen = [], []
    for chunk in stream_table(
        path, PROCEEDING.wanted, required=PROCEEDING.required, rejects=rejects, stats=stats
    ):
        chunk, pid = whole_ids(chunk, "IDNPROCEEDING", rejects, path.name)
        chunk = chunk.assign(_pid=pid)
        chunk, at = known_cases(chunk, "IDNCASE", index, rejects, path.name, case_file)
        hloc = chunk["HEARING_LOC_CODE"].str.upper()
        mpp = hloc.isin(codes.mpp_locations).fillna(False).to_numpy(dtype=bool)
        found.at_mpp_location[at[mpp]] = True
        cfr = chunk["CASE_TYPE"].str.upper().isin(CREDIBLE_FEAR_REVIEW).fillna(False)
        found.credible_fear[at[cfr.to_numpy(dtype=bool)]] = True
        ids_seen.append(chunk["_pid"].to_numpy(dtype=np.int64))
        lines_seen.append(chunk[LINE].to_numpy(dtype=np.int64))
        spill.write(
            {
                "pid": chunk["_pid"].to_numpy(dtype=np.int64),
                "case": at.astype(np.int64),
                LINE: chunk[LINE].to_numpy(dtype=np.int64),
                **{name: arrow_text(chunk[name]) for name in PROCEEDING_TEXT},
            }
        )
    if ids_seen:
        ids, lines = np.concatenate(ids_seen), np.concatenate(lines_seen)
        del ids_seen, lines_seen
        repeated = pd.Series(ids).duplicated(keep="first").to_numpy()
        found.duplicate_lines = np.sort(lines[repeated])
        for line in found.duplicate_lines.tolist():
            rejects.add(path.name, line, "IDNPROCEEDING", "duplicate IDNPROCEEDING")
    return found


def kept_proceedings(
    spill: Spill, keep: np.ndarray, case_ids: KeptIds, duplicate_lines: np.ndarray
) -> pd.DataFrame:
    """The spilled proceedings of kept cases, as text columns (``IDNPROCEEDING``, ``IDNCASE``)."""
    parts = []
    for table in spill.read():
        case = table.column("case").to_numpy()
        line = table.column(LINE).to_numpy()
        mask = keep[case] & ~np.isin(line, duplicate_lines)
        if not mask.any():
            continue
        part = table.filter(pa.array(mask))
        frame = pd.DataFrame(
            {
                name: pd.Series(pd.arrays.ArrowStringArray(part.column(name)))
                for name in PROCEEDING_TEXT
            }
        )
        frame.insert(0, "IDNCASE", case_ids.at(case[mask]))
        frame.insert(
            0, "IDNPROCEEDING", pd.Series(part.column("pid").to_numpy(), dtype="Int64").astype(TEXT)
        )
        frame[LINE] = part.column(LINE).to_numpy()
        parts.append(frame)
    if not parts:
        return empty_frame(["IDNPROCEEDING", "IDNCASE", *PROCEEDING_TEXT])
    return pd.concat(parts, ignore_index=True)


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
    """Court, decision, status and dates of each case from its proceedings.

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

    latest = p.groupby("IDNCASE", sort=False).tail(1).set_index("IDNCASE")
    decision = _decisions(latest, codes, counts)
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
            "status": decision["status"],
            "status_date": latest["_comp"],
            "nta_date": p.groupby("IDNCASE", sort=False)["_osc"].min(),
            "decision_code": latest["DEC_CODE"],
            "other_comp": latest["OTHER_COMP"],
            "decision": decision["decision"],
            "absentia": latest["_absentia"],
            "case_type": latest["CASE_TYPE"],
            "proceedings": p.groupby("IDNCASE", sort=False).size(),
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


def _decisions(latest: pd.DataFrame, codes: CodeTables, counts: Counts) -> pd.DataFrame:
    """Status and decision description of each case's latest proceeding.

    ``DEC_CODE`` (a merits decision) is decoded with the lookup's type-C rows for the case type;
    without one, ``OTHER_COMP`` with its type-O rows. No code and no ``COMP_DATE``: PENDING. A
    code whose meaning is unknown leaves the status empty (counted). A removal order with
    ``ABSENTIA`` = Y is IN_ABSENTIA.
    """
    key = (
        latest["CASE_TYPE"].fillna("").str.upper()
        + "|"
        + latest["DEC_CODE"].fillna("").str.upper()
        + "|"
        + latest["OTHER_COMP"].fillna("").str.upper()
    )
    found, uniques = pd.factorize(key.astype(object))  # a few hundred distinct triples
    decided = [codes.decide(*(part or None for part in str(k).split("|"))) for k in uniques]
    text = np.array([d[0] for d in decided] + [None], dtype=object)[found]
    status = pd.Series(
        np.array([d[1] for d in decided] + [None], dtype=object)[found],
        index=latest.index,
        dtype=object,
    )
    how = np.array([d[2] for d in decided] + ["none"], dtype=object)[found]
    unknown = how == "unknown"
    counts.note("decision codes with no known meaning (status left empty)", int(unknown.sum()))
    counts.note("DEC_CODE decoded without tblLookupCourtDecision", int((how == "default").sum()))
    undescribed = (how == "lookup") & status.isna().to_numpy()
    counts.note(
        "decisions whose description names no status (status left empty)", int(undescribed.sum())
    )
    none = how == "none"
    completed = latest["_comp"].notna().to_numpy()
    status[none & ~completed] = "PENDING"
    status[none & completed] = "CLOSED"
    counts.note(
        "completed proceedings with neither DEC_CODE nor OTHER_COMP (CLOSED)",
        int((none & completed).sum()),
    )
    status[(status == "REMOVAL_ORDERED") & latest["_absentia"]] = "IN_ABSENTIA"
    return pd.DataFrame(
        {"status": status.astype(TEXT), "decision": pd.Series(text, index=latest.index, dtype=TEXT)}
    )
