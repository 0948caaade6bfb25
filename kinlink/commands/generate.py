"""``kinlink generate``: a synthetic MPP-like bundle with its ground truth."""

from __future__ import annotations

import argparse
from pathlib import Path

from kinlink.commands import progress_enabled

NAME = "generate"
HELP = "write a synthetic MPP-like bundle with its ground truth"
EXAMPLE = "kinlink generate /tmp/mpp40k --records 40000 --seed 7"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="folder to write the bundle into")
    parser.add_argument("--records", type=int, default=3000, help="individuals rows")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")


def run(args: argparse.Namespace) -> int:
    from kinlink.samples.generator import generate_bundle

    summary = generate_bundle(
        args.out, args.records, seed=args.seed, fmt=args.format, progress=progress_enabled(args)
    )
    if not args.quiet:
        print(f"wrote {args.out}: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return 0
