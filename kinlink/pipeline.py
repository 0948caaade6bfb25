"""The batch pipeline: load -> resolve -> graph -> analyses -> report.

The CLI and the dashboard call these functions. They hold no state between calls.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from kinlink.errors import InputError
from kinlink.graph.baseline import exact_clusters
from kinlink.graph.build import build_graph
from kinlink.graph.resolve import Resolution, ResolverSettings, decision, explain_with, resolve
from kinlink.graph.resolve.comparisons import default_comparisons
from kinlink.graph.resolve.explain import explanation_text
from kinlink.graph.resolve.model import FSModel
from kinlink.loaders import Bundle, load_bundle
from kinlink.loaders.reviews import read_reviews
from kinlink.queries.family_evidence import FamilyEvidence, apply_family_evidence
from kinlink.queries.privacy import mask_key
from kinlink.queries.report import write_report

log = logging.getLogger(__name__)

ResolverName = Literal["fellegi-sunter", "exact"]
EngineName = Literal["networkx", "cypher"]


@dataclass
class ReportSummary:
    """What a report run read, resolved, flagged and wrote, for the end-of-run summary."""

    out: Path
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)

    def text(self) -> str:
        """A short human summary."""
        c = self.counts
        lines = [f"NOTE: {gap}" for gap in self.gaps] + [
            f"report written to {self.out}",
            f"  records read {c.get('individuals_read', 0)}, loaded "
            f"{c.get('individuals_loaded', 0)}; rows rejected (all tables) {c.get('rejected', 0)}",
            f"  persons {c.get('persons', 0)}, families {c.get('families', 0)} "
            f"({c.get('families_of_two_or_more', 0)} of two or more persons)",
        ]
        flags = {k: v for k, v in c.items() if k.startswith("flag:")}
        if flags:
            lines.append("  flags: " + ", ".join(f"{k[5:]} {v}" for k, v in sorted(flags.items())))
        lines.append("  time: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)


def resolve_bundle(
    bundle: Bundle,
    *,
    resolver: ResolverName = "fellegi-sunter",
    progress: bool = False,
    keep_scorer: bool = False,
    model: FSModel | None = None,
    unique_sources: tuple[str, ...] = (),
) -> Resolution:
    """Resolve a loaded bundle's records into persons with the chosen resolver.

    ``keep_scorer`` keeps the fitted model in ``Resolution.scorer`` (the exact resolver has
    none), so pairs can be explained without fitting again. ``model`` reuses a model fitted
    before (``model.json``); ``unique_sources`` names sources that hold each person once.
    """
    reviews = read_reviews(bundle.path)
    if resolver == "exact":
        persons = exact_clusters(bundle.individuals)
        return Resolution(persons=persons, matches=pd.DataFrame(), stats={"resolver": "exact"})
    return resolve(
        bundle.individuals,
        bundle.family_units,
        settings=ResolverSettings(unique_sources=unique_sources),
        reviews=reviews,
        progress=progress,
        keep_scorer=keep_scorer,
        model=model,
    )


def family_evidence(bundle: Bundle, resolution: Resolution) -> FamilyEvidence | None:
    """The family evidence (:mod:`kinlink.queries.family_evidence`) of a resolution that kept
    its scorer (``None`` otherwise, as for the exact resolver), with the bundle's reviews."""
    if resolution.scorer is None:
        return None
    cases = bundle.cases
    case_records = (
        cases["record_id"].dropna().astype(str).tolist()
        if cases is not None and "record_id" in cases.columns
        else []
    )
    reviews = read_reviews(bundle.path) if getattr(bundle, "path", None) is not None else None
    return apply_family_evidence(
        resolution.scorer, resolution.persons, case_records, reviews=reviews
    )


def resolve_with_evidence(
    bundle: Bundle,
    *,
    resolver: ResolverName = "fellegi-sunter",
    progress: bool = False,
    keep_scorer: bool = False,
    model: FSModel | None = None,
    unique_sources: tuple[str, ...] = (),
) -> tuple[Resolution, FamilyEvidence | None]:
    """Resolve (:func:`resolve_bundle`), then apply the family evidence; the persons to build
    the graph from are ``evidence.persons`` (or ``resolution.persons`` without evidence). The
    scorer is dropped afterwards unless ``keep_scorer``."""
    resolution = resolve_bundle(
        bundle,
        resolver=resolver,
        progress=progress,
        keep_scorer=True,
        model=model,
        unique_sources=unique_sources,
    )
    evidence = family_evidence(bundle, resolution)
    if not keep_scorer:
        resolution.scorer = None
        resolution.steps = {}
    return resolution, evidence


def run_report(
    bundle_path: str | Path,
    out_dir: str | Path,
    *,
    resolver: ResolverName = "fellegi-sunter",
    engine: EngineName = "networkx",
    save_graph: bool = False,
    progress: bool = False,
    mask: bool = False,
    mapping: str | Path | None = None,
    model: str | Path | None = None,
    unique_sources: tuple[str, ...] = (),
    since: str | Path | None = None,
) -> ReportSummary:
    """Load a bundle, resolve it, build the graph, run the analyses, write the report.

    ``model`` is a ``model.json`` from an earlier report: its weights are used instead of
    fitting new ones (only the match prior is estimated on this bundle). ``unique_sources``
    names the sources known to hold each person once (records of one of them are never one
    person; ``ALL`` for every source, as when linking two files).

    With ``mask`` the report is pseudonymous (:mod:`kinlink.queries.privacy`): ids are keyed
    hashes with the secret in ``KINLINK_MASK_KEY`` and no name, A-number or date of birth is
    written. ``since`` is a previous report to list the changes from (``changes.csv``; by
    default the report already in ``out_dir``, if any).

    Raises
    ------
    SettingsError
        ``mask`` is set but ``KINLINK_MASK_KEY`` is not, or ``model`` is not a kinlink model
        made with the same comparisons (both checked before any work).
    SchemaError
        The bundle cannot be read (a required table or column is missing).
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        seconds[name] = now - started
        started = now

    key = mask_key() if mask else None
    fitted = FSModel.load(model, default_comparisons()) if model is not None else None
    bundle = load_bundle(bundle_path, mapping=mapping)
    lap("load")
    resolution, evidence = resolve_with_evidence(
        bundle, resolver=resolver, progress=progress, model=fitted, unique_sources=unique_sources
    )
    persons = evidence.persons if evidence is not None else resolution.persons
    lap("resolve")
    G = build_graph(bundle, persons, progress=progress)
    lap("graph")
    report_counts = write_report(
        G,
        bundle,
        resolution,
        out_dir,
        engine=engine,
        include_graph=save_graph,
        progress=progress,
        mask_key=key,
        evidence=evidence,
        since=since,
    )
    lap("analyses+report")
    counts = {**bundle.summary(), **report_counts}
    summary = ReportSummary(Path(out_dir), counts, seconds, bundle.gaps())
    log.info("%s", summary.text())
    return summary


def explain(
    bundle_path: str | Path,
    record_a: str,
    record_b: str,
    *,
    mapping: str | Path | None = None,
) -> str:
    """Per-field explanation of the match score of two records, as a text table, and the
    resolution's decision about them (same person or not, and which step decided)."""
    bundle = load_bundle(bundle_path, mapping=mapping)
    known = set(bundle.individuals["record_id"])
    for record in (record_a, record_b):
        if record not in known:
            raise InputError(f"{bundle_path}: no loaded individuals record '{record}'")
    if record_a == record_b:
        raise InputError(f"explain needs two different records, got '{record_a}' twice")
    resolution, evidence = resolve_with_evidence(bundle, keep_scorer=True)
    # two different loaded records: the bundle has two or more, so a model was fitted
    assert resolution.scorer is not None
    table = explain_with(resolution.scorer, record_a, record_b)
    text = explanation_text(table, decision(resolution, record_a, record_b))
    about = evidence.about(record_a, record_b) if evidence is not None else None
    return f"{text}\n\n{about}" if about else text
