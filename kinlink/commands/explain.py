"""``kinlink explain``: each field's contribution to two records' match probability."""

from __future__ import annotations

import argparse
from pathlib import Path

from kinlink.commands import add_mapping_argument

NAME = "explain"
HELP = "show why two records are (not) the same person"
EXAMPLE = "kinlink explain data/samples/bundle CBP-00000001 NGO-00000123"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bundle", type=Path, help="bundle folder, or a spreadsheet with --mapping")
    parser.add_argument("record_a", help="a record_id")
    parser.add_argument("record_b", help="another record_id")
    add_mapping_argument(parser)


def run(args: argparse.Namespace) -> int:
    import kinlink

    source = kinlink.open(args.bundle, mapping=args.mapping)
    print(source.explain(args.record_a, args.record_b))
    return 0
