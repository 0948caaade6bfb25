"""The ``kinlink`` command: parse arguments, call the library, turn errors into clean exits.

Exit codes: 0 success (a usable bundle with some rejected rows is a success: see rejects.csv),
2 a :class:`~kinlink.errors.KinlinkError` (unreadable bundle, bad settings), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kinlink import __version__
from kinlink.errors import KinlinkError

log = logging.getLogger("kinlink")

EXAMPLES = {
    "report": "kinlink report data/samples/bundle --out reports/sample",
    "generate": "kinlink generate /tmp/mpp40k --records 40000 --seed 7",
    "evaluate": "kinlink evaluate reports/sample --truth data/samples/bundle/truth",
    "explain": "kinlink explain data/samples/bundle CBP-000001 NGO-000123",
}


def _configure_logging(verbose: int) -> None:
    """Log kinlink's own messages to stderr; never touch the root logger."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("kinlink: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    log.propagate = False


def _progress_enabled(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty()


def _cmd_report(args: argparse.Namespace) -> int:
    from kinlink.pipeline import run_report

    summary = run_report(args.bundle, args.out, resolver=args.resolver,
                         progress=_progress_enabled(args))
    if not args.quiet:
        print(summary.text())
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from kinlink.samples.generator import generate_bundle

    summary = generate_bundle(args.out, args.records, seed=args.seed, fmt=args.format,
                              progress=_progress_enabled(args))
    if not args.quiet:
        print(f"wrote {args.out}: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from kinlink.queries.evaluate import evaluate, format_scores

    truth = args.truth or Path(args.report) / "truth"
    result = evaluate(args.report, truth)
    print(json.dumps(result, indent=2) if args.json else format_scores(result))
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from kinlink.pipeline import explain

    print(explain(args.bundle, args.record_a, args.record_b))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinlink",
        description="Family-unit and case-linkage analysis for MPP records.",
    )
    parser.add_argument("--version", action="version", version=f"kinlink {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=0,
                        help="more log output (-vv for debug)")
    common.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bars and no summary")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, description=help_text,
                                   parents=[common], epilog=f"example: {EXAMPLES[name]}")

    report = command("report", "resolve a bundle and write the batch linkage report")
    report.add_argument("bundle", type=Path, help="bundle folder (CSV or Parquet tables)")
    report.add_argument("--out", type=Path, required=True, help="report folder to write")
    report.add_argument("--resolver", choices=["fellegi-sunter", "exact"],
                        default="fellegi-sunter",
                        help="identity resolver (exact = the exact-key baseline)")
    report.set_defaults(run=_cmd_report)

    generate = command("generate", "write a synthetic MPP-like bundle with its ground truth")
    generate.add_argument("out", type=Path, help="folder to write the bundle into")
    generate.add_argument("--records", type=int, default=3000, help="individuals rows")
    generate.add_argument("--seed", type=int, default=0, help="random seed")
    generate.add_argument("--format", choices=["csv", "parquet"], default="csv")
    generate.set_defaults(run=_cmd_generate)

    evaluate = command("evaluate", "score a report against a generated bundle's truth")
    evaluate.add_argument("report", type=Path, help="report folder")
    evaluate.add_argument("--truth", type=Path, help="truth folder (BUNDLE/truth)")
    evaluate.add_argument("--json", action="store_true", help="print JSON")
    evaluate.set_defaults(run=_cmd_evaluate)

    explain = command("explain", "show why two records are (not) the same person")
    explain.add_argument("bundle", type=Path)
    explain.add_argument("record_a")
    explain.add_argument("record_b")
    explain.set_defaults(run=_cmd_explain)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        return int(args.run(args))
    except KinlinkError as err:
        print(f"kinlink: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kinlink: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
