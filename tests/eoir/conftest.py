"""A small EOIR release written by code in the published layout, with its known defects.

Layout and column names follow the public descriptions of the release (ian-nason/eoir-database,
deportationdata/eoir): data tables under ``EOIR Case Data/2026-0201/`` with a ``Count.txt``,
code tables under ``Lookup/`` (both ``tblLookupCourtDecision`` and the unrelated ``tblDecCode``),
tab-delimited, no quoting. No real data: every value is made up.

The cases it holds (IDNCASE):

- 1001 (lead) + 1002, 1003: Honduran, Honduran (NAT padded ``'HO '``), Guatemalan. 1001 MPP by
  identifier and by its proceeding at MPL (basis both), pending; 1002 MPP by identifier only (RM),
  transferred: its latest proceeding is at HLG, the first ended with OTHER_COMP C; 1003 MPP (both),
  removed in absentia (DEC_CODE X, ABSENTIA Y). -> COURT_SPLIT, WIND_DOWN_SPLIT, mixed nationality.
- 2001 (lead) + 2002: Salvadoran. 2001 MPP only through its proceeding at MPB (basis location),
  2002 not MPP, pending at MIA -> COURT_SPLIT, MPP_SPLIT.
- 3001 with a severed link to 3002 and an inactive one to 3003; none MPP: left out by default.
- 4001: MPP only through a scheduled hearing at ENP (padded ``'ENP '``); FM docket.
- 4002: MP, relief granted (DEC_CODE R, decoded by the lookup's type-C row).
- 4003: MP, DEC_CODE Q (no meaning anywhere: status empty).
- 4005: MP, OTHER_COMP C (type O: Administrative Closing -> CLOSED).
- 4006: MP, OTHER_COMP T (type O: Transfer -> PENDING); 4007: MP, DEC_CODE T (type C:
  Terminated). The letters collide; the columns tell them apart.
- 5001: a credible-fear review (CFR) with MP, heard at MPL: not MPP (left out by default).
- 5002: heard only at the test location ``MPP``: not MPP (left out by default).

Defects (each is asserted on by the tests):

- A_TblCase.csv: tab, cp1252 (an ALIEN_CITY "PEÑA"); line 9 has 5 fields (rejected); line 13
  repeats IDNCASE 4002 of line 10 (rejected); line 14 (case 4004) ends in a stray tab the header
  does not have (rejected: the same shape as a row shifted by a stray mid-row tab).
- B_TblProceeding.csv: CRLF; line 9 names case 9001 (rejected: its case row was malformed);
  line 10 has a stray field mid-row, its last column empty (rejected).
- tbl_schedule.csv: NUL bytes inside line 3, a blank line 8, line 9 names unknown case 7777;
  case identifiers and hearing locations padded (``'MP '``, ``'ENP '``).
- tbl_Lead_Rider.csv: line 6 links to unknown case 8888 (rejected).
- Count.txt says tbl_schedule has 2 rows more than the file holds.
- Lookup/tblLanguage.csv: cp1252 ("K'ICHÉ").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kinlink.loaders.eoir.layout import (
    CASE_COLUMNS,
    LEAD_RIDER_COLUMNS,
    PROCEEDING_COLUMNS,
    SCHEDULE_COLUMNS,
)


def day(iso: str) -> str:
    """A date as the release writes it."""
    return f"{iso} 00:00:00.000"


def row(columns: list[str], **values: str) -> list[str]:
    """One row in ``columns`` order; unnamed columns empty."""
    unknown = set(values) - set(columns)
    assert not unknown, unknown
    return [values.get(name, "") for name in columns]


def write_table(
    path: Path,
    columns: list[str],
    rows: list[list[str]],
    *,
    delimiter: str = "\t",
    newline: str = "\n",
    encoding: str = "utf-8",
) -> None:
    """Write rows unquoted, the way the release does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [delimiter.join(columns)] + [delimiter.join(r) for r in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))


DATA = Path("EOIR Case Data") / "2026-0201"


def _cases() -> list[str]:
    def case(idn: str, nat: str, sex: str, lang: str = "SP", **extra: str) -> list[str]:
        values = {"CUSTODY": "N", "CASE_TYPE": "RMV", "DATE_OF_ENTRY": day("2019-03-01"), **extra}
        return row(CASE_COLUMNS, IDNCASE=idn, NAT=nat, Sex=sex, LANG=lang, **values)

    rows = [
        case("1001", "HO", "F", ALIEN_CITY="PEÑA"),
        case("1002", "HO ", "M", "SP "),
        case("1003", "GT", "M", "QC"),
        case("2001", "ES", "F"),
        case("2002", "ES", "M"),
        case("3001", "MX", "F"),
        case("3002", "MX", "M"),
    ]
    tab = "\t"
    lines = [tab.join(r) for r in rows]  # lines 2-8
    lines.append("9001\tHO\tSP\tN\tRMV")  # line 9: too few fields
    lines.append(tab.join(case("4002", "HO", "F")))  # line 10
    lines.append(tab.join(case("3003", "MX", "M")))  # line 11
    lines.append(tab.join(case("4001", "CU", "M")))  # line 12
    lines.append(tab.join(case("4002", "ES", "M")))  # line 13: repeats IDNCASE 4002
    lines.append(tab.join(case("4004", "HO", "F")) + tab)  # line 14: stray trailing tab
    lines.append(tab.join(case("4003", "XX", "U")))  # line 15
    for idn in ("4005", "4006", "4007"):
        lines.append(tab.join(case(idn, "VE", "F")))  # lines 16-18
    lines.append(tab.join(case("5001", "HO", "M", CASE_TYPE="CFR")))  # line 19
    lines.append(tab.join(case("5002", "HO", "M")))  # line 20
    return lines


def _proceedings() -> list[list[str]]:
    def proc(idn: str, case: str, base: str, hloc: str, **extra: str) -> list[str]:
        values = {
            "OSC_DATE": day("2019-05-02"),
            "INPUT_DATE": day("2019-05-10"),
            "CASE_TYPE": "RMV",
            **extra,
        }
        return row(
            PROCEEDING_COLUMNS,
            IDNPROCEEDING=idn,
            IDNCASE=case,
            BASE_CITY_CODE=base,
            HEARING_LOC_CODE=hloc,
            **values,
        )

    done = day("2020-01-15")
    bad = proc("5012", "3002", "SNA", "SNA")
    bad.insert(5, "EXTRA")  # a stray field mid-row
    return [
        proc("5001", "1001", "SNA", "MPL"),  # line 2
        proc(
            "5002",
            "1002",
            "SNA",
            "SNA",
            COMP_DATE=day("2019-11-01"),
            OTHER_COMP="C",
            OSC_DATE=day("2019-04-20"),
        ),
        proc("5010", "1002", "HLG", "HLG", OSC_DATE=day("2019-06-01")),
        proc("5003", "1003", "SNA", "MPL", DEC_CODE="X", ABSENTIA="Y", COMP_DATE=done),
        proc("5004", "2001", "HLG", "MPB"),
        proc("5005", "2002", "MIA", "MIA"),
        proc("5006", "3001", "SNA", "SNA"),  # line 8
        proc("5011", "9001", "HLG", "HLG"),  # line 9: its case row was malformed
        bad,  # line 10
        proc("5007", "4001", "ELP", "ELP"),
        proc("5008", "4002", "HLG", "HLG", DEC_CODE="R", ABSENTIA="N", COMP_DATE=day("2020-03-03")),
        proc("5009", "4003", "HLG", "HLG", DEC_CODE="Q", COMP_DATE=day("2020-04-04")),
        proc("5013", "4005", "HOU", "HOU", OTHER_COMP="C", COMP_DATE=done),
        proc("5014", "4006", "HOU", "HOU", OTHER_COMP="T", COMP_DATE=done),
        proc("5015", "4007", "HOU", "HOU", DEC_CODE="T", COMP_DATE=done),
        proc("5016", "5001", "SNA", "MPL", CASE_TYPE="CFR"),
        proc("5017", "5002", "SNA", "MPP"),
    ]


def write_release(folder: Path, *, lookups: bool = True) -> Path:
    """Write the fixture release into ``folder`` and return it."""
    data = folder / DATA
    data.mkdir(parents=True, exist_ok=True)
    text = "\t".join(CASE_COLUMNS) + "\n" + "\n".join(_cases()) + "\n"
    (data / "A_TblCase.csv").write_bytes(text.encode("cp1252"))
    write_table(data / "B_TblProceeding.csv", PROCEEDING_COLUMNS, _proceedings(), newline="\r\n")

    def hearing(
        idn: str, proc_id: str, case: str, hloc: str, cal: str, date: str, **extra: str
    ) -> list[str]:
        return row(
            SCHEDULE_COLUMNS,
            IDNSCHEDULE=idn,
            IDNPROCEEDING=proc_id,
            IDNCASE=case,
            HEARING_LOC_CODE=hloc,
            CAL_TYPE=cal,
            ADJ_DATE=day(date),
            ADJ_TIME_START="0830",
            SCHEDULE_TYPE="AA",
            **extra,
        )

    sched = [
        hearing("601", "5001", "1001", "MPL", "M", "2019-09-01", ADJ_RSN="01"),  # line 2
        hearing("602", "5003", "1003", "MPL", "M", "2020-01-15", ADJ_MSG="no\x00show\x00"),
        hearing("603", "5008", "4002", "HLG", "I", "2020-03-03"),
        hearing("604", "5007", "4001", "ENP ", "M", "2019-10-10", ADJ_RSN="CX"),
        hearing("605", "5004", "2001", "MPB", "M", "2021-08-01"),
        hearing("607", "5017", "5002", "MPP", "M", "2019-08-08"),  # line 7: the test location
    ]
    lines = ["\t".join(SCHEDULE_COLUMNS)] + ["\t".join(r) for r in sched]
    lines.append("")  # line 8: blank
    lines.append("\t".join(hearing("606", "5999", "7777", "SNA", "M", "2020-01-01")))  # line 9
    (data / "tbl_schedule.csv").write_bytes(("\n".join(lines) + "\n").encode("utf-8"))

    def link(idn: str, lead: str, rider: str, active: str = "1", severed: str = "") -> list[str]:
        return row(
            LEAD_RIDER_COLUMNS,
            idnLeadRider=idn,
            idnLeadCase=lead,
            idnRiderCase=rider,
            datCreatedOn=day("2019-05-10"),
            datSeveredOn=severed,
            blnActive=active,
        )

    write_table(
        data / "tbl_Lead_Rider.csv",
        LEAD_RIDER_COLUMNS,
        [
            link("1", "1001", "1002"),
            link("2", "1001", "1003"),
            link("3", "2001", "2002"),
            link("4", "3001", "3002", active="0", severed=day("2020-02-02")),
            link("5", "3001", "8888"),  # line 6: unknown rider case
            link("6", "3001", "3003", active="0"),
        ],
    )
    identifiers = [
        ("1001", "MP"),
        ("1002", "RM"),
        ("1003", "MP "),
        ("1001", "FA"),
        ("1002", "FA"),
        ("2001", "DD"),
        ("4001", "FM"),
        ("3001", "FA"),
        ("2002", "JV"),
        ("4002", "MP"),
        ("4003", "MP"),
        ("4005", "MP"),
        ("4006", "MP"),
        ("4007", "MP"),
        ("5001", "MP"),
    ]
    write_table(
        data / "A_TblCaseIdentifier.csv",
        ["IDNCASEID", "IDNCASE", "CASE_ID"],
        [[str(i), case, code] for i, (case, code) in enumerate(identifiers, 1)],
    )
    counts = {
        "A_TblCase": 19,
        "B_TblProceeding": 17,
        "tbl_schedule": 9,
        "tbl_Lead_Rider": 6,
        "A_TblCaseIdentifier": len(identifiers),
    }
    (data / "Count.txt").write_text("".join(f"{k}\t{v}\r\n" for k, v in counts.items()))
    if lookups:
        write_lookups(folder / "Lookup")
    return folder


def write_lookups(lookup: Path) -> None:
    """The code tables, as the release's ``Lookup/`` folder has them."""
    write_table(
        lookup / "tblLookupNationality.csv",
        [
            "ID",
            "NAT_CODE",
            "NAT_NAME",
            "NAT_COUNTRY_NAME",
            "NAT_NACARA_COUNTRY",
            "datCreatedOn",
            "datModifiedOn",
            "blnActive",
        ],
        [
            [str(i), code, name, name, "", "", "", "1"]
            for i, (code, name) in enumerate(
                [
                    ("HO", "HONDURAS"),
                    ("GT", "GUATEMALA"),
                    ("ES", "EL SALVADOR"),
                    ("MX", "MEXICO"),
                    ("CU", "CUBA"),
                    ("VE", "VENEZUELA"),
                    ("XX", "SOVIET UNION"),
                ]
            )
        ],
    )
    write_table(
        lookup / "tblLanguage.csv",
        ["idnLang", "strCode", "strDescription", "datCreatedOn", "datModifiedOn", "blnActive"],
        [["1", "SP", "SPANISH", "", "", "1"], ["2", "QC", "K'ICHÉ", "", "", "1"]],
        encoding="cp1252",
    )
    write_table(
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
            [str(i), code, "IMMIGRATION COURT", "1 MAIN ST", city, state]
            for i, (code, city, state) in enumerate(
                [
                    ("SNA", "SAN ANTONIO", "TX"),
                    ("HLG", "HARLINGEN", "TX"),
                    ("MIA", "MIAMI", "FL"),
                    ("ELP", "EL PASO", "TX"),
                    ("HOU", "HOUSTON", "TX"),
                ]
            )
        ],
    )
    write_table(
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
        [
            [str(i), *values, "1"]
            for i, values in enumerate(
                [
                    ("SNA", "SAN ANTONIO IMMIGRATION COURT", "SAN ANTONIO", "TX", "SNA"),
                    ("MPL", "MPP LAREDO", "LAREDO", "TX", "SNA"),
                    ("MPB", "MPP BROWNSVILLE", "BROWNSVILLE", "TX", "HLG"),
                    ("ENP", "MPP EL PASO", "EL PASO", "TX", "ELP"),
                    ("MPP", "TEST HEARING LOC - ECAS MPP", "FALLS CHURCH", "VA", "HQ"),
                    ("HLG", "HARLINGEN IMMIGRATION COURT", "HARLINGEN", "TX", "HLG"),
                    ("MIA", "MIAMI IMMIGRATION COURT", "MIAMI", "FL", "MIA"),
                    ("ELP", "EL PASO IMMIGRATION COURT", "EL PASO", "TX", "ELP"),
                    ("HOU", "HOUSTON IMMIGRATION COURT", "HOUSTON", "TX", "HOU"),
                ]
            )
        ],
    )
    write_table(
        lookup / "tblLookupCourtDecision.csv",
        [
            "idnCourtDecision",
            "strCaseType",
            "strDecCode",
            "strDecDescription",
            "strDecType",
            "strFinalDisposition",
            "blnActive",
            "datCreatedOn",
            "datModifiedOn",
        ],
        [
            [str(i), ctype, code, text, kind, "", active, "", ""]
            for i, (ctype, code, text, kind, active) in enumerate(
                [
                    ("RMV", "X", "Removed", "C", "1"),
                    ("RMV", "T", "Terminated", "C", "1"),
                    ("RMV", "R", "Relief Granted", "C", "1"),
                    (
                        "RMV",
                        "R",
                        "Reinstated",
                        "C",
                        "0",
                    ),  # an inactive duplicate: the active row wins
                    ("RMV", "V", "Voluntary Departure", "C", "1"),
                    ("RMV", "C", "Administrative Closing", "O", "1"),
                    ("RMV", "T", "Transfer", "O", "1"),
                    ("CFR", "X", "Affirmed", "C", "1"),
                ]
            )
        ],
    )
    write_table(  # a different, generic table: never the decision lookup
        lookup / "tblDecCode.csv",
        ["idnDecCode", "strCode", "strDescription", "datCreatedOn", "datModifiedOn", "blnActive"],
        [["1", "A", "LEGALLY ADMITTED", "", "", "1"], ["12", "R", "REMOVED", "", "", "1"]],
    )
    write_table(
        lookup / "tblLookUpCaseIdentifier.csv",
        [
            "idnCaseIdentifier",
            "strcode",
            "strDescription",
            "datCreatedOn",
            "datModifiedOn",
            "blnActive",
        ],
        [
            ["1", "MP", "MIGRANT PROTECTION PROTOCOL", "", "", "1"],
            ["2", "RM", "Remain in Mexico", "", "", "1"],
            ["3", "FA", "Family Units", "", "", "1"],
            ["4", "DD", "Dedicated Docket", "", "", "1"],
            ["5", "FM", "Family Expedited Removal Management", "", "", "1"],
        ],
    )
    write_table(
        lookup / "tblAdjournmentcodes.csv",
        ["idnAdjCode", "strcode", "strDesciption", "blnActive"],
        [
            ["1", "01", "Respondent to seek representation", "1"],
            ["2", "CX", "Hearing cancelled by the court", "1"],
        ],
    )
    write_table(
        lookup / "tbllookupCal_Type.csv",
        ["idnCalType", "strCalTypeCode", "strCalTypeDescription"],
        [["1", "M", "Master"], ["2", "I", "Individual"]],
    )


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture release (written once per test session; tests must not modify it)."""
    return write_release(tmp_path_factory.mktemp("eoir") / "release")
