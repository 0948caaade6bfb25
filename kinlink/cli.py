"""The ``kinlink`` command: parse arguments, call the library, turn errors into clean exits.

Exit codes: 0 success (a usable bundle with some rejected rows is a success: see rejects.csv),
2 a :class:`~kinlink.errors.KinlinkError` (unreadable bundle, bad settings), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from kinlink import __version__
from kinlink.commands import COMMANDS
from kinlink.errors import KinlinkError

log = logging.getLogger("kinlink")


def _configure_logging(verbose: int) -> None:
    """Log kinlink's own messages to stderr; never touch the root logger."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("kinlink: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    log.propagate = False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinlink",
        description="Family-unit and case-linkage analysis for MPP records.",
    )
    parser.add_argument("--version", action="version", version=f"kinlink {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)"
    )
    common.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bars and no summary"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMANDS:
        module = importlib.import_module(f"kinlink.commands.{module_name}")
        sub = commands.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.HELP,
            parents=[common],
            epilog=f"example: {module.EXAMPLE}",
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        return int(args.run(args))
    except KinlinkError as err:
        message = str(err)
        if getattr(args, "mask", False):  # a masked run prints no value or line, errors included
            from kinlink.queries.privacy import mask_message

            message = mask_message(message)
        print(f"kinlink: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kinlink: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`kinlink evaluate ... | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
