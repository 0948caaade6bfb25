"""The mapping format: validated with every problem named, applied as written, guessed from
English and Spanish headers and from values."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from kinlink.errors import MappingError, SchemaError
from kinlink.loaders import load_bundle
from kinlink.loaders.dates import DateOrderError
from kinlink.loaders.guess import guess_mapping
from kinlink.loaders.mapping import read_mapping
from kinlink.loaders.vocabulary import closest_column, role_of

from .intake import SPANISH_HEADER, SPANISH_ROWS, write_csv, write_xlsx


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_of_a_mapping_is_named_at_once(tmp_path: Path) -> None:
    path = _mapping(
        tmp_path,
        """
[individuals]
given_name = "First Name"
source = { value = "X", column = "Source" }
dob = { column = "DOB", format = "%d/%q/%Y" }
sex = { column = "Sex", format = "%d/%m/%Y" }
role = "Relationship"

[family_units]
from = "people"
[persons]
""",
    )
    with pytest.raises(MappingError) as err:
        read_mapping(path)
    text = str(err.value)
    for words in (
        "mapping.toml has 6 problems",
        "unknown column given_name (did you mean given_names?)",
        "source: give exactly one of column, columns, value or line",
        "dob: date format '%d/%q/%Y': '%q' is not one of",
        "sex: format applies only to date columns",
        "[individuals]: unknown column role",
        "unknown table [persons]",
    ):
        assert words in text, text


def test_not_toml_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="not a valid TOML mapping"):
        read_mapping(_mapping(tmp_path, "[individuals\n"))


def test_a_mapping_that_names_missing_headers_says_the_closest(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "intake.csv")
    path = _mapping(
        tmp_path,
        '[individuals]\nrecord_id = { line = "R" }\nsource = { value = "A" }\n'
        'given_names = "First Nme"\n',
    )
    with pytest.raises(
        MappingError, match=r"no column 'First Nme' in intake.csv \(closest: 'First Name'\)"
    ):
        load_bundle(sheet, mapping=path)


def test_constants_lines_joined_columns_value_maps_and_formats(tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "Paterno,Materno,Nombre,Nacido,Sexo,Grupo,Rel,Notas\n"
        "Paz,Rivas,Ana,03/04/1988,mujer,G1,Mamá,x\n"
        "Paz,,Luis,05/06/2012,hombre,G1,nene,y\n",
        encoding="utf-8",
    )
    path = _mapping(
        tmp_path,
        """
[individuals]
record_id = { line = "P-" }
source = { value = "ngo" }
surnames = ["Paterno", "Materno"]
given_names = "nombre"
dob = { column = "Nacido", format = "%d/%m/%Y" }
sex = "Sexo"

[family_units]
from = "individuals"
family_unit_id = "Grupo"
role = { column = "Rel", values = { "mamá" = "PARENT", "Nene" = "CHILD" } }
""",
    )
    bundle = load_bundle(sheet, mapping=path)
    people = bundle.individuals.set_index("record_id")
    assert people.loc["P-2", "surnames"] == "Paz Rivas" and people.loc["P-3", "surnames"] == "Paz"
    assert str(people.loc["P-2", "dob"].date()) == "1988-04-03"  # the format wins: day first
    assert people["source"].tolist() == ["NGO", "NGO"]
    assert people["sex"].tolist() == ["F", "M"]
    assert people.loc["P-2", "notas"] == "x"  # unplaced: kept as an attribute
    assert "grupo" not in bundle.individuals.columns  # placed in family_units, not an attribute
    units = bundle.family_units
    assert units[["family_unit_id", "record_id", "role"]].values.tolist() == [
        ["G1", "P-2", "PARENT"],
        ["G1", "P-3", "CHILD"],
    ]
    assert bundle.files["family_units"] == "people.csv"


def test_a_row_rejected_as_a_person_brings_no_family_membership(tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text("ID,Name,Family\nA1,Ana,F1\nA1,Ana bis,F2\n,Nobody,F1\nB2,Luis,F1\n")
    path = _mapping(
        tmp_path,
        '[individuals]\nrecord_id = "ID"\nsource = { value = "X" }\ngiven_names = "Name"\n'
        '[family_units]\nfrom = "individuals"\nfamily_unit_id = "Family"\n',
    )
    bundle = load_bundle(sheet, mapping=path)
    assert sorted(bundle.rejects["line"]) == [3, 4]  # duplicate id, missing id
    assert bundle.family_units[["family_unit_id", "record_id"]].values.tolist() == [
        ["F1", "A1"],
        ["F1", "B2"],
    ]
    assert set(bundle.rejects["file"]) == {"people.csv"}  # each bad line reported once


def test_one_csv_with_the_contract_columns_needs_no_mapping(tmp_path: Path) -> None:
    sheet = tmp_path / "all.csv"
    sheet.write_text(
        "record_id,source,given_names,family_unit_id,role\nr1,CBP,Ana,U1,HEAD\n"
        "r2,CBP,Luis,U1,son\nr3,CBP,Marta,,\n"
    )
    bundle = load_bundle(sheet)
    assert len(bundle.individuals) == 3
    assert bundle.family_units[["record_id", "role"]].values.tolist() == [
        ["r1", "HEAD"],
        ["r2", "CHILD"],
    ]
    assert "family_unit_id" not in bundle.individuals.columns


def test_a_workbook_whose_sheets_are_the_tables_is_a_bundle(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "bundle.xlsx"
    book = xlsxwriter.Workbook(str(path))
    people = book.add_worksheet("individuals")
    people.write_row(0, 0, ["record_id", "source", "dob"])
    people.write_row(1, 0, ["r1", "CBP", "1990-01-02"])
    people.write_row(3, 0, ["r2", "CBP", "garbage"])
    units = book.add_worksheet("Family_Units")
    units.write_row(0, 0, ["family_unit_id", "record_id"])
    units.write_row(1, 0, ["U1", "r1"])
    book.close()
    bundle = load_bundle(path)
    assert bundle.individuals["_line"].tolist() == [2, 4]  # Excel's row numbers
    assert bundle.unparsed[["file", "line", "value"]].values.tolist() == [
        ["bundle.xlsx[individuals]", 4, "garbage"]
    ]
    assert len(bundle.family_units) == 1


def test_guess_from_spanish_headers(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "registro.csv", SPANISH_HEADER, SPANISH_ROWS)
    text = guess_mapping(sheet).toml()
    for line in (
        'given_names = "Nombre(s)"',
        'surnames = "Apellidos"',
        'dob = { column = "Fecha de nacimiento", format = "day-first" }',
        'nationality = "Nacionalidad"',
        'country_of_location = "País actual"',
        'family_unit_id = "Familia"',
        '"Hijo" = "CHILD"',
        '"Madre" = "PARENT"',
    ):
        assert line in text, text
    path = _mapping(tmp_path, text)
    bundle = load_bundle(sheet, mapping=path)
    assert bundle.individuals["nationality"].tolist() == ["HND", "HND"]
    assert bundle.individuals["country_of_location"].tolist() == ["MEX", "USA"]


def test_guess_places_unnamed_columns_by_their_values(tmp_path: Path) -> None:
    sheet = tmp_path / "odd.csv"
    sheet.write_text(
        "Nombre,Col A,Col B,Col C\nAna,A-208-123-456,1988-03-14,F\nLuis,208123457,2012-07-02,M\n"
    )
    text = guess_mapping(sheet).toml()
    assert 'a_number = "Col A"' in text and 'dob = "Col B"' in text and 'sex = "Col C"' in text
    assert "placed by its values" in text


def test_a_guessed_mapping_leaves_an_open_date_order_to_the_user(tmp_path: Path) -> None:
    sheet = tmp_path / "open.csv"
    sheet.write_text("First Name,Last Name,DOB\nAna,Paz,03/04/1988\nLuis,Paz,05/06/2012\n")
    text = guess_mapping(sheet).toml()
    assert "add the format" in text
    with pytest.raises(DateOrderError, match="'03/04/1988' \\(line 2\\)"):
        load_bundle(sheet, mapping=_mapping(tmp_path, text))


def test_unknown_columns_are_named_with_the_closest_known_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "individuals.csv").write_text(
        "record_id,source,First Name,Nationalty,notes\nr1,CBP,Ana,HND,x\n"
    )
    (tmp_path / "family_units.csv").write_text("family_unit_id,record_id\n")
    with caplog.at_level(logging.WARNING, logger="kinlink"):
        load_bundle(tmp_path)
    assert (
        "individuals.csv: 3 columns not in the contract's individuals table, kept as attributes: "
        "'first name' (closest: given_names), 'nationalty' (closest: nationality), 'notes'"
    ) in caplog.text


def test_what_the_data_cannot_support_is_said(tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "intake.xlsx")
    path = _mapping(tmp_path, guess_mapping(sheet).toml())
    gaps = load_bundle(sheet, mapping=path).gaps()
    assert any(g.startswith("no cases rows: COURT_SPLIT") for g in gaps)
    assert not any("country_of_location" in g for g in gaps)
    text = path.read_text().replace('country_of_location = "Current Country"\n', "")
    gaps = load_bundle(sheet, mapping=_mapping(tmp_path, text)).gaps()
    assert "no country_of_location values in individuals: LOCATION_SPLIT" in "\n".join(gaps)


def test_an_entirely_unreadable_column_is_a_gap(tmp_path: Path) -> None:
    (tmp_path / "individuals.csv").write_text("record_id,source,dob\nr1,CBP,soon\nr2,CBP,later\n")
    (tmp_path / "family_units.csv").write_text("family_unit_id,record_id\n")
    gaps = load_bundle(tmp_path).gaps()
    assert (
        "individuals.csv: none of the 2 values of dob ('dob') could be read as dates (iso)"
        in gaps[0]
    )


def test_a_missing_sheet_or_file_is_named(tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "intake.xlsx")
    path = _mapping(tmp_path, '[individuals]\nfrom = "People"\nrecord_id = { line = "R" }\n')
    with pytest.raises(SchemaError, match="no sheet 'People' \\(sheets: 'Intake', 'Notes'\\)"):
        load_bundle(sheet, mapping=path)


def test_read_frames_are_text_with_lines(tmp_path: Path) -> None:
    from kinlink.loaders.workbook import read_sheet

    raw = read_sheet(write_xlsx(tmp_path / "intake.xlsx"), "Intake")
    assert raw.header_line == 3 and raw.frame["_line"].tolist() == [4, 5, 6, 7, 8, 9]
    assert raw.written["first name"] == "First Name"
    assert pd.api.types.is_string_dtype(raw.frame["dob"])


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("F. Nac.", "dob"),
        ("Fecha de nac.", "dob"),
        ("Fec. Nac.", "dob"),
        ("Nombre(s)", "given_names"),
    ],
)
def test_spanish_abbreviated_headers(header: str, column: str) -> None:
    assert closest_column(header, "individuals") == column


@pytest.mark.parametrize("word", ["Jefa de familia", "Jefe de hogar", "Cabeza de familia", "jefa"])
def test_spanish_words_for_the_head_of_a_family(word: str) -> None:
    assert role_of(word) == "HEAD"
