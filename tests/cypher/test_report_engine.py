"""``kinlink report --engine cypher`` writes the same contract flag files as the default engine.

:mod:`test_same_answers` checks the Cypher side on its own.
"""

from __future__ import annotations

from pathlib import Path

from kinlink.cli import main
from kinlink.samples.generator import generate_bundle

FILES = ["separated_families.csv", "mixed_nationality_units.csv", "joint_reprocessing.csv"]


def test_report_engine_cypher_writes_the_same_files(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    generate_bundle(bundle, 1500, seed=5)
    common = ["report", str(bundle), "--resolver", "exact", "--quiet"]
    assert main([*common, "--out", str(tmp_path / "nx")]) == 0
    assert main([*common, "--out", str(tmp_path / "cy"), "--engine", "cypher"]) == 0
    for name in FILES:
        expected = (tmp_path / "nx" / name).read_text(encoding="utf-8")
        assert expected.count("\n") > 2, name  # the comparison means something
        assert (tmp_path / "cy" / name).read_text(encoding="utf-8") == expected, name
