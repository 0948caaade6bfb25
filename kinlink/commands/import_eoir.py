"""``kinlink import-eoir``: turn the immigration courts' FOIA release into a bundle."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "import-eoir"
HELP = "read the EOIR FOIA case-data release (unzipped) into a bundle"
EXAMPLE = "kinlink import-eoir ~/eoir/FOIA_release --out bundles/eoir"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        type=Path,
        help="the unzipped release (EOIR Case Data/: A_TblCase, B_TblProceeding, "
        "tbl_schedule, tbl_Lead_Rider, A_TblCaseIdentifier; Lookup/...), at any depth",
    )
    parser.add_argument("--out", type=Path, required=True, help="bundle folder to write")
    parser.add_argument(
        "--mpp-hearing-loc",
        action="append",
        default=[],
        metavar="CODE",
        help="a HEARING_LOC_CODE to count as an MPP hearing location, besides "
        "the MPP locations tblLookupHloc (or kinlink's packaged list) names (repeatable)",
    )
    parser.add_argument(
        "--court",
        choices=["hearing-location", "base-city"],
        default="hearing-location",
        help="a case's court: its latest proceeding's hearing location "
        "(default) or base city (the immigration court)",
    )

    parser.add_argument(
        "--all",
        action="store_true",
        help="keep every case; by default only MPP cases and the cases in a lead/rider family "
        "with one are kept (what is left out is counted in import_summary.json)",
    )


def run(args: argparse.Namespace) -> int:
    from kinlink.loaders.eoir import import_release

    summary = import_release(
        args.folder,
        args.out,
        mpp_hearing_locs=tuple(args.mpp_hearing_loc),
        court_from=args.court,
        scope="all" if args.all else "mpp",
    )
    if not args.quiet:
        print(summary.text())
    return 0
