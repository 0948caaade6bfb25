"""A small EOIR release written by code in the release's layout, with its known defects.

Column names and order follow the release's tables (A_TblCase, B_TblProceeding, tbl_schedule,
tbl_Lead_Rider, A_TblCaseIdentifier, Lookup/...). No real data: every value is made up.

The families it holds (IDNCASE):

- 1001 (lead) + 1002, 1003: Honduran, Honduran, Guatemalan; all MPP by case identifier;
  1001 pending at LRD (an MPP hearing location), 1002 pending at HLG after an earlier completed
  proceeding, 1003 removed in absentia -> COURT_SPLIT, WIND_DOWN_SPLIT, mixed nationality.
- 2001 (lead) + 2002: 2001 MPP only through its hearing location LRD, 2002 not MPP, pending at
  MIA -> COURT_SPLIT, MPP_SPLIT.
- 3001 with a severed link to 3002 and an inactive one to 3003: no family unit.
- 4001 (MPP only through a scheduled hearing at LRD), 4002 (relief granted, code R described
  by the lookup), 4003 (an unknown decision code): no family.

Defects (each is asserted on by the tests):

- A_TblCase.csv: tab, UTF-8 with BOM; line 9 has 5 fields (rejected); line 13 repeats IDNCASE
  4002 of line 10 (rejected); line 14 (case 4004) ends in a stray tab the header does not have
  (rejected: the same shape as a row shifted by a stray mid-row tab).
- B_TblProceeding.csv: pipe-delimited with CRLF; line 12 names case 9001 (rejected: the case row
  was malformed); line 13 has a stray field mid-row, its last column empty (rejected).
- tbl_schedule.csv: tab, NUL bytes inside line 3, a blank line 7, line 8 names unknown case 7777.
- tbl_Lead_Rider.csv: line 6 links to unknown case 8888 (rejected).
- Lookup/tblLanguage.csv: cp1252 ("K'ICHÉ").
"""

from __future__ import annotations

from pathlib import Path

import pytest

CASE_COLUMNS = [
    "IDNCASE",
    "ALIEN_CITY",
    "ALIEN_STATE",
    "ALIEN_ZIPCODE",
    "UPDATED_ZIPCODE",
    "UPDATED_CITY",
    "NAT",
    "LANG",
    "CUSTODY",
    "SITE_TYPE",
    "E_28_DATE",
    "ATTY_NBR",
    "CASE_TYPE",
    "UPDATED_SITE",
    "LATEST_HEARING",
    "LATEST_TIME",
    "LATEST_CAL_TYPE",
    "UP_BOND_DATE",
    "UP_BOND_RSN",
    "CORRECTIONAL_FAC",
    "RELEASE_MONTH",
    "RELEASE_YEAR",
    "INMATE_HOUSING",
    "DATE_OF_ENTRY",
    "C_ASY_TYPE",
    "C_BIRTHDATE",
    "C_RELEASE_DATE",
    "UPDATED_STATE",
    "ADDRESS_CHANGEDON",
    "ZBOND_MRG_FLAG",
    "Sex",
    "DATE_DETAINED",
    "DATE_RELEASED",
    "LPR",
    "DETENTION_DATE",
    "DETENTION_LOCATION",
    "DCO_LOCATION",
    "DETENTION_FACILITY_TYPE",
    "CASEPRIORITY_CODE",
]
PROCEEDING_COLUMNS = [
    "IDNPROCEEDING",
    "IDNCASE",
    "OSC_DATE",
    "INPUT_DATE",
    "BASE_CITY_CODE",
    "HEARING_LOC_CODE",
    "IJ_CODE",
    "TRANS_IN_DATE",
    "PREV_HEARING_LOC",
    "PREV_HEARING_BASE",
    "PREV_IJ_CODE",
    "TRANS_NBR",
    "HEARING_DATE",
    "HEARING_TIME",
    "DEC_TYPE",
    "DEC_CODE",
    "DEPORTED_1",
    "DEPORTED_2",
    "OTHER_COMP",
    "APPEAL_RSVD",
    "APPEAL_NOT_FILED",
    "COMP_DATE",
    "ABSENTIA",
    "VENUE_CHG_GRANTED",
    "TRANSFER_TO",
    "DATE_APPEAL_DUE_STATUS",
    "TRANSFER_STATUS",
    "CUSTODY",
    "CASE_TYPE",
    "NAT",
    "LANG",
    "SCHEDULED_HEAR_LOC",
    "CORRECTIONAL_FAC",
    "CRIM_IND",
    "IHP",
    "AGGRAVATE_FELON",
    "DATE_DETAINED",
    "DATE_RELEASED",
]
SCHEDULE_COLUMNS = [
    "IDNSCHEDULE",
    "IDNPROCEEDING",
    "IDNCASE",
    "OSC_DATE",
    "GENERATION",
    "SUB_GENERATION",
    "REC_TYPE",
    "LANG",
    "HEARING_LOC_CODE",
    "BASE_CITY_CODE",
    "IJ_CODE",
    "INTERPRETER_CODE",
    "INPUT_DATE",
    "INPUT_TIME",
    "UPDATE_DATE",
    "UPDATE_TIME",
    "ASSIGNMENT_PATH",
    "CAL_TYPE",
    "ADJ_DATE",
    "ADJ_TIME_START",
    "ADJ_TIME_STOP",
    "ADJ_RSN",
    "ADJ_MEDIUM",
    "ADJ_MSG",
    "ADJ_ELAP_DAYS",
    "LNGSESSNID",
    "SCHEDULE_TYPE",
    "NOTICE_CODE",
    "BLNCLOCKOVERRIDE",
    "EOIRATTORNEYID",
]
LEAD_RIDER_COLUMNS = [
    "idnLeadRider",
    "idnLeadCase",
    "idnRiderCase",
    "datCreatedOn",
    "datModifiedOn",
    "datSeveredOn",
    "idnLeadProceedingStart",
    "idnLeadProceedingEnd",
    "idnRiderProceedingStart",
    "idnRiderProceedingEnd",
    "blnActive",
]


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


def _cases() -> list[str]:
    def case(idn: str, nat: str, sex: str, lang: str = "SP", **extra: str) -> list[str]:
        return row(
            CASE_COLUMNS,
            IDNCASE=idn,
            NAT=nat,
            Sex=sex,
            LANG=lang,
            CUSTODY="N",
            CASE_TYPE="RMV",
            DATE_OF_ENTRY=day("2019-03-01"),
            **extra,
        )

    rows = [
        case("1001", "HO", "F"),
        case("1002", "HO", "M"),
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
    return lines


def write_release(folder: Path) -> Path:
    """Write the fixture release into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = _cases()
    text = "\ufeff" + "\t".join(CASE_COLUMNS) + "\n" + "\n".join(lines) + "\n"
    (folder / "A_TblCase.csv").write_text(text, encoding="utf-8")

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

    procs = [
        proc("5001", "1001", "SNA", "LRD"),
        proc(
            "5002",
            "1002",
            "SNA",
            "LRD",
            COMP_DATE=day("2019-11-01"),
            OTHER_COMP="C",
            OSC_DATE=day("2019-04-20"),
        ),
        proc("5010", "1002", "HLG", "HLG", OSC_DATE=day("2019-06-01")),
        proc("5003", "1003", "SNA", "LRD", DEC_CODE="X", ABSENTIA="Y", COMP_DATE=day("2020-01-15")),
        proc("5004", "2001", "SNA", "LRD"),
        proc("5005", "2002", "MIA", "MIA"),
        proc("5006", "3001", "SNA", "SNA"),
        proc("5007", "4001", "SNA", "SNA"),
        proc("5008", "4002", "HLG", "HLG", DEC_CODE="R", ABSENTIA="N", COMP_DATE=day("2020-03-03")),
        proc("5009", "4003", "HLG", "HLG", DEC_CODE="Q", COMP_DATE=day("2020-04-04")),
        proc("5011", "9001", "HLG", "HLG"),  # line 12: its case row was malformed
    ]
    bad = proc("5012", "3002", "SNA", "SNA")
    bad.insert(5, "EXTRA")  # line 13: a stray field mid-row
    write_table(
        folder / "B_TblProceeding.csv",
        PROCEEDING_COLUMNS,
        [*procs, bad],
        delimiter="|",
        newline="\r\n",
    )

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
        hearing("601", "5001", "1001", "LRD", "M", "2019-09-01", ADJ_RSN="1A"),
        hearing("602", "5003", "1003", "LRD", "M", "2020-01-15", ADJ_MSG="no\x00show\x00"),
        hearing("603", "5008", "4002", "HLG", "I", "2020-03-03"),
        hearing("604", "5007", "4001", "LRD", "M", "2019-10-10", ADJ_RSN="CX"),
        hearing("605", "5004", "2001", "LRD", "M", "2021-08-01"),
    ]
    lines = ["\t".join(SCHEDULE_COLUMNS)] + ["\t".join(r) for r in sched]
    lines.append("")  # line 7: blank
    lines.append("\t".join(hearing("606", "5999", "7777", "SNA", "M", "2020-01-01")))
    (folder / "tbl_schedule.csv").write_bytes(("\n".join(lines) + "\n").encode("utf-8"))

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
        folder / "tbl_Lead_Rider.csv",
        LEAD_RIDER_COLUMNS,
        [
            link("1", "1001", "1002"),
            link("2", "1001", "1003"),
            link("3", "2001", "2002"),
            link("4", "3001", "3002", severed=day("2020-02-02")),
            link("5", "3001", "8888"),  # line 6: unknown rider case
            link("6", "3001", "3003", active="0"),
        ],
    )
    write_table(
        folder / "A_TblCaseIdentifier.csv",
        ["IDNCASEID", "IDNCASE", "CASE_ID"],
        [
            ["1", "1001", "MP"],
            ["2", "1002", "RM"],
            ["3", "1003", "MP"],
            ["4", "3001", "FA"],
            ["5", "2002", "JV"],
        ],
    )
    lookup = folder / "Lookup"
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
        ["idnBaseCity", "BASE_CITY_CODE", "BASE_CITY_NAME", "BASE_STATE"],
        [
            ["1", "SNA", "SAN ANTONIO", "TX"],
            ["2", "HLG", "HARLINGEN", "TX"],
            ["3", "MIA", "MIAMI", "FL"],
        ],
    )
    write_table(
        lookup / "tblLookupHloc.csv",
        ["HEARING_LOC_CODE", "HEARING_LOC_NAME", "HEARING_CITY", "HEARING_STATE", "blnActive"],
        [
            ["SNA", "SAN ANTONIO IMMIGRATION COURT", "SAN ANTONIO", "TX", "1"],
            ["LRD", "LAREDO MPP IMMIGRATION HEARING FACILITY", "LAREDO", "TX", "1"],
            ["HLG", "HARLINGEN IMMIGRATION COURT", "HARLINGEN", "TX", "1"],
            ["MIA", "MIAMI IMMIGRATION COURT", "MIAMI", "FL", "1"],
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
            [str(i), "RMV", code, text, "", "", "1", "", ""]
            for i, (code, text) in enumerate(
                [
                    ("X", "Removal"),
                    ("T", "Terminated"),
                    ("V", "Voluntary Departure"),
                    ("R", "Relief Granted"),
                    ("C", "Case Closed"),
                ]
            )
        ],
    )
    write_table(
        lookup / "tblAdjournmentCodes.csv",
        ["idnAdjCode", "strcode", "strDesciption", "blnActive"],
        [
            ["1", "1A", "Alien to seek representation", "1"],
            ["2", "CX", "Hearing cancelled by the court", "1"],
        ],
    )
    write_table(
        lookup / "tblLookupCal_Type.csv",
        ["idnCalType", "strCalTypeCode", "strCalTypeDescription"],
        [["1", "M", "Master"], ["2", "I", "Individual"]],
    )
    return folder


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture release (written once per test session; tests must not modify it)."""
    return write_release(tmp_path_factory.mktemp("eoir") / "release")
