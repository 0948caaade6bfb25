"""Seeded synthetic MPP bundles with ground truth.

:func:`generate_bundle` writes a bundle in the contract's format (``individuals``,
``family_units``, ``cases``, ``hearings``) and, under ``truth/``, the true person of every
record, the true families and the three flag reports computed on the true persons by an
independent implementation of the rules (:mod:`kinlink.samples.truth`).

How a bundle is made
--------------------
Households (travel groups) are drawn one by one: who travels together and their names, ages
and nationalities (:mod:`~kinlink.samples.population`), then what happened to them -- cases,
hearings, fear claims, moves to the U.S. (:mod:`~kinlink.samples.proceedings`) -- and finally
how each source wrote them down, with its own noise (:mod:`~kinlink.samples.records`).

Work is done in chunks of :data:`CHUNK_HOUSEHOLDS` households.  Each chunk has its own random
stream, seeded from ``(seed, chunk number)``, and records are shuffled within their chunk
before ids are given, so within a chunk ids say nothing about who is who.  Families never
cross chunks, so the truth is computed chunk by chunk and memory stays bounded whatever
``n_records`` is.

Size: the bundle has **exactly** ``n_records`` individuals rows.  Households are added while
they fit; the last few rows are single adults with one to three records each.

Interpretations of the contract used for the truth (see :mod:`kinlink.samples.truth`): a
person is a UAC if any of its records says ``uac`` is true, claimed fear if any record says
``fear_claimed`` is true, and has a POSITIVE assessment if any record says so.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     summary = generate_bundle(tmp, 200, seed=1)
>>> summary["records"]
200
"""

from __future__ import annotations

import csv
import logging
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import proceedings
from .population import Context, build_household
from .proceedings import CaseCounter
from .records import (
    CASE_COLUMNS,
    FAMILY_UNIT_COLUMNS,
    HEARING_COLUMNS,
    INDIVIDUAL_COLUMNS,
    ChunkTables,
    Recorder,
)
from .regime import Regime, regime_rng, shuffle_bundle
from .truth import JOINT_COLUMNS, MIXED_COLUMNS, SEPARATED_COLUMNS, compute_truth

logger = logging.getLogger(__name__)

#: Households per chunk (about 13,000 records).  Part of the output's definition: changing it
#: changes every bundle.
CHUNK_HOUSEHOLDS = 2500
#: First A-number handed out (new A-numbers of 2019 were around A208 million).
A_NUMBER_START = 208_000_000
TABLES = {
    "individuals": INDIVIDUAL_COLUMNS,
    "family_units": FAMILY_UNIT_COLUMNS,
    "cases": CASE_COLUMNS,
    "hearings": HEARING_COLUMNS,
}
TRUTH_FILES = {
    "records": ["record_id", "person_id"],
    "families": ["family_id", "person_id"],
    "separated_families": SEPARATED_COLUMNS,
    "mixed_nationality_units": MIXED_COLUMNS,
    "joint_reprocessing": JOINT_COLUMNS,
}


class _Counters:
    """Ids and numbers that run on across chunks."""

    def __init__(self) -> None:
        self.pid = 0
        self.hid = 0
        self.anum = A_NUMBER_START
        self.cases = CaseCounter(0)
        self.hearings = 0
        self.records: Counter[str] = Counter()
        self.units: Counter[str] = Counter()


class _Writers:
    """Appends chunks to the bundle files (CSV or Parquet) and the truth CSVs."""

    def __init__(self, out: Path, fmt: str) -> None:
        self.fmt = fmt
        self.files: list = []
        self.tables: dict[str, Any] = {}
        for name, columns in TABLES.items():
            if fmt == "csv":
                self.tables[name] = self._csv(out / f"{name}.csv", columns)
            else:
                schema = pa.schema([(c, pa.string()) for c in columns])
                self.tables[name] = pq.ParquetWriter(out / f"{name}.parquet", schema)
                self.files.append(self.tables[name])
        self.truth = {
            name: self._csv(out / "truth" / f"{name}.csv", cols)
            for name, cols in TRUTH_FILES.items()
        }

    def _csv(self, path: Path, columns: Sequence[str]) -> Any:
        handle = path.open("w", encoding="utf-8", newline="")
        self.files.append(handle)
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        return writer

    def write(self, name: str, rows: Sequence[Sequence[str]]) -> None:
        """Append rows (tuples in the table's column order) to a bundle table."""
        target = self.tables[name]
        if self.fmt == "csv":
            target.writerows(rows)
            return
        columns = TABLES[name]
        arrays = [list(col) for col in zip(*rows, strict=True)] if rows else [[]] * len(columns)
        data = {
            c: [v if v != "" else None for v in arr] for c, arr in zip(columns, arrays, strict=True)
        }
        target.write_table(pa.table(data, schema=target.schema))

    def close(self) -> None:
        for handle in self.files:
            handle.close()


def generate_bundle(
    out_dir: str | Path,
    n_records: int,
    *,
    seed: int = 0,
    fmt: Literal["csv", "parquet"] = "csv",
    progress: bool = False,
    regime: Regime | None = None,
) -> dict:
    """Write a synthetic MPP bundle of ``n_records`` individuals rows, with its truth.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if needed; existing bundle files are overwritten).
    n_records : int
        Number of ``individuals`` rows; the bundle has exactly this many.  At least 1.
    seed : int, default 0
        Random seed.  The same ``seed`` and ``n_records`` give byte-identical files.
    fmt : {"csv", "parquet"}, default "csv"
        Format of the four bundle tables.  The truth files are always CSV.
    progress : bool, default False
        Show a progress bar (on a terminal only).
    regime : Regime, optional
        A departure from the default bundle (:mod:`~kinlink.samples.regime`): sparse
        identifiers, another typo rate, placeholder birth dates, a global shuffle. The default
        regime writes the same bytes as none.

    Returns
    -------
    dict
        Summary counts: ``records``, ``persons``, ``households``, ``families`` (true
        families, counted as the report counts them: every connected group of persons in family
        units, one person alone in a unit too), ``families_of_two_or_more``,
        ``family_unit_rows``, ``family_units``, ``cases``,
        ``hearings``, ``sources`` (records per source), ``flags`` (flagged families per code,
        ``MIXED`` for mixed nationality), plus ``seed`` and ``format``.

    Raises
    ------
    ValueError
        If ``n_records`` is below 1 or ``fmt`` is unknown.

    Notes
    -----
    Linear time, single-threaded (roughly a minute of CPU per million records; see
    ``benchmarks/bench_generate.py``).  Memory is bounded by one chunk of
    :data:`CHUNK_HOUSEHOLDS` households (under 200 MiB peak), whatever ``n_records`` is,
    except with ``regime.shuffle``, whose final pass holds the tables in memory.
    """
    if int(n_records) < 1:
        raise ValueError(f"n_records must be at least 1, got {n_records!r}")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    regime = regime or Regime()
    out = Path(out_dir)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    for stale in ("csv", "parquet"):
        for name in TABLES:
            (out / f"{name}.{stale}").unlink(missing_ok=True)
    counters = _Counters()
    summary: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    writers = _Writers(out, fmt)
    bar = _progress_bar(int(n_records), progress)
    try:
        chunk, left = 0, int(n_records)
        while left > 0:
            tables, households = _make_chunk(seed, chunk, left, counters, regime)
            _emit(tables, counters, writers, summary, flags, regime, regime_rng(seed, chunk))
            summary["households"] += households
            left -= len(tables.records)
            if bar is not None:
                bar.update(len(tables.records))
            logger.debug("chunk %d: %d records, %d left", chunk, len(tables.records), left)
            chunk += 1
    finally:
        writers.close()
        if bar is not None:
            bar.close()
    if regime.shuffle:
        shuffle_bundle(out, fmt, seed)
    result = {
        "records": summary["records"],
        "persons": summary["persons"],
        "households": summary["households"],
        "families": summary["families"],
        "families_of_two_or_more": summary["families_of_two_or_more"],
        "family_unit_rows": summary["family_unit_rows"],
        "family_units": sum(counters.units.values()),
        "cases": summary["cases"],
        "hearings": summary["hearings"],
        "sources": dict(sorted(counters.records.items())),
        "flags": dict(sorted(flags.items())),
        "seed": seed,
        "format": fmt,
    }
    if not regime.is_default:
        result["regime"] = {k: v for k, v in regime.__dict__.items() if v != Regime().__dict__[k]}
    logger.info("generated %s records in %s (seed %s)", result["records"], out, seed)
    return result


def _progress_bar(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="rec", desc="generate", disable=None)


def _chunk_rng(seed: int, chunk: int) -> random.Random:
    state = np.random.SeedSequence([int(seed) & 0xFFFFFFFF, chunk]).generate_state(2)
    return random.Random(int(state[0]) << 32 | int(state[1]))


def _make_chunk(
    seed: int, chunk: int, budget: int, counters: _Counters, regime: Regime
) -> tuple[ChunkTables, int]:
    """Households of one chunk, stopping at ``budget`` records (filled exactly)."""
    rng = _chunk_rng(seed, chunk)
    ctx = Context(rng, counters.pid, counters.anum)
    tables = ChunkTables()
    recorder = Recorder(rng, tables, regime)
    made = 0
    for _ in range(CHUNK_HOUSEHOLDS):
        mark = (len(tables.records), len(tables.units), len(tables.cases))
        counters.hid += 1
        hh = build_household(ctx, counters.hid)
        proceedings.plan(hh, rng, counters.cases)
        recorder.household(hh)
        if len(tables.records) > budget:
            del tables.records[mark[0] :], tables.persons[mark[0] :]
            del tables.units[mark[1] :], tables.cases[mark[2] :]
            _fill(ctx, recorder, budget - len(tables.records), counters)
            made += 1
            break
        made += 1
    counters.pid, counters.anum = ctx.next_pid, ctx.next_anum
    tables.order = list(range(len(tables.records)))
    rng.shuffle(tables.order)
    return tables, made


def _fill(ctx: Context, recorder: Recorder, missing: int, counters: _Counters) -> None:
    """Single adults with 1-3 records each, to reach the requested size exactly."""
    while missing > 0:
        k = 2 if missing == 4 else min(missing, 3)
        counters.hid += 1
        hh = build_household(ctx, counters.hid, kind="solo")
        recorder.filler(hh, k, counters.cases)
        missing -= k


def _emit(
    t: ChunkTables,
    counters: _Counters,
    writers: _Writers,
    summary: Counter,
    flags: Counter,
    regime: Regime,
    rng: random.Random,
) -> None:
    """Give ids, apply the regime's identifiers and dates, write the chunk and its truth."""
    order = t.order
    rid = [""] * len(order)
    individuals = []
    for i in order:
        row = t.records[i]
        source = row[1]
        counters.records[source] += 1
        rid[i] = f"{source}-{counters.records[source]:08d}"
        row[0] = rid[i]
        individuals.append(row)
    if not regime.is_default:
        regime.apply_to_rows(individuals, rng)
    unit_ids: dict[tuple[str, int], str] = {}
    units = []
    for source, key, rec, role in t.units:
        if (source, key) not in unit_ids:
            counters.units[source] += 1
            unit_ids[(source, key)] = f"{source}-FU-{counters.units[source]:07d}"
        units.append((unit_ids[(source, key)], rid[rec], role))
    cases, hearings = _case_rows(t, rid, counters)
    writers.write("individuals", individuals)
    writers.write("family_units", units)
    writers.write("cases", cases)
    writers.write("hearings", hearings)
    persons = [(rid[i], f"P{t.persons[i]:08d}") for i in order]
    writers.truth["records"].writerows(persons)
    truth = _truth(individuals, units, cases, persons)
    for name in ("families", "separated_families", "mixed_nationality_units", "joint_reprocessing"):
        writers.truth[name].writerows(truth[name].itertuples(index=False, name=None))
    _count(summary, flags, truth, individuals, units, cases, hearings, persons)


def _case_rows(
    t: ChunkTables, rid: list[str], counters: _Counters
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    cases: list[tuple[str, ...]] = []
    hearings: list[tuple[str, ...]] = []
    for case, rec in t.cases:
        case_id = f"C{case.key:08d}"
        lead = f"C{case.lead:08d}" if case.lead else ""
        cases.append(
            (
                case_id,
                rid[rec],
                lead,
                case.court,
                "true" if case.mpp else "false",
                case.status,
                case.status_date.isoformat(),
                case.nta_date.isoformat(),
            )
        )
        for h in sorted(case.hearings, key=lambda h: h.when):
            counters.hearings += 1
            hearings.append(
                (
                    f"H{counters.hearings:09d}",
                    case_id,
                    h.when.isoformat(),
                    h.court,
                    h.type,
                    h.result,
                )
            )
    return cases, hearings


def _truth(
    individuals: list[list[str]],
    units: list[tuple[str, str, str]],
    cases: list[tuple[str, ...]],
    persons: list[tuple[str, str]],
) -> dict[str, pd.DataFrame]:
    return compute_truth(
        pd.DataFrame(individuals, columns=list(INDIVIDUAL_COLUMNS)),
        pd.DataFrame(units, columns=list(FAMILY_UNIT_COLUMNS)),
        pd.DataFrame(cases, columns=list(CASE_COLUMNS)),
        pd.DataFrame(persons, columns=["record_id", "person_id"]),
    )


def _count(
    summary: Counter,
    flags: Counter,
    truth: dict[str, pd.DataFrame],
    individuals: list,
    units: list,
    cases: list,
    hearings: list,
    persons: list[tuple[str, str]],
) -> None:
    summary["records"] += len(individuals)
    summary["persons"] += len({p for _, p in persons})
    sizes = truth["families"]["family_id"].value_counts()
    summary["families"] += len(sizes)  # as the report counts them: a lone person in a unit too
    summary["families_of_two_or_more"] += int((sizes >= 2).sum())
    summary["family_unit_rows"] += len(units)
    summary["cases"] += len(cases)
    summary["hearings"] += len(hearings)
    for name in ("separated_families", "joint_reprocessing"):
        for codes in truth[name]["codes"]:
            flags.update(codes.split(";"))
    flags["MIXED"] += len(truth["mixed_nationality_units"])


__all__ = ["CHUNK_HOUSEHOLDS", "Regime", "generate_bundle"]
