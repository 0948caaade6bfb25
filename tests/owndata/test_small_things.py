"""Issue 16's small things: explain's text, the dashboard's kept state and tab icon."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinlink.cli import main
from tests.hostile.corpus import INDIVIDUALS, PEOPLE, base


def test_explain_says_names_were_swapped_and_shows_no_nan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    swapped = list(PEOPLE[3])
    swapped[0], swapped[1] = "r7", "NGO"
    given, surnames = INDIVIDUALS.index("given_names"), INDIVIDUALS.index("surnames")
    swapped[given], swapped[surnames] = PEOPLE[3][surnames], PEOPLE[3][given]  # Núñez / José
    base(tmp_path, people=[*PEOPLE, swapped])
    assert main(["explain", str(tmp_path), "r4", "r7"]) == 0
    text = capsys.readouterr().out
    assert "NaN" not in text and "nan" not in text.split()
    assert "compared crosswise" in text
    assert "term_frequency: how common the agreeing names are" in text
    assert "One person" in text or "Two persons" in text


def test_the_tab_icon_is_served_by_the_app() -> None:
    icon = Path(__file__).resolve().parents[2] / "dashboard" / "static" / "kinlink.png"
    assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    source = (icon.parents[1] / "app.py").read_text()
    assert ":material/" not in source.split("set_page_config")[1].split(")")[0]
