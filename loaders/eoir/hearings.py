"""The schedule (``tbl_schedule``) -> the contract's ``hearings`` table, streamed to disk.

The schedule is the release's largest table (45 million rows in a full release), so it is read
chunk by chunk: a first pass checks every row, notes the cases heard at MPP locations and spills
the few kept columns to disk; once the import knows which cases the bundle keeps, the kept rows
are read back and written out. Memory holds one chunk. Per hearing:

- ``hearing_id`` ``IDNSCHEDULE``; ``case_id`` ``IDNCASE``; ``date`` ``ADJ_DATE``;
  ``court`` ``HEARING_LOC_CODE``; ``type`` from ``CAL_TYPE`` (M master, I individual).
- ``result``: ``ADJOURNED`` when the hearing has an adjournment reason (``ADJ_RSN``), or
  ``CANCELLED`` when the reason's description in ``tblAdjournmentCodes`` says "cancel"; with no
  reason, ``IN_ABSENTIA`` or ``HELD`` when the hearing's proceeding was completed on the hearing's
  date with or without the absentia flag; otherwise empty (the release does not say).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from kinlink.loaders.eoir.codes import CodeTables
from kinlink.loaders.eoir.families import known_cases
from kinlink.loaders.eoir.layout import SCHEDULE
from kinlink.loaders.eoir.reader import LINE, TEXT, FileStats, Rejects, stream_table
from kinlink.loaders.eoir.values import (
    CaseIndex,
    Counts,
    CsvWriter,
    KeptIds,
    Spill,
    arrow_text,
    drop_rows,
    iso_dates,
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


SCHEDULE_TEXT = [
    "IDNSCHEDULE",
    "IDNPROCEEDING",
    "ADJ_DATE",
    "HEARING_LOC_CODE",
    "CAL_TYPE",
    "ADJ_RSN",
]


@dataclass
class SchedulePass:
    """What one pass over ``tbl_schedule`` found, per case (by row of the case table)."""

    at_mpp_location: np.ndarray  # a hearing scheduled at an MPP hearing location


def scan_schedule(
    path: Path,
    index: CaseIndex,
    case_file: str,
    codes: CodeTables,
    spill: Spill,
    rejects: Rejects,
    stats: FileStats,
    chunk_bytes: int,
) -> SchedulePass:
    """Stream the schedule once: check each row, note MPP locations, spill the kept columns.

    Rows with no ``IDNSCHEDULE``, or naming no case or an unknown one, are rejected.

    Notes
    -----
    One pass; each chunk costs O(rows) plus a binary search of its cases.
    """
    n = len(index)
    found = SchedulePass(np.zeros(n, dtype=bool))
    for chunk in stream_table(
        path,
        SCHEDULE.wanted,
        required=SCHEDULE.required,
        rejects=rejects,
        stats=stats,
        chunk_bytes=chunk_bytes,
    ):
        chunk = drop_rows(
            chunk,
            chunk["IDNSCHEDULE"].isna(),
            rejects,
            path.name,
            "IDNSCHEDULE",
            "missing IDNSCHEDULE",
        )
        chunk, at = known_cases(chunk, "IDNCASE", index, rejects, path.name, case_file)
        location = chunk["HEARING_LOC_CODE"].str.upper()
        mpp = location.isin(codes.mpp_locations).fillna(False).to_numpy(dtype=bool)
        found.at_mpp_location[at[mpp]] = True
        spill.write(
            {
                "case": at.astype(np.int64),
                LINE: chunk[LINE].to_numpy(dtype=np.int64),
                **{name: arrow_text(chunk[name]) for name in SCHEDULE_TEXT},
            }
        )
    return found


def kept_schedule(spill: Spill, keep: np.ndarray, case_ids: KeptIds) -> Iterator[pd.DataFrame]:
    """The spilled schedule rows of kept cases, chunk by chunk, as text columns."""
    for table in spill.read():
        case = table.column("case").to_numpy()
        mask = keep[case]
        if not mask.any():
            continue
        part = table.filter(pa.array(mask))
        frame = pd.DataFrame(
            {
                name: pd.Series(pd.arrays.ArrowStringArray(part.column(name)))
                for name in SCHEDULE_TEXT
            }
        )
        frame["IDNCASE"] = case_ids.at(case[mask])
        frame[LINE] = part.column(LINE).to_numpy()
        yield frame


def write_hearings(
    chunks: Iterable[pd.DataFrame],
    out: Path,
    *,
    completion: pd.DataFrame,
    codes: CodeTables,
    counts: Counts,
) -> None:
    """Write the kept schedule rows to ``out`` (CSV), chunk by chunk.

    Parameters
    ----------
    chunks : iterable of DataFrame
        Schedule rows (text columns, as :func:`kept_schedule` yields them).
    out : Path
        The hearings CSV to write.
    completion : DataFrame
        Index ``IDNPROCEEDING``; ``comp_date`` and ``absentia`` of completed proceedings.

    Notes
    -----
    Each chunk costs O(rows) plus a join against ``completion``.
    """
    writer = CsvWriter(out, COLUMNS)
    try:
        for chunk in chunks:
            dates, bad = parse_dates(chunk["ADJ_DATE"])
            counts.note("unparseable ADJ_DATE (left empty)", bad)
            cal = chunk["CAL_TYPE"].str.upper()
            kind = cal.map(codes.cal_type).astype(TEXT)
            counts.note(
                "CAL_TYPE codes with no hearing type (left empty)",
                int((cal.notna() & kind.isna()).sum()),
            )
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
