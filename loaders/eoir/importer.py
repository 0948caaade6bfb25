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
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from kinlink.errors import InputError
from kinlink.loaders.eoir import cases as case_side
from kinlink.loaders.eoir import families, hearings
from kinlink.loaders.eoir.codes import DOCKETS, CodeTables, build_code_tables
from kinlink.loaders.eoir.layout import DATA_TABLES, LOOKUP_TABLES, find_files, read_counts
from kinlink.loaders.eoir.reader import CHUNK_BYTES, TEXT, FileStats, Rejects, read_table
from kinlink.loaders.eoir.values import CaseIndex, Counts, KeptIds, Spill, iso_dates, write_csv

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
    scope: str = "mpp"
    left_out: dict[str, int] = field(default_factory=dict)  # rows of cases outside the scope
    published: dict[str, dict[str, int]] = field(default_factory=dict)  # against Count.txt
    sources: dict[str, str] = field(default_factory=dict)  # code list -> release / packaged
    mpp_locations: list[str] = field(default_factory=list)
    mpp_case_ids: list[str] = field(default_factory=list)

    def write(self) -> None:
        """Write ``import_summary.json`` into the bundle."""
        (self.out / SUMMARY_FILE).write_text(
            json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8"
        )

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dict (written to ``import_summary.json``)."""
        return {
            "out": str(self.out),
            "seconds": round(self.seconds, 1),
            "scope": self.scope,
            "counts": dict(sorted(self.counts.items())),
            "left_out_by_scope": self.left_out,
            "count_txt": self.published,
            "code_sources": self.sources,
            "mpp_hearing_locations": self.mpp_locations,
            "mpp_case_identifiers": self.mpp_case_ids,
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
                    "blank_lines": s.blank_lines,
                    "stray_carriage_returns": s.stray_carriage_returns,
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
        if self.left_out:
            lines.append(
                "  left out (not MPP-related; --all keeps them): "
                + ", ".join(f"{file} {rows}" for file, rows in self.left_out.items())
            )
        for file, check in self.published.items():
            if check["missing"]:
                lines.append(
                    f"  {file}: {check['read']} rows read, Count.txt says {check['published']}"
                )
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


Scope = Literal["mpp", "all"]


def import_release(
    folder: str | Path,
    out: str | Path,
    *,
    mpp_hearing_locs: tuple[str, ...] = (),
    court_from: case_side.CourtFrom = "hearing-location",
    chunk_bytes: int = CHUNK_BYTES,
    scope: Scope = "mpp",
) -> ImportSummary:
    """Read an unzipped EOIR release folder and write a contract bundle.

    Parameters
    ----------
    folder : path
        The release, unzipped (tables at any depth: ``EOIR Case Data/``, ``Lookup/``).
    out : path
        The bundle folder to write (created if needed; the bundle's files are replaced).
    mpp_hearing_locs : tuple of str
        Hearing location codes to count as MPP locations besides the others.
    court_from : {"hearing-location", "base-city"}
        Which code of the latest proceeding a case's ``court`` is (the other is the fallback).
    chunk_bytes : int
        Bytes of a large table read at a time.
    scope : {"mpp", "all"}
        ``mpp`` (default) keeps every MPP case and every case in a lead/rider family with one;
        ``all`` keeps every case. What is left out is counted in the summary.

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
    published = read_counts(release)
    missing = [t.stems[0] for t in (*DATA_TABLES, *LOOKUP_TABLES) if t.key not in found]
    for name in missing:
        log.warning("%s: table %s not found; the import goes on without it", release, name)
    try:
        bundle.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".eoir-import-", dir=bundle))
    except OSError as err:
        raise InputError(f"{bundle}: cannot create the bundle folder ({err.strerror})") from err
    try:
        summary = _import(
            release,
            bundle,
            work,
            found,
            published,
            missing,
            mpp_hearing_locs=mpp_hearing_locs,
            court_from=court_from,
            chunk_bytes=chunk_bytes,
            scope=scope,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    summary.write()
    return summary


def _import(
    release: Path,
    bundle: Path,
    work: Path,
    found: dict[str, Path],
    published: dict[str, tuple[int, Path]],
    missing: list[str],
    *,
    mpp_hearing_locs: tuple[str, ...],
    court_from: case_side.CourtFrom,
    chunk_bytes: int,
    scope: Scope,
) -> ImportSummary:
    rejects, counts = Rejects(), Counts()
    files: list[FileStats] = []
    codes = build_code_tables(_lookups(found, rejects, files), mpp_hearing_locs=mpp_hearing_locs)

    def stats_for(key: str) -> FileStats:
        files.append(FileStats(found[key].name))
        return files[-1]

    case_file = found["case"].name
    case_table = case_side.read_cases(
        found["case"], rejects, stats_for("case"), Spill(work / "cases.arrow")
    )
    index = CaseIndex(case_table.numbers)
    n = len(case_table.numbers)
    log.info("%s: %d cases", case_file, n)
    ids = families.Identifiers(np.zeros(n, dtype=bool), {}, np.zeros(n, dtype=np.int32))
    if "case_identifier" in found:
        ids = families.read_identifiers(
            found["case_identifier"],
            index,
            case_file,
            codes.mpp_case_ids,
            rejects,
            stats_for("case_identifier"),
            counts,
        )
    links = families.Links(
        *(np.zeros(0, dtype=np.int64) for _ in range(4)), np.zeros(n, dtype=np.int32)
    )
    if "lead_rider" in found:
        links = families.read_links(
            found["lead_rider"], index, case_file, rejects, stats_for("lead_rider"), counts
        )
    riders, leads = families.lead_cases(links, counts)
    group = families.components(links.lead, links.rider, n)
    log.info("%d counting lead/rider links", len(links.lead))

    proceeding_spill = Spill(work / "proceedings.arrow")
    proc = case_side.scan_proceedings(
        found["proceeding"],
        index,
        case_file,
        codes,
        proceeding_spill,
        rejects,
        stats_for("proceeding"),
    )
    schedule_spill = Spill(work / "schedule.arrow")
    sched = hearings.SchedulePass(np.zeros(n, dtype=bool))
    if "schedule" in found:
        sched = hearings.scan_schedule(
            found["schedule"],
            index,
            case_file,
            codes,
            schedule_spill,
            rejects,
            stats_for("schedule"),
            chunk_bytes,
        )
    log.info("proceedings and schedule read")

    cfr = case_table.credible_fear | (proc.credible_fear & case_table.untyped)
    by_id, at_proc, at_hearing = ids.mpp, proc.at_mpp_location, sched.at_mpp_location
    counts.note(
        "credible-fear reviews with an MPP identifier or location (not MPP)",
        int((cfr & (by_id | at_proc | at_hearing)).sum()),
    )
    by_id, by_loc = by_id & ~cfr, (at_proc | at_hearing) & ~cfr
    mpp = by_id | by_loc
    if scope == "all":
        keep = np.ones(n, dtype=bool)
    else:
        with_mpp = np.zeros(n, dtype=bool)
        with_mpp[group[mpp & (group >= 0)]] = True
        keep = mpp | ((group >= 0) & with_mpp[np.maximum(group, 0)])
    kept = np.flatnonzero(keep)
    cases = case_table.kept(keep)
    case_table.spill.remove()
    kept_ids = KeptIds(cases["IDNCASE"], kept, n)

    proceedings = case_side.kept_proceedings(proceeding_spill, keep, kept_ids, proc.duplicate_lines)
    proceeding_spill.remove()
    kept_proceeding_rows = len(proceedings)
    side = case_side.summarise_proceedings(proceedings, codes, counts, court_from=court_from)
    del proceedings
    partial = bundle / "hearings.csv.partial"
    hearings.write_hearings(
        hearings.kept_schedule(schedule_spill, keep, kept_ids),
        partial,
        completion=side.completion,
        codes=codes,
        counts=counts,
    )
    schedule_spill.remove()

    people = case_side.individuals(cases, codes, counts)
    flags = {
        "by_identifier": by_id[kept],
        "at_proceeding": at_proc[kept] & ~cfr[kept],
        "at_hearing": at_hearing[kept] & ~cfr[kept],
        **{DOCKETS[code]: flag[kept] for code, flag in ids.dockets.items()},
    }
    lead_of = np.full(n, -1, dtype=np.int64)
    lead_of[riders] = leads
    lead_ids = kept_ids.at(lead_of[kept])
    case_rows = _case_rows(cases, side, lead_ids, flags, codes)
    units = families.family_units(group, riders, kept_ids, keep)
    _write(bundle, people, case_rows, units, rejects, partial)

    counts.note("individuals", len(people))
    counts.note("cases", len(case_rows))
    counts.note("mpp cases", int(case_rows["mpp"].sum()))
    counts.note(
        "cases with no proceeding (status empty)", int((case_rows["proceedings"] == 0).sum())
    )
    counts.note("family units", units["family_unit_id"].nunique())
    counts.note("rows rejected", len(rejects.rows))
    left_out = {}
    if scope != "all":
        dropped = ~keep
        left_out = {
            case_file: int(dropped.sum()),
            found["proceeding"].name: proceeding_spill.rows
            - len(proc.duplicate_lines)
            - kept_proceeding_rows,
        }
        if "schedule" in found:
            left_out[found["schedule"].name] = schedule_spill.rows - counts["hearings written"]
        if "case_identifier" in found and ids.rows_by_case is not None:
            left_out[found["case_identifier"].name] = int(ids.rows_by_case[dropped].sum())
        if "lead_rider" in found:
            left_out[found["lead_rider"].name] = int(dropped[links.lead].sum())
    return ImportSummary(
        bundle,
        dict(counts),
        files,
        missing,
        scope=scope,
        left_out=left_out,
        published=_published(files, published),
        sources=dict(codes.sources),
        mpp_locations=sorted(codes.mpp_locations),
        mpp_case_ids=sorted(codes.mpp_case_ids),
    )


def _published(
    files: list[FileStats], published: dict[str, tuple[int, Path]]
) -> dict[str, dict[str, int]]:
    """Rows read against ``Count.txt``: a table with fewer rows than published lost some."""
    checked = {}
    for stats in files:
        entry = published.get(Path(stats.file).stem.lower())
        if entry is None:
            continue
        expected = entry[0]
        checked[stats.file] = {
            "published": expected,
            "read": stats.rows_read,
            "missing": expected - stats.rows_read,
        }
        if expected != stats.rows_read:
            log.warning(
                "%s: %d rows read, %s says %d (%+d)",
                stats.file,
                stats.rows_read,
                entry[1].name,
                expected,
                stats.rows_read - expected,
            )
    return checked


def _case_rows(
    cases: pd.DataFrame,
    side: case_side.CaseSide,
    lead_ids: pd.Series,
    flags: dict[str, np.ndarray],
    codes: CodeTables,
) -> pd.DataFrame:
    # Columns stay Arrow-backed text: as Python strings, a million cases' rows cost gigabytes.
    case_id = cases["IDNCASE"].reset_index(drop=True)
    facts = side.cases.reindex(pd.Index(case_id)).reset_index(drop=True)
    by_id = flags["by_identifier"]
    by_loc = flags["at_proceeding"] | flags["at_hearing"]
    basis = np.where(
        by_id & by_loc, "both", np.where(by_id, "identifier", np.where(by_loc, "location", ""))
    )
    where = np.char.add(
        np.where(flags["at_proceeding"], "proceeding", ""),
        np.where(flags["at_proceeding"] & flags["at_hearing"], ";", ""),
    )
    where = np.char.add(where, np.where(flags["at_hearing"], "hearing", ""))

    def text(values: np.ndarray) -> pd.Series:
        return pd.Series(values, dtype=object).replace("", None).astype(TEXT)

    def flag(values: np.ndarray) -> pd.Series:
        return pd.Series(np.where(values, "true", "false"), dtype=TEXT)

    return pd.DataFrame(
        {
            "case_id": case_id,
            "record_id": case_id,
            "lead_case_id": lead_ids,
            "court": facts["court"],
            "mpp": by_id | by_loc,
            "status": facts["status"],
            "status_date": iso_dates(facts["status_date"]),
            "nta_date": iso_dates(facts["nta_date"]),
            "court_name": facts["court_name"],
            "base_city": facts["base_city"],
            "base_city_name": facts["base_city"].str.upper().map(codes.base_city).astype(TEXT),
            "decision_code": facts["decision_code"],
            "other_comp": facts["other_comp"],
            "decision": facts["decision"],
            "absentia": facts["absentia"].map({True: "true", False: "false"}).astype(TEXT),
            "case_type": cases["CASE_TYPE"].reset_index(drop=True).fillna(facts["case_type"]),
            "custody": cases["CUSTODY"].reset_index(drop=True),
            "mpp_basis": text(basis),
            "mpp_location_in": text(where),
            **{name: flag(flags[name]) for name in DOCKETS.values() if name in flags},
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
