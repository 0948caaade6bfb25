"""Everything the dashboard shows, from one :class:`kinlink.source.Source`.

:func:`load` is plain Python (no Streamlit): it opens the folder with :func:`kinlink.open`,
takes its facts and flags and returns a :class:`DashboardData`. The Streamlit side
(:mod:`kinlink.dashboard.state`) caches its result, so it runs once per source and server.

Sources
-------
- a **bundle** folder, or a spreadsheet read through a mapping: loaded and resolved (with the
  bundle's ``reviews.csv``), the fitted model kept to explain pairs;
- a **report** folder: read from its ``data/`` (what the report was computed from), so nothing is
  resolved again; its bundle, when it is still where the report was made, serves match review;
- a **saved graph** folder (``graph.json``; or an older report's ``graph/``).

The family view draws one family at a time (:class:`kinlink.graph.local.LocalGraphs`); the whole
graph is built only for the Cypher page.

Flags are judged as in the report (:mod:`kinlink.queries.review_flags`): from a bundle, against
the family evidence's uncertain decisions; a report folder shows the flags it judged
(``data/flags.parquet``; a report written before that file existed: its flags raised again on its
frames and judged by its ``review_flags.csv``).
The work queues list the confirmed flags, the "Check first" queue the others. With
``KINLINK_DASHBOARD_SINCE`` (``kinlink dashboard --since REPORT``) the Overview shows what
changed since that report; a report folder shows its own ``changes.csv`` counts.
"""

from __future__ import annotations

import gc
import json
import logging
import os
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx
import pandas as pd

import kinlink
from kinlink.contract import QUALITY_COLUMNS, REJECT_COLUMNS
from kinlink.csvfile import read_csv
from kinlink.graph.family_evidence import FamilyEvidence
from kinlink.graph.local import LocalGraphs
from kinlink.graph.resolve import Scorer
from kinlink.graph.store import linked_gaps, load_linked_frame
from kinlink.loaders import Bundle
from kinlink.queries.analyses import Analyses
from kinlink.queries.changes import report_changes
from kinlink.queries.facts import Facts
from kinlink.queries.flags import Flag
from kinlink.queries.report_data import load_flags, saved_flags
from kinlink.queries.report_files import contract_tables
from kinlink.queries.report_writer import DATA_FOLDER
from kinlink.queries.review_flags import Judged, judge, judged_from_review, review_table
from kinlink.queries.sections import Summary, summarise
from kinlink.source import Source, SourceKind, detect

log = logging.getLogger(__name__)

__all__ = [
    "MAPPING_ENV",
    "SINCE_ENV",
    "SOURCE_ENV",
    "DashboardData",
    "Progress",
    "SourceKind",
    "detect_source",
    "load",
]

#: Environment variable naming the folder the dashboard opens (set by ``kinlink dashboard``).
SOURCE_ENV = "KINLINK_DASHBOARD_SOURCE"
#: Environment variable naming the mapping a spreadsheet source is read with (``--mapping``).
MAPPING_ENV = "KINLINK_DASHBOARD_MAPPING"
#: Environment variable naming a previous report to show the changes since
#: (``kinlink dashboard --since``).
SINCE_ENV = "KINLINK_DASHBOARD_SINCE"

#: Called with a stage name and the fraction of the whole load done so far (0..1).
Progress = Callable[[str, float], None]

detect_source = detect

T = TypeVar("T")


class DashboardData:
    """An opened source: its facts and flags, and where its bundle is.

    What a page needs is computed (or read) on its first use and kept: the Overview of a report
    folder reads only the report's ``summary.json``, ``review_flags.csv`` and small frames, and
    the facts, flags and frames are read when a page first asks for them. A bundle is resolved
    and analysed by :func:`load` itself (there is nothing saved to read).

    Attributes
    ----------
    source : Path
        The folder given to :func:`load`.
    opened : Source
        The library's view of the folder (:func:`kinlink.open`).
    rejects, quality : DataFrame
        Input rows not used (``file, line, column, reason``) and unparseable optional values
        (``file, column, problem, count``).
    gaps : list of str
        What the data cannot show (:meth:`kinlink.loaders.bundle.Bundle.gaps`; a report's
        ``summary.json``), said at the top of the Overview.
    since : dict or None
        Counts of what changed since the previous report (``changes.csv``), when one is known.
    """

    def __init__(
        self,
        source: Path,
        opened: Source,
        *,
        rejects: pd.DataFrame,
        quality: pd.DataFrame,
        gaps: list[str],
        since: dict[str, int] | None = None,
    ) -> None:
        self.source = source
        self.opened = opened
        self.rejects = rejects
        self.quality = quality
        self.gaps = gaps
        self.since = since

    @property
    def report_folder(self) -> Path | None:
        """The report folder a report or a saved graph was read from (``None`` for a bundle)."""
        return _report_folder(self.opened)

    @property
    def _saved(self) -> Path | None:
        """A report's ``data/`` when it holds the report's judged flags (else ``None``)."""
        folder = self.report_folder
        if self.kind != "report" or folder is None or not saved_flags(folder / DATA_FOLDER):
            return None
        return folder / DATA_FOLDER

    @cached_property
    def facts(self) -> Facts:
        """Per-record, person, case and family facts (built on first use)."""
        return _kept(self.opened.facts)

    @cached_property
    def evidence(self) -> FamilyEvidence | None:
        """The family evidence of a bundle's resolution (``None`` for a report or a graph)."""
        return self.opened.evidence if self.kind == "bundle" else None

    @cached_property
    def judged(self) -> Judged:
        """Every flag with its confidence (:mod:`kinlink.queries.review_flags`): a report's own,
        as it saved them in ``data/``; else the analyses' flags judged against the family
        evidence (a bundle) or the report's ``review_flags.csv`` (an older report, a graph)."""
        saved = self._saved
        if saved is not None:
            return load_flags(saved)
        result = self.opened.analyses
        review = self._saved_review()
        if review is not None:
            return judged_from_review(result.flags, review)
        return judge(result.facts, result.flags, self.evidence)

    @property
    def flags(self) -> list[Flag]:
        """Every flag of every analysis, sorted by family and code (reasons with their identity
        evidence)."""
        return self.judged.flags

    @property
    def confirmed(self) -> list[Flag]:
        """The flags kinlink stands behind."""
        return self.judged.confirmed

    @cached_property
    def flags_by_family(self) -> dict[str, list[Flag]]:
        """family_id -> that family's flags."""
        by_family: dict[str, list[Flag]] = {}
        for flag in self.flags:
            by_family.setdefault(flag.family_id, []).append(flag)
        return by_family

    @cached_property
    def review(self) -> pd.DataFrame:
        """The flags set aside for review, as ``review_flags.csv`` has them (the "Check first"
        queue): a report's own file, else built from the verdicts."""
        if self._saved is not None:
            saved = self._saved_review()
            if saved is not None:
                return saved
        judged = self.judged
        return review_table(judged, contract_tables(Analyses(self.facts, judged.review)))

    @cached_property
    def summary(self) -> Summary:
        """Headline counts and counts by code, nationality and court: a report's own
        (``summary.json``), else counted from the facts and the confirmed flags."""
        saved = self._saved
        folder = self.report_folder
        if saved is not None and folder is not None:
            doc = _summary_json(folder)
            if doc is not None:
                return _summary_of(doc)
        return summarise(self.facts, self.confirmed)

    def _saved_review(self) -> pd.DataFrame | None:
        folder = self.report_folder
        if folder is None or not (folder / "review_flags.csv").is_file():
            return None
        return read_csv(folder / "review_flags.csv")

    @property
    def kind(self) -> SourceKind:
        """``bundle``, ``report`` or ``graph``."""
        return self.opened.kind

    @property
    def bundle(self) -> Bundle | None:
        """The loaded bundle when the source is one (``None`` for a report or a saved graph)."""
        return self.opened.bundle if self.opened.kind == "bundle" else None

    @property
    def bundle_path(self) -> Path | None:
        """The bundle folder (where ``reviews.csv`` lives), or ``None`` when unknown."""
        return self.opened.bundle_path

    @property
    def matches(self) -> pd.DataFrame | None:
        """The resolver's scored pairs (``None`` for a saved graph)."""
        return self.opened.linked.matches

    @cached_property
    def local(self) -> LocalGraphs:
        """One family's graph at a time, and any node's neighbours, built on demand."""
        return LocalGraphs(self.opened.linked)

    def graph(self) -> nx.MultiDiGraph:
        """The whole case-linkage graph (built on each call; the Cypher page caches it)."""
        return self.opened.graph()

    def scorer(self) -> Scorer | None:
        """The model that explains pairs (:meth:`kinlink.source.Source.scorer`): the one kept
        when the bundle was resolved, a report's ``model.json`` as it is, else one fitted now on
        the bundle (``None`` when the bundle is unknown)."""
        if self.bundle_path is None:
            return None
        return self.opened.scorer()


def _kept(value: T) -> T:
    """``value``, after moving everything alive out of the garbage collector's reach.

    What the dashboard loads lives as long as the server: left to the collector, each full
    collection would walk millions of objects (a pause of a second or more at 400,000 records,
    in whatever page or search happens to trigger it).
    """
    gc.collect()
    gc.freeze()
    return value


def _summary_json(folder: Path) -> dict[str, Any] | None:
    """A report's ``summary.json`` (``None`` when it has none, or not an object)."""
    try:
        doc = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _summary_of(doc: dict[str, Any]) -> Summary:
    """The :class:`Summary` a report wrote in its ``summary.json``."""

    def counts(key: str) -> dict[str, int]:
        return {str(k): int(v) for k, v in (doc.get(key) or {}).items()}

    totals = counts("totals")
    totals.pop("rejects", None)  # summary.json adds it; the dashboard counts its own
    return Summary(
        totals=totals,
        by_code=counts("families_by_code"),
        by_nationality=counts("flagged_members_by_nationality"),
        by_court=counts("flagged_pending_cases_by_court"),
        reference_date=str(doc.get("reference_date") or ""),
        gaps=[str(g) for g in doc.get("gaps") or []],
    )


def _frame(frame: pd.DataFrame | None, columns: Sequence[str]) -> pd.DataFrame:
    if frame is None or len(frame.columns) == 0:
        return pd.DataFrame(columns=list(columns))
    return frame


def _noop(stage: str, fraction: float) -> None:
    log.debug("dashboard load: %s (%.0f%%)", stage, 100 * fraction)


def _report_gaps(report_folder: Path) -> list[str]:
    """The ``gaps`` a report's ``summary.json`` lists (none when there is no such file)."""
    gaps = (_summary_json(report_folder) or {}).get("gaps")
    return [str(g) for g in gaps] if isinstance(gaps, list) else []


def load(
    path: str | Path,
    *,
    progress: Progress | None = None,
    mapping: str | Path | None = None,
) -> DashboardData:
    """Open a bundle (resolving it and running every analysis), a report or a saved graph.

    Parameters
    ----------
    path : str or Path
        A bundle folder, a spreadsheet (CSV, Parquet or workbook), a report folder or a saved
        graph folder.
    progress : callable, optional
        ``progress(stage, fraction)`` is called before each stage and at the end.
    mapping : str or Path, optional
        The mapping a bundle or spreadsheet is read with (:mod:`kinlink.loaders.mapping`).

    Returns
    -------
    DashboardData

    Raises
    ------
    InputError
        The folder holds nothing the dashboard can open.
    SchemaError
        The bundle cannot be read (a required table or column is missing).

    Notes
    -----
    A bundle costs what ``kinlink report`` costs without writing files. A report folder costs
    reading its ``summary.json`` and small frames here; its facts, flags and frames are read when
    a page first needs them (:class:`DashboardData`). A saved graph's frames are read here, its
    facts and analyses run when a page first needs them.
    """
    report = progress or _noop
    # a bundle's model is kept: it explains pairs without fitting again
    opened = kinlink.open(path, keep_scorer=True, mapping=mapping)
    if opened.kind == "bundle":
        report("loading the bundle", 0.0)
        _ = opened.bundle
        report("resolving identities", 0.15)
        opened.resolve()
    report_folder = _report_folder(opened)
    since = _saved_since(report_folder) if report_folder is not None else None
    if opened.kind == "report":
        report("reading the report", 0.5)
        data_folder = opened.folder / DATA_FOLDER
        rejects = load_linked_frame(data_folder, "rejects")
        quality = load_linked_frame(data_folder, "quality")
        gaps = list(linked_gaps(data_folder))
    else:
        report("reading persons and families", 0.6)
        linked = opened.linked
        rejects, quality, gaps = linked.rejects, linked.quality, list(linked.gaps)
        if opened.kind == "graph" and report_folder is not None:
            gaps = _report_gaps(report_folder)
    loaded = DashboardData(
        source=Path(path),
        opened=opened,
        rejects=_frame(rejects, REJECT_COLUMNS)[list(REJECT_COLUMNS)],
        quality=_frame(quality, QUALITY_COLUMNS),
        gaps=gaps,
        since=since,
    )
    if opened.kind == "bundle":
        report("building the facts", 0.7)
        _ = loaded.facts
        report("running the analyses", 0.8)
        judged = loaded.judged
        previous = os.environ.get(SINCE_ENV, "")
        if previous:
            facts = loaded.facts
            tables = contract_tables(Analyses(facts, judged.confirmed))
            changes = report_changes(previous, tables["persons"], tables, loaded.review)
            loaded.since = changes.counts or None
        _ = loaded.summary, loaded.review
        log.info("dashboard: loaded %s (bundle): %d flags", Path(path), len(judged.flags))
    else:
        log.info("dashboard: opened %s (%s)", Path(path), opened.kind)
    report("ready", 1.0)
    return loaded


def _report_folder(opened: Source) -> Path | None:
    """The report folder a report or a saved graph was read from (``None`` for a bundle)."""
    if opened.kind == "report":
        return opened.folder
    if opened.kind == "graph":
        return opened.folder.parent if opened.folder.name == "graph" else opened.folder
    return None


def _saved_since(report_folder: Path) -> dict[str, int] | None:
    """The "since" counts a report wrote in its summary.json (``None`` if it compared none)."""
    since = (_summary_json(report_folder) or {}).get("since")
    return {k: int(v) for k, v in since.items()} if isinstance(since, dict) else None
