"""Time and peak memory of ``kinlink import-eoir`` on a release-shaped folder.

Usage::

    python benchmarks/bench_eoir.py                      # 5 million schedule rows (issue 7)
    python benchmarks/bench_eoir.py --schedule 200000    # a quick run
    python benchmarks/bench_eoir.py --folder /tmp/eoir5m --keep   # reuse / keep the release

Generates a made-up release in the real layout (every column of A_TblCase, B_TblProceeding,
tbl_schedule, tbl_Lead_Rider, A_TblCaseIdentifier and the lookups; tab-delimited except
B_TblProceeding, which is pipe-delimited; a cp1252 lookup; NUL bytes and a malformed row every
100,000 schedule rows), with one case per 5 schedule rows and 1.2 proceedings per case, then runs
the import as a child process and prints its wall time, CPU time and peak resident memory (the
child's ``ru_maxrss``). Wall time suffers when other work shares the machine; CPU time much less.
Nothing is asserted (issue 7's target: under 10 minutes and 4 GB).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCHEDULE_HEADER = (
    "IDNSCHEDULE\tIDNPROCEEDING\tIDNCASE\tOSC_DATE\tGENERATION\tSUB_GENERATION\tREC_TYPE\tLANG\t"
    "HEARING_LOC_CODE\tBASE_CITY_CODE\tIJ_CODE\tINTERPRETER_CODE\tINPUT_DATE\tINPUT_TIME\t"
    "UPDATE_DATE\tUPDATE_TIME\tASSIGNMENT_PATH\tCAL_TYPE\tADJ_DATE\tADJ_TIME_START\tADJ_TIME_STOP\t"
    "ADJ_RSN\tADJ_MEDIUM\tADJ_MSG\tADJ_ELAP_DAYS\tLNGSESSNID\tSCHEDULE_TYPE\tNOTICE_CODE\t"
    "BLNCLOCKOVERRIDE\tEOIRATTORNEYID"
)
CASE_HEADER = (
    "IDNCASE\tALIEN_CITY\tALIEN_STATE\tALIEN_ZIPCODE\tUPDATED_ZIPCODE\tUPDATED_CITY\tNAT\tLANG\t"
    "CUSTODY\tSITE_TYPE\tE_28_DATE\tATTY_NBR\tCASE_TYPE\tUPDATED_SITE\tLATEST_HEARING\tLATEST_TIME\t"
    "LATEST_CAL_TYPE\tUP_BOND_DATE\tUP_BOND_RSN\tCORRECTIONAL_FAC\tRELEASE_MONTH\tRELEASE_YEAR\t"
    "INMATE_HOUSING\tDATE_OF_ENTRY\tC_ASY_TYPE\tC_BIRTHDATE\tC_RELEASE_DATE\tUPDATED_STATE\t"
    "ADDRESS_CHANGEDON\tZBOND_MRG_FLAG\tSex\tDATE_DETAINED\tDATE_RELEASED\tLPR\tDETENTION_DATE\t"
    "DETENTION_LOCATION\tDCO_LOCATION\tDETENTION_FACILITY_TYPE\tCASEPRIORITY_CODE"
)
PROCEEDING_HEADER = (
    "IDNPROCEEDING|IDNCASE|OSC_DATE|INPUT_DATE|BASE_CITY_CODE|HEARING_LOC_CODE|IJ_CODE|"
    "TRANS_IN_DATE|PREV_HEARING_LOC|PREV_HEARING_BASE|PREV_IJ_CODE|TRANS_NBR|HEARING_DATE|"
    "HEARING_TIME|DEC_TYPE|DEC_CODE|DEPORTED_1|DEPORTED_2|OTHER_COMP|APPEAL_RSVD|APPEAL_NOT_FILED|"
    "COMP_DATE|ABSENTIA|VENUE_CHG_GRANTED|TRANSFER_TO|DATE_APPEAL_DUE_STATUS|TRANSFER_STATUS|"
    "CUSTODY|CASE_TYPE|NAT|LANG|SCHEDULED_HEAR_LOC|CORRECTIONAL_FAC|CRIM_IND|IHP|"
    "AGGRAVATE_FELON|DATE_DETAINED|DATE_RELEASED"
)
NATS = ["HO", "GT", "ES", "MX", "CU", "VE", "EC", "NU", "BR", "CO", "PE"]
NAT_NAMES = [
    "HONDURAS",
    "GUATEMALA",
    "EL SALVADOR",
    "MEXICO",
    "CUBA",
    "VENEZUELA",
    "ECUADOR",
    "NICARAGUA",
    "BRAZIL",
    "COLOMBIA",
    "PERU",
]
HLOCS = ["SNA", "LRD", "HLG", "BTV", "MIA", "HOU", "ELP", "SDC", "NYC", "LOS"]
HLOC_NAMES = [
    "SAN ANTONIO",
    "LAREDO MPP HEARING FACILITY",
    "HARLINGEN",
    "BROWNSVILLE MPP HEARING FACILITY",
    "MIAMI",
    "HOUSTON",
    "EL PASO",
    "SAN DIEGO",
    "NEW YORK",
    "LOS ANGELES",
]
DAYS = np.datetime64("2019-01-28") + np.arange(1200)
DATES = [f"{d} 00:00:00.000" for d in DAYS.astype(str)]


def _write_lines(path: Path, header: str, lines: list[str], mode: str = "w") -> None:
    with path.open(mode, encoding="utf-8", newline="") as fh:
        if mode == "w":
            fh.write(header + "\n")
        fh.write("\n".join(lines) + "\n")


def generate(folder: Path, schedule_rows: int, seed: int = 7) -> None:
    """Write a release-shaped folder with ``schedule_rows`` schedule rows."""
    rng = np.random.default_rng(seed)
    n_cases = max(10, schedule_rows // 5)
    folder.mkdir(parents=True, exist_ok=True)
    case_ids = np.arange(1_000_000, 1_000_000 + n_cases)
    nat = rng.integers(0, len(NATS), n_cases)
    pad = "\t" * 18  # CASE_TYPE is column 12, Sex column 30
    lines = [
        f"{c}\t\t\t\t\t\t{NATS[n]}\tSP\tN\t\t\t\tRMV{pad}{'MF'[int(s)]}" + "\t" * 8
        for c, n, s in zip(case_ids, nat, rng.integers(0, 2, n_cases), strict=True)
    ]
    _write_lines(folder / "A_TblCase.csv", CASE_HEADER, lines)

    # proceedings: one per case, a second for 20%
    second = case_ids[rng.random(n_cases) < 0.2]
    proc_case = np.concatenate([case_ids, second])
    proc_ids = np.arange(5_000_000, 5_000_000 + len(proc_case))
    loc = rng.integers(0, len(HLOCS), len(proc_case))
    osc = rng.integers(0, 400, len(proc_case))
    done = rng.random(len(proc_case)) < 0.4
    dec = rng.choice(np.array(["X", "T", "V", "R", "C"]), len(proc_case))
    absent = rng.random(len(proc_case)) < 0.5
    empty_tail = "|" * 9  # CASE_TYPE is column 28 of 38
    lines = []
    for p, c, h, o, d, dc, ab in zip(proc_ids, proc_case, loc, osc, done, dec, absent, strict=True):
        comp = DATES[o + 300] if d else ""
        code = dc if d else ""
        flag = ("Y" if ab else "N") if d else ""
        lines.append(
            f"{p}|{c}|{DATES[o]}|{DATES[o + 5]}|{HLOCS[h]}|{HLOCS[h]}|IJ1|||||||||"
            f"{code}||||||{comp}|{flag}||||||RMV{empty_tail}"
        )
    _write_lines(folder / "B_TblProceeding.csv", PROCEEDING_HEADER, lines)
    del lines

    # schedule, written in chunks
    chunk = 500_000
    written = 0
    while written < schedule_rows:
        n = min(chunk, schedule_rows - written)
        pick = rng.integers(0, len(proc_ids), n)
        adj = rng.integers(0, 1100, n)
        rsn = rng.choice(np.array(["", "", "1A", "17", "CX"]), n)
        cal = rng.choice(np.array(["M", "M", "I"]), n)
        out = []
        for i, (k, a, r, t) in enumerate(zip(pick, adj, rsn, cal, strict=True)):
            number = written + i
            msg = "no\x00te" if number % 100_000 == 50 else ""
            line = (
                f"{7_000_000 + number}\t{proc_ids[k]}\t{proc_case[k]}\t{DATES[osc[k]]}\t1\t0\t"
                f"O\tSP\t{HLOCS[loc[k]]}\t{HLOCS[loc[k]]}\tIJ1\t\t\t\t\t\t\t{t}\t{DATES[a]}\t"
                f"0830\t0900\t{r}\t\t{msg}\t\t\tAA\t\t\t"
            )
            if number % 100_000 == 99:
                line += "\tSTRAY"  # a malformed row
            out.append(line)
        _write_lines(
            folder / "tbl_schedule.csv", SCHEDULE_HEADER, out, mode="w" if written == 0 else "a"
        )
        written += n

    # families: 30% of cases in groups of 2-4 riding on a lead
    lead_rows = []
    family_cases = rng.permutation(case_ids)[: int(n_cases * 0.3)]
    i, link = 0, 1
    while i + 1 < len(family_cases):
        size = int(rng.integers(2, 5))
        group = family_cases[i : i + size]
        for rider in group[1:]:
            severed = DATES[600] if link % 20 == 0 else ""
            lead_rows.append(f"{link}\t{group[0]}\t{rider}\t{DATES[10]}\t\t{severed}\t\t\t\t\t1")
            link += 1
        i += size
    _write_lines(
        folder / "tbl_Lead_Rider.csv",
        "idnLeadRider\tidnLeadCase\tidnRiderCase\tdatCreatedOn\tdatModifiedOn\t"
        "datSeveredOn\tidnLeadProceedingStart\tidnLeadProceedingEnd\t"
        "idnRiderProceedingStart\tidnRiderProceedingEnd\tblnActive",
        lead_rows,
    )
    marked = case_ids[rng.random(n_cases) < 0.12]
    codes = rng.choice(np.array(["MP", "MP", "RM", "FA", "JV"]), len(marked))
    _write_lines(
        folder / "A_TblCaseIdentifier.csv",
        "IDNCASEID\tIDNCASE\tCASE_ID",
        [f"{k}\t{c}\t{code}" for k, (c, code) in enumerate(zip(marked, codes, strict=True))],
    )
    lookup = folder / "Lookup"
    lookup.mkdir(exist_ok=True)
    _write_lines(
        lookup / "tblLookupNationality.csv",
        "ID\tNAT_CODE\tNAT_NAME\tNAT_COUNTRY_NAME",
        [f"{i}\t{c}\t{n}\t{n}" for i, (c, n) in enumerate(zip(NATS, NAT_NAMES, strict=True))],
    )
    (lookup / "tblLanguage.csv").write_bytes(
        "idnLang\tstrCode\tstrDescription\n1\tSP\tSPANISH\n2\tQC\tK'ICHÉ\n".encode("cp1252")
    )
    _write_lines(
        lookup / "tblLookupHloc.csv",
        "HEARING_LOC_CODE\tHEARING_LOC_NAME",
        [f"{c}\t{n}" for c, n in zip(HLOCS, HLOC_NAMES, strict=True)],
    )
    _write_lines(
        lookup / "tblLookupCourtDecision.csv",
        "idnCourtDecision\tstrCaseType\tstrDecCode\tstrDecDescription",
        [
            "1\tRMV\tX\tRemoval",
            "2\tRMV\tT\tTerminated",
            "3\tRMV\tV\tVoluntary Departure",
            "4\tRMV\tR\tRelief Granted",
            "5\tRMV\tC\tCase Closed",
        ],
    )
    _write_lines(
        lookup / "tblLookupBaseCity.csv",
        "idnBaseCity\tBASE_CITY_CODE\tBASE_CITY_NAME",
        [
            f"{i}\t{c}\t{n.split(' MPP')[0]}"
            for i, (c, n) in enumerate(zip(HLOCS, HLOC_NAMES, strict=True))
        ],
    )
    _write_lines(
        lookup / "tblLookupCal_Type.csv",
        "idnCalType\tstrCalTypeCode\tstrCalTypeDescription",
        ["1\tM\tMaster", "2\tI\tIndividual"],
    )
    _write_lines(
        lookup / "tblAdjournmentCodes.csv",
        "idnAdjCode\tstrcode\tstrDesciption",
        ["1\t1A\tAlien to seek representation", "2\t17\tIJ illness", "3\tCX\tHearing cancelled"],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedule", type=int, default=5_000_000, help="schedule rows")
    parser.add_argument("--folder", type=Path, help="release folder (generated if missing)")
    parser.add_argument("--keep", action="store_true", help="keep the generated folders")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_eoir_"))
    release = args.folder or work / "release"
    try:
        if not (release / "A_TblCase.csv").is_file():
            started = time.perf_counter()
            generate(release, args.schedule)
            size = sum(p.stat().st_size for p in release.rglob("*") if p.is_file())
            print(
                f"generated {release}: {args.schedule:,} schedule rows, {size / 1e9:.2f} GB "
                f"in {time.perf_counter() - started:.0f}s"
            )
        kinlink = ROOT / ".venv" / "bin" / "kinlink"
        command = [
            str(kinlink if kinlink.exists() else "kinlink"),
            "import-eoir",
            str(release),
            "--out",
            str(work / "bundle"),
        ]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        print(done.stdout, end="")
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        print(
            f"import-eoir: wall {wall:.1f}s, CPU {cpu:.1f}s, peak RSS {peak_kb / 1024:.0f} MB "
            f"(target: < 600s, < 4096 MB)"
        )
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


if __name__ == "__main__":
    sys.exit(main())
