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
the family evidence's uncertain decisions; from a report folder, by its ``review_flags.csv``.
The work queues list the confirmed flags, the "Check first" queue the others. With
``KINLINK_DASHBOARD_SINCE`` (``kinlink dashboard --since REPORT``) the Overview shows what
changed since that report; a report folder shows its own ``changes.csv`` counts.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
import pandas as pd

import kinlink
from kinlink.contract import QUALITY_COLUMNS, REJECT_COLUMNS
from kinlink.csvfile import read_csv
from kinlink.graph.family_evidence import FamilyEvidence
from kinlink.graph.local import LocalGraphs
from kinlink.graph.resolve import Scorer
from kinlink.loaders import Bundle
from kinlink.queries.analyses import Analyses
from kinlink.queries.changes import report_changes
from kinlink.queries.facts import Facts
from kinlink.queries.flags import Flag
from kinlink.queries.report_files import contract_tables
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


@dataclass
class DashboardData:
    """An opened source: its facts and flags, and where its bundle is.

    Attributes
    ----------
    source : Path
        The folder given to :func:`load`.
    opened : Source
        The library's view of the folder (:func:`kinlink.open`).
    facts : Facts
        Per-record, person, case and family facts.
    flags : list of Flag
        Every flag of every analysis, sorted by family and code (reasons with their identity
        evidence).
    summary : Summary
        Headline counts and counts by code, nationality and court.
    rejects, quality : DataFrame
        Input rows not used (``file, line, column, reason``) and unparseable optional values
        (``file, column, problem, count``).
    flags_by_family : dict
        family_id -> that family's flags.
    gaps : list of str
        What the data cannot show (:meth:`kinlink.loaders.bundle.Bundle.gaps`; a report's
        ``data/``; a saved graph's report's ``summary.json``), said at the top of the Overview.
    judged : Judged or None
        Every flag's confidence (:mod:`kinlink.queries.review_flags`).
    review : DataFrame
        The flags set aside for review, as ``review_flags.csv`` has them (the "Check first"
        queue).
    since : dict or None
        Counts of what changed since the previous report (``changes.csv``), when one is known.
    evidence : FamilyEvidence or None
        The family evidence of a bundle's resolution.
    """

    source: Path
    opened: Source
    facts: Facts
    flags: list[Flag]
    summary: Summary
    rejects: pd.DataFrame
    quality: pd.DataFrame
    flags_by_family: dict[str, list[Flag]] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    judged: Judged | None = None
    review: pd.DataFrame = field(default_factory=pd.DataFrame)
    since: dict[str, int] | None = None
    evidence: FamilyEvidence | None = None

    @property
    def confirmed(self) -> list[Flag]:
        """The flags kinlink stands behind (all of them when none was judged)."""
        return self.judged.confirmed if self.judged is not None else self.flags

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
        """The model that explains pairs: the one kept when the bundle was resolved, else one
        fitted now on the bundle (``None`` when the bundle is unknown)."""
        if self.bundle_path is None:
            return None
        return self.opened.scorer()


def _frame(frame: pd.DataFrame | None, columns: Sequence[str]) -> pd.DataFrame:
    if frame is None or len(frame.columns) == 0:
        return pd.DataFrame(columns=list(columns))
    return frame


def _noop(stage: str, fraction: float) -> None:
    log.debug("dashboard load: %s (%.0f%%)", stage, 100 * fraction)


def _report_gaps(path: Path) -> list[str]:
    """The ``gaps`` a report's ``summary.json`` lists (none when there is no such file)."""
    try:
        return [str(g) for g in json.loads(path.read_text(encoding="utf-8")).get("gaps", [])]
    except (OSError, ValueError, AttributeError):
        return []


def load(
    path: str | Path,
    *,
    progress: Progress | None = None,
    mapping: str | Path | None = None,
) -> DashboardData:
    """Open a bundle (resolving it), a report or a saved graph, and run every analysis.

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
    A bundle costs what ``kinlink report`` costs without writing files; a report or a saved graph
    skips loading and resolving: reading its frames, the facts and the analyses take seconds.
    """
    report = progress or _noop
    # a bundle's model is kept: it explains pairs without fitting again
    opened = kinlink.open(path, keep_scorer=True, mapping=mapping)
    if opened.kind == "bundle":
        report("loading the bundle", 0.0)
        _ = opened.bundle
        report("resolving identities", 0.15)
        opened.resolve()
    report("reading persons and families", 0.6)
    linked = opened.linked
    report("building the facts", 0.7)
    _ = opened.facts
    report("running the analyses", 0.8)
    result = opened.analyses
    evidence = opened.evidence if opened.kind == "bundle" else None
    report_folder = _report_folder(opened)
    saved_review = None
    if report_folder is not None and (report_folder / "review_flags.csv").is_file():
        saved_review = read_csv(report_folder / "review_flags.csv")
    if saved_review is not None:
        judged = judged_from_review(result.flags, saved_review)
    else:
        judged = judge(result.facts, result.flags, evidence)
    review = review_table(judged, contract_tables(Analyses(result.facts, judged.review)))
    since = _saved_since(report_folder) if report_folder is not None else None
    previous = os.environ.get(SINCE_ENV, "")
    if previous and opened.kind == "bundle":
        tables = contract_tables(Analyses(result.facts, judged.confirmed))
        since = report_changes(previous, tables["persons"], tables, review).counts or None
    summary = summarise(result.facts, judged.confirmed)
    by_family: dict[str, list[Flag]] = {}
    for flag in judged.flags:
        by_family.setdefault(flag.family_id, []).append(flag)
    report("ready", 1.0)
    gaps = list(linked.gaps)
    if opened.kind == "graph" and report_folder is not None:
        gaps = _report_gaps(report_folder / "summary.json")
    log.info("dashboard: loaded %s (%s): %d flags", Path(path), opened.kind, len(result.flags))
    return DashboardData(
        source=Path(path),
        opened=opened,
        facts=result.facts,
        flags=judged.flags,
        summary=summary,
        rejects=_frame(linked.rejects, REJECT_COLUMNS)[list(REJECT_COLUMNS)],
        quality=_frame(linked.quality, QUALITY_COLUMNS),
        flags_by_family=by_family,
        gaps=gaps,
        judged=judged,
        review=review,
        since=since,
        evidence=evidence,
    )


def _report_folder(opened: Source) -> Path | None:
    """The report folder a report or a saved graph was read from (``None`` for a bundle)."""
    if opened.kind == "report":
        return opened.folder
    if opened.kind == "graph":
        return opened.folder.parent if opened.folder.name == "graph" else opened.folder
    return None


def _saved_since(report_folder: Path) -> dict[str, int] | None:
    """The "since" counts a report wrote in its summary.json (``None`` if it compared none)."""
    try:
        doc = json.loads((report_folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    since = doc.get("since")
    return {k: int(v) for k, v in since.items()} if isinstance(since, dict) else None
