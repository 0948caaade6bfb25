"""``kinlink report --mask`` and ``kinlink cypher --mask``: pseudonyms, nothing identifying.

One masked run (with ``--save-graph``) on a generated bundle with a few hostile rows; every file it
writes (CSV, JSON, HTML, the XLSX's XML parts, the graph's Parquet tables), whatever its name, and
what the command prints, are scanned (:func:`conftest.leaks`) for every name token, A-number (as
written and as 9 digits), date of birth, raw record, case, hearing and unit id and city of the
input, for line numbers and for whole dates (a masked output gives the month).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kinlink.cli import main
from kinlink.csvfile import read_csv
from kinlink.queries.flags import CONTRACT_FILES

from .conftest import KEY_ENV, csv_line_columns, identifiers, leaks, texts


def _report(bundle: Path, out: Path, key: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv(KEY_ENV, key)
    return main(["report", str(bundle), "--out", str(out), "--mask", "--save-graph", "-q"])


@pytest.fixture(scope="module")
def masked(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("masked") / "report"
    with pytest.MonkeyPatch.context() as mp:
        assert _report(bundle, out, "first secret", mp) == 0
    return out


def test_no_identifier_in_any_output_file(bundle: Path, masked: Path) -> None:
    ids = identifiers(bundle)
    assert min(len(ids.names), len(ids.anums), len(ids.dobs), len(ids.ids)) > 100
    assert ids.cities
    found = texts(masked)
    kinds = {Path(n.split(":")[0]).suffix for n in found}
    assert {".csv", ".json", ".html", ".xlsx", ".parquet"} <= kinds
    assert leaks(found, ids) == []
    assert csv_line_columns(masked) == []


def test_the_scan_finds_identifiers_in_an_unmasked_report(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "plain"
    assert main(["report", str(bundle), "--out", str(out), "--save-graph", "-q"]) == 0
    found = leaks(texts(out), identifiers(bundle))
    for what in ("name", "A-number", "dob", "raw id", "city", "line", "date"):
        assert any(f": {what} " in x or f": '{what}" in x for x in found), what
    assert csv_line_columns(out)  # rejects.csv and the graph's tables hold line numbers


def test_masked_rejects_key_their_lines_and_rebuild_their_reasons(masked: Path) -> None:
    rejects = read_csv(masked / "rejects.csv")
    assert len(rejects) >= 2
    assert rejects["line"].str.fullmatch(r"L-[0-9a-f]{16}").all()
    reasons = " ".join(rejects["reason"])
    assert "duplicate record_id (first at line L-" in reasons
    assert "expected 18 fields, found 3" in reasons
    assert "withheld" not in reasons  # every reason the loaders gave has a masked form


def test_masked_dates_are_months(masked: Path) -> None:
    flags = read_csv(masked / "flags.csv")
    dates = {d for cell in flags["dates"] for d in cell.split(";") if d}
    assert dates and all(len(d) == 7 for d in dates)  # YYYY-MM


def test_contract_files_keep_their_columns_with_pseudonyms(bundle: Path, masked: Path) -> None:
    persons = read_csv(masked / "persons.csv")
    assert list(persons.columns[:2]) == ["record_id", "person_id"]
    assert persons["record_id"].str.fullmatch(r"R-[0-9a-f]{16}").all()
    assert persons["person_id"].str.fullmatch(r"P-[0-9a-f]{16}").all()
    assert persons["record_id"].is_unique
    families = pd.read_csv(masked / "families.csv", dtype=str)
    assert families["family_id"].str.fullmatch(r"F-[0-9a-f]{16}").all()
    for stem in CONTRACT_FILES:
        flagged = pd.read_csv(masked / f"{stem}.csv", dtype=str)
        assert {"family_id", "record_ids"} <= set(flagged.columns)
    joint = pd.read_csv(masked / "joint_reprocessing.csv", dtype=str)
    assert len(joint) and joint["case_ids"].str.fullmatch(r"C-[0-9a-f]{16}(;C-[0-9a-f]{16})*").all()
    rejects = pd.read_csv(masked / "rejects.csv", dtype=str)
    assert list(rejects.columns) == ["file", "line", "column", "reason"] and len(rejects) >= 1


def test_same_key_same_pseudonyms_other_key_others(
    bundle: Path, masked: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    assert _report(bundle, again, "first secret", monkeypatch) == 0
    assert _report(bundle, other, "second secret", monkeypatch) == 0
    first = (masked / "persons.csv").read_text()
    assert (again / "persons.csv").read_text() == first
    assert (again / "flags.csv").read_text() == (masked / "flags.csv").read_text()
    assert set((other / "persons.csv").read_text().splitlines()[1:]).isdisjoint(
        first.splitlines()[1:]
    )


def test_mask_without_key_is_a_one_line_error(bundle: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != KEY_ENV}
    out = tmp_path / "r"
    proc = subprocess.run(
        [sys.executable, "-m", "kinlink.cli", "report", str(bundle), "--out", str(out), "--mask"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and KEY_ENV in lines[0] and "Traceback" not in proc.stderr
    assert not out.exists()


def test_debug_logs_hold_no_identifier(bundle: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kinlink.cli",
            "report",
            str(bundle),
            "--out",
            str(tmp_path / "r"),
            "-vv",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "rejected" in proc.stderr or "line" in proc.stderr  # the hostile rows were logged
    ids = identifiers(bundle)
    found = leaks({"stderr": proc.stderr}, ids)
    # an unmasked run's log names lines, rejected ids and dates; nothing that names a person
    assert [x for x in found if ": name " in x or ": A-number " in x or ": dob " in x] == []


def test_a_masked_run_prints_nothing_identifying(bundle: Path, tmp_path: Path) -> None:
    env = {**os.environ, KEY_ENV: "first secret"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kinlink.cli",
            "report",
            str(bundle),
            "--out",
            str(tmp_path / "r"),
            "--mask",
            "-vv",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "line (masked)" in proc.stderr  # the rejected rows were logged, without their lines
    assert leaks({"stdout": proc.stdout, "stderr": proc.stderr}, identifiers(bundle)) == []


def test_cypher_mask_prints_and_writes_nothing_identifying(
    bundle: Path,
    masked: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every saved query on the masked graph (parameters given as the masked report's
    pseudonyms, same key): its CSV and what it prints are scanned."""
    pytest.importorskip("falkordb", reason="kinlink cypher needs the falkordb extra")
    from kinlink.queries.cypher import load_query, query_names

    joint = read_csv(masked / "joint_reprocessing.csv")
    persons = joint["person_ids"].iloc[0].split(";")
    values = {
        "person_id": persons[0],
        "from_person": persons[0],
        "to_person": persons[-1],
        "case_id": joint["case_ids"].iloc[0].split(";")[0],
    }
    monkeypatch.setenv(KEY_ENV, "first secret")
    found: dict[str, str] = {}
    rows = 0
    for name in query_names():
        out = tmp_path / f"{name}.csv"
        params = [
            f"--param={p.name}={values[p.name]}" for p in load_query(name).params if p.required
        ]
        assert main(["cypher", str(bundle), name, *params, "--mask", "--csv", str(out)]) == 0
        found[f"{name}.csv"] = out.read_text(encoding="utf-8")
        found[f"{name} printed"] = "".join(capsys.readouterr())
        rows += len(read_csv(out))
    assert rows > 10  # the pseudonyms found their nodes: the queries answered
    assert leaks(found, identifiers(bundle)) == []


def test_cypher_mask_refuses_a_database_it_did_not_fill(bundle: Path) -> None:
    code = main(["cypher", "separated_families", "--neo4j-uri", "bolt://127.0.0.1:1", "--mask"])
    assert code == 2


@pytest.mark.parametrize("command", ["report", "check"])
def test_an_error_in_a_masked_run_quotes_no_value_or_line(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A birth-date column whose order no value decides stops the run with an error that quotes
    an example and its line: under --mask, neither (the unmasked run shows both)."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "individuals.csv").write_text(
        "record_id,source,given_names,dob\nR1,NGO,Ana,03/04/2012\nR2,NGO,Luis,05/06/2010\n"
    )
    (bundle / "family_units.csv").write_text("family_unit_id,record_id,role\n")
    monkeypatch.setenv(KEY_ENV, "error secret")
    args = [command, str(bundle)] + (["--out", str(tmp_path / "r")] if command == "report" else [])
    assert main([*args, "-q"]) == 2
    plain = capsys.readouterr().err
    assert "'03/04/2012' (line 2)" in plain  # what the scan below must not find
    assert main([*args, "-q", "--mask"]) == 2
    masked = capsys.readouterr().err
    assert "format" in masked and "03/04/2012" not in masked and "line 2" not in masked
    assert "dates like '…' (line (masked))" in masked
