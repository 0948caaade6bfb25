"""Write a made-up EOIR FOIA release in the published layout, at any size (no real data).

The layout follows the public descriptions of the release (ian-nason/eoir-database README and
``build_database.py``; deportationdata/eoir ``scripts/utilities.R``): data tables under
``EOIR Case Data/<date>/``, code tables under ``Lookup/``, files named ``.csv`` but tab-delimited
with no quoting, a ``Count.txt`` of row counts beside the data tables, padded codes, NUL bytes,
a few ragged rows and a cp1252 lookup. Column names and order are those of the release.

The population is shaped like the real one where it matters to kinlink: most cases have nothing
to do with MPP; about 0.6% are MPP cases (by the MPP case identifier, by an MPP hearing location,
or both), many of them in lead/rider families, some of whose members are not MPP; a few
credible-fear reviews are heard at MPP locations; a few hearings sit at the test location.

Used by ``benchmarks/bench_eoir.py``; run on its own::

    python benchmarks/eoir_release.py OUT --cases 12000000 --schedule 45000000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from kinlink.loaders.eoir.layout import (
    CASE_COLUMNS,
    LEAD_RIDER_COLUMNS,
    PROCEEDING_COLUMNS,
    SCHEDULE_COLUMNS,
)

# (NAT code, weight). EOIR's own codes, not ISO: HO Honduras, ES El Salvador, NU Nicaragua.
NATS = [
    ("HO", 18),
    ("GT", 18),
    ("ES", 12),
    ("MX", 20),
    ("CU", 6),
    ("VE", 5),
    ("EC", 5),
    ("NU", 4),
    ("BR", 3),
    ("CO", 3),
    ("PE", 2),
    ("HA", 2),
    ("CH", 1),
    ("IN", 1),
]
# regular courts: (code, city, state)
COURTS = [
    ("SNA", "SAN ANTONIO", "TX"),
    ("HLG", "HARLINGEN", "TX"),
    ("ELP", "EL PASO", "TX"),
    ("SDC", "SAN DIEGO", "CA"),
    ("MIA", "MIAMI", "FL"),
    ("HOU", "HOUSTON", "TX"),
    ("NYC", "NEW YORK", "NY"),
    ("LOS", "LOS ANGELES", "CA"),
    ("DAL", "DALLAS", "TX"),
    ("ORL", "ORLANDO", "FL"),
    ("CHI", "CHICAGO", "IL"),
    ("ATL", "ATLANTA", "GA"),
]
# MPP hearing locations: (code, name, city, state, base city). Names start with "MPP".
MPP_LOCATIONS = [
    ("MPB", "MPP BROWNSVILLE", "BROWNSVILLE", "TX", "HLG"),
    ("MPL", "MPP LAREDO", "LAREDO", "TX", "SNA"),
    ("ENP", "MPP EL PASO", "EL PASO", "TX", "ELP"),
    ("SYP", "MPP SAN YSIDRO PORT", "SAN YSIDRO", "CA", "SDC"),
    ("CIX", "MPP CALEXICO PORT", "CALEXICO", "CA", "SDC"),
    ("OPP", "MPP OTAY MESA PORT", "SAN DIEGO", "CA", "SDC"),
    ("TUM", "MPP TUCSON", "TUCSON", "AZ", "ELP"),
]
TEST_LOCATION = ("MPP", "TEST HEARING LOC - ECAS MPP", "FALLS CHURCH", "VA", "HQ")
# tblLookupCourtDecision: (case type, code, description, strDecType C = DEC_CODE, O = OTHER_COMP)
DECISIONS = [
    ("RMV", "X", "Removed", "C"),
    ("RMV", "R", "Relief Granted", "C"),
    ("RMV", "T", "Terminated", "C"),
    ("RMV", "V", "Voluntary Departure", "C"),
    ("RMV", "A", "Abandonment", "C"),
    ("RMV", "U", "Unknown Decision", "C"),
    ("RMV", "C", "Administrative Closing", "O"),
    ("RMV", "T", "Transfer", "O"),
    ("RMV", "V", "Change of Venue", "O"),
    ("RMV", "W", "Failure to Prosecute", "O"),
    ("CFR", "A", "Affirmed", "C"),
    ("CFR", "V", "Vacated", "C"),
]
DEC_CODES = ["X", "X", "X", "R", "T", "T", "V", "A", "U"]
OTHER_COMPS = ["C", "T", "V", "W"]
ADJOURNMENTS = [
    ("01", "Respondent to seek representation"),
    ("17", "IJ illness"),
    ("CX", "Hearing cancelled by the court"),
]
DAYS = np.datetime64("2019-01-28") + np.arange(1500)
DATES = np.array([f"{d} 00:00:00.000" for d in DAYS.astype(str)], dtype=object)


def _table(path: Path, columns: list[str], lines: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(columns) + "\n")
        if lines:
            fh.write("\n".join(lines) + "\n")


def _append(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write("\n".join(lines) + "\n")


def _row(columns: list[str], values: dict[str, str]) -> str:
    """A row template: ``{NAME}`` placeholders where ``values`` has them, other cells empty."""
    return "\t".join(values.get(name, "") for name in columns)


def generate(root: Path, cases: int, schedule: int, seed: int = 7) -> dict[str, int]:
    """Write the release under ``root`` and return the row counts per table."""
    rng = np.random.default_rng(seed)
    data = root / "EOIR Case Data" / "2026-0201"
    lookup = root / "Lookup"
    counts: dict[str, int] = {}
    n = max(cases, 20)
    ids = np.arange(1_000_001, 1_000_001 + n)

    # families: ~32% of cases in lead/rider groups of 2-4 (about 0.21 links per case)
    in_family = rng.permutation(n)[: int(n * 0.32)]
    sizes = rng.choice([2, 3, 4], size=len(in_family) // 2, p=[0.55, 0.3, 0.15])
    ends = np.cumsum(sizes)
    sizes, ends = sizes[ends <= len(in_family)], ends[ends <= len(in_family)]
    family = np.full(n, -1, dtype=np.int64)
    starts = ends - sizes
    group = np.repeat(np.arange(len(sizes)), sizes)
    members = in_family[: ends[-1] if len(ends) else 0]
    family[members] = group
    lead_of_group = in_family[starts]

    # MPP: seeds at 0.35% of cases; a seed's family follows it 80% of the time
    mpp = rng.random(n) < 0.0035
    follow = np.zeros(len(sizes), dtype=bool)
    seeded = np.unique(family[mpp & (family >= 0)])
    follow[seeded] = rng.random(len(seeded)) < 0.8
    mpp |= (family >= 0) & follow[np.maximum(family, 0)]
    mpp &= ~((family >= 0) & follow[np.maximum(family, 0)] & (rng.random(n) < 0.12))  # splits
    basis = rng.choice(3, size=n, p=[0.7, 0.15, 0.15])  # 0 both, 1 identifier only, 2 location
    cfr = (~mpp) & (rng.random(n) < 0.002)  # credible-fear reviews, some heard at MPP locations

    nat_codes = np.array([c for c, _ in NATS])
    weights = np.array([w for _, w in NATS], dtype=float)
    nat = rng.choice(len(NATS), size=n, p=weights / weights.sum())
    fam_nat = rng.choice(len(NATS), size=len(sizes), p=weights / weights.sum())
    same = (family >= 0) & (rng.random(n) < 0.93)  # 7% of family members differ
    nat = np.where(same, fam_nat[np.maximum(family, 0)], nat)
    pad = rng.random(n) < 0.05  # padded codes, as the release has them ('HO ')

    case_file = data / "A_TblCase.csv"
    tmpl = _row(
        CASE_COLUMNS,
        {
            "IDNCASE": "{0}",
            "NAT": "{1}",
            "LANG": "{2}",
            "CUSTODY": "N",
            "CASE_TYPE": "{3}",
            "DATE_OF_ENTRY": "{4}",
            "Sex": "{5}",
        },
    )
    _table(case_file, CASE_COLUMNS)
    sex = rng.choice(np.array(["M", "F"]), n)
    step = 1_000_000
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        lines = [
            tmpl.format(
                ids[i],
                nat_codes[nat[i]] + (" " if pad[i] else ""),
                "SP " if pad[i] else "SP",
                "CFR" if cfr[i] else "RMV",
                DATES[i % 300],
                sex[i],
            )
            for i in range(lo, hi)
        ]
        if lo == 0:
            lines[5] = lines[5] + "\tSTRAY"  # a ragged row
        _append(case_file, lines)
    counts["A_TblCase"] = n

    # proceedings: one per case, a second (transfer / venue change) for 30%
    second = rng.random(n) < 0.3
    proc_case = np.concatenate([np.arange(n), np.flatnonzero(second)])
    first = np.concatenate([np.ones(n, dtype=bool), np.zeros(int(second.sum()), dtype=bool)])
    order = np.argsort(proc_case, kind="stable")
    proc_case, first = proc_case[order], first[order]
    p = len(proc_case)
    proc_ids = np.arange(5_000_001, 5_000_001 + p)
    court = rng.integers(0, len(COURTS), p)
    mloc = rng.integers(0, len(MPP_LOCATIONS), p)
    at_mpp = (mpp[proc_case] & (basis[proc_case] != 1) & first) | (
        cfr[proc_case] & (rng.random(p) < 0.3)
    )
    hloc = np.where(
        at_mpp,
        np.array([m[0] for m in MPP_LOCATIONS])[mloc],
        np.array([c[0] for c in COURTS])[court],
    )
    base = np.where(
        at_mpp,
        np.array([m[4] for m in MPP_LOCATIONS])[mloc],
        np.array([c[0] for c in COURTS])[court],
    )
    test = rng.random(p) < 0.0002
    hloc = np.where(test, TEST_LOCATION[0], hloc)
    osc = rng.integers(0, 600, p)
    last = np.append(proc_case[1:] != proc_case[:-1], True)
    done = np.where(last, rng.random(p) < 0.55, True)  # an earlier proceeding ended
    dec = np.array(DEC_CODES)[rng.integers(0, len(DEC_CODES), p)]
    other = np.array(OTHER_COMPS)[rng.integers(0, len(OTHER_COMPS), p)]
    by_dec = last & (rng.random(p) < 0.75)
    absent = rng.random(p) < 0.4
    tmpl = _row(
        PROCEEDING_COLUMNS,
        {
            "IDNPROCEEDING": "{0}",
            "IDNCASE": "{1}",
            "OSC_DATE": "{2}",
            "INPUT_DATE": "{2}",
            "BASE_CITY_CODE": "{3}",
            "HEARING_LOC_CODE": "{4}",
            "IJ_CODE": "IJ1",
            "DEC_CODE": "{5}",
            "OTHER_COMP": "{6}",
            "COMP_DATE": "{7}",
            "ABSENTIA": "{8}",
            "CASE_TYPE": "{9}",
            "NAT": "{10}",
        },
    )
    proc_file = data / "B_TblProceeding.csv"
    _table(proc_file, PROCEEDING_COLUMNS)
    for lo in range(0, p, step):
        hi = min(p, lo + step)
        lines = []
        for i in range(lo, hi):
            c = proc_case[i]
            decided = done[i] and by_dec[i]
            lines.append(
                tmpl.format(
                    proc_ids[i],
                    ids[c],
                    DATES[osc[i]],
                    base[i],
                    hloc[i],
                    dec[i] if decided else "",
                    other[i] if done[i] and not decided else "",
                    DATES[osc[i] + 400] if done[i] else "",
                    ("Y" if absent[i] else "N") if decided and dec[i] == "X" else "",
                    "CFR" if cfr[c] else "RMV",
                    nat_codes[nat[c]],
                )
            )
        _append(proc_file, lines)
    counts["B_TblProceeding"] = p

    # schedule: `schedule` rows over the proceedings, at the proceeding's hearing location
    tmpl = _row(
        SCHEDULE_COLUMNS,
        {
            "IDNSCHEDULE": "{0}",
            "IDNPROCEEDING": "{1}",
            "IDNCASE": "{2}",
            "LANG": "SP",
            "HEARING_LOC_CODE": "{3}",
            "BASE_CITY_CODE": "{4}",
            "CAL_TYPE": "{5}",
            "ADJ_DATE": "{6}",
            "ADJ_TIME_START": "0830",
            "ADJ_RSN": "{7}",
            "ADJ_MSG": "{8}",
            "SCHEDULE_TYPE": "AA",
        },
    )
    sched_file = data / "tbl_schedule.csv"
    _table(sched_file, SCHEDULE_COLUMNS)
    reasons = np.array(["", "", "", "01", "17", "CX"])
    cal = np.array(["M", "M", "I"])
    written = 0
    while written < schedule:
        m = min(step, schedule - written)
        pick = rng.integers(0, p, m)
        adj = osc[pick] + rng.integers(0, 500, m)
        rsn = reasons[rng.integers(0, len(reasons), m)]
        kind = cal[rng.integers(0, 3, m)]
        lines = []
        for j in range(m):
            k = pick[j]
            number = written + j
            lines.append(
                tmpl.format(
                    10_000_001 + number,
                    proc_ids[k],
                    ids[proc_case[k]],
                    hloc[k],
                    base[k],
                    kind[j],
                    DATES[adj[j]],
                    rsn[j],
                    "no\x00te" if number % 100_000 == 50 else "",
                )
            )
            if number % 1_000_000 == 99:
                lines[-1] += "\tSTRAY"  # a ragged row
        _append(sched_file, lines)
        written += m
    counts["tbl_schedule"] = schedule

    # lead/rider links; 5% severed (blnActive 0, datSeveredOn set)
    rider_rows = members[family[members] >= 0]
    rider_rows = rider_rows[rider_rows != lead_of_group[family[rider_rows]]]
    severed = rng.random(len(rider_rows)) < 0.05
    lines = [
        f"{k + 1}\t{ids[lead_of_group[family[r]]]}\t{ids[r]}\t{DATES[10]}\t\t"
        f"{DATES[700] if s else ''}\t\t\t\t\t{0 if s else 1}"
        for k, (r, s) in enumerate(zip(rider_rows.tolist(), severed.tolist(), strict=True))
    ]
    _table(data / "tbl_Lead_Rider.csv", LEAD_RIDER_COLUMNS, lines)
    counts["tbl_Lead_Rider"] = len(lines)

    # case identifiers: MP / RM for MPP cases (not the location-only ones), FA / DD / FM for
    # families, other codes elsewhere (about 0.2 rows per case)
    by_id = np.flatnonzero(mpp & (basis != 2))
    fam_cases = np.flatnonzero((family >= 0) & (rng.random(n) < 0.2))
    other_cases = rng.choice(n, size=int(n * 0.13), replace=False)
    rows = (
        [(c, "MP" if rng.random() < 0.8 else "RM") for c in by_id.tolist()]
        + [
            (c, str(x))
            for c, x in zip(
                fam_cases.tolist(),
                rng.choice(np.array(["FA", "DD", "FM"]), len(fam_cases)).tolist(),
                strict=True,
            )
        ]
        + [
            (c, str(x))
            for c, x in zip(
                other_cases.tolist(),
                rng.choice(np.array(["RN", "JV", "4M"]), len(other_cases)).tolist(),
                strict=True,
            )
        ]
    )
    lines = [f"{k + 1}\t{ids[c]}\t{code}" for k, (c, code) in enumerate(rows)]
    _table(data / "A_TblCaseIdentifier.csv", ["IDNCASEID", "IDNCASE", "CASE_ID"], lines)
    counts["A_TblCaseIdentifier"] = len(lines)
    (data / "Count.txt").write_text(
        "".join(f"{name}\t{count}\r\n" for name, count in counts.items()), encoding="utf-8"
    )
    _lookups(lookup)
    return counts


def _lookups(lookup: Path) -> None:
    names = {
        "HO": "HONDURAS",
        "GT": "GUATEMALA",
        "ES": "EL SALVADOR",
        "MX": "MEXICO",
        "CU": "CUBA",
        "VE": "VENEZUELA",
        "EC": "ECUADOR",
        "NU": "NICARAGUA",
        "BR": "BRAZIL",
        "CO": "COLOMBIA",
        "PE": "PERU",
        "HA": "HAITI",
        "CH": "CHINA",
        "IN": "INDIA",
        "??": "UNKNOWN COUNTRY",
    }
    _table(
        lookup / "tblLookupNationality.csv",
        ["ID", "NAT_CODE", "NAT_NAME", "NAT_COUNTRY_NAME", "NAT_NACARA_COUNTRY", "blnActive"],
        [f"{i}\t{c}\t{n}\t{n}\tN\t1" for i, (c, n) in enumerate(names.items())],
    )
    (lookup / "tblLanguage.csv").write_bytes(
        "idnLang\tstrCode\tstrDescription\n1\tSP\tSPANISH\n2\tQC\tK'ICHÉ\n".encode("cp1252")
    )
    _table(
        lookup / "tblLookupBaseCity.csv",
        [
            "idnBaseCity",
            "BASE_CITY_CODE",
            "BASE_CITY_NAME",
            "BASE_ST_ADDRESS",
            "BASE_CITY",
            "BASE_STATE",
        ],
        [
            f"{i}\t{c}\tIMMIGRATION COURT\t1 MAIN ST\t{city}\t{st}"
            for i, (c, city, st) in enumerate(COURTS)
        ],
    )
    hlocs = [(c, f"{city} IMMIGRATION COURT", city, st, c) for c, city, st in COURTS]
    hlocs += [*MPP_LOCATIONS, TEST_LOCATION]
    _table(
        lookup / "tblLookupHloc.csv",
        [
            "idnHloc",
            "HEARING_LOC_CODE",
            "HEARING_LOC_NAME",
            "HEARING_CITY",
            "HEARING_STATE",
            "HEARING_BASE_CITY",
            "blnActive",
        ],
        [f"{i}\t{c}\t{n}\t{city}\t{st}\t{b}\t1" for i, (c, n, city, st, b) in enumerate(hlocs)],
    )
    _table(
        lookup / "tblLookupCourtDecision.csv",
        [
            "idnCourtDecision",
            "strCaseType",
            "strDecCode",
            "strDecDescription",
            "strDecType",
            "strFinalDisposition",
            "blnActive",
        ],
        [f"{i}\t{t}\t{c}\t{d}\t{k}\t\t1" for i, (t, c, d, k) in enumerate(DECISIONS)],
    )
    _table(
        lookup / "tblDecCode.csv",
        ["idnDecCode", "strCode", "strDescription", "blnActive"],
        ["1\tA\tLEGALLY ADMITTED\t1", "12\tR\tREMOVED\t1"],
    )
    _table(
        lookup / "tblLookUpCaseIdentifier.csv",
        ["idnCaseIdentifier", "strcode", "strDescription", "blnActive"],
        [
            "1\tMP\tMIGRANT PROTECTION PROTOCOL\t1",
            "2\tRM\tREMAIN IN MEXICO\t1",
            "3\tFA\tFAMILY UNITS\t1",
            "4\tDD\tDEDICATED DOCKET\t1",
            "5\tFM\tFAMILY EXPEDITED REMOVAL MANAGEMENT\t1",
        ],
    )
    _table(
        lookup / "tbllookupCal_Type.csv",
        ["idnCalType", "strCalTypeCode", "strCalTypeDescription"],
        ["1\tM\tMaster", "2\tI\tIndividual"],
    )
    _table(
        lookup / "tblAdjournmentcodes.csv",
        ["idnAdjCode", "strcode", "strDesciption"],
        [f"{i}\t{c}\t{d}" for i, (c, d) in enumerate(ADJOURNMENTS)],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--schedule", type=int, default=5_000_000)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.out, args.cases, args.schedule)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(
        f"wrote {args.out}: {counts}, {size / 1e9:.2f} GB in {time.perf_counter() - started:.0f}s"
    )


if __name__ == "__main__":
    main()
