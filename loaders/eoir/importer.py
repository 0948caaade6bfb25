"""Import an unzipped EOIR FOIA release into a contract bundle.

Order of work, chosen so that only the case-level tables are ever held in memory: lookups, cases,
case identifiers, lead/rider links, proceedings (kept: a dozen short columns), then the schedule,
streamed straight into ``hearings.csv``. The bundle folder gets ``individuals.csv``,
``family_units.csv``, ``cases.csv``, ``hearings.csv``, plus ``import_rejects.csv`` (every release
row not used: file, line, column, reason) and ``import_summary.json``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kinlink.errors import InputError
from kinlink.loaders.eoir import cases as case_side
from kinlink.loaders.eoir import families
from kinlink.loaders.eoir.codes import CodeTables, build_code_tables
from kinlink.loaders.eoir.hearings import COLUMNS as HEARING_COLUMNS
from kinlink.loaders.eoir.hearings import write_hearings
from kinlink.loaders.eoir.layout import DATA_TABLES, LOOKUP_TABLES, find_files
from kinlink.loaders.eoir.reader import CHUNK_BYTES, TEXT, FileStats, Rejects, read_table
from kinlink.loaders.eoir.values import Counts, id_set, iso_dates, member, write_csv

log = logging.getLogger(__name__)

REJECTS_FILE = "import_rejects.csv"
SUMMARY_FILE = "import_summary.json"


@dataclass
class ImportSummary:
    """What an import read, wrote and set aside."""

    out: Path
    counts: dict[str, int]
    files: list[FileStats] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dict (written to ``import_summary.json``)."""
        return {
            "out": str(self.out),
            "seconds": round(self.seconds, 1),
            "counts": dict(sorted(self.counts.items())),
            "missing_tables": self.missing_tables,
            "files": [
                {
                    "file": s.file,
                    "delimiter": "tab" if s.delimiter == "\t" else "pipe",
                    "encoding": s.encoding,
                    "rows_read": s.rows_read,
                    "rows_rejected_as_malformed": s.rows_rejected,
                    "nul_bytes": s.nul_bytes,
                    "trailing_empty_fields_trimmed": s.trailing_fields_trimmed,
                }
                for s in self.files
            ],
        }

    def text(self) -> str:
        """A short human summary."""
        c = self.counts
        lines = [
            f"bundle written to {self.out} in {self.seconds:.1f}s",
            f"  individuals {c.get('individuals', 0)}, cases {c.get('cases', 0)} "
            f"(MPP {c.get('mpp cases', 0)}), hearings {c.get('hearings written', 0)}, "
            f"family units {c.get('family units', 0)}",
            f"  rows rejected {c.get('rows rejected', 0)} (see {REJECTS_FILE})",
        ]
        for stats in self.files:
            defects = [f"{stats.rows_read} rows"]
            if stats.delimiter == "|":
                defects.append("pipe-delimited")
            if stats.cp1252_chunks:
                defects.append("cp1252")
            if stats.nul_bytes:
                defects.append(f"{stats.nul_bytes} NUL bytes removed")
            if stats.rows_rejected:
                defects.append(f"{stats.rows_rejected} malformed rows")
            lines.append(f"  {stats.file}: " + ", ".join(defects))
        if self.missing_tables:
            lines.append("  tables not found: " + ", ".join(self.missing_tables))
        notes = {k: v for k, v in c.items() if k not in _HEADLINE}
        lines.extend(f"  {k}: {v}" for k, v in sorted(notes.items()))
        return "\n".join(lines)


_HEADLINE = {
    "individuals",
    "cases",
    "mpp cases",
    "hearings written",
    "family units",
    "rows rejected",
}


def _lookups(
    found: dict[str, Path], rejects: Rejects, files: list[FileStats]
) -> dict[str, pd.DataFrame]:
    frames = {}
    for table in LOOKUP_TABLES:
        if table.key in found:
            stats = FileStats(found[table.key].name)
            frames[table.key] = read_table(
                found[table.key],
                table.wanted,
                required=table.required,
                rejects=rejects,
                stats=stats,
            )
            files.append(stats)
    return frames


def import_release(
    folder: str | Path,
    out: str | Path,
    *,
    mpp_hearing_locs: tuple[str, ...] = (),
    court_from: case_side.CourtFrom = "hearing-location",
    chunk_bytes: int = CHUNK_BYTES,
) -> ImportSummary:
    """Read an unzipped EOIR release folder and write a contract bundle.

    Parameters
    ----------
    folder : path
        The release, unzipped (tables at any depth, e.g. the top level and ``Lookup/``).
    out : path
        The bundle folder to write (created if needed; the bundle's files are replaced).
    mpp_hearing_locs : tuple of str
        Hearing location codes to count as MPP locations besides those ``tblLookupHloc`` names.
    court_from : {"hearing-location", "base-city"}
        Which code of the latest proceeding a case's ``court`` is (the other is the fallback).
    chunk_bytes : int
        Bytes of a large table read at a time.

    Returns
    -------
    ImportSummary

    Raises
    ------
    SchemaError
        A required table (``A_TblCase``, ``B_TblProceeding``) or column is missing, or a table is
        found twice.
    InputError
        The bundle folder cannot be written.
    """
    started = time.perf_counter()
    release, bundle = Path(folder), Path(out)
    found = find_files(release)
    missing = [t.stems[0] for t in (*DATA_TABLES, *LOOKUP_TABLES) if t.key not in found]
    for name in missing:
        log.warning("%s: table %s not found; the import goes on without it", release, name)
    try:
        bundle.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{bundle}: cannot create the bundle folder ({err.strerror})") from err
    rejects, counts = Rejects(), Counts()
    files: list[FileStats] = []
    codes = build_code_tables(_lookups(found, rejects, files), mpp_hearing_locs=mpp_hearing_locs)

    def stats_for(key: str) -> FileStats:
        files.append(FileStats(found[key].name))
        return files[-1]

    case_file = found["case"].name
    cases = case_side.read_cases(found["case"], rejects, stats_for("case"))
    case_ids = id_set(cases["IDNCASE"])
    log.info("%s: %d cases", case_file, len(cases))
    ids = families.Identifiers()
    if "case_identifier" in found:
        ids = families.read_identifiers(
            found["case_identifier"],
            case_ids,
            case_file,
            rejects,
            stats_for("case_identifier"),
            counts,
        )
    links = pd.DataFrame({"lead": [], "rider": [], "order": [], "_line": []})
    if "lead_rider" in found:
        links = families.read_links(
            found["lead_rider"], case_ids, case_file, rejects, stats_for("lead_rider"), counts
        )
    leads = families.lead_cases(links, counts)
    units = families.family_units(links, leads)
    log.info(
        "%d counting lead/rider links, %d family units",
        len(links),
        units["family_unit_id"].nunique(),
    )
    del links
    proceedings = case_side.read_proceedings(
        found["proceeding"], case_ids, case_file, rejects, stats_for("proceeding")
    )
    log.info("%d proceedings read", len(proceedings))
    side = case_side.summarise_proceedings(proceedings, codes, counts, court_from=court_from)
    del proceedings
    log.info("proceedings summarised for %d cases", len(side.cases))
    heard_at_mpp: set[str] = set()
    partial = bundle / "hearings.csv.partial"
    if "schedule" in found:
        heard_at_mpp = write_hearings(
            found["schedule"],
            partial,
            case_ids=case_ids,
            case_file=case_file,
            completion=side.completion,
            codes=codes,
            rejects=rejects,
            stats=stats_for("schedule"),
            counts=counts,
            chunk_bytes=chunk_bytes,
        )
    else:
        write_csv(pd.DataFrame(columns=HEARING_COLUMNS), partial)
    log.info("%d hearings written", counts["hearings written"])
    people = case_side.individuals(cases, codes, counts)
    case_rows = _case_rows(cases, side, leads, ids, heard_at_mpp, codes)
    _write(bundle, people, case_rows, units, rejects, partial)

    counts.note("individuals", len(people))
    counts.note("cases", len(case_rows))
    counts.note("mpp cases", int(case_rows["mpp"].sum()))
    counts.note("cases with no proceeding (status empty)", int(case_rows["status"].isna().sum()))
    counts.note("family units", units["family_unit_id"].nunique())
    counts.note("rows rejected", len(rejects.rows))
    summary = ImportSummary(bundle, dict(counts), files, missing, time.perf_counter() - started)
    (bundle / SUMMARY_FILE).write_text(
        json.dumps(summary.as_dict(), indent=2) + "\n", encoding="utf-8"
    )
    return summary


def _case_rows(
    cases: pd.DataFrame,
    side: case_side.CaseSide,
    leads: pd.Series,
    ids: families.Identifiers,
    heard_at_mpp: set[str],
    codes: CodeTables,
) -> pd.DataFrame:
    # Columns stay Arrow-backed text: as Python strings, a million cases' rows cost gigabytes.
    case_id = cases["IDNCASE"].reset_index(drop=True)
    facts = side.cases.reindex(pd.Index(case_id)).reset_index(drop=True)
    by_identifier = member(case_id, id_set(pd.Series(sorted(ids.mpp), dtype=object))).to_numpy()
    by_location = facts["mpp_location"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    by_hearing = member(case_id, id_set(pd.Series(sorted(heard_at_mpp), dtype=object))).to_numpy()
    basis = (
        pd.Series(np.where(by_identifier, "case_identifier;", ""), dtype=object)
        + np.where(by_location, "proceeding_location;", "")
        + np.where(by_hearing, "hearing_location;", "")
    ).str.rstrip(";")
    docket = member(case_id, id_set(pd.Series(sorted(ids.family_docket), dtype=object)))
    return pd.DataFrame(
        {
            "case_id": case_id,
            "record_id": case_id,
            "lead_case_id": case_id.map(leads).astype(TEXT),
            "court": facts["court"],
            "mpp": by_identifier | by_location | by_hearing,
            "status": facts["status"],
            "status_date": iso_dates(facts["status_date"]),
            "nta_date": iso_dates(facts["nta_date"]),
            "court_name": facts["court_name"],
            "base_city": facts["base_city"],
            "base_city_name": facts["base_city"].str.upper().map(codes.base_city).astype(TEXT),
            "decision_code": facts["decision_code"],
            "absentia": facts["absentia"].map({True: "true", False: "false"}).astype(TEXT),
            "case_type": cases["CASE_TYPE"].reset_index(drop=True).fillna(facts["case_type"]),
            "custody": cases["CUSTODY"].reset_index(drop=True),
            "family_docket": docket,
            "mpp_basis": basis.astype(TEXT),
            "proceedings": facts["proceedings"].fillna(0).astype("int64"),
        }
    )


def _write(
    bundle: Path,
    people: pd.DataFrame,
    case_rows: pd.DataFrame,
    units: pd.DataFrame,
    rejects: Rejects,
    partial: Path,
) -> None:
    try:
        write_csv(people, bundle / "individuals.csv")
        write_csv(case_rows, bundle / "cases.csv")
        write_csv(units, bundle / "family_units.csv")
        write_csv(rejects.frame(), bundle / REJECTS_FILE)
        partial.replace(bundle / "hearings.csv")
    except OSError as err:
        raise InputError(f"{bundle}: cannot write the bundle ({err.strerror})") from err
