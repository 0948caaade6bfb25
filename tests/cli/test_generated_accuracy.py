"""Issue 4's accuracy bar on bundles generated fresh, not only on the committed sample.

Two bundles of 20,000 records with seeds nobody tuned against (11 and 12) go through the real
report, and every flag file must reach F1 0.98 against the generator's truth (pairwise persons
0.99). The figures at 40k, 100k and 400k records are in the README; this keeps the bar in CI.
"""

from __future__ import annotations

import pytest

import kinlink
from kinlink.queries.evaluate import evaluate
from kinlink.samples.generator import generate_bundle

FLAG_FILES = ("separated_families", "mixed_nationality_units", "joint_reprocessing")


@pytest.fixture(scope="module", params=[11, 12], ids=lambda seed: f"seed{seed}")
def scores(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp(f"generated{request.param}")
    generate_bundle(root / "bundle", 20_000, seed=request.param)
    kinlink.open(root / "bundle").report(root / "report")
    return evaluate(root / "report", root / "bundle" / "truth")


def test_every_record_is_scored(scores: dict) -> None:
    assert scores["records_scored"] == 20_000
    assert scores["records_only_in_report"] == scores["records_only_in_truth"] == 0


def test_persons_reach_f1_099(scores: dict) -> None:
    assert scores["persons"]["f1"] >= 0.99, scores["persons"]


@pytest.mark.parametrize("name", FLAG_FILES)
def test_flag_file_reaches_f1_098(scores: dict, name: str) -> None:
    assert scores[name]["f1"] >= 0.98, (name, scores[name])
