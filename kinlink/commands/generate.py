"""``kinlink generate``: a synthetic MPP-like bundle with its ground truth."""

from __future__ import annotations

import argparse
from pathlib import Path

from kinlink.commands import progress_enabled

NAME = "generate"
HELP = "write a synthetic MPP-like bundle with its ground truth"
EXAMPLE = "kinlink generate /tmp/mpp40k --records 40000 --seed 7 --identifiers none --shuffle"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="folder to write the bundle into")
    parser.add_argument("--records", type=int, default=3000, help="individuals rows")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    regime = parser.add_argument_group("regimes (bundles shaped unlike the default)")
    regime.add_argument(
        "--identifiers",
        choices=["all", "few", "none"],
        default="all",
        help="A-numbers and other ids on every record that has one (all), on one in ten (few) "
        "or on none, as in NGO lists with names and birth dates only",
    )
    regime.add_argument(
        "--typo-rate",
        type=float,
        default=1.0,
        help="factor on every spelling error, A-number typo and wrong birth date (0-10)",
    )
    regime.add_argument(
        "--dob-placeholders",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="share of birth dates written as 1 January of the year (only the year known)",
    )
    regime.add_argument(
        "--shuffle",
        action="store_true",
        help="shuffle the individuals rows globally and renumber record ids in that order",
    )


def run(args: argparse.Namespace) -> int:
    from kinlink.errors import SettingsError
    from kinlink.samples.generator import generate_bundle
    from kinlink.samples.regime import Regime

    try:
        regime = Regime(
            identifiers=args.identifiers,
            typo_rate=args.typo_rate,
            dob_placeholder=args.dob_placeholders,
            shuffle=args.shuffle,
        )
    except ValueError as err:
        raise SettingsError(str(err)) from err
    summary = generate_bundle(
        args.out,
        args.records,
        seed=args.seed,
        fmt=args.format,
        progress=progress_enabled(args),
        regime=regime,
    )
    if not args.quiet:
        print(f"wrote {args.out}: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return 0
