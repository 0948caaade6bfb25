"""docs/own-data.md is a walk-through that runs: its files are written, its `sh` commands run in
order, and the mapping it shows is the one `kinlink mapping` writes."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pandas as pd
import pytest

from kinlink.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "own-data.md"
BLOCK = re.compile(r"^```(\w+)(?: (\S+))?\n(.*?)^```$", re.S | re.M)


def test_the_walk_through_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    expected: dict[str, str] = {}
    ran = 0
    for kind, name, body in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        if kind == "csv" and name:
            (tmp_path / name).write_text(body, encoding="utf-8")
        elif kind == "toml" and name:
            expected[name] = body
        elif kind == "sh":
            for line in body.splitlines():
                words = shlex.split(line)
                target = None
                if ">" in words:
                    words, target = words[: words.index(">")], words[words.index(">") + 1]
                assert words[0] == "kinlink", line
                assert main(words[1:]) == 0, (line, capsys.readouterr().err)
                out = capsys.readouterr().out
                if target:
                    Path(target).write_text(out, encoding="utf-8")
                ran += 1
    assert ran == 3
    assert (tmp_path / "mapping.toml").read_text(encoding="utf-8") == expected["mapping.toml"]
    report = tmp_path / "report"
    persons = pd.read_csv(report / "persons.csv", dtype=str)
    assert persons["record_id"].tolist() == [f"R{i}" for i in range(2, 8)]
    assert pd.read_csv(report / "separated_families.csv")["codes"].tolist() == ["LOCATION_SPLIT"]
    assert len(pd.read_csv(report / "mixed_nationality_units.csv")) == 1
