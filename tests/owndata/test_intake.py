"""Issue 16's "Done when": the intake sheet, as CSV and as XLSX, through `kinlink mapping` then
`kinlink report --mapping` with the guessed mapping unedited; without a mapping, refused."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from kinlink.cli import main

from .intake import HEADER, ROWS, write_csv, write_xlsx

WRITERS = {
    "csv": lambda d: write_csv(d / "intake.csv"),
    "xlsx": lambda d: write_xlsx(d / "intake.xlsx"),
}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("kind", list(WRITERS))
def test_guessed_mapping_unedited_gives_every_person_the_units_and_the_flags(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = WRITERS[kind](tmp_path)
    assert main(["mapping", str(sheet)]) == 0
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(capsys.readouterr().out, encoding="utf-8")
    out = tmp_path / "report"
    assert main(["report", "-q", str(sheet), "--mapping", str(mapping), "--out", str(out)]) == 0

    persons = _read(out / "persons.csv")
    assert len(persons) == len(ROWS) and persons["person_id"].is_unique  # six different people
    assert _read(out / "rejects.csv").empty
    families = _read(out / "families.csv")
    assert sorted(families.groupby("family_id").size().tolist()) == [2, 3]
    line = {f"R{i}": row for i, row in enumerate(ROWS, start=4 if kind == "xlsx" else 2)}
    separated = _read(out / "separated_families.csv")
    assert separated["codes"].tolist() == ["LOCATION_SPLIT"]
    assert {line[r][0] for r in separated["record_ids"].iloc[0].split(";")} == {"Ana María", "Luis"}
    mixed = _read(out / "mixed_nationality_units.csv")
    assert mixed[["nationalities", "mexican_member"]].values.tolist() == [["GTM;MEX", "true"]]
    assert {line[r][1] for r in mixed["record_ids"].iloc[0].split(";")} == {"Núñez", "Núñez Cruz"}
    assert _read(out / "unparsed_values.csv").empty  # every date, A-number and demonym was read


@pytest.mark.parametrize("kind", list(WRITERS))
def test_the_sheet_without_a_mapping_is_refused_with_a_message_about_the_mapping(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = WRITERS[kind](tmp_path)
    assert main(["report", "-q", str(sheet), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert f"kinlink mapping {sheet}" in err and "--mapping" in err
    assert not (tmp_path / "r").exists()


def test_check_lists_the_unparsed_values_with_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][2] = "7/32/2012"  # no 32nd day
    rows[4][3] = "A#2081"  # too short for an A-number
    sheet = write_csv(tmp_path / "intake.csv", rows=rows)
    assert main(["mapping", str(sheet)]) == 0
    (tmp_path / "m.toml").write_text(capsys.readouterr().out, encoding="utf-8")
    unparsed = tmp_path / "unparsed.csv"
    code = main(
        ["check", str(sheet), "--mapping", str(tmp_path / "m.toml"), "--unparsed", str(unparsed)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "line 3: '7/32/2012' impossible date" in out
    assert "line 6: 'A#2081' unparseable a_number" in out
    assert "2 values read as missing" in out
    listed = _read(unparsed)
    assert listed[["line", "column", "value"]].values.tolist() == [
        ["3", "dob", "7/32/2012"],
        ["6", "a_number", "A#2081"],
    ]
    assert main(["check", str(sheet), "--mapping", str(tmp_path / "m.toml"), "--mask"]) == 0
    masked = capsys.readouterr().out
    assert "7/32/2012" not in masked and "line 3: impossible date" in masked


def test_a_semicolon_sheet_as_a_spanish_locale_excel_saves_it_reads_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel in many locales (Spain's, Brazil's) saves "CSV" with semicolons, in cp1252: the
    guessed mapping and the report are those of the comma sheet."""
    comma = write_csv(tmp_path / "intake.csv")
    semi = tmp_path / "semi" / "intake.csv"
    semi.parent.mkdir()
    with semi.open("w", newline="", encoding="cp1252") as fh:
        csv.writer(fh, delimiter=";").writerows([HEADER, *ROWS])
    guessed = []
    for sheet in (comma, semi):
        assert main(["mapping", str(sheet)]) == 0
        guessed.append(capsys.readouterr().out)
    assert guessed[0] == guessed[1]
    (tmp_path / "m.toml").write_text(guessed[1], encoding="utf-8")
    out = tmp_path / "report"
    assert (
        main(["report", "-q", str(semi), "--mapping", str(tmp_path / "m.toml"), "--out", str(out)])
        == 0
    )
    assert len(_read(out / "persons.csv")) == len(ROWS)
    assert _read(out / "separated_families.csv")["codes"].tolist() == ["LOCATION_SPLIT"]
    assert len(_read(out / "mixed_nationality_units.csv")) == 1
