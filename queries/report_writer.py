"""Write the batch linkage report folder (docs/DESIGN.md, "The report folder").

:func:`write_report` runs every analysis on the facts of a :class:`LinkedBundle`, judges each
flag against the uncertain identity decisions (:mod:`kinlink.queries.review_flags`) and writes,
into one folder, the files :data:`kinlink.contract.REPORT_FILES` declares (the contract's CSV
files with the confirmed flags, ``review_flags.csv`` with the others, ``changes.csv`` since a
previous report, ``quality.csv``, ``unparsed_values.csv``, ``flags.csv`` with each flag's
confidence), ``matches.csv`` (the resolver's scored pairs), ``summary.json`` (with the
resolution's fit, size guard and warnings), ``report.html`` and ``report.xlsx`` (the human
report), ``model.json`` (the fitted resolver model; ``kinlink report --model`` reuses it),
``data/`` (what the report was computed from, so the dashboard opens the folder without
resolving again) and, when asked, ``graph/`` (the graph as Parquet). The folder is written into a
temporary sibling and renamed into place at the end, so a reader never sees half a report.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from tqdm.auto import tqdm

from kinlink import __version__
from kinlink.background import Background
from kinlink.contract import FLAG_FILES, QUALITY_COLUMNS, REJECT_COLUMNS, UNPARSED_COLUMNS
from kinlink.csvfile import write_csv
from kinlink.errors import InputError
from kinlink.folders import atomic_folder, remove_abandoned
from kinlink.graph.build import build_graph
from kinlink.graph.families import LinkedBundle
from kinlink.graph.store import save_graph, save_linked
from kinlink.memory import paused_gc
from kinlink.queries.analyses import Analyses, MppSplitNone, analyse
from kinlink.queries.changes import report_changes
from kinlink.queries.confidence import review_codes
from kinlink.queries.facts import Facts, build_facts
from kinlink.queries.privacy import (
    coarsen_flags,
    coarsen_graph,
    coarsen_linked,
    coarsen_section,
    mask_linked,
    month_text,
)
from kinlink.queries.render_html import write_html
from kinlink.queries.render_xlsx import available as xlsx_available
from kinlink.queries.render_xlsx import write_xlsx
from kinlink.queries.report_data import save_facts, save_flags
from kinlink.queries.report_files import contract_tables, flags_frame
from kinlink.queries.review_flags import judge, review_table
from kinlink.queries.sections import family_sections, summarise

log = logging.getLogger(__name__)

__all__ = ["DATA_FOLDER", "ReportOptions", "is_report", "write_report"]

#: The sub-folder with what the report was computed from (:func:`~kinlink.graph.store.save_linked`).
DATA_FOLDER = "data"


@dataclass(frozen=True)
class ReportOptions:
    """How :func:`write_report` writes a report.

    Attributes
    ----------
    as_of : Timestamp, optional
        Reference date for next hearings and HEARING_SPLIT (default: latest record ``as_of``).
    mpp_split_none : {"mpp_case", "any_case"}
        See :func:`~kinlink.queries.separated.separated_families`.
    html, xlsx : bool
        Write ``report.html`` / ``report.xlsx``.
    html_max_families, xlsx_max_families : int or None
        Cap on the family sections in each human report (``None``: all). Every flag is in
        ``flags.csv`` regardless.
    save_graph : bool
        Also save the graph as Parquet tables under ``graph/`` (:mod:`kinlink.graph.store`).
    engine : {"networkx", "cypher"}
        Which engine computes the three contract flag files: the Python analyses, or the saved
        Cypher queries on a private FalkorDB (:mod:`kinlink.queries.cypher.flag_files`). Both give
        the same rows; ``flags.csv`` and the human reports always come from the Python side.
    mask_key : bytes, optional
        Write a pseudonymous report (:mod:`kinlink.queries.privacy`): every id and rejected
        line is a keyed hash, no identifying value, city or language is written, and every date
        written is cut to its month (the analyses run on the masked frames, with whole dates).
    progress : bool
        Progress bar on stderr (only when it is a terminal).
    since : Path, optional
        A previous report to compare with (``changes.csv``); by default the report already in
        the output folder, if any.
    """

    as_of: pd.Timestamp | None = None
    mpp_split_none: MppSplitNone = "mpp_case"
    html: bool = True
    xlsx: bool = True
    html_max_families: int | None = 1000
    xlsx_max_families: int | None = 5000
    save_graph: bool = False
    engine: Literal["networkx", "cypher"] = "networkx"
    mask_key: bytes | None = field(default=None, repr=False)
    progress: bool = False
    since: Path | None = None


def is_report(folder: Path) -> bool:
    """Whether ``folder`` holds a kinlink report (its ``summary.json``)."""
    return (folder / "summary.json").is_file()


def _frame(frame: pd.DataFrame | None, columns: Sequence[str]) -> pd.DataFrame:
    if frame is None or len(frame.columns) == 0:
        return pd.DataFrame(columns=list(columns))
    return frame


class _Steps(tqdm):
    """The report's progress bar, without tqdm's monitor thread: the report forks its writers,
    and no thread of ours may be running at a fork (a disabled tqdm bar starts one too)."""

    monitor_interval = 0


def _step(bar: Any, name: str) -> None:
    """Say which step of the report is under way (the progress bar, and the debug log)."""
    bar.set_postfix_str(name)
    log.debug("report: %s", name)


def _csv(frame: pd.DataFrame, path: Path) -> None:
    write_csv(frame, path)


def _previous_report(target: Path, since: str | os.PathLike[str] | None) -> Path | None:
    """The report to compare with: ``since``, else the report already in ``target``."""
    if since is not None:
        folder = Path(since)
        if not is_report(folder):
            raise InputError(f"--since {folder}: not a kinlink report folder (no summary.json)")
        return folder
    return target if is_report(target) else None


def _identity_counts(evidence: Any) -> dict[str, Any] | None:
    if evidence is None:
        return None
    keep = ("candidates", "merged", "alternatives", "rounds", "share")
    return {k: evidence.stats[k] for k in keep if k in evidence.stats}


def _without_review(
    tables: dict[str, pd.DataFrame], judged: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """The Cypher engine's flag tables without the codes set aside for review."""
    codes = review_codes(judged)
    out = {}
    for stem, frame in tables.items():
        if not codes or frame.empty:
            out[stem] = frame
            continue
        frame = frame.copy()
        if "codes" in frame.columns:
            frame["codes"] = [
                ";".join(c for c in str(cs).split(";") if c not in codes.get(fid, set()))
                for fid, cs in zip(frame["family_id"], frame["codes"], strict=True)
            ]
            out[stem] = frame[frame["codes"].ne("")].reset_index(drop=True)
        else:
            keep = [not (codes.get(fid, set()) & {"MIXED"}) for fid in frame["family_id"]]
            out[stem] = frame[keep].reset_index(drop=True)
    return out


def _counts(
    facts: Any, summary: Any, tables: dict[str, pd.DataFrame], review: pd.DataFrame
) -> dict[str, int]:
    """What :func:`write_report` returns."""
    counts: dict[str, int] = {
        "persons": len(facts.persons),
        "families": summary.totals["families"],
        "families_of_two_or_more": summary.totals.get("families_of_two_or_more", 0),
        "flagged_families": summary.totals["flagged_families"],
    }
    for stem in FLAG_FILES:
        counts[f"flag:{stem}"] = len(tables[stem])
        counts[f"review:{stem}"] = int(review["flag_file"].eq(stem).sum())
    counts["review_families"] = int(review["family_id"].nunique())
    for code, n in summary.by_code.items():
        counts[f"code:{code}"] = n
    return counts


def _flag_tables(
    linked: LinkedBundle,
    facts: Any,
    judged: Any,
    opts: ReportOptions,
    previous: Path | None,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, Any]:
    """The frames of the contract's flag files (confirmed flags), of ``review_flags.csv``, and
    what changed since ``previous`` (``None`` without one)."""
    masked = opts.mask_key is not None
    tables = contract_tables(Analyses(facts, judged.confirmed))
    review = review_table(judged, contract_tables(Analyses(facts, judged.review)))
    if opts.engine == "cypher":
        from kinlink.queries.cypher.flag_files import flag_frames

        G = build_graph(linked, linked.persons, linked.families)
        cypher = flag_frames(G, mpp_split_none=opts.mpp_split_none, progress=opts.progress)
        tables.update(_without_review(cypher, judged.table))
        del G
    changes = None
    if previous is not None:
        changes = report_changes(previous, tables["persons"], tables, review, masked=masked)
    return tables, review, changes


def _write_linked(
    tmp: Path,
    linked: LinkedBundle,
    masked: bool,
    rejects: pd.DataFrame,
    quality: pd.DataFrame,
    unparsed: pd.DataFrame,
) -> None:
    """What depends on ``linked`` alone: ``rejects.csv``, ``quality.csv``,
    ``unparsed_values.csv`` and the linked frames of ``data/``."""
    _csv(rejects, tmp / "rejects.csv")
    _csv(quality, tmp / "quality.csv")
    _csv(unparsed, tmp / "unparsed_values.csv")
    save_linked(coarsen_linked(linked) if masked else linked, tmp / DATA_FOLDER)


def _write_later(tmp: Path, matches: pd.DataFrame | None, facts: Facts | None) -> None:
    """``matches.csv`` (the resolver's scored pairs) and, given ``facts``, ``data/facts/`` (not
    under a mask: the dashboard builds them from the masked frames)."""
    if isinstance(matches, pd.DataFrame) and len(matches):
        _csv(matches, tmp / "matches.csv")
    if facts is not None:
        save_facts(facts, tmp / DATA_FOLDER)


def _write_files(
    tmp: Path,
    linked: LinkedBundle,
    opts: ReportOptions,
    *,
    judged: Any,
    shown: list[Any],
    tables: dict[str, pd.DataFrame],
    review: pd.DataFrame,
    changes: Any,
    summary: Any,
    rejects: pd.DataFrame,
) -> None:
    """The CSV files of the analyses, ``summary.json`` and ``model.json`` into ``tmp``."""
    for stem, frame in tables.items():
        _csv(frame, tmp / f"{stem}.csv")
    _csv(review, tmp / "review_flags.csv")
    if changes is not None:
        _csv(changes.frame, tmp / "changes.csv")
    _csv(
        pd.concat([flags_frame(shown), judged.confidence_frame()], axis=1),
        tmp / "flags.csv",
    )
    doc: dict[str, Any] = {
        "kinlink_version": __version__,
        "reference_date": summary.reference_date,
        "options": {
            "mpp_split_none": opts.mpp_split_none,
            "masked": opts.mask_key is not None,
        },
        "totals": {**summary.totals, "rejects": len(rejects)},
        "gaps": summary.gaps,
        "flagged_families_by_file": {s: len(tables[s]) for s in FLAG_FILES},
        "review_families_by_file": {s: int(review["flag_file"].eq(s).sum()) for s in FLAG_FILES},
        "review_families": int(review["family_id"].nunique()),
        "unlikely_flags": len(judged.unlikely),
        "identity": _identity_counts(linked.evidence),
        "since": changes.counts if changes is not None else None,
        "families_by_code": summary.by_code,
        "flagged_members_by_nationality": summary.by_nationality,
        "flagged_pending_cases_by_court": summary.by_court,
        "resolution": linked.resolution,
    }
    (tmp / "summary.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    if linked.model:  # weights and counts: nothing identifying
        text = json.dumps(linked.model, indent=2) + "\n"
        (tmp / "model.json").write_text(text, encoding="utf-8")


def write_report(
    linked: LinkedBundle,
    out: str | os.PathLike[str],
    options: ReportOptions | None = None,
    *,
    analyses: Analyses | None = None,
) -> dict[str, int]:
    """Run the analyses on the facts of ``linked`` and write the report folder ``out``.

    Parameters
    ----------
    linked : LinkedBundle
        The bundle's tables, persons and families (:func:`kinlink.graph.families.link`), with
        the rejects, quality counts and matches to write when it has them.
    out : path-like
        The report folder; replaced as a whole when the new report is complete.
    options : ReportOptions, optional
        What to write and how (defaults: every file, no mask).
    analyses : Analyses, optional
        The result of :func:`~kinlink.queries.analyses.analyse` on the facts of ``linked`` if
        already computed (ignored under a mask, where the facts are masked first).

    Raises
    ------
    InputError
        If ``out`` exists and is neither empty nor a previous report (it is never overwritten).

    Returns
    -------
    dict
        Counts: ``persons``, ``families``, ``flagged_families``, ``flag:<file>`` (flagged
        families per contract file) and ``code:<CODE>`` (families per code).
    """
    opts = options or ReportOptions()
    target = Path(out)
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not is_report(target))
    ):
        raise InputError(
            f"{target} exists and is not a kinlink report folder; choose a new or empty folder"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(target)
    previous = _previous_report(target, opts.since)
    masked = opts.mask_key is not None
    if opts.mask_key is not None:
        linked = mask_linked(linked, opts.mask_key)
        analyses = None
    evidence = linked.evidence
    rejects = _frame(linked.rejects, REJECT_COLUMNS)[list(REJECT_COLUMNS)]
    quality = _frame(linked.quality, QUALITY_COLUMNS)
    unparsed = _frame(linked.unparsed, UNPARSED_COLUMNS)
    unparsed = unparsed[[c for c in UNPARSED_COLUMNS if c in unparsed.columns]]
    steps = ["facts", "analyses", "csv", "html", "xlsx", "data", "finish"]
    bar = _Steps(
        total=len(steps), desc="report", unit="step", disable=None if opts.progress else True
    )
    # the collector would walk millions of small objects again and again
    early: Background | None = None
    facts_files: Background | None = None
    with paused_gc(), atomic_folder(target) as tmp:
        try:
            # the files that need only `linked` are written by a forked child (on the second
            # core) while this process builds the facts and runs the analyses
            early = Background(_write_linked, tmp, linked, masked, rejects, quality, unparsed)
            _step(bar, "facts")
            facts = (
                analyses.facts
                if analyses is not None
                else build_facts(linked, linked.persons, linked.families)
            )
            # matches.csv and data/facts/ (the dashboard reads them) are written by a second
            # child, after the first: a writer turning text cells into Arrow or CSV writes their
            # reference counts, which copies the pages it shares (copy-on-write), and two such
            # writers at once would hold both their copies. Forked now if the first is done,
            # else once the analyses are
            later = (tmp, linked.matches, None if masked else facts)
            if early.done():
                facts_files = Background(_write_later, *later)
            bar.update()
            _step(bar, "analyses")
            result = analyses or analyse(
                facts, as_of=opts.as_of, mpp_split_none=opts.mpp_split_none
            )
            bar.update()
            if facts_files is None:
                early.wait()
                facts_files = Background(_write_later, *later)

            _step(bar, "csv")
            judged = judge(
                facts,
                result.flags,
                evidence,
                mpp_split_none=opts.mpp_split_none,
                as_of=opts.as_of,
            )
            # what the files show: a masked report's dates cut to the month (after the analyses)
            shown = coarsen_flags(judged.flags) if masked else judged.flags
            confidence = dict(
                zip(
                    zip(judged.table["family_id"], judged.table["code"], strict=True),
                    judged.table["confidence"],
                    strict=True,
                )
            )
            # the flag files' frames (and what changed since a previous report) are made after
            # the workbook's child is forked, unless the workbook shows what changed
            tables, review, changes = (
                _flag_tables(linked, facts, judged, opts, previous)
                if previous is not None
                else (None, None, None)
            )
            summary = summarise(facts, judged.confirmed, as_of=opts.as_of)
            summary = dataclasses.replace(summary, gaps=list(linked.gaps))
            if masked:
                summary = dataclasses.replace(
                    summary, reference_date=month_text(summary.reference_date)
                )
            sections = family_sections(facts, judged.confirmed, as_of=opts.as_of)
            check = family_sections(facts, judged.review, as_of=opts.as_of)
            if masked:
                sections = sections.each(coarsen_section)
                check = check.each(coarsen_section)
            since_counts = changes.counts if changes is not None else None
            workbook_wanted = opts.xlsx and xlsx_available()
            if workbook_wanted:  # made once here, shared with the workbook's child
                sections.prepare()
                check.prepare()
            elif opts.xlsx:
                log.warning("report.xlsx skipped: the 'xlsxwriter' package is not installed")
            # the workbook (pure Python, the longest file) is written by a forked child on the
            # other core while this process writes the CSV, HTML and Parquet files
            workbook = (
                Background(
                    write_xlsx,
                    tmp / "report.xlsx",
                    summary,
                    shown,
                    sections,
                    max_sections=opts.xlsx_max_families,
                    check_first=check,
                    since=since_counts,
                    confidence=confidence,
                )
                if workbook_wanted
                else None
            )
            with workbook or contextlib.nullcontext():
                if tables is None or review is None:
                    tables, review, changes = _flag_tables(linked, facts, judged, opts, previous)
                _write_files(
                    tmp,
                    linked,
                    opts,
                    judged=judged,
                    shown=shown,
                    tables=tables,
                    review=review,
                    changes=changes,
                    summary=summary,
                    rejects=rejects,
                )
                counts = _counts(facts, summary, tables, review)
                bar.update()
                _step(bar, "html")
                if opts.html:
                    with open(tmp / "report.html", "w", encoding="utf-8") as fh:
                        write_html(
                            fh,
                            summary,
                            sections,
                            max_sections=opts.html_max_families,
                            check_first=check,
                            since=since_counts,
                        )
                bar.update()
                _step(bar, "data")
                (tmp / DATA_FOLDER).mkdir(exist_ok=True)  # the early child may not have yet
                save_flags(shown, confidence, tmp / DATA_FOLDER)  # the dashboard reads these
                if opts.save_graph:
                    G = build_graph(linked, linked.persons, linked.families)
                    save_graph(coarsen_graph(G) if masked else G, tmp / "graph")
                bar.update()
                _step(bar, "xlsx")
            del sections, check
            early.wait()
            if facts_files is not None:
                facts_files.wait()
            bar.update()
            _step(bar, "finish")
        finally:
            for job in (early, facts_files):  # after a failure: stop the children first
                if job is not None:
                    job.cancel()
            bar.close()
    log.info("report: %d flagged families written to %s", counts["flagged_families"], target)
    return counts
