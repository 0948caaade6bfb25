"""The workbook's plain text cells are written as ``xlsxwriter`` itself writes them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kinlink.queries.render_xlsx as render_xlsx

xlsxwriter = pytest.importorskip("xlsxwriter")

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = [
    "plain",
    "R-000123",
    "=HYPERLINK(1)",
    "-5",
    " leading",
    "trailing ",
    "\tboth\t",
    "in\tside",
    "two\nlines",
    "line\n",
    "a & b",
    "<r>rich?</r>",
    'say "hi"',
    "1 > 0 < 2",
    "bell\x07",
    "\x00",
    "_x0041_",
    "_x00",
    "snake_x_case",
    "non\ufffechar",
    "non\uffffchar",
    "José Ñúñez",
    "\u00a0nbsp",
    "nbsp\u00a0",
    "\u3000ideographic",
    "emoji 😀",
    "x" * 40_000,
]


def _sheets(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")}


def _workbook(path: Path, rows: list[list[object]]) -> dict[str, bytes]:
    """Write ``rows`` through :class:`render_xlsx._Sheet` (each style in turn, a column format
    set at the end as the report does) and return the worksheets' XML."""
    wb = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    fmt = {"head": wb.add_format({"bold": True}), "wrap": wb.add_format({"text_wrap": True})}
    for name in ("First", "Second"):
        ws = wb.add_worksheet(name)
        sheet = render_xlsx._Sheet(ws, fmt)
        for i, row in enumerate(rows):
            sheet.write(row, (None, "head", "wrap")[i % 3])
            if i % 5 == 0:
                sheet.skip()
        ws.set_column(0, 0, 22)
        if name == "Second":
            ws.set_column(1, 1, 30, fmt["wrap"])
    wb.close()
    return _sheets(path)


def _both(tmp_path: Path, rows: list[list[object]], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _workbook(tmp_path / "fast.xlsx", rows)
    with monkeypatch.context() as m:
        m.setattr(render_xlsx, "_plain_text_cells", lambda ws: None)
        stock = _workbook(tmp_path / "stock.xlsx", rows)
    assert fast.keys() == stock.keys()
    for name in fast:
        assert fast[name] == stock[name], name


def test_plain_text_cells_match_xlsxwriter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows: list[list[object]] = [HOSTILE[i : i + 4] for i in range(len(HOSTILE))]
    rows += [
        ["text", 3, 2.5, True],
        [None, "", "after blanks"],
        ["last row", "is flushed at close"],
    ]
    _both(tmp_path, rows, monkeypatch)
    # the test exercised the fast path: the locked version is one it may replace
    assert xlsxwriter.__version__ in render_xlsx.PLAIN_TEXT_VERSIONS


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=5), min_size=1, max_size=20))
def test_plain_text_cells_match_xlsxwriter_on_any_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[object]]
) -> None:
    _both(tmp_path, rows, monkeypatch)


def test_locked_xlsxwriter_is_a_plain_text_version() -> None:
    """Bumping ``xlsxwriter`` in the lock means checking its string cell again (the tests above)
    and adding the version to :data:`render_xlsx.PLAIN_TEXT_VERSIONS`."""
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    locked = re.search(r"^xlsxwriter==(\S+)$", lock, re.MULTILINE)
    assert locked is not None
    assert locked.group(1) in render_xlsx.PLAIN_TEXT_VERSIONS
