"""One module per ``kinlink`` sub-command.

Each module defines ``NAME``, ``HELP``, ``EXAMPLE``, ``add_arguments(parser)`` and ``run(args)``
(returning the exit code). :mod:`kinlink.cli` registers the modules listed in ``COMMANDS``, in
that order. Commands import the library lazily inside ``run`` so ``kinlink --help`` stays fast
and an optional extra is only needed by the command that uses it.
"""

from __future__ import annotations

import argparse
import sys

COMMANDS = [
    "report",
    "generate",
    "evaluate",
    "explain",
    "dashboard",
    "export",
    "cypher",
    "import_eoir",
]


def progress_enabled(args: argparse.Namespace) -> bool:
    """Progress bars only on a terminal, and never with ``--quiet``."""
    return not args.quiet and sys.stderr.isatty()
