"""The batch linkage report: the contract CSVs, flags with evidence, and the human reports.

:func:`write_report` runs every analysis on the graph and writes, into one folder:

==============================  ==========================================================
file                            one row per
==============================  ==========================================================
persons.csv                     loaded record: ``record_id, person_id, family_id``
families.csv                    person in a family: ``family_id, person_id``
separated_families.csv          flagged family: ``family_id, codes, record_ids, person_ids,
                                sources`` (the policy documents its codes follow)
mixed_nationality_units.csv     flagged family: ``family_id, nationalities, mexican_member,
                                record_ids, person_ids, sources``
joint_reprocessing.csv          flagged family: ``family_id, codes, case_ids, record_ids,
                                person_ids, sources``
rejects.csv                     input row not used: ``file, line, column, reason``
quality.csv                     unparseable optional values: ``file, column, problem, count``
unparsed_values.csv             each value counted in quality.csv: ``file, line, column,
                                problem, value`` (no ``value`` column in a masked report)
flags.csv                       flag (all analyses, consolidation candidates too): code,
                                reason, policy source, evidence and ``confidence``
review_flags.csv                flag set aside for review (it hinges on an uncertain identity
                                decision): the flag file's columns, ``flag_file``, the pair
                                ``record_id_a, record_id_b``, ``probability``, ``why``
changes.csv                     change since the previous report (``--since``, or the report
                                being replaced): ``kind, id, change, detail, flag_file``
matches.csv                     scored record pair (when the resolver gives them)
summary.json                    counts by code, nationality, court; totals; options; the
                                resolution's fit, size guard and warnings
model.json                      the fitted resolver model (``kinlink report --model`` reuses
                                it)
report.html, report.xlsx        the human report (summary, charts, one section per family)
==============================  ==========================================================

Lists in a cell are sorted and joined with ``;``; ``codes`` too. ``record_ids`` lists every record
of every member of the family, ``case_ids`` every case of every member. The folder is written into
a temporary sibling and renamed into place at the end, so a reader never sees half a report.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import networkx as nx
import pandas as pd
from tqdm.auto import tqdm

from kinlink import __version__
from kinlink.contract import QUALITY_COLUMNS, REJECT_COLUMNS, REPORT_FILES, UNPARSED_COLUMNS
from kinlink.csvfile import write_csv
from kinlink.errors import InputError
from kinlink.folders import remove_abandoned, replace_dir, scratch_name
from kinlink.graph.resolve import resolution_summary
from kinlink.graph.store import save_graph
from kinlink.memory import paused_gc
from kinlink.queries.changes import report_changes
from kinlink.queries.consolidation import consolidation_candidates
from kinlink.queries.facts import Facts, derive_facts
from kinlink.queries.flags import CONTRACT_FILES, Flag
from kinlink.queries.joint import joint_reprocessing
from kinlink.queries.mixed import mexican_member, mixed_nationality_units
from kinlink.queries.privacy import (
    coarsen_flags,
    coarsen_graph,
    coarsen_sections,
    mask_graph,
    mask_matches,
    mask_rejects,
    mask_unparsed,
    month_text,
)
from kinlink.queries.render_html import write_html
from kinlink.queries.render_xlsx import available as xlsx_available
from kinlink.queries.render_xlsx import write_xlsx
from kinlink.queries.review_flags import CONFIDENCE_COLUMNS, judge, review_table
from kinlink.queries.sections import family_sections, reference_date, summarise
from kinlink.queries.separated import separated_families

log = logging.getLogger(__name__)

__all__ = ["Analyses", "analyse", "contract_tables", "write_report"]

FLAG_COLUMNS = [c for c in REPORT_FILES["flags"].columns if c not in CONFIDENCE_COLUMNS]


@dataclass(frozen=True)
class Analyses:
    """The facts and every flag of one run."""

    facts: Facts
    flags: list[Flag]


def analyse(
    G: nx.MultiDiGraph,
    *,
    facts: Facts | None = None,
    as_of: pd.Timestamp | None = None,
    mpp_split_none: Literal["mpp_case", "any_case"] = "mpp_case",
) -> Analyses:
    """Run every analysis on ``G`` (facts derived once) and return all flags.

    ``as_of`` is the date HEARING_SPLIT counts members' current hearings from (default: the latest
    record ``as_of``, :func:`~kinlink.queries.sections.reference_date`); ``mpp_split_none`` is
    passed to :func:`~kinlink.queries.separated.separated_families`.
    """
    f = facts if facts is not None else derive_facts(G)
    ref = as_of if as_of is not None else reference_date(f)
    with paused_gc():
        flags = (
            separated_families(G, facts=f, mpp_split_none=mpp_split_none)
            + mixed_nationality_units(G, facts=f)
            + joint_reprocessing(G, facts=f)
            + consolidation_candidates(G, facts=f, as_of=ref)
        )
    return Analyses(f, sorted(flags, key=lambda fl: (fl.family_id, fl.code)))


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
    >>> from kinlink.graph.build import build_graph
    >>> ind = pd.DataFrame({"record_id": ["a", "b", "c"], "source": ["CBP"] * 3,
    ...                     "nationality": ["MEX", "HND", "HND"]})
    >>> units = pd.DataFrame({"family_unit_id": ["U", "U"], "record_id": ["a", "b"]})
    >>> bundle = SimpleNamespace(individuals=ind, family_units=units, cases=None, hearings=None)
    >>> persons = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1", "P2", "P2"]})
    >>> t = contract_tables(analyse(build_graph(bundle, persons)))
    >>> t["mixed_nationality_units"][["nationalities", "mexican_member", "record_ids"]].values
    array([['HND;MEX', 'true', 'a;b;c']], dtype=object)
    """
    f, flags = result.facts, result.flags
    persons = f.records[["record_id", "person_id"]].copy()
    persons["family_id"] = persons["person_id"].map(f.persons["family_id"])
    persons = persons.sort_values("record_id", ignore_index=True)

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


def _flags_frame(flags: list[Flag]) -> pd.DataFrame:
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


def _bundle_frame(bundle: Any, name: str, columns: Sequence[str]) -> pd.DataFrame:
    frame = getattr(bundle, name, None) if bundle is not None else None
    if frame is None or len(frame.columns) == 0:
        return pd.DataFrame(columns=list(columns))
    return frame


def _csv(frame: pd.DataFrame, path: Path) -> None:
    write_csv(frame, path)


def _previous_report(target: Path, since: str | os.PathLike[str] | None) -> Path | None:
    """The report to compare with: ``since``, else the report already in ``target``."""
    if since is not None:
        folder = Path(since)
        if not (folder / "summary.json").is_file():
            raise InputError(f"--since {folder}: not a kinlink report folder (no summary.json)")
        return folder
    return target if (target / "summary.json").is_file() else None


def _identity_counts(evidence: Any) -> dict[str, Any] | None:
    if evidence is None:
        return None
    keep = ("candidates", "merged", "alternatives", "rounds", "share")
    return {k: evidence.stats[k] for k in keep if k in evidence.stats}


def _without_review(tables: dict[str, pd.DataFrame], judged: pd.DataFrame):
    """The Cypher engine's flag tables without the codes set aside for review."""
    review = judged[judged["confidence"].eq("review")]
    codes: dict[str, set[str]] = {}
    for fid, code in zip(review["family_id"], review["code"], strict=True):
        codes.setdefault(fid, set()).add(code)
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


def write_report(
    G: nx.MultiDiGraph,
    bundle: Any,
    resolution: Any,
    out: str | os.PathLike[str],
    *,
    progress: bool = False,
    as_of: pd.Timestamp | None = None,
    mpp_split_none: Literal["mpp_case", "any_case"] = "mpp_case",
    html: bool = True,
    xlsx: bool = True,
    html_max_families: int | None = 1000,
    xlsx_max_families: int | None = 5000,
    include_graph: bool = False,
    analyses: Analyses | None = None,
    engine: Literal["networkx", "cypher"] = "networkx",
    mask_key: bytes | None = None,
    evidence: Any = None,
    since: str | os.PathLike[str] | None = None,
) -> dict[str, int]:
    """Run the analyses on ``G`` and write the batch linkage report folder ``out``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph from :func:`kinlink.graph.build.build_graph`.
    bundle : Bundle or None
        The loaded bundle, for ``rejects.csv`` and ``quality.csv`` (``None``: empty files).
    resolution : Resolution or None
        The resolver's result, for ``matches.csv`` (``None`` or no matches: no file).
    out : path-like
        The report folder; replaced as a whole when the new report is complete.
    progress : bool
        Progress bar on stderr (only when it is a terminal).
    as_of : Timestamp, optional
        Reference date for next hearings and HEARING_SPLIT (default: latest record ``as_of``).
    mpp_split_none : {"mpp_case", "any_case"}
        See :func:`~kinlink.queries.separated.separated_families`.
    html, xlsx : bool
        Write ``report.html`` / ``report.xlsx``.
    html_max_families, xlsx_max_families : int or None
        Cap on the family sections in each human report (``None``: all). Every flag is in
        ``flags.csv`` regardless.
    include_graph : bool
        Also save the graph as Parquet tables under ``graph/`` (:mod:`kinlink.graph.store`).
    analyses : Analyses, optional
        The result of :func:`analyse` on ``G`` if already computed (then ``as_of`` and
        ``mpp_split_none`` only affect the human report's dates and ``summary.json``).
    engine : {"networkx", "cypher"}
        Which engine computes the three contract flag files: the Python analyses, or the saved
        Cypher queries on a private FalkorDB (:mod:`kinlink.queries.cypher.flag_files`). Both give
        the same rows; ``flags.csv`` and the human reports always come from the Python side.
    mask_key : bytes, optional
        Write a pseudonymous report (:mod:`kinlink.queries.privacy`): every id and rejected
        line is a keyed hash, no identifying value, city or language is written, and every date
        written is cut to its month (``analyses`` is then recomputed on the masked graph, with
        whole dates).
    evidence : FamilyEvidence, optional
        The run's family evidence (:mod:`kinlink.queries.family_evidence`, on the persons ``G``
        was built from): each flag is judged against its uncertain decisions
        (:mod:`kinlink.queries.review_flags`); without it every flag is confirmed.
    since : path-like, optional
        A previous report to compare with (``changes.csv``); by default the report already in
        ``out``, if any.

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
    target = Path(out)
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / "summary.json").is_file())
    ):
        raise InputError(
            f"{target} exists and is not a kinlink report folder; choose a new or empty folder"
        )
    previous = _previous_report(target, since)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(target)
    model_doc = getattr(resolution, "model", None)  # weights and counts: nothing identifying
    resolution_doc = resolution_summary(resolution)
    if mask_key is not None:
        G = mask_graph(G, mask_key)
        analyses = None
        evidence = evidence.masked(mask_key) if evidence is not None else None
        matches = getattr(resolution, "matches", None)
        if isinstance(matches, pd.DataFrame):
            resolution = SimpleNamespace(matches=mask_matches(matches, mask_key))
    tmp = scratch_name(target, "tmp")
    tmp.mkdir()
    steps = ["facts", "analyses", "csv", "html", "xlsx", "graph", "finish"]
    bar = tqdm(total=len(steps), desc="report", unit="step", disable=None if progress else True)
    with paused_gc():  # the collector would walk the whole graph again and again
        try:
            bar.set_postfix_str("facts")
            facts = analyses.facts if analyses is not None else derive_facts(G)
            bar.update()
            bar.set_postfix_str("analyses")
            result = analyses or analyse(G, facts=facts, as_of=as_of, mpp_split_none=mpp_split_none)
            bar.update()

            bar.set_postfix_str("csv")
            judged = judge(
                facts, result.flags, evidence, mpp_split_none=mpp_split_none, as_of=as_of
            )
            # what the files show: a masked report's dates cut to the month (after the analyses)
            shown = judged.flags if mask_key is None else coarsen_flags(judged.flags)
            tables = contract_tables(Analyses(facts, judged.confirmed))
            review = review_table(judged, contract_tables(Analyses(facts, judged.review)))
            if engine == "cypher":
                from kinlink.queries.cypher.flag_files import flag_frames

                cypher = flag_frames(G, mpp_split_none=mpp_split_none, progress=progress)
                tables.update(_without_review(cypher, judged.table))
            for stem, frame in tables.items():
                _csv(frame, tmp / f"{stem}.csv")
            _csv(review, tmp / "review_flags.csv")
            changes = None
            if previous is not None:
                changes = report_changes(
                    previous, tables["persons"], tables, review, masked=mask_key is not None
                )
                _csv(changes.frame, tmp / "changes.csv")
            rejected = _bundle_frame(bundle, "rejects", REJECT_COLUMNS)[list(REJECT_COLUMNS)]
            if mask_key is not None:
                rejected = mask_rejects(rejected, mask_key)
            _csv(rejected, tmp / "rejects.csv")
            _csv(_bundle_frame(bundle, "quality", QUALITY_COLUMNS), tmp / "quality.csv")
            unparsed = _bundle_frame(bundle, "unparsed", UNPARSED_COLUMNS)[list(UNPARSED_COLUMNS)]
            if mask_key is not None:  # the values themselves may be names, dates of birth, ...
                unparsed = mask_unparsed(unparsed, mask_key)
            _csv(unparsed, tmp / "unparsed_values.csv")
            matches = getattr(resolution, "matches", None)
            if isinstance(matches, pd.DataFrame) and len(matches):
                _csv(matches, tmp / "matches.csv")
            _csv(
                pd.concat([_flags_frame(shown), judged.confidence_frame()], axis=1),
                tmp / "flags.csv",
            )
            summary = summarise(facts, judged.confirmed, as_of=as_of)
            gaps = bundle.gaps() if hasattr(bundle, "gaps") else []
            summary = dataclasses.replace(summary, gaps=gaps)
            if mask_key is not None:
                summary = dataclasses.replace(
                    summary, reference_date=month_text(summary.reference_date)
                )
            counts: dict[str, int] = {
                "persons": len(facts.persons),
                "families": summary.totals["families"],
                "families_of_two_or_more": summary.totals.get("families_of_two_or_more", 0),
                "flagged_families": summary.totals["flagged_families"],
            }
            for stem in CONTRACT_FILES:
                counts[f"flag:{stem}"] = len(tables[stem])
                counts[f"review:{stem}"] = int(review["flag_file"].eq(stem).sum())
            counts["review_families"] = int(review["family_id"].nunique())
            for code, n in summary.by_code.items():
                counts[f"code:{code}"] = n
            rejects = len(_bundle_frame(bundle, "rejects", REJECT_COLUMNS))
            doc = {
                "kinlink_version": __version__,
                "reference_date": summary.reference_date,
                "options": {"mpp_split_none": mpp_split_none, "masked": mask_key is not None},
                "totals": {**summary.totals, "rejects": rejects},
                "gaps": summary.gaps,
                "flagged_families_by_file": {s: len(tables[s]) for s in CONTRACT_FILES},
                "review_families_by_file": {
                    s: int(review["flag_file"].eq(s).sum()) for s in CONTRACT_FILES
                },
                "review_families": int(review["family_id"].nunique()),
                "unlikely_flags": len(judged.unlikely),
                "identity": _identity_counts(evidence),
                "since": changes.counts if changes is not None else None,
                "families_by_code": summary.by_code,
                "flagged_members_by_nationality": summary.by_nationality,
                "flagged_pending_cases_by_court": summary.by_court,
                "resolution": resolution_doc,
            }
            (tmp / "summary.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
            if model_doc:
                text = json.dumps(model_doc, indent=2) + "\n"
                (tmp / "model.json").write_text(text, encoding="utf-8")
            bar.update()

            with paused_gc():
                human = html or xlsx
                sections = family_sections(facts, judged.confirmed, as_of=as_of) if human else []
                check = family_sections(facts, judged.review, as_of=as_of) if human else []
                if mask_key is not None:
                    sections = coarsen_sections(sections)
                    check = coarsen_sections(check)
            since_counts = changes.counts if changes is not None else None
            bar.set_postfix_str("html")
            if html:
                with open(tmp / "report.html", "w", encoding="utf-8") as fh:
                    write_html(
                        fh,
                        summary,
                        sections,
                        max_sections=html_max_families,
                        check_first=check,
                        since=since_counts,
                    )
            bar.update()
            bar.set_postfix_str("xlsx")
            if xlsx and not xlsx_available():
                log.warning("report.xlsx skipped: the 'xlsxwriter' package is not installed")
            elif xlsx:
                write_xlsx(
                    tmp / "report.xlsx",
                    summary,
                    shown,
                    sections,
                    max_sections=xlsx_max_families,
                    check_first=check,
                    since=since_counts,
                    confidence=dict(
                        zip(
                            zip(judged.table["family_id"], judged.table["code"], strict=True),
                            judged.table["confidence"],
                            strict=True,
                        )
                    ),
                )
            bar.update()
            bar.set_postfix_str("graph")
            if include_graph:
                save_graph(G if mask_key is None else coarsen_graph(G), tmp / "graph")
            bar.update()
            bar.set_postfix_str("finish")
            replace_dir(tmp, target)
            bar.update()
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            bar.close()
    log.info("report: %d flagged families written to %s", counts["flagged_families"], target)
    return counts
