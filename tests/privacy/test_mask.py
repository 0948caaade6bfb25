"""``kinlink report --mask``: pseudonymous ids, and no name, A-number or date of birth anywhere.

One masked run (with ``--save-graph``) on a generated bundle with a few hostile rows; every file it
writes (CSV, JSON, HTML, the XLSX's XML parts, the graph's Parquet tables) is scanned for every
name token, A-number (as written and normalised to 9 digits) and date of birth of the input.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from kinlink.cli import main
from kinlink.queries.flags import CONTRACT_FILES
from kinlink.samples.generator import generate_bundle

KEY_ENV = "KINLINK_MASK_KEY"
HOSTILE_ROWS = (
    # a duplicate record_id, an impossible date of birth, an A-number with letters
    "{dup},CBP,A-123-456-789,Wilfredo Anselmo,Quintanilla Zúniga,1983-02-30,M,HND,,MEX,,,,,,,,\n"
    "HOSTILE-2,CBP,A12345X789,Eustaquia,Barahona,31/12/1990,F,HND,,MEX,,2020-01-01,,,,,,\n"
)
NORMALISED_HOSTILE = ("123456789",)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bundle")
    generate_bundle(folder, 600, seed=8)
    ind = folder / "individuals.csv"
    first_id = pd.read_csv(ind, dtype=str, nrows=1)["record_id"].iloc[0]
    with open(ind, "a", encoding="utf-8") as fh:
        fh.write(HOSTILE_ROWS.format(dup=first_id))
    return folder


def _identifiers(bundle: Path) -> tuple[set[str], set[str], set[str]]:
    """Name tokens, A-number forms and dates of birth of the bundle's individuals."""
    ind = pd.read_csv(bundle / "individuals.csv", dtype=str, keep_default_na=False)
    names = {
        tok.lower()
        for col in ("given_names", "surnames")
        for cell in ind[col]
        for tok in re.split(r"[\s\-']+", cell)
        if len(tok) >= 3
    }
    # words of places and courts (San Antonio, Ciudad Juárez) are legitimately in the report
    places = set(ind["location"])
    for stem, col in (("cases", "court"), ("hearings", "court")):
        places |= set(pd.read_csv(bundle / f"{stem}.csv", dtype=str, keep_default_na=False)[col])
    names -= {tok.lower() for cell in places for tok in re.split(r"[\s\-']+", cell)}
    anums = {a for a in ind["a_number"] if a} | set(NORMALISED_HOSTILE)
    anums |= {d[-9:].zfill(9) for a in ind["a_number"] if len(d := re.sub(r"\D", "", a)) >= 8}
    # dates that are also a record, case or hearing date are legitimately in the report
    other_dates = set(ind["as_of"])
    for stem, cols in (("cases", ("status_date", "nta_date")), ("hearings", ("date",))):
        table = pd.read_csv(bundle / f"{stem}.csv", dtype=str, keep_default_na=False)
        for col in cols:
            other_dates |= set(table[col])
    dobs = {d for d in ind["dob"] if d and d not in other_dates}
    return names, anums, dobs


def _texts(out: Path) -> dict[str, str]:
    """The text of every file under ``out`` (XLSX unzipped, Parquet as its values)."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = str(path.relative_to(out))
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                for part in zf.namelist():
                    texts[f"{name}:{part}"] = zf.read(part).decode("utf-8", "replace")
        elif path.suffix == ".parquet":
            table = pq.read_table(path)
            texts[name] = " ".join(table.column_names) + "\n" + table.to_pandas().to_csv()
        else:
            texts[name] = html.unescape(path.read_text(encoding="utf-8"))
    return texts


def _leaks(texts: dict[str, str], names: set[str], anums: set[str], dobs: set[str]) -> list[str]:
    found = []
    for name, text in texts.items():
        lower = text.lower()
        words = set(re.findall(r"[^\W\d_]{3,}", lower))
        found += [f"{name}: name {tok!r}" for tok in sorted(names & words)]
        found += [f"{name}: A-number {a!r}" for a in sorted(anums) if a.lower() in lower]
        found += [f"{name}: dob {d!r}" for d in sorted(dobs) if d in text]
    return found


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
    names, anums, dobs = _identifiers(bundle)
    assert len(names) > 100 and len(anums) > 100 and len(dobs) > 100
    texts = _texts(masked)
    kinds = {Path(n.split(":")[0]).suffix for n in texts}
    assert {".csv", ".json", ".html", ".xlsx", ".parquet"} <= kinds
    assert _leaks(texts, names, anums, dobs) == []


def test_the_scan_finds_identifiers_in_an_unmasked_report(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "plain"
    assert main(["report", str(bundle), "--out", str(out), "--save-graph", "-q"]) == 0
    leaks = _leaks(_texts(out), *_identifiers(bundle))
    assert any(": name " in x for x in leaks)
    assert any(": A-number " in x for x in leaks)
    assert any(": dob " in x for x in leaks)


def test_contract_files_keep_their_columns_with_pseudonyms(bundle: Path, masked: Path) -> None:
    persons = pd.read_csv(masked / "persons.csv", dtype=str, keep_default_na=False)
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
    env = {k: v for k, v in __import__("os").environ.items() if k != KEY_ENV}
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
    assert _leaks({"stderr": proc.stderr}, *_identifiers(bundle)) == []
