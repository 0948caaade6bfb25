"""The schedule (``tbl_schedule``) -> the contract's ``hearings`` table, streamed to disk.

The schedule is the release's largest table (tens of millions of rows), so it is read chunk by
chunk and each chunk is written out at once; memory holds one chunk. Per hearing:

- ``hearing_id`` ``IDNSCHEDULE``; ``case_id`` ``IDNCASE``; ``date`` ``ADJ_DATE``;
  ``court`` ``HEARING_LOC_CODE``; ``type`` from ``CAL_TYPE`` (M master, I individual).
- ``result``: ``ADJOURNED`` when the hearing has an adjournment reason (``ADJ_RSN``), or
  ``CANCELLED`` when the reason's description in ``tblAdjournmentCodes`` says "cancel"; with no
  reason, ``IN_ABSENTIA`` or ``HELD`` when the hearing's proceeding was completed on the hearing's
  date with or without the absentia flag; otherwise empty (the release does not say).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kinlink.loaders.eoir.codes import CodeTables
from kinlink.loaders.eoir.layout import SCHEDULE
from kinlink.loaders.eoir.reader import TEXT, FileStats, Rejects, stream_table
from kinlink.loaders.eoir.values import (
    Counts,
    CsvWriter,
    iso_dates,
    keep_known_cases,
    parse_dates,
    positions,
)

COLUMNS = [
    "hearing_id",
    "case_id",
    "date",
    "court",
    "type",
    "result",
    "proceeding_id",
    "cal_type",
    "adj_rsn",
]


def _results(
    chunk: pd.DataFrame, dates: pd.Series, completion: pd.DataFrame, codes: CodeTables
) -> pd.Series:
    reason = chunk["ADJ_RSN"].str.upper()
    description = reason.map(codes.adjournment).astype("string").str.upper()
    cancelled = description.str.contains("CANCEL").fillna(False).astype(bool)
    result = pd.Series(pd.NA, index=chunk.index, dtype=object)
    result[reason.notna()] = "ADJOURNED"
    result[reason.notna() & cancelled] = "CANCELLED"
    at = positions(chunk["IDNPROCEEDING"], completion.index)
    found = at >= 0
    at = np.where(found, at, 0)
    comp = np.full(len(chunk), np.datetime64("NaT"), dtype="datetime64[ns]")
    absent = np.zeros(len(chunk), dtype=bool)
    if len(completion):
        comp = np.where(found, completion["comp_date"].to_numpy()[at], comp)
        absent = found & completion["absentia"].to_numpy(dtype=bool)[at]
    same_day = (
        reason.isna() & dates.notna() & pd.Series(comp == dates.to_numpy(), index=chunk.index)
    )
    absentia = pd.Series(absent, index=chunk.index)
    result[same_day & absentia] = "IN_ABSENTIA"
    result[same_day & ~absentia] = "HELD"
    return result


def write_hearings(
    path: Path,
    out: Path,
    *,
    case_ids: pd.Index,
    case_file: str,
    completion: pd.DataFrame,
    codes: CodeTables,
    rejects: Rejects,
    stats: FileStats,
    counts: Counts,
    chunk_bytes: int,
) -> set[str]:
    """Stream the schedule into ``out`` (CSV) and return the cases heard at MPP locations.

    Parameters
    ----------
    path, out : Path
        The schedule file and the hearings CSV to write.
    case_ids : Index
        ``IDNCASE`` values of the loaded cases; rows naming others are rejected.
    completion : DataFrame
        Index ``IDNPROCEEDING``; ``comp_date`` and ``absentia`` of completed proceedings.

    Notes
    -----
    One pass; each chunk costs O(rows) plus a join against ``completion``.
    """
    mpp_cases: set[str] = set()
    writer = CsvWriter(out, COLUMNS)
    try:
        for chunk in stream_table(
            path,
            SCHEDULE.wanted,
            required=SCHEDULE.required,
            rejects=rejects,
            stats=stats,
            chunk_bytes=chunk_bytes,
        ):
            chunk = keep_known_cases(
                chunk, ("IDNSCHEDULE", "IDNCASE"), case_ids, rejects, path.name, case_file
            )
            if chunk.empty:
                continue
            dates, bad = parse_dates(chunk["ADJ_DATE"])
            counts.note("unparseable ADJ_DATE (left empty)", bad)
            cal = chunk["CAL_TYPE"].str.upper()
            kind = cal.map(codes.cal_type).astype(TEXT)
            counts.note(
                "CAL_TYPE codes with no hearing type (left empty)",
                int((cal.notna() & kind.isna()).sum()),
            )
            location = chunk["HEARING_LOC_CODE"].str.upper()
            at_mpp = location.isin(codes.mpp_locations).fillna(False).astype(bool)
            mpp_cases.update(chunk.loc[at_mpp, "IDNCASE"].tolist())
            out_chunk = pd.DataFrame(
                {
                    "hearing_id": chunk["IDNSCHEDULE"],
                    "case_id": chunk["IDNCASE"],
                    "date": iso_dates(dates),
                    "court": chunk["HEARING_LOC_CODE"],
                    "type": kind,
                    "result": _results(chunk, dates, completion, codes),
                    "proceeding_id": chunk["IDNPROCEEDING"],
                    "cal_type": chunk["CAL_TYPE"],
                    "adj_rsn": chunk["ADJ_RSN"],
                }
            )
            writer.write(out_chunk)
            counts.note("hearings written", len(out_chunk))
    finally:
        writer.close()
    return mpp_cases
