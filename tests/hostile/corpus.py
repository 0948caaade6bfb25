"""A corpus of hostile bundles, made by code: one function per case writes a bundle into a folder.

Each case starts from a small valid bundle (six records, two family units, cases with leads and
hearings) and breaks one thing. :data:`CASES` lists them with what the CLI must do: the exit code
(0 when the bundle is usable and bad rows go to ``rejects.csv``, 2 when it is not), the words the
one-line error must hold, or the ``(file, line, reason)`` rejects that must appear.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

INDIVIDUALS = [
    "record_id",
    "source",
    "a_number",
    "given_names",
    "surnames",
    "dob",
    "sex",
    "nationality",
    "country_of_location",
    "as_of",
    "uac",
    "fear_claimed",
    "fear_assessment",
    "address",
]
PEOPLE = [
    [
        "r1",
        "CBP",
        "A012345678",
        "Ana María",
        "Paz Rivas",
        "1990-01-02",
        "F",
        "HND",
        "MEX",
        "2019-05-01",
        "false",
        "true",
        "POSITIVE",
        "",
    ],
    [
        "r2",
        "EOIR",
        "012-345-678",
        "Ana Maria",
        "Paz",
        "1990-01-02",
        "F",
        "Honduras",
        "MEX",
        "2019-06-01",
        "",
        "",
        "",
        "",
    ],
    [
        "r3",
        "CBP",
        "A098765432",
        "Luis",
        "Paz Rivas",
        "2012-03-04",
        "M",
        "HND",
        "USA",
        "2019-07-01",
        "false",
        "",
        "",
        "",
    ],
    [
        "r4",
        "CBP",
        "A111222333",
        "José",
        "Núñez",
        "1985-12-31",
        "M",
        "GTM",
        "MEX",
        "2019-05-02",
        "false",
        "true",
        "NEGATIVE",
        "",
    ],
    [
        "r5",
        "NGO",
        "",
        "Rosa",
        "Núñez de la Cruz",
        "2015-07-08",
        "F",
        "GTM",
        "MEX",
        "2019-05-02",
        "Y",
        "",
        "",
        "Calle 5, Matamoros",
    ],
    [
        "r6",
        "CBP",
        "A444555666",
        "Pedro",
        "Núñez",
        "2016-01-01",
        "M",
        "MEX",
        "MEX",
        "2019-05-02",
        "no",
        "",
        "",
        "",
    ],
]
UNITS = ["family_unit_id", "record_id", "role"]
MEMBERS = [
    ["U1", "r1", "HEAD"],
    ["U1", "r3", "CHILD"],
    ["U2", "r4", "HEAD"],
    ["U2", "r5", "CHILD"],
    ["U2", "r6", "CHILD"],
]
CASES_HEADER = [
    "case_id",
    "record_id",
    "lead_case_id",
    "court",
    "mpp",
    "status",
    "status_date",
    "nta_date",
]
CASE_ROWS = [
    ["C1", "r2", "", "El Paso", "true", "PENDING", "2020-01-01", "2019-06-01"],
    ["C2", "r3", "C1", "El Paso", "true", "PENDING", "2020-01-01", "2019-06-01"],
    ["C3", "r4", "", "Harlingen", "true", "IN_ABSENTIA", "2020-02-01", "2019-05-02"],
    ["C4", "r5", "C3", "Harlingen", "true", "IN_ABSENTIA", "2020-02-01", "2019-05-02"],
]
HEARINGS_HEADER = ["hearing_id", "case_id", "date", "court", "type", "result"]
HEARING_ROWS = [
    ["H1", "C1", "2019-08-01", "El Paso", "MASTER", "HELD"],
    ["H2", "C3", "2019-09-01", "Harlingen", "MASTER", "IN_ABSENTIA"],
]


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], encoding: str = "utf-8"
) -> None:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def base(folder: Path, *, people: Sequence[Sequence[object]] = PEOPLE) -> None:
    """The valid bundle every case starts from."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "individuals.csv", INDIVIDUALS, people)
    write_csv(folder / "family_units.csv", UNITS, MEMBERS)
    write_csv(folder / "cases.csv", CASES_HEADER, CASE_ROWS)
    write_csv(folder / "hearings.csv", HEARINGS_HEADER, HEARING_ROWS)


def _replace(folder: Path, stem: str, header: Sequence[str], rows: Sequence[Sequence[object]]):
    write_csv(folder / f"{stem}.csv", header, rows)


@dataclass(frozen=True)
class Case:
    """A hostile bundle and what the CLI must do with it.

    ``rows`` is the number of data rows of ``individuals`` (for the row-accounting check);
    ``error`` the words the one-line error must hold (exit 2); ``rejects`` the
    ``(file, line, reason words)`` that ``rejects.csv`` must hold (exit 0); ``warning`` words
    stderr must hold.
    """

    name: str
    build: Callable[[Path], None]
    exit_code: int = 0
    rows: int = len(PEOPLE)
    error: tuple[str, ...] = ()
    rejects: tuple[tuple[str, int, str], ...] = ()
    warning: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


def missing_required_column(folder: Path) -> None:
    base(folder)
    drop = INDIVIDUALS.index("source")
    _replace(
        folder,
        "individuals",
        INDIVIDUALS[:drop] + INDIVIDUALS[drop + 1 :],
        [p[:drop] + p[drop + 1 :] for p in PEOPLE],
    )


def renamed_required_column(folder: Path) -> None:
    base(folder)
    _replace(folder, "family_units", ["family_unit_id", "person", "role"], MEMBERS)


def missing_required_table(folder: Path) -> None:
    base(folder)
    (folder / "family_units.csv").unlink()


def extra_columns(folder: Path) -> None:
    base(folder)
    _replace(
        folder,
        "individuals",
        [*INDIVIDUALS, "notes", "Record_Source_2"],
        [[*p, f"note {i}", "x"] for i, p in enumerate(PEOPLE)],
    )


def duplicate_record_ids(folder: Path) -> None:
    base(folder, people=[*PEOPLE, ["r2", *PEOPLE[1][1:]], ["r4", *PEOPLE[0][1:]]])


def empty_individuals(folder: Path) -> None:
    base(folder)
    (folder / "individuals.csv").write_bytes(b"")


def empty_family_units(folder: Path) -> None:
    base(folder)
    (folder / "family_units.csv").write_bytes(b"")


def empty_cases(folder: Path) -> None:
    base(folder)
    (folder / "cases.csv").write_bytes(b"")


def empty_hearings(folder: Path) -> None:
    base(folder)
    (folder / "hearings.csv").write_bytes(b"")


def header_only_individuals(folder: Path) -> None:
    base(folder, people=[])


def header_only_every_table(folder: Path) -> None:
    base(folder, people=[])
    _replace(folder, "family_units", UNITS, [])
    _replace(folder, "cases", CASES_HEADER, [])
    _replace(folder, "hearings", HEARINGS_HEADER, [])


def huge_field(folder: Path) -> None:
    """A 50 MB address and a 50 MB name (one cell each)."""
    people = [list(p) for p in PEOPLE]
    people[4][INDIVIDUALS.index("address")] = "Calle " + "x" * 50_000_000
    people[5][INDIVIDUALS.index("given_names")] = "Pedro" + "o" * 50_000_000
    base(folder, people=people)


def newlines_quotes_nul(folder: Path) -> None:
    people = [list(p) for p in PEOPLE]
    people[0][INDIVIDUALS.index("given_names")] = "Ana\nMaría"
    people[1][INDIVIDUALS.index("surnames")] = 'Paz "la Güera"\r\nRivas'
    people[2][INDIVIDUALS.index("address")] = 'a,b,"c"\n\n\nd'
    people[3][INDIVIDUALS.index("given_names")] = "Jo\x00sé"
    base(folder, people=people)
    # a ragged row after the multi-line cells: its reject must name its true line
    with (folder / "individuals.csv").open("a", newline="", encoding="utf-8") as handle:
        handle.write("r7,CBP,too,few\n")


def utf8_bom(folder: Path) -> None:
    base(folder)
    write_csv(folder / "individuals.csv", INDIVIDUALS, PEOPLE, encoding="utf-8-sig")
    write_csv(folder / "family_units.csv", UNITS, MEMBERS, encoding="utf-8-sig")


def cp1252(folder: Path) -> None:
    base(folder)
    write_csv(folder / "individuals.csv", INDIVIDUALS, PEOPLE, encoding="cp1252")


def stray_invalid_byte(folder: Path) -> None:
    """A UTF-8 file with one cp1252 byte pasted into it (and an undefined byte, 0x81)."""
    base(folder)
    path = folder / "individuals.csv"
    data = path.read_bytes().replace(b"Rosa", b"Ros\xe1").replace(b"Luis", b"Lu\x81s")
    path.write_bytes(data)


def dates_other_formats(folder: Path) -> None:
    people = [list(p) for p in PEOPLE]
    dob = INDIVIDUALS.index("dob")
    people[0][dob] = "14/01/1990"  # day first: the 14 decides the column
    people[1][dob] = "1990-02-30"
    people[2][dob] = "2012-13-01"
    people[3][dob] = "31 Dec 1985"
    people[4][INDIVIDUALS.index("as_of")] = "0000-00-00"
    people[5][INDIVIDUALS.index("as_of")] = "99999-01-01"
    base(folder, people=people)


def dates_in_no_decidable_order(folder: Path) -> None:
    """A column written day/month/year or month/day/year, and no value says which."""
    people = [list(p) for p in PEOPLE]
    for i, person in enumerate(people):
        person[INDIVIDUALS.index("dob")] = f"{i % 12 + 1:02d}/{(i + 2) % 12 + 1:02d}/{1980 + i}"
    base(folder, people=people)


def year_last_strays_in_an_iso_column(folder: Path) -> None:
    """A few year-last dates among ISO ones: each is read on its own; one that reads both ways
    (3 April or March 4) is missing and counted, and the run goes on."""
    people = [list(p) for p in PEOPLE]
    dob = INDIVIDUALS.index("dob")
    people[2][dob] = "03/04/2012"
    people[3][dob] = "13/01/2000"  # day first, by itself
    base(folder, people=people)


#: Dates no calendar, no pandas nanosecond range and no birth allows, each with what it is.
OUT_OF_RANGE_DATES = {
    "1450-01-01": "date out of range",
    "9185-10-14": "date out of range",
    "0001-01-01": "date out of range",
    "2262-04-12": "date out of range",
    "1677-09-21": "date out of range",
    "10000-01-01": "unparseable date",
    "1899-12-31": "date out of range",
}


def dates_out_of_range(folder: Path) -> None:
    """Birth dates and record dates outside every range, in every table's date columns."""
    people = [list(p) for p in PEOPLE]
    dob, as_of = INDIVIDUALS.index("dob"), INDIVIDUALS.index("as_of")
    values = list(OUT_OF_RANGE_DATES)
    for i, person in enumerate(people):
        person[dob] = values[i]
    people[0][as_of] = values[-1]
    people[1][as_of] = values[5]
    people[5][dob] = "2020-01-01"  # born after the record's own date (2019-05-02)
    base(folder, people=people)
    cases = [list(row) for row in CASE_ROWS]
    cases[0][CASES_HEADER.index("status_date")] = "9999-12-31"
    cases[1][CASES_HEADER.index("nta_date")] = "0001-01-01"
    _replace(folder, "cases", CASES_HEADER, cases)
    hearings = [list(row) for row in HEARING_ROWS]
    hearings[0][HEARINGS_HEADER.index("date")] = "2262-04-12T00:00:00"
    hearings[1][HEARINGS_HEADER.index("date")] = "1677-09-21"
    _replace(folder, "hearings", HEARINGS_HEADER, hearings)


def a_numbers_letters_and_12_digits(folder: Path) -> None:
    people = [list(p) for p in PEOPLE]
    column = INDIVIDUALS.index("a_number")
    people[0][column] = "A01234S678"
    people[1][column] = "012345678901"
    people[2][column] = "AAAAAAAAA"
    people[3][column] = "A-"
    base(folder, people=people)


def unknown_references(folder: Path) -> None:
    base(folder)
    _replace(folder, "family_units", UNITS, [*MEMBERS, ["U3", "nobody", "HEAD"]])
    _replace(
        folder,
        "cases",
        CASES_HEADER,
        [*CASE_ROWS, ["C9", "ghost", "", "El Paso", "true", "PENDING", "", ""]],
    )
    _replace(
        folder,
        "hearings",
        HEARINGS_HEADER,
        [*HEARING_ROWS, ["H9", "C404", "2019-08-01", "", "MASTER", "HELD"]],
    )


def lead_cycles(folder: Path) -> None:
    """C1 rides on C2 rides on C1; C3 rides on itself; C4 rides on C3."""
    base(folder)
    rows = [list(r) for r in CASE_ROWS]
    rows[0][2] = "C2"
    rows[2][2] = "C3"
    _replace(folder, "cases", CASES_HEADER, rows)


def long_lead_cycle(folder: Path) -> None:
    """Every case rides on the next, the last on the first."""
    base(folder)
    rows = [list(r) for r in CASE_ROWS]
    for i, row in enumerate(rows):
        row[2] = rows[(i + 1) % len(rows)][0]
    _replace(folder, "cases", CASES_HEADER, rows)


def family_of_500(folder: Path) -> None:
    people = [list(p) for p in PEOPLE]
    for i in range(500):
        people.append(
            [
                f"big{i}",
                "CBP",
                f"A2{i:08d}",
                f"Niño{i}",
                "Grande Familia",
                f"20{i % 20:02d}-01-{i % 28 + 1:02d}",
                "M",
                "SLV",
                "USA" if i % 2 else "MEX",
                "2019-05-01",
                "",
                "",
                "",
                "",
            ]
        )
    base(folder, people=people)
    _replace(
        folder,
        "family_units",
        UNITS,
        [*MEMBERS, *(["BIG", f"big{i}", "CHILD"] for i in range(500))],
    )
    _replace(
        folder,
        "cases",
        CASES_HEADER,
        [
            *CASE_ROWS,
            *(
                [f"B{i}", f"big{i}", "B0" if i else "", "Houston", "true", "PENDING", "", ""]
                for i in range(500)
            ),
        ],
    )


def parquet_wrong_types(folder: Path) -> None:
    """Ids as ints, A-numbers as floats, booleans as strings, a date column as timestamp."""
    base(folder)
    (folder / "individuals.csv").unlink()
    (folder / "family_units.csv").unlink()
    frame = pd.DataFrame(PEOPLE, columns=INDIVIDUALS)
    frame["record_id"] = range(1, len(frame) + 1)
    digits = frame["a_number"].str.replace(r"\D", "", regex=True)
    frame["a_number"] = pd.to_numeric(digits.where(digits != ""), errors="coerce").astype(float)
    frame["uac"] = ["no", "yes", "N", "Y", "maybe", ""]
    frame["dob"] = pd.to_datetime(frame["dob"]) + pd.Timedelta(hours=13)
    frame["as_of"] = pd.to_datetime(frame["as_of"], utc=True)
    frame.to_parquet(folder / "individuals.parquet")
    units = pd.DataFrame(
        {
            "family_unit_id": [1, 1, 2, 2, 2],
            "record_id": [1, 3, 4, 5, 6],
            "role": ["HEAD", "CHILD", "HEAD", "CHILD", "CHILD"],
        }
    )
    units.to_parquet(folder / "family_units.parquet")
    cases = pd.DataFrame(CASE_ROWS, columns=CASES_HEADER)
    cases["record_id"] = [2, 3, 4, 5]
    cases["mpp"] = [1, 0, 1, 1]
    cases.to_parquet(folder / "cases.csv".replace(".csv", ".parquet"))
    (folder / "cases.csv").unlink()


def parquet_not_parquet(folder: Path) -> None:
    base(folder)
    (folder / "cases.csv").unlink()
    (folder / "cases.parquet").write_bytes(b"PAR1 this is not parquet")


def wrong_field_counts(folder: Path) -> None:
    base(folder)
    with (folder / "individuals.csv").open("a", newline="", encoding="utf-8") as handle:
        handle.write("r8,CBP\n")
        handle.write(",".join(["r9", *["x"] * len(INDIVIDUALS)]) + "\n")


def missing_required_values(folder: Path) -> None:
    people = [list(p) for p in PEOPLE]
    people[2][0] = "   "
    people[3][1] = ""
    base(folder, people=people)


CASES: tuple[Case, ...] = (
    Case(
        "missing_required_column",
        missing_required_column,
        2,
        error=("individuals.csv", "'source'", "line 1"),
    ),
    Case(
        "renamed_required_column",
        renamed_required_column,
        2,
        error=("family_units.csv", "'record_id'", "line 1"),
    ),
    Case("missing_required_table", missing_required_table, 2, error=("family_units",)),
    Case("extra_columns", extra_columns),
    Case(
        "duplicate_record_ids",
        duplicate_record_ids,
        rows=len(PEOPLE) + 2,
        rejects=(
            ("individuals.csv", 8, "duplicate record_id (first at line 3)"),
            ("individuals.csv", 9, "duplicate record_id (first at line 5)"),
        ),
    ),
    Case("empty_individuals", empty_individuals, 2, error=("individuals.csv", "empty")),
    Case("empty_family_units", empty_family_units, 2, error=("family_units.csv", "empty")),
    Case("empty_cases", empty_cases, warning=("cases.csv", "empty")),
    Case("empty_hearings", empty_hearings, warning=("hearings.csv", "empty")),
    Case(
        "header_only_individuals",
        header_only_individuals,
        rows=0,
        rejects=tuple(("family_units.csv", line, "unknown record_id") for line in range(2, 7)),
    ),
    Case("header_only_every_table", header_only_every_table, rows=0),
    Case(
        "huge_field",
        huge_field,
        warning=("individuals.csv, line 7", "given_names", "unparseable name"),
    ),
    Case(
        "newlines_quotes_nul",
        newlines_quotes_nul,
        rows=len(PEOPLE) + 1,
        rejects=(("individuals.csv", 13, "expected 14 fields, found 4"),),
        warning=("NUL",),
    ),
    Case("utf8_bom", utf8_bom),
    Case("cp1252", cp1252, warning=("individuals.csv", "cp1252")),
    Case("stray_invalid_byte", stray_invalid_byte, warning=("individuals.csv", "cp1252")),
    Case(
        "dates_other_formats",
        dates_other_formats,
        warning=("individuals.csv, line 3", "dob", "impossible date"),
    ),
    Case(
        "dates_in_no_decidable_order",
        dates_in_no_decidable_order,
        2,
        error=("individuals.csv", "dob", "'01/03/1980' (line 2)", "day-first", "mapping"),
    ),
    Case(
        "year_last_strays_in_an_iso_column",
        year_last_strays_in_an_iso_column,
        warning=("individuals.csv, line 4", "dob", "date order unclear"),
    ),
    Case(
        "dates_out_of_range",
        dates_out_of_range,
        warning=(
            "individuals.csv, line 2",
            "dob",
            "date out of range",
            "dob after as_of",
            "cases.csv",
            "hearings.csv",
        ),
    ),
    Case(
        "a_numbers_letters_and_12_digits",
        a_numbers_letters_and_12_digits,
        warning=("individuals.csv, line 2", "a_number", "unparseable a_number"),
    ),
    Case(
        "unknown_references",
        unknown_references,
        rejects=(
            ("family_units.csv", 7, "unknown record_id"),
            ("cases.csv", 6, "unknown record_id"),
            ("hearings.csv", 4, "unknown case_id"),
        ),
    ),
    Case("lead_cycles", lead_cycles),
    Case("long_lead_cycle", long_lead_cycle),
    Case("family_of_500", family_of_500, rows=len(PEOPLE) + 500),
    Case("parquet_wrong_types", parquet_wrong_types),
    Case("parquet_not_parquet", parquet_not_parquet, 2, error=("cases.parquet", "Parquet")),
    Case(
        "wrong_field_counts",
        wrong_field_counts,
        rows=len(PEOPLE) + 2,
        rejects=(
            ("individuals.csv", 8, "expected 14 fields, found 2"),
            ("individuals.csv", 9, "expected 14 fields, found 15"),
        ),
    ),
    Case(
        "missing_required_values",
        missing_required_values,
        rejects=(
            ("individuals.csv", 4, "missing required value"),
            ("individuals.csv", 5, "missing required value"),
        ),
    ),
)
