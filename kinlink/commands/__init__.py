"""One module per ``kinlink`` sub-command.

Each module defines ``NAME``, ``HELP``, ``EXAMPLE``, ``add_arguments(parser)`` and ``run(args)``
(returning the exit code). :mod:`kinlink.cli` registers the modules listed in ``COMMANDS``, in
that order. Commands import the library lazily inside ``run`` so ``kinlink --help`` stays fast
and an optional extra is only needed by the command that uses it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

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


USER_ENV = "KINLINK_NEO4J_USER"


def add_graph_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments that say where a graph comes from (shared by ``export`` and ``cypher``)."""
    parser.add_argument(
        "--resolver",
        choices=["fellegi-sunter", "exact"],
        default="fellegi-sunter",
        help="identity resolver used when BUNDLE is a bundle (not a saved graph folder)",
    )
    add_mapping_argument(parser)


def add_neo4j_arguments(parser: argparse.ArgumentParser, uri_group: Any = None) -> None:
    """``--neo4j-uri`` (in ``uri_group`` if given), ``--user``, ``--database``; the password
    is read only from the environment."""
    (uri_group or parser).add_argument(
        "--neo4j-uri", metavar="URI", help="Neo4j bolt:// or neo4j:// URI"
    )
    parser.add_argument(
        "--user",
        default=os.environ.get(USER_ENV, "neo4j"),
        help=f"Neo4j user (default ${USER_ENV} or neo4j); the password is read from "
        "$KINLINK_NEO4J_PASSWORD, never from a flag",
    )
    parser.add_argument("--database", help="Neo4j database (default: the server's default)")


def graph_of(args: argparse.Namespace, *, mask_key: bytes | None = None) -> Any:
    """The case-linkage graph of ``args.bundle`` (a bundle, a spreadsheet read through
    ``--mapping``, a report or a saved graph), through :func:`kinlink.open`."""
    import kinlink

    source = kinlink.open(
        args.bundle,
        resolver=args.resolver,
        mapping=args.mapping,
        progress=progress_enabled(args),
    )
    return source.graph(mask_key=mask_key)
