"""The EOIR FOIA release's layout, declared as data: which files, which columns, which codes.

Sources for the layout (file and column names as the release spells them): ian-nason/eoir-database
(``build_database.py``: data tables under ``EOIR Case Data/``, sometimes one folder deeper, code
tables under ``Lookup/``; ``DICTIONARY.md``: every table's columns) and deportationdata/eoir
(``scripts/utilities.R``: tab-delimited, no quoting, ``Count.txt`` of row counts beside the
tables). Tables are found at any depth. Names are matched ignoring case, and a file may end in
``.csv``, ``.tsv`` or ``.txt``.

``tblDecCode`` (``idnDecCode, strCode, strDescription``) is a different, generic code table; it is
not the court-decision lookup (``tblLookupCourtDecision``) and is never read as one.

Only the columns listed here are ever kept in memory. Names, A-numbers and addresses are never
read (the release has no names or A-numbers; its address columns are not needed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kinlink.errors import SchemaError

SUFFIXES = (".csv", ".tsv", ".txt", "")


@dataclass(frozen=True)
class ReleaseTable:
    """One table of the release: its accepted file stems, the columns kept, which are required."""

    key: str
    stems: tuple[str, ...]
    wanted: dict[str, tuple[str, ...]]  # kept column -> other header names it may have
    required: tuple[str, ...] = ()
    required_table: bool = False


CASE = ReleaseTable(
    key="case",
    stems=("A_TblCase",),
    wanted={
        "IDNCASE": (),
        "NAT": (),
        "LANG": (),
        "SEX": ("GENDER",),
        "CUSTODY": (),
        "CASE_TYPE": (),
    },
    required=("IDNCASE",),
    required_table=True,
)
PROCEEDING = ReleaseTable(
    key="proceeding",
    stems=("B_TblProceeding",),
    wanted={
        "IDNPROCEEDING": (),
        "IDNCASE": (),
        "OSC_DATE": (),
        "HEARING_LOC_CODE": (),
        "BASE_CITY_CODE": (),
        "DEC_CODE": (),
        "ABSENTIA": (),
        "COMP_DATE": (),
        "OTHER_COMP": (),
        "CASE_TYPE": ("CASETYPE",),
    },
    required=("IDNPROCEEDING", "IDNCASE"),
    required_table=True,
)
SCHEDULE = ReleaseTable(
    key="schedule",
    stems=("tbl_schedule",),
    wanted={
        "IDNSCHEDULE": (),
        "IDNCASE": (),
        "IDNPROCEEDING": (),
        "ADJ_DATE": (),
        "HEARING_LOC_CODE": (),
        "CAL_TYPE": (),
        "ADJ_RSN": (),
    },
    required=("IDNSCHEDULE", "IDNCASE"),
)
LEAD_RIDER = ReleaseTable(
    key="lead_rider",
    stems=("tbl_Lead_Rider", "tbl_LeadRider"),
    wanted={
        "IDNLEADRIDER": (),
        "IDNLEADCASE": (),
        "IDNRIDERCASE": (),
        "BLNACTIVE": (),
        "DATSEVEREDON": (),
    },
    required=("IDNLEADCASE", "IDNRIDERCASE"),
)
CASE_IDENTIFIER = ReleaseTable(
    key="case_identifier",
    stems=("A_TblCaseIdentifier", "tbl_CaseIdentifier"),
    wanted={"IDNCASE": (), "CASE_ID": ()},
    required=("IDNCASE", "CASE_ID"),
)

# Lookup tables (the release's Lookup/ folder).
NATIONALITY = ReleaseTable(
    key="nationality",
    stems=("tblLookupNationality",),
    wanted={"NAT_CODE": ("STRCODE",), "NAT_NAME": ("STRDESCRIPTION",), "NAT_COUNTRY_NAME": ()},
    required=("NAT_CODE",),
)
LANGUAGE = ReleaseTable(
    key="language",
    stems=("tblLanguage", "tblLookupLanguage"),
    wanted={"STRCODE": ("LANG_CODE",), "STRDESCRIPTION": ("LANG_NAME",)},
    required=("STRCODE",),
)
BASE_CITY = ReleaseTable(
    key="base_city",
    stems=("tblLookupBaseCity",),
    wanted={"BASE_CITY_CODE": (), "BASE_CITY_NAME": (), "BASE_CITY": (), "BASE_STATE": ()},
    required=("BASE_CITY_CODE",),
)
HEARING_LOCATION = ReleaseTable(
    key="hearing_location",
    stems=("tblLookupHloc",),
    wanted={
        "HEARING_LOC_CODE": (),
        "HEARING_LOC_NAME": (),
        "HEARING_CITY": (),
        "HEARING_STATE": (),
        "HEARING_BASE_CITY": (),
    },
    required=("HEARING_LOC_CODE",),
)
DECISION = ReleaseTable(
    key="decision",
    stems=("tblLookupCourtDecision",),
    wanted={
        "STRCASETYPE": (),
        "STRDECCODE": (),
        "STRDECDESCRIPTION": (),
        "STRDECTYPE": (),  # C: decodes DEC_CODE; O: decodes OTHER_COMP
        "BLNACTIVE": (),
    },
    required=("STRDECCODE", "STRDECDESCRIPTION"),
)
CASE_IDENTIFIER_CODES = ReleaseTable(
    key="case_identifier_codes",
    stems=("tblLookUpCaseIdentifier",),
    wanted={"STRCODE": (), "STRDESCRIPTION": ()},
    required=("STRCODE",),
)
ADJOURNMENT = ReleaseTable(
    key="adjournment",
    stems=("tblAdjournmentCodes", "tblLookupAdjournmentCodes"),
    # the release spells the description column "strDesciption"
    wanted={"STRCODE": (), "STRDESCRIPTION": ("STRDESCIPTION",)},
    required=("STRCODE",),
)
CAL_TYPE = ReleaseTable(
    key="cal_type",
    stems=("tblLookupCal_Type", "tblLookupCalType"),
    wanted={"STRCALTYPECODE": ("STRCODE",), "STRCALTYPEDESCRIPTION": ("STRDESCRIPTION",)},
    required=("STRCALTYPECODE",),
)

DATA_TABLES = (CASE, CASE_IDENTIFIER, LEAD_RIDER, PROCEEDING, SCHEDULE)
LOOKUP_TABLES = (
    NATIONALITY,
    LANGUAGE,
    BASE_CITY,
    HEARING_LOCATION,
    DECISION,
    CASE_IDENTIFIER_CODES,
    ADJOURNMENT,
    CAL_TYPE,
)
COUNT_FILE = "count.txt"


def read_counts(folder: Path) -> dict[str, tuple[int, Path]]:
    r"""Row counts the release publishes in ``Count.txt`` files (``TABLE<tab>ROWS`` per line).

    Returns
    -------
    dict
        Table file stem, lower case -> (rows, the ``Count.txt`` that says so). Lines that are not
        a name and a whole number are ignored.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "Count.txt").write_bytes(b"A_TblCase\t12\r\nnote\n")
    ...     {k: v[0] for k, v in read_counts(Path(tmp)).items()}
    {'a_tblcase': 12}
    """
    counts: dict[str, tuple[int, Path]] = {}
    for path in sorted(folder.rglob("*")):
        if not (path.is_file() and path.name.lower() == COUNT_FILE):
            continue
        text = path.read_bytes().replace(b"\x00", b"").decode("utf-8", errors="replace")
        for line in text.splitlines():
            parts = [p.strip() for p in line.replace("|", "\t").split("\t") if p.strip()]
            if len(parts) == 2 and parts[1].replace(",", "").isdigit():
                stem = (
                    Path(parts[0]).stem if Path(parts[0]).suffix.lower() in SUFFIXES else parts[0]
                )
                counts[stem.lower()] = (int(parts[1].replace(",", "")), path)
    return counts


def find_files(folder: Path) -> dict[str, Path]:
    """Locate every known table under ``folder`` (any depth), by file stem ignoring case.

    Returns
    -------
    dict
        Table key -> file, for the tables found.

    Raises
    ------
    SchemaError
        ``folder`` is not a folder, a required table is missing, or a table is found twice.
    """
    if not folder.is_dir():
        raise SchemaError(f"{folder}: not a folder (expected the unzipped EOIR release)")
    by_stem: dict[str, list[Path]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in SUFFIXES:
            by_stem.setdefault(path.stem.lower(), []).append(path)
    found: dict[str, Path] = {}
    for table in DATA_TABLES + LOOKUP_TABLES:
        paths = [p for stem in table.stems for p in by_stem.get(stem.lower(), [])]
        if len(paths) > 1:
            names = ", ".join(str(p.relative_to(folder)) for p in paths)
            raise SchemaError(
                f"{folder}: table {table.stems[0]} found more than once ({names}); keep one"
            )
        if paths:
            found[table.key] = paths[0]
        elif table.required_table:
            raise SchemaError(
                f"{folder}: required table {table.stems[0]} (.csv, .tsv or .txt) is missing"
            )
    return found


# The full headers of the data tables, in the release's order ([ND] DICTIONARY.md lists every
# column; the order is the export's). Only used to write made-up releases (tests, benchmarks).
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
