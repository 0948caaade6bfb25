"""Generator regimes: sparse identifiers, typo rates, placeholder dates, a global shuffle."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pandas as pd
import pytest

from kinlink.cli import main
from kinlink.samples.generator import generate_bundle
from kinlink.samples.regime import FEW, Regime

N, SEED = 1500, 21


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("default")
    generate_bundle(out, N, seed=SEED)
    return out


def make(tmp_path: Path, **regime: object) -> Path:
    generate_bundle(tmp_path, N, seed=SEED, regime=Regime(**regime))  # type: ignore[arg-type]
    return tmp_path


def test_the_default_regime_writes_the_default_bytes(default: Path, tmp_path: Path) -> None:
    make(tmp_path)
    names = sorted(str(p.relative_to(default)) for p in default.rglob("*.csv"))
    match, mismatch, errors = filecmp.cmpfiles(default, tmp_path, names, shallow=False)
    assert match == names and not mismatch and not errors


def test_no_identifiers(default: Path, tmp_path: Path) -> None:
    sparse = read(make(tmp_path, identifiers="none"), "individuals")
    assert (read(default, "individuals")["a_number"] != "").mean() > 0.5
    assert (sparse["a_number"] == "").all() and (sparse["other_id"] == "").all()
    # everything else is the default bundle, row for row
    before = read(default, "individuals").drop(columns=["a_number", "other_id"])
    pd.testing.assert_frame_equal(before, sparse.drop(columns=["a_number", "other_id"]))


def test_few_identifiers_keep_about_one_in_ten(default: Path, tmp_path: Path) -> None:
    full = read(default, "individuals")["a_number"]
    few = read(make(tmp_path, identifiers="few"), "individuals")["a_number"]
    kept = few != ""
    assert (few[kept] == full[kept]).all()  # kept ones are untouched
    share = kept.sum() / (full != "").sum()
    assert FEW / 2 < share < FEW * 2


def test_placeholder_dates_are_the_first_of_january_of_the_year(
    default: Path, tmp_path: Path
) -> None:
    full = read(default, "individuals")["dob"]
    held = read(make(tmp_path, dob_placeholder=0.3), "individuals")["dob"]
    changed = full != held
    assert 0.2 < changed.sum() / (full != "").sum() < 0.4
    assert (held[changed].str[4:] == "-01-01").all()
    assert (held[changed].str[:4] == full[changed].str[:4]).all()


def test_typo_rate_changes_how_many_spellings_a_person_has(tmp_path: Path) -> None:
    def spellings(folder: Path) -> float:
        frame = read(folder, "individuals").merge(read(folder / "truth", "records"))
        surname = frame["surnames"].str.upper().str.replace("-", " ")
        return surname.groupby(frame["person_id"]).nunique().mean()

    none = spellings(make(tmp_path / "none", typo_rate=0))
    many = spellings(make(tmp_path / "many", typo_rate=5))
    assert many > none * 1.05


def test_shuffle_renumbers_ids_and_keeps_every_reference(default: Path, tmp_path: Path) -> None:
    shuffled = make(tmp_path, shuffle=True)
    before, after = read(default, "individuals"), read(shuffled, "individuals")
    assert len(after) == len(before)
    # ids run in row order within each source
    rank = after.groupby("source").cumcount() + 1
    assert (after["record_id"] == after["source"] + "-" + rank.map("{:08d}".format)).all()
    # the same records, with the same true persons, in another order
    content = [c for c in before.columns if c != "record_id"]

    def keyed(folder: Path, frame: pd.DataFrame) -> pd.DataFrame:
        truth = read(folder / "truth", "records")
        merged = frame.merge(truth, on="record_id", validate="one_to_one")
        return merged.drop(columns="record_id").sort_values(content).reset_index(drop=True)

    pd.testing.assert_frame_equal(keyed(default, before), keyed(shuffled, after))
    assert (before[content].to_numpy() != after[content].to_numpy()).any()
    ids = set(after["record_id"])
    for name in ("family_units", "cases"):
        assert set(read(shuffled, name)["record_id"]) <= ids
    flagged = read(shuffled / "truth", "separated_families")["record_ids"].str.split(";")
    assert set().union(*flagged) <= ids

    # a family unit holds the same true persons as before
    def unit_people(folder: Path) -> list[list[str]]:
        units = read(folder, "family_units").merge(read(folder / "truth", "records"))
        return sorted(sorted(g) for _, g in units.groupby("family_unit_id")["person_id"])

    assert unit_people(default) == unit_people(shuffled)


def test_cli_takes_the_regime(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b"
    assert main(["generate", str(out), "--records", "300", "--identifiers", "none"]) == 0
    assert (read(out, "individuals")["a_number"] == "").all()
    assert "regime={'identifiers': 'none'}" in capsys.readouterr().out
    assert main(["generate", str(out), "--records", "300", "--typo-rate", "11"]) == 2
    assert "typo_rate" in capsys.readouterr().err
