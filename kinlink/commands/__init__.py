"""One module per ``kinlink`` sub-command.

Each module defines ``NAME``, ``HELP``, ``EXAMPLE``, ``add_arguments(parser)`` and ``run(args)``
(returning the exit code). :mod:`kinlink.cli` registers the modules listed in ``COMMANDS``, in
that order. Commands import the library lazily inside ``run`` so ``kinlink --help`` stays fast
and an optional extra is only needed by the command that uses it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

COMMANDS = [
    "report",
    "mapping",
    "check",
    "generate",
    "evaluate",
    "explain",
    "dashboard",
    "export",
    "cypher",
    "graphdb",
    "import_eoir",
]


def progress_enabled(args: argparse.Namespace) -> bool:
    """Progress bars only on a terminal, and never with ``--quiet``."""
    return not args.quiet and sys.stderr.isatty()


def add_mapping_argument(parser: argparse.ArgumentParser) -> None:
    """``--mapping``: how to read an input that is not a bundle (every command that reads one)."""
    parser.add_argument(
        "--mapping",
        type=Path,
        metavar="TOML",
        help="read the input through this mapping (columns, constants, value maps, date "
        "formats); `kinlink mapping INPUT > mapping.toml` writes a first guess",
    )
