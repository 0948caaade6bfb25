"""The kinlink command end to end: exit codes, messages, the contract files, row accounting."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinlink.cli import main

CONTRACT_COLUMNS = {
    "persons.csv": ["record_id", "person_id"],
    "families.csv": ["family_id", "person_id"],
    "separated_families.csv": ["family_id", "codes", "record_ids"],
    "mixed_nationality_units.csv": ["family_id", "nationalities", "mexican_member", "record_ids"],
    "joint_reprocessing.csv": ["family_id", "codes", "case_ids", "record_ids"],
    "rejects.csv": ["file", "line", "column", "reason"],
}


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def small_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    _write(
        bundle / "individuals.csv",
        [
            "record_id",
            "source",
            "a_number",
            "given_names",
            "surnames",
            "dob",
            "nationality",
            "country_of_location",
            "as_of",
        ],
        [
            [
                "r1",
                "CBP",
                "A012345678",
                "Ana",
                "Paz Rivas",
                "1990-01-02",
                "HND",
                "MEX",
                "2020-01-01",
            ],
            ["r2", "NGO", "012345678", "ANA", "PAZ", "1990-01-02", "Honduras", "MEX", "2020-02-01"],
            [
                "r3",
                "CBP",
                "A099999999",
                "Luis",
                "Paz Rivas",
                "2012-05-06",
                "HND",
                "USA",
                "2021-01-01",
            ],
            ["r3", "EOIR", "", "dup", "", "", "", "", ""],
            ["r4", "CBP", "A011111111", "Rosa", "Mejía", "1985-03-03", "MEX", "MEX", "2020-01-01"],
            ["", "NGO", "", "", "", "", "", "", ""],
        ],
    )
    _write(
        bundle / "family_units.csv",
        ["family_unit_id", "record_id", "role"],
        [["U1", "r1", "HEAD"], ["U1", "r3", "CHILD"], ["U1", "r4", "OTHER_RELATIVE"]],
    )
    _write(
        bundle / "cases.csv",
        ["case_id", "record_id", "court", "mpp", "status"],
        [["c1", "r1", "San Diego", "Y", "PENDING"], ["c2", "r404", "El Paso", "Y", "PENDING"]],
    )
    return bundle


def test_report_writes_every_contract_file_and_accounts_for_every_row(
    small_bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert main(["report", str(small_bundle), "--out", str(out)]) == 0
    for name, columns in CONTRACT_COLUMNS.items():
        frame = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        assert list(frame.columns[: len(columns)]) == columns, name
    persons = pd.read_csv(out / "persons.csv", dtype=str)
    rejects = pd.read_csv(out / "rejects.csv", dtype=str)
    assert sorted(persons["record_id"]) == ["r1", "r2", "r3", "r4"]
    individual_rejects = rejects[rejects["file"] == "individuals.csv"]
    assert sorted(individual_rejects["line"].astype(int)) == [5, 7]
    assert (rejects["file"] == "cases.csv").sum() == 1
    # r1 and r2 are one person (same A-number, same name and date of birth)
    person = persons.set_index("record_id")["person_id"]
    assert person["r1"] == person["r2"] != person["r3"]
    mixed = pd.read_csv(out / "mixed_nationality_units.csv", dtype=str)
    assert mixed["nationalities"].tolist() == ["HND;MEX"]
    separated = pd.read_csv(out / "separated_families.csv", dtype=str)
    assert "LOCATION_SPLIT" in separated["codes"].iloc[0].split(";")
    assert "report written to" in capsys.readouterr().out


def test_unreadable_bundle_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "b").mkdir()
    _write(tmp_path / "b" / "individuals.csv", ["record_id", "source"], [["r1", "CBP"]])
    assert main(["report", str(tmp_path / "b"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kinlink: error:") and "family_units.csv" in err
    assert "\n" not in err
    assert not (tmp_path / "out").exists()


def test_missing_column_names_file_and_column(
    small_bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(small_bundle / "family_units.csv", ["unit", "record_id"], [["U1", "r1"]])
    assert main(["report", str(small_bundle), "--out", str(tmp_path / "o")]) == 2
    assert "family_units.csv: required column 'family_unit_id'" in capsys.readouterr().err


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kinlink.cli",
            "report",
            str(tmp_path / "no"),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "no such file or folder" in result.stderr


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert "example: kinlink report" in capsys.readouterr().out


names = st.sampled_from(["Ana", "ANA", "Luis", "José", "Jose", "", "María José", "Pepe"])
surnames = st.sampled_from(["Paz", "Paz Rivas", "Pérez López", "", "De la Cruz"])
dobs = st.sampled_from(["1990-01-02", "1990-02-01", "", "2012-05-06", "1990-13-45"])
anums = st.sampled_from(["A012345678", "012345678", "", "A012345687", "bogus"])
ids = st.sampled_from(["r1", "r2", "r3", "r4", "r5", "r6", "", "r1"])


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(
        st.tuples(ids, st.sampled_from(["CBP", "NGO", ""]), anums, names, surnames, dobs),
        max_size=12,
    ),
    units=st.lists(st.tuples(st.sampled_from(["U1", "U2"]), ids), max_size=8),
)
def test_every_individuals_row_is_in_persons_or_rejects(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, ...]],
    units: list[tuple[str, str]],
) -> None:
    bundle = tmp_path_factory.mktemp("b")
    _write(
        bundle / "individuals.csv",
        ["record_id", "source", "a_number", "given_names", "surnames", "dob"],
        [list(r) for r in rows],
    )
    _write(bundle / "family_units.csv", ["family_unit_id", "record_id"], [list(u) for u in units])
    out = tmp_path_factory.mktemp("r") / "report"
    assert main(["report", "-q", str(bundle), "--out", str(out)]) == 0
    persons = pd.read_csv(out / "persons.csv", dtype=str, keep_default_na=False)
    rejects = pd.read_csv(out / "rejects.csv", dtype=str, keep_default_na=False)
    loaded_lines = set(range(2, len(rows) + 2)) - set(
        rejects.loc[rejects["file"] == "individuals.csv", "line"].astype(int)
    )
    assert len(persons) == len(loaded_lines)
    assert persons["record_id"].is_unique
    families = pd.read_csv(out / "families.csv", dtype=str, keep_default_na=False)
    assert families["person_id"].is_unique  # families partition their persons
    assert set(families["person_id"]) <= set(persons["person_id"])


def test_output_into_a_closed_pipe_stops_quietly(small_bundle: Path, tmp_path: Path) -> None:
    """`kinlink evaluate ... | head -1` must not print a traceback when head exits."""
    out = tmp_path / "r"
    assert main(["report", "-q", str(small_bundle), "--out", str(out)]) == 0
    truth = tmp_path / "truth"
    truth.mkdir()
    pd.read_csv(out / "persons.csv")[["record_id", "person_id"]].to_csv(
        truth / "records.csv", index=False
    )
    for name in ("families", "separated_families", "mixed_nationality_units", "joint_reprocessing"):
        (truth / f"{name}.csv").write_text((out / f"{name}.csv").read_text())
    command = f"{sys.executable} -m kinlink.cli evaluate {out} --truth {truth} --json | head -c 1"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("rows", "a", "b", "message"),
    [
        ([["r1", "CBP"]], "r1", "r1", "two different records"),
        ([["r1", "CBP"]], "r1", "r9", "no loaded individuals record 'r9'"),
        ([["r1", "CBP"]], "r1", "r1 ", "no loaded individuals record 'r1 '"),
    ],
)
def test_explain_refuses_what_it_cannot_explain_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows, a: str, b: str, message: str
) -> None:
    (tmp_path / "b").mkdir()
    _write(tmp_path / "b" / "individuals.csv", ["record_id", "source"], rows)
    _write(tmp_path / "b" / "family_units.csv", ["family_unit_id", "record_id"], [])
    assert main(["explain", str(tmp_path / "b"), a, b]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kinlink: error:") and message in err and "\n" not in err
