"""``kinlink report``: resolve a bundle and write the batch linkage report."""

from __future__ import annotations

import argparse
from pathlib import Path

from kinlink.commands import add_mapping_argument, progress_enabled

NAME = "report"
HELP = "resolve a bundle and write the batch linkage report"
EXAMPLE = "kinlink report data/samples/bundle --out reports/sample"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "bundle",
        type=Path,
        help="bundle folder (CSV or Parquet tables), workbook, or one CSV file (see --mapping)",
    )
    add_mapping_argument(parser)
    parser.add_argument("--out", type=Path, required=True, help="report folder to write")
    parser.add_argument(
        "--resolver",
        choices=["fellegi-sunter", "exact"],
        default="fellegi-sunter",
        help="identity resolver (exact = the exact-key baseline)",
    )
    parser.add_argument(
        "--engine",
        choices=["networkx", "cypher"],
        default="networkx",
        help="compute the contract flag files with the Python analyses or the saved Cypher "
        "queries on a private FalkorDB (same rows either way)",
    )
    parser.add_argument(
        "--save-graph",
        action="store_true",
        help="also save the graph as Parquet node and edge tables under OUT/graph",
    )
    parser.add_argument(
        "--since",
        type=Path,
        metavar="PREVIOUS_REPORT",
        help="a previous report folder: write changes.csv (flags new, gone or changed; persons "
        "merged or split). Without it, the report already in --out is compared, if any",
    )
    parser.add_argument(
        "--mask",
        action="store_true",
        help="pseudonymous report: ids and rejected lines become keyed hashes (secret key from "
        "the environment variable KINLINK_MASK_KEY), no names, A-numbers, dates of birth, other "
        "identifiers, cities or line numbers are written, and dates are cut to the month "
        "(SECURITY.md says what is left)",
    )
    parser.add_argument(
        "--model",
        type=Path,
        metavar="MODEL_JSON",
        help="reuse the weights of an earlier report's model.json (fitted on a larger or "
        "richer bundle) instead of fitting new ones; only the match prior is estimated here",
    )
    parser.add_argument(
        "--unique-source",
        action="append",
        default=[],
        metavar="SOURCE",
        help="a source known to hold each person once (a clean roster): two of its records "
        "are never one person. Repeat for several; ALL for every source (linking files)",
    )


def run(args: argparse.Namespace) -> int:
    import logging

    import kinlink
    from kinlink.graph.resolve import ResolverSettings
    from kinlink.queries.privacy import mask_key, mask_logs
    from kinlink.queries.report_writer import ReportOptions

    key = mask_key() if args.mask else None  # checked before any work
    if args.mask:
        mask_logs(logging.getLogger("kinlink"))  # no line numbers in a masked run's log
    progress = progress_enabled(args)
    options = ReportOptions(
        engine=args.engine,
        save_graph=args.save_graph,
        mask_key=key,
        progress=progress,
        since=args.since,
    )
    source = kinlink.open(
        args.bundle,
        resolver=args.resolver,
        mapping=args.mapping,
        settings=ResolverSettings(unique_sources=tuple(args.unique_source)),
        model=args.model,  # read and checked now, before any work
        progress=progress,
    )
    summary = source.report(args.out, options)
    if not args.quiet:
        print(summary.text())
    return 0
