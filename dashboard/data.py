"""Everything the dashboard shows, loaded once from a bundle or a saved graph.

:func:`load` is plain Python (no Streamlit): it reads the source, resolves a bundle when given
one, builds the graph, runs every analysis and returns a :class:`DashboardData`. The Streamlit
side (:mod:`kinlink.dashboard.state`) caches its result, so it runs once per source and server.

Sources
-------
- a **bundle** folder (``individuals`` + ``family_units`` tables): loaded, resolved with the
  default resolver (applying the bundle's ``reviews.csv``), then built into the graph;
- a **saved graph** folder (``graph.json``, written by :func:`kinlink.graph.store.save_graph`);
- a **report** folder that holds its graph under ``graph/`` (``write_report(...,
  include_graph=True)``); its ``rejects.csv`` and ``quality.csv`` are shown too.

Match review needs the bundle's records and its folder (for ``reviews.csv``), so it is only
available when the source is a bundle.

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
from pathlib import Path
from typing import Literal

import networkx as nx
import pandas as pd

from kinlink.contract import QUALITY_COLUMNS, REJECT_COLUMNS
from kinlink.csvfile import read_csv
from kinlink.errors import InputError
from kinlink.graph.build import build_graph
from kinlink.graph.resolve import Resolution
from kinlink.graph.store import load_graph
from kinlink.loaders import Bundle, load_bundle
from kinlink.loaders.sources import input_kind
from kinlink.queries.changes import report_changes
from kinlink.queries.facts import Facts
from kinlink.queries.family_evidence import FamilyEvidence
from kinlink.queries.flags import Flag
from kinlink.queries.report import Analyses, analyse, contract_tables
from kinlink.queries.review_flags import Judged, judge, judged_from_review, review_table
from kinlink.queries.sections import Summary, summarise

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

SourceKind = Literal["bundle", "graph"]
#: Called with a stage name and the fraction of the whole load done so far (0..1).
Progress = Callable[[str, float], None]

_TABLE_SUFFIXES = (".csv", ".parquet")


@dataclass
class DashboardData:
    """A loaded source: the graph, its facts and flags, and the bundle when there is one.

    Attributes
    ----------
    source : Path
        The folder given to :func:`load`.
    kind : {"bundle", "graph"}
        What the folder held.
    G : networkx.MultiDiGraph
        The case-linkage graph (:mod:`kinlink.graph.schema`).
    facts : Facts
        Per-record, person, case and family facts derived from ``G``.
    flags : list of Flag
        Every flag of every analysis, sorted by family and code (reasons with their identity
        evidence).
    summary : Summary
        Headline counts and counts by code, nationality and court.
    rejects, quality : DataFrame
        Input rows not used (``file, line, column, reason``) and unparseable optional values
        (``file, column, problem, count``).
    bundle : Bundle or None
        The loaded bundle (``None`` for a saved graph).
    resolution : Resolution or None
        The resolver's result (``None`` for a saved graph).
    flags_by_family : dict
        family_id -> that family's flags.
    gaps : list of str
        What the data cannot show (:meth:`kinlink.loaders.bundle.Bundle.gaps`; a report's
        ``summary.json``), said at the top of the Overview.
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
    kind: SourceKind
    G: nx.MultiDiGraph
    facts: Facts
    flags: list[Flag]
    summary: Summary
    rejects: pd.DataFrame
    quality: pd.DataFrame
    bundle: Bundle | None = None
    resolution: Resolution | None = None
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
    def bundle_path(self) -> Path | None:
        """The bundle folder (where ``reviews.csv`` lives), or ``None`` for a saved graph."""
        return self.bundle.path if self.bundle is not None else None


def _has_table(folder: Path, stem: str) -> bool:
    return any((folder / f"{stem}{suffix}").is_file() for suffix in _TABLE_SUFFIXES)


def detect_source(path: str | Path) -> tuple[SourceKind, Path]:
    """What ``path`` holds: ``("bundle", path)`` or ``("graph", graph_folder)``.

    Raises
    ------
    InputError
        ``path`` is not a folder, or holds neither a bundle nor a saved graph.
    """
    folder = Path(path)
    if folder.is_file():
        input_kind(folder)  # a CSV, Parquet or workbook file, read as a bundle; else an error
        return "bundle", folder
    if not folder.is_dir():
        raise InputError(
            f"{folder}: not a folder or a file (give a bundle, a spreadsheet, a saved graph or "
            "a report)"
        )
    if (folder / "graph.json").is_file():
        return "graph", folder
    if (folder / "graph" / "graph.json").is_file():
        return "graph", folder / "graph"
    if _has_table(folder, "individuals"):
        return "bundle", folder
    if (folder / "summary.json").is_file():
        raise InputError(
            f"{folder}: this report folder has no saved graph (graph/); open its bundle instead"
        )
    raise InputError(
        f"{folder}: holds no bundle (individuals.csv or .parquet) and no saved graph (graph.json)"
    )


def _read_csv(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    if not path.is_file():
        return pd.DataFrame(columns=list(columns))
    return read_csv(path)


def _report_gaps(path: Path) -> list[str]:
    """The ``gaps`` a report's ``summary.json`` lists (none when there is no such file)."""
    try:
        return [str(g) for g in json.loads(path.read_text(encoding="utf-8")).get("gaps", [])]
    except (OSError, ValueError, AttributeError):
        return []


def _noop(stage: str, fraction: float) -> None:
    log.debug("dashboard load: %s (%.0f%%)", stage, 100 * fraction)


def load(
    path: str | Path,
    *,
    progress: Progress | None = None,
    mapping: str | Path | None = None,
) -> DashboardData:
    """Load a bundle (resolving it) or a saved graph, and run every analysis.

    Parameters
    ----------
    path : str or Path
        A bundle folder, a spreadsheet (CSV, Parquet or workbook), a saved graph folder or a
        report folder with ``graph/``.
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
    A bundle costs what ``kinlink report`` costs without writing files; a saved graph skips
    loading and resolving.
    """
    report = progress or _noop
    kind, folder = detect_source(path)
    bundle: Bundle | None = None
    resolution: Resolution | None = None
    evidence: FamilyEvidence | None = None
    saved_review: pd.DataFrame | None = None
    since: dict[str, int] | None = None
    if kind == "bundle":
        from kinlink.pipeline import resolve_with_evidence

        report("loading the bundle", 0.0)
        bundle = load_bundle(folder, mapping=mapping)
        report("resolving identities", 0.15)
        # the scorer is kept: Match review explains pairs with it, no refit
        resolution, evidence = resolve_with_evidence(bundle, keep_scorer=True)
        report("building the graph", 0.6)
        G = build_graph(bundle, evidence.persons if evidence is not None else resolution.persons)
        rejects = bundle.rejects[list(REJECT_COLUMNS)]
        quality = bundle.quality
        gaps = bundle.gaps()
    else:
        report("loading the saved graph", 0.0)
        G = load_graph(folder)
        parent = folder.parent if folder.name == "graph" else folder
        rejects = _read_csv(parent / "rejects.csv", REJECT_COLUMNS)
        quality = _read_csv(parent / "quality.csv", QUALITY_COLUMNS)
        gaps = _report_gaps(parent / "summary.json")
        if (parent / "review_flags.csv").is_file():
            saved_review = read_csv(parent / "review_flags.csv")
        since = _saved_since(parent)
    report("running the analyses", 0.75)
    result = analyse(G)
    if saved_review is not None:
        judged = judged_from_review(result.flags, saved_review)
    else:
        judged = judge(result.facts, result.flags, evidence)
    review = review_table(judged, contract_tables(Analyses(result.facts, judged.review)))
    previous = os.environ.get(SINCE_ENV, "")
    if previous and kind == "bundle":
        tables = contract_tables(Analyses(result.facts, judged.confirmed))
        since = report_changes(previous, tables["persons"], tables, review).counts or None
    summary = summarise(result.facts, judged.confirmed)
    by_family: dict[str, list[Flag]] = {}
    for flag in judged.flags:
        by_family.setdefault(flag.family_id, []).append(flag)
    report("ready", 1.0)
    log.info("dashboard: loaded %s (%s): %d flags", Path(path), kind, len(result.flags))
    return DashboardData(
        source=Path(path),
        kind=kind,
        G=G,
        facts=result.facts,
        flags=judged.flags,
        summary=summary,
        rejects=rejects,
        quality=quality,
        bundle=bundle,
        resolution=resolution,
        flags_by_family=by_family,
        gaps=gaps,
        judged=judged,
        review=review,
        since=since,
        evidence=evidence,
    )


def _saved_since(report_folder: Path) -> dict[str, int] | None:
    """The "since" counts a report wrote in its summary.json (``None`` if it compared none)."""
    try:
        doc = json.loads((report_folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    since = doc.get("since")
    return {k: int(v) for k, v in since.items()} if isinstance(since, dict) else None
