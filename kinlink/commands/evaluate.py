"""``kinlink evaluate``: score a report against a generated bundle's truth."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

NAME = "evaluate"
HELP = "score a report against a generated bundle's truth"
EXAMPLE = "kinlink evaluate reports/sample --truth data/samples/bundle/truth"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", type=Path, help="report folder")
    parser.add_argument("--truth", type=Path, required=True, help="truth folder (BUNDLE/truth)")
    parser.add_argument(
        "--bundle",
        type=Path,
        help="the bundle the report was made from, to measure blocking recall "
        "(default: the truth folder's parent, when it holds a bundle)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from kinlink.queries.evaluate import evaluate, format_scores

    bundle = args.bundle
    if bundle is None:
        parent = args.truth.resolve().parent
        if any((parent / f"individuals{ext}").is_file() for ext in (".csv", ".parquet")):
            bundle = parent
    result = evaluate(args.report, args.truth, bundle_dir=bundle)
    print(json.dumps(result, indent=2) if args.json else format_scores(result))
    return 0
