"""The fitted model as a file (model.json), its reuse, readable weights, and unique sources."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kinlink.cli import main
from kinlink.errors import SettingsError
from kinlink.graph.resolve import ResolverSettings, resolve
from kinlink.graph.resolve.comparisons import default_comparisons
from kinlink.graph.resolve.model import FSModel
from kinlink.samples.generator import generate_bundle


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    generate_bundle(out, 1200, seed=8)
    return out


@pytest.fixture(scope="module")
def report(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "r"
    assert main(["report", str(bundle), "--out", str(out), "-q"]) == 0
    return out


def test_report_writes_the_model_and_the_resolution_summary(report: Path) -> None:
    model = json.loads((report / "model.json").read_text())
    assert model["kind"] == "kinlink-fellegi-sunter"
    assert [c["name"] for c in model["comparisons"]] == [c.name for c in default_comparisons()]
    assert 0 < model["prior"] < 1 and model["fit"]["stage"]
    summary = json.loads((report / "summary.json").read_text())["resolution"]
    assert summary["size_guard"]["max_records"] >= 10
    assert summary["fit"] == model["fit"]
    assert isinstance(summary["warnings"], list)


def test_a_saved_model_gives_the_same_persons(bundle: Path, report: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    model = report / "model.json"
    assert main(["report", str(bundle), "--out", str(again), "-q", "--model", str(model)]) == 0
    first = pd.read_csv(report / "persons.csv").sort_values("record_id").reset_index(drop=True)
    second = pd.read_csv(again / "persons.csv").sort_values("record_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(first, second)
    fit = json.loads((again / "model.json").read_text())["fit"]
    assert fit["stage"] == "loaded model (prior re-estimated)"


def test_model_round_trip_and_its_checks(report: Path, tmp_path: Path) -> None:
    comparisons = default_comparisons()
    model = FSModel.load(report / "model.json", comparisons)
    doc = model.to_dict()
    again = FSModel.from_dict(doc, comparisons)
    for a, b in zip(model.m + model.u, again.m + again.u, strict=True):
        np.testing.assert_allclose(a, b)
    with pytest.raises(SettingsError, match="comparisons differ"):
        FSModel.from_dict(doc, comparisons[:3])
    broken = json.loads(json.dumps(doc))
    broken["comparisons"][0]["levels"][1]["label"] = "exactly"
    broken["prior"] = 2
    with pytest.raises(SettingsError, match=r"given_names levels .*prior must be in"):
        FSModel.from_dict(broken, comparisons)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SettingsError, match=f"{bad}: not JSON"):
        FSModel.load(bad, comparisons)
    with pytest.raises(SettingsError, match="cannot read"):
        FSModel.load(tmp_path / "missing.json", comparisons)


def test_cli_names_a_bad_model_file(
    bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "model.json"
    bad.write_text('{"kind": "something else"}')
    code = main(["report", str(bundle), "--out", str(tmp_path / "r"), "--model", str(bad)])
    assert code == 2
    assert f"{bad}: not a kinlink model" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # refused before any work


def test_verbose_report_logs_readable_weights(
    bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(bundle), "--out", str(tmp_path / "r"), "-v", "-q"]) == 0
    err = capsys.readouterr().err
    assert "match prior among candidates" in err
    line = next(x for x in err.splitlines() if "dob" in x and " exact " in x)
    assert "m=" in line and "u=" in line and "bits" in line


def _background(n: int = 60) -> pd.DataFrame:
    """Distinct people, so that the model has chance agreement to learn from."""
    given = ["Luis", "Rosa", "Pedro", "Carmen", "Wilmer", "Yesenia", "Kevin", "Dayana", "Elvin"]
    surnames = ["Soto", "Vega", "Lara", "Mejía", "Cruz", "Rivas", "Orellana", "Portillo"]
    return pd.DataFrame(
        {
            "record_id": [f"x{i}" for i in range(n)],
            "source": "CBP",
            "given_names": [given[i % 9] for i in range(n)],
            "surnames": [f"{surnames[i % 8]} {surnames[(i // 8) % 8]}" for i in range(n)],
            "dob": pd.to_datetime(
                [f"19{60 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)]
            ),
        }
    )


def test_a_unique_source_never_holds_one_person_twice() -> None:
    people = pd.DataFrame(
        {
            "record_id": ["a", "b", "c"],
            "source": ["ROSTER", "ROSTER", "CBP"],
            "given_names": ["Ana María", "Ana María", "Ana María"],
            "surnames": ["Paz Ruiz"] * 3,
            "dob": pd.to_datetime(["1990-01-02"] * 3),
        }
    )
    frame = pd.concat([people, _background()], ignore_index=True)
    merged = resolve(frame).persons.set_index("record_id")["person_id"]
    assert merged["a"] == merged["b"] == merged["c"]
    kept = resolve(frame, settings=ResolverSettings(unique_sources=("roster",)))
    persons = kept.persons.set_index("record_id")["person_id"]
    assert persons["a"] != persons["b"]
    assert persons["c"] in (persons["a"], persons["b"])
    with pytest.raises(SettingsError, match="unique_sources"):
        ResolverSettings(unique_sources=("",))


def test_birth_dates_written_wrong_or_to_the_year_still_count() -> None:
    # what the loaders hand over: an out-of-range date is missing, its digits kept in dob_raw
    frame = pd.DataFrame(
        {
            "record_id": ["a", "b", "c", "d"],
            "source": ["CBP", "NGO", "NGO", "EOIR"],
            "given_names": ["Ana María", "Ana María", "Ana María", "Ana María"],
            "surnames": ["Paz Ruiz"] * 4,
            "dob": pd.to_datetime(["1985-10-14", None, None, "1985-10-14"]),
            "dob_raw": ["19851014", "91851014", "1985", "19851014"],
        }
    )
    resolution = resolve(frame, keep_scorer=True)
    assert resolution.scorer is not None
    levels = resolution.scorer.weights(np.array([0, 0, 0]), np.array([1, 2, 3]))["levels"]
    dob = [c.name for c in default_comparisons()].index("dob")
    labels = default_comparisons()[dob].labels()
    assert [labels[k] for k in levels[:, dob]] == ["typo", "year", "exact"]
