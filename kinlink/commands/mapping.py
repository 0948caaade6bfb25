"""``kinlink mapping``: guess how to read a spreadsheet as a bundle, as a mapping file."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "mapping"
HELP = "guess a mapping (TOML) that reads a spreadsheet or folder as a bundle"
EXAMPLE = "kinlink mapping intake.xlsx > mapping.toml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="a CSV or Parquet file, a workbook, or a folder")
    parser.add_argument(
        "--sample", type=int, default=2000, help="rows whose values are looked at (2000)"
    )


def run(args: argparse.Namespace) -> int:
    from kinlink.loaders.guess import guess_mapping

    print(guess_mapping(args.input, sample=args.sample).toml(), end="")
    return 0
