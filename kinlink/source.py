"""The library's one entry: :func:`open` a bundle, a saved graph or a report folder as a
:class:`Source`, and get its persons, facts, analyses, graph and report from it.

The commands, the dashboard, the benchmarks and the tests all go through here
(docs/DESIGN.md, "The path of kinlink report").

Examples
--------
>>> import kinlink, tempfile
>>> src = kinlink.open("data/samples/bundle")
>>> src.kind, len(src.linked.persons) == len(src.bundle.individuals)
('bundle', True)
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from kinlink.errors import InputError

if TYPE_CHECKING:
    import networkx as nx

    from kinlink.graph.families import LinkedBundle
    from kinlink.graph.family_evidence import FamilyEvidence
    from kinlink.graph.resolve import Resolution, ResolverSettings, Scorer
    from kinlink.graph.resolve.model import FSModel
    from kinlink.loaders import Bundle
    from kinlink.queries.analyses import Analyses
    from kinlink.queries.facts import Facts
    from kinlink.queries.report_writer import ReportOptions

log = logging.getLogger(__name__)

__all__ = ["ReportSummary", "ResolverName", "Source", "SourceKind", "open"]

SourceKind = Literal["bundle", "graph", "report"]
ResolverName = Literal["fellegi-sunter", "exact"]

_TABLE_SUFFIXES = (".csv", ".parquet")


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


def _has_table(folder: Path, stem: str) -> bool:
    return any((folder / f"{stem}{suffix}").is_file() for suffix in _TABLE_SUFFIXES)


def detect(path: str | Path) -> tuple[SourceKind, Path]:
    """What ``path`` holds: a bundle (a folder, or one CSV, Parquet or workbook file), a saved
    graph (``graph.json``) or a report folder.

    A report folder is read from its ``data/`` (what it was computed from); an older report
    without it, but with a saved graph, from its ``graph/``.

    Raises
    ------
    InputError
        ``path`` is neither a folder nor a file kinlink reads, or holds none of these.
    """
    from kinlink.loaders.sources import input_kind
    from kinlink.queries.report_writer import DATA_FOLDER, is_report

    folder = Path(path)
    if folder.is_file():
        input_kind(folder)  # a CSV, Parquet or workbook file, read as a bundle; else an error
        return "bundle", folder
    if not folder.exists():
        raise InputError(
            f"{folder}: no such file or folder (give a bundle, a spreadsheet, a report or a "
            "saved graph)"
        )
    if not folder.is_dir():
        raise InputError(
            f"{folder}: not a folder or a file (give a bundle, a spreadsheet, a report or a "
            "saved graph)"
        )
    if (folder / "graph.json").is_file():
        return "graph", folder
    if _has_table(folder, "individuals"):
        return "bundle", folder
    if is_report(folder) and (folder / DATA_FOLDER / "linked.json").is_file():
        return "report", folder
    if (folder / "graph" / "graph.json").is_file():
        return "graph", folder / "graph"
    if is_report(folder):
        raise InputError(
            f"{folder}: this report folder was written by an older kinlink without data/; "
            "write the report again, or open its bundle"
        )
    raise InputError(
        f"{folder}: holds no bundle (individuals.csv or .parquet), no report and no saved graph "
        "(graph.json)"
    )


class Source:
    """A bundle, a saved graph or a report folder, and everything kinlink computes from it.

    Each result is computed once, when first asked for, and kept: :attr:`bundle` (loaded),
    :meth:`resolve` (persons, with the bundle's ``reviews.csv`` and :attr:`settings`),
    :attr:`linked` (tables, persons and families), :attr:`facts`, :meth:`analyses`,
    :meth:`graph`. A saved graph or a report starts from :attr:`linked` and never resolves.

    Parameters
    ----------
    path : str or Path
        The folder.
    resolver : {"fellegi-sunter", "exact"}
        The identity resolver for a bundle (``exact`` = the exact-key baseline).
    settings : ResolverSettings, optional
        The resolver's settings (default: :class:`~kinlink.graph.resolve.ResolverSettings`).
    keep_scorer : bool
        Keep the fitted scorer after resolving (to explain pairs without fitting again).
    model : str, Path or FSModel, optional
        A model fitted before (an earlier report's ``model.json``): its weights are reused and
        only the match prior is estimated on this bundle.
    mapping : str or Path, optional
        How to read an input that is not a bundle (:mod:`kinlink.loaders.mapping`).
    progress : bool
        Progress bars on stderr (only when it is a terminal).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        resolver: ResolverName = "fellegi-sunter",
        settings: ResolverSettings | None = None,
        keep_scorer: bool = False,
        model: str | Path | FSModel | None = None,
        mapping: str | Path | None = None,
        progress: bool = False,
    ) -> None:
        self.kind, self.folder = detect(path)
        self.mapping = mapping
        self.model = _load_model(model)
        self.path = Path(path)
        self.resolver = resolver
        self._settings = settings
        self.keep_scorer = keep_scorer
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self._resolution: Resolution | None = None
        self._evidence: FamilyEvidence | None = None
        self._unit_links: pd.DataFrame | None = None

    def __repr__(self) -> str:
        return f"Source({str(self.path)!r}, kind={self.kind!r})"

    # -- the bundle and its resolution --------------------------------------------------------

    @property
    def settings(self) -> ResolverSettings:
        """The resolver's settings."""
        from kinlink.graph.resolve import ResolverSettings

        return self._settings or ResolverSettings()

    @cached_property
    def bundle_path(self) -> Path | None:
        """The bundle folder: this folder for a bundle, the one a report was made from (when
        it recorded it and it still exists), else ``None``."""
        if self.kind == "bundle":
            return self.folder
        if self.kind == "report":
            recorded = self.linked.path
            if recorded is not None and _has_table(recorded, "individuals"):
                return recorded
        return None

    @cached_property
    def bundle(self) -> Bundle:
        """The loaded bundle.

        Raises
        ------
        InputError
            The source has no bundle (a saved graph, or a report whose bundle is gone).
        """
        from kinlink.loaders import load_bundle

        if self.bundle_path is None:
            raise InputError(f"{self.path}: no bundle to load (a saved graph or a moved report)")
        with self._lap("load"):
            return load_bundle(
                self.bundle_path, mapping=self.mapping if self.kind == "bundle" else None
            )

    @property
    def reviews(self) -> pd.DataFrame:
        """The analyst's decisions saved beside the bundle (``reviews.csv``; may be empty)."""
        from kinlink.loaders.reviews import read_reviews

        if self.bundle_path is None:
            from kinlink.loaders.reviews import REVIEW_COLUMNS

            return pd.DataFrame(columns=REVIEW_COLUMNS)
        return read_reviews(self.bundle_path)

    def resolve(self) -> Resolution:
        """The bundle's records resolved into persons (once), with :attr:`reviews` applied.

        Raises
        ------
        InputError
            The source is not a bundle (a report or a saved graph is already resolved).
        """
        if self._resolution is not None:
            return self._resolution
        if self.kind != "bundle":
            raise InputError(f"{self.path}: a {self.kind} is already resolved; nothing to resolve")
        from kinlink.graph.baseline import exact_clusters
        from kinlink.graph.resolve import Resolution, resolve

        bundle = self.bundle
        with self._lap("resolve"):
            if self.resolver == "exact":
                persons = exact_clusters(bundle.individuals)
                self._resolution = Resolution(
                    persons=persons, matches=pd.DataFrame(), stats={"resolver": "exact"}
                )
            else:
                resolution = resolve(
                    bundle.individuals,
                    bundle.family_units,
                    settings=self._settings,
                    reviews=self.reviews,
                    progress=self.progress,
                    keep_scorer=True,  # the family evidence scores with it
                    model=self.model,
                )
                self._evidence = self._family_evidence(resolution)
                if resolution.scorer is not None:  # the report saves them (Match review)
                    self._unit_links = resolution.scorer.linked
                if not self.keep_scorer:
                    resolution.scorer = None
                    resolution.steps = {}
                self._resolution = resolution
        return self._resolution

    @property
    def evidence(self) -> FamilyEvidence | None:
        """The family evidence of the resolution (:mod:`kinlink.graph.family_evidence`):
        after :meth:`resolve`, ``None`` for the exact resolver or a source already resolved."""
        if self.kind == "bundle":
            self.resolve()
        return self._evidence

    def _family_evidence(self, resolution: Resolution) -> FamilyEvidence | None:
        """The family evidence of a resolution that kept its scorer, with the reviews."""
        from kinlink.graph.family_evidence import apply_family_evidence

        if resolution.scorer is None:
            return None
        cases = self.bundle.cases
        case_records = (
            cases["record_id"].dropna().astype(str).tolist()
            if cases is not None and "record_id" in cases.columns
            else []
        )
        return apply_family_evidence(
            resolution.scorer, resolution.persons, case_records, reviews=self.reviews
        )

    @property
    def kept_scorer(self) -> Scorer | None:
        """The fitted scorer kept by :meth:`resolve` (``keep_scorer=True``), or ``None``."""
        return self._resolution.scorer if self._resolution is not None else None

    def scorer(self) -> Scorer:
        """A fitted model to explain pairs: the one kept by :meth:`resolve`; for a report, its
        ``model.json`` as it is (:func:`~kinlink.graph.resolve.saved_scorer`: the report's
        weights, prior and family boost, nothing fitted); else one fitted now on the bundle with
        its reviews (once).

        Raises
        ------
        InputError
            The source has no bundle (a report's own records are used when it is not masked).
        """
        if self.kept_scorer is not None:
            return self.kept_scorer
        saved = self._saved_scorer
        if saved is not None:
            return saved
        return self._fitted

    @cached_property
    def _saved_scorer(self) -> Scorer | None:
        from kinlink.graph.resolve import saved_scorer

        model = self._report_model() if self.model is None else None
        if model is None:
            return None
        linked = self.linked
        # a masked report's data/ holds pseudonyms: prepare the bundle's own records then
        tables: Any = self.bundle if _masked_report(self.folder) else linked
        return saved_scorer(
            tables.individuals,
            tables.family_units,
            model,
            self.settings,
            unit_links=linked.unit_links,
        )

    @cached_property
    def _fitted(self) -> Scorer:
        from kinlink.graph.resolve import fit

        reviews = self.reviews
        bundle = self.bundle
        scorer, _, _ = fit(
            bundle.individuals,
            bundle.family_units,
            self.settings,
            reviews=reviews if len(reviews) else None,
            model=self.model if self.model is not None else self._report_model(),
        )
        return scorer

    def _report_model(self) -> FSModel | None:
        """A report's fitted model (its ``model.json``), so match review need not fit again."""
        if self.kind != "report" or not (self.folder / "model.json").is_file():
            return None
        return _load_model(self.folder / "model.json")

    def explain(self, record_a: str, record_b: str) -> str:
        """Each field's level and weight for two records, the match probability, and the
        resolution's decision about them (which step put them together or kept them apart).

        Raises
        ------
        InputError
            A record is not a loaded individuals record, or both are the same record.
        """
        from kinlink.graph.resolve import decision, explain_with
        from kinlink.graph.resolve.explain import explanation_text

        known = set(self.bundle.individuals["record_id"])
        for record in (record_a, record_b):
            if record not in known:
                raise InputError(f"{self.path}: no loaded individuals record '{record}'")
        if record_a == record_b:
            raise InputError(f"explain needs two different records, got '{record_a}' twice")
        self.keep_scorer = True
        stale = self._resolution is not None and self._resolution.scorer is None
        if stale and self.resolver != "exact":
            # resolved before without its model and steps: again, keeping them (the
            # resolution is deterministic, so the persons are the same)
            self._resolution = None
        resolution = self.resolve()
        table = explain_with(self.scorer(), record_a, record_b)
        text = explanation_text(table, decision(resolution, record_a, record_b))
        about = self._evidence.about(record_a, record_b) if self._evidence is not None else None
        return f"{text}\n\n{about}" if about else text

    # -- what the analyses and the report read ------------------------------------------------

    @cached_property
    def linked(self) -> LinkedBundle:
        """The tables, persons and families (and rejects, quality, matches when known)."""
        from kinlink.graph.families import link
        from kinlink.graph.store import linked_from_graph, load_linked
        from kinlink.queries.report_writer import DATA_FOLDER

        if self.kind == "report":
            with self._lap("load"):
                return load_linked(self.folder / DATA_FOLDER)
        if self.kind == "graph":
            with self._lap("load"):
                linked = linked_from_graph(self.folder)
            parent = self.folder.parent if self.folder.name == "graph" else self.folder
            return linked.replace(
                rejects=_read_csv(parent / "rejects.csv"), quality=_read_csv(parent / "quality.csv")
            )
        resolution = self.resolve()
        with self._lap("families"):
            return link(
                self.bundle, resolution, evidence=self._evidence, unit_links=self._unit_links
            )

    @cached_property
    def facts(self) -> Facts:
        """The frames every analysis reads (:func:`kinlink.queries.facts.build_facts`; a report's
        saved ``data/facts/`` when it has them)."""
        from kinlink.queries.facts import build_facts
        from kinlink.queries.report_data import load_facts, saved_facts
        from kinlink.queries.report_writer import DATA_FOLDER

        if self.kind == "report" and saved_facts(self.folder / DATA_FOLDER):
            with self._lap("facts"):  # the report's own, as its analyses read them
                return load_facts(self.folder / DATA_FOLDER)
        linked = self.linked
        with self._lap("facts"):
            return build_facts(linked, linked.persons, linked.families)

    @cached_property
    def analyses(self) -> Analyses:
        """Every analysis's flags on :attr:`facts` (default options)."""
        from kinlink.queries.analyses import analyse

        facts = self.facts
        with self._lap("analyses"):
            return analyse(facts)

    def graph(self, *, mask_key: bytes | None = None) -> nx.MultiDiGraph:
        """The whole case-linkage graph (built on each call: it is large; keep what you need).

        A saved graph folder is read as saved. With ``mask_key``, the graph of the masked
        frames, dates cut to the month, as ``kinlink report --mask --save-graph`` writes it
        (:mod:`kinlink.queries.privacy`).
        """
        from kinlink.graph.build import build_graph
        from kinlink.graph.store import load_graph

        if self.kind == "graph" and mask_key is None:
            return load_graph(self.folder)
        linked = self.linked
        if mask_key is not None:
            from kinlink.queries.privacy import coarsen_graph, mask_linked

            masked = mask_linked(linked, mask_key)
            G = build_graph(masked, masked.persons, masked.families, progress=self.progress)
            return coarsen_graph(G)
        return build_graph(linked, linked.persons, linked.families, progress=self.progress)

    def report(self, out: str | Path, options: ReportOptions | None = None) -> ReportSummary:
        """Write the batch linkage report into ``out`` (:func:`~kinlink.queries.report_writer.
        write_report`), and say what was read, resolved, flagged and written.

        Raises
        ------
        InputError
            ``out`` exists and is not a kinlink report folder.
        """
        from kinlink.queries.report_writer import ReportOptions, write_report

        opts = options or ReportOptions(progress=self.progress)
        linked = self.linked
        with self._lap("report"):
            defaults = opts.as_of is None and opts.mpp_split_none == "mpp_case"
            known = self.__dict__.get("analyses") if defaults and opts.mask_key is None else None
            counts = write_report(linked, out, opts, analyses=known)
        if self.kind == "bundle":
            counts = {**self.bundle.summary(), **counts}
        else:
            counts = {
                "rejected": len(linked.rejects) if linked.rejects is not None else 0,
                **counts,
            }
        summary = ReportSummary(Path(out), counts, dict(self.seconds), list(linked.gaps))
        log.info("%s", summary.text())
        return summary

    # -- helpers ------------------------------------------------------------------------------

    def _lap(self, stage: str) -> _Lap:
        return _Lap(self.seconds, stage)


class _Lap:
    """Adds the seconds a ``with`` block took to ``seconds[stage]``."""

    def __init__(self, seconds: dict[str, float], stage: str) -> None:
        self.seconds, self.stage = seconds, stage

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        taken = time.perf_counter() - self.started
        self.seconds[self.stage] = self.seconds.get(self.stage, 0.0) + taken


def _load_model(model: str | Path | FSModel | None) -> FSModel | None:
    from kinlink.graph.resolve.comparisons import default_comparisons
    from kinlink.graph.resolve.model import FSModel

    if model is None or isinstance(model, FSModel):
        return model
    return FSModel.load(model, default_comparisons())


def _masked_report(folder: Path) -> bool:
    """Whether the report in ``folder`` was written with ``--mask`` (its ``summary.json``)."""
    import json

    try:
        doc = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True  # unknown: treat its data/ as masked
    options = doc.get("options") if isinstance(doc, dict) else None
    return not isinstance(options, dict) or options.get("masked") is not False


def _read_csv(path: Path) -> pd.DataFrame | None:
    from kinlink.csvfile import read_csv

    return read_csv(path) if path.is_file() else None


def open(path: str | Path, **options: object) -> Source:
    """Open a bundle, a saved graph or a report folder as a :class:`Source`.

    Keyword options are :class:`Source`'s (``resolver``, ``settings``, ``keep_scorer``,
    ``model``, ``mapping``, ``progress``).

    Raises
    ------
    InputError
        ``path`` is not a folder, or holds neither a bundle, a report nor a saved graph.
    """
    return Source(path, **options)  # type: ignore[arg-type]
