"""``kinlink check``: a preflight of an input, column by column, with the values that failed."""

from __future__ import annotations

import argparse
from pathlib import Path

from kinlink.commands import add_mapping_argument

NAME = "check"
HELP = "read an input as the report would and show, per column, what was read and what failed"
EXAMPLE = "kinlink check intake.xlsx --mapping mapping.toml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="a bundle folder, a workbook or one CSV file")
    add_mapping_argument(parser)
    parser.add_argument(
        "--examples", type=int, default=3, help="failing values shown per column (3)"
    )
    parser.add_argument(
        "--unparsed",
        type=Path,
        metavar="CSV",
        help="write every value read as missing (file, line, column, problem, value) here",
    )
    parser.add_argument(
        "--mask", action="store_true", help="show and write no values, only where they are"
    )


def run(args: argparse.Namespace) -> int:
    from kinlink.loaders.check import check_input

    result = check_input(args.input, mapping=args.mapping, examples=args.examples, mask=args.mask)
    print(result.text())
    if args.unparsed is not None:
        result.write_unparsed(args.unparsed)
    return 0
