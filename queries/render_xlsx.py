"""The human report as an Excel workbook (``xlsxwriter``, streamed row by row).

Sheets: **Summary** (totals, counts by code, nationality and court, with bar charts), **Flags**
(one row per flag: code, reason, source, evidence) and **Families** (one block per flagged family:
its codes and reasons, members, cases with next hearings, records). Every text cell is neutralised
(:func:`kinlink.queries.text.neutralise`) and written as a string, never as a formula.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kinlink.errors import KinlinkError
from kinlink.queries.flags import RULES, Flag
from kinlink.queries.sections import (
    CASE_COLUMNS,
    MEMBER_COLUMNS,
    RECORD_COLUMNS,
    FamilySection,
    FamilySections,
    Summary,
)
from kinlink.queries.text import neutralise

log = logging.getLogger(__name__)

__all__ = ["available", "write_xlsx"]

MAX_ROWS = 1_048_576
MAX_CELL = 32_767


def _xlsxwriter() -> Any:
    try:
        import xlsxwriter
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise KinlinkError(
            "the Excel report needs the 'xlsxwriter' package: pip install xlsxwriter"
        ) from e
    return xlsxwriter


def available() -> bool:
    """Whether ``xlsxwriter`` can be imported (the workbook is skipped, with a warning, if not)."""
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        return False
    return True


#: The ``xlsxwriter`` versions whose in-line string cell :func:`_plain_text_cells` writes as they
#: do (``tests/queries/test_render_xlsx.py`` compares the two on the locked version); with any
#: other version every cell goes through ``xlsxwriter``'s own writer.
PLAIN_TEXT_VERSIONS = ("3.3.1",)

#: Characters ``xlsxwriter`` escapes or checks for in an in-line string: XML's specials and
#: newline, control characters, Unicode non-characters (text with any of them, with ``_x`` (its
#: ``_xHHHH_`` escape) or with white space at either end is left to ``xlsxwriter``).
_SPECIAL = re.compile(r'["&<>\x00-\x1f\ufffe\uffff]')


def _plain_text_cells(ws: Any) -> None:
    """Write ``ws``'s plain text cells (nothing to escape, see :data:`_SPECIAL`) straight to its
    sheet file, as ``xlsxwriter`` would after its checks; every other cell goes to ``xlsxwriter``.

    Most cells of the Families sheet are ids, names, codes and dates, and ``xlsxwriter``'s checks
    on each (two regular expression substitutions, three searches, an exception for the style's
    number) were its largest cost. This replaces a private method of one worksheet object
    (``Worksheet._write_cell``, which constant-memory mode calls as each row is flushed), so it is
    used only with the versions in :data:`PLAIN_TEXT_VERSIONS`.
    """
    import xlsxwriter
    from xlsxwriter.utility import xl_col_to_name
    from xlsxwriter.worksheet import CellStringTuple

    if xlsxwriter.__version__ not in PLAIN_TEXT_VERSIONS or not ws.constant_memory:
        return
    stock = ws._write_cell
    special = _SPECIAL.search
    names: dict[int, str] = {}

    def write_cell(row: int, col: int, cell: Any) -> None:
        text = cell.string if type(cell) is CellStringTuple else ""
        if not text or special(text) or "_x" in text or text[0].isspace() or text[-1].isspace():
            stock(row, col, cell)
            return
        if cell.format is not None:
            style = f' s="{cell.format._get_xf_index()}"'
        elif row in ws.row_info or col in ws.col_info:  # a row or column format may apply
            stock(row, col, cell)
            return
        else:
            style = ""
        name = names.get(col) or names.setdefault(col, xl_col_to_name(col))
        ws.fh.write(f'<c r="{name}{row + 1}"{style} t="inlineStr"><is><t>{text}</t></is></c>')

    ws._write_cell = write_cell


class _Sheet:
    """Row-by-row writer over one worksheet (constant-memory mode needs rows in order)."""

    def __init__(self, ws: Any, fmt: Mapping[str, Any]) -> None:
        _plain_text_cells(ws)
        self.ws = ws
        self.fmt = fmt
        self.row = 0

    def write(self, values: Sequence[Any], style: str | None = None) -> None:
        f = self.fmt.get(style) if style else None
        row = self.row
        ws = self.ws
        for col, value in enumerate(values):
            if type(value) is str and value:  # nearly every cell: text from the sections
                ws.write_string(row, col, neutralise(value)[:MAX_CELL], f)
            elif isinstance(value, bool):
                ws.write_string(row, col, "yes" if value else "no", f)
            elif isinstance(value, int | float):
                ws.write_number(row, col, value, f)
            elif value is not None and value != "":
                text = str(neutralise(str(value)))
                ws.write_string(row, col, text[:MAX_CELL], f)
            elif f is not None:
                ws.write_blank(row, col, None, f)
        self.row = row + 1

    def skip(self, n: int = 1) -> None:
        self.row += n


def write_xlsx(
    path: Path,
    summary: Summary,
    flags: Sequence[Flag],
    sections: Sequence[FamilySection],
    *,
    max_sections: int | None = None,
    check_first: Sequence[FamilySection] = (),
    since: Mapping[str, int] | None = None,
    confidence: Mapping[tuple[str, str], str] | None = None,
) -> int:
    """Write the workbook to ``path``; return the number of family blocks written.

    ``check_first`` (the families whose flags are set aside for review) get a sheet of their own,
    "Check first"; ``since`` (counts of ``changes.csv``) a block on the Summary sheet;
    ``confidence`` ((family, code) -> confirmed or review) a column of the Flags sheet.

    Raises
    ------
    KinlinkError
        If ``xlsxwriter`` is not installed.
    """
    xlsxwriter = _xlsxwriter()
    wb = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "head": wb.add_format({"bold": True, "bg_color": "#EEF1F5", "bottom": 1}),
        "family": wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3B5A"}),
        "code": wb.add_format({"bold": True, "font_color": "#B3261E"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }

    ws = wb.add_worksheet("Summary")
    s = _Sheet(ws, fmt)
    s.write(["kinlink batch linkage report"], "title")
    s.write(["next hearings counted from", summary.reference_date or "-"])
    s.skip()
    s.write(["count", "n"], "head")
    for k, v in summary.totals.items():
        s.write([k.replace("_", " "), v])
    tables = [
        ("code", "families", summary.by_code),
        ("nationality", "members of flagged families", summary.by_nationality),
        ("court", "pending cases of flagged families", summary.by_court),
    ]
    chart_row = 1
    for label, what, counts in tables:
        s.skip()
        s.write([label, what], "head")
        first = s.row
        for k, v in counts.items():
            s.write(
                [k, v] + ([RULES[k].summary, RULES[k].source.citation()] if label == "code" else [])
            )
        if counts:
            chart = wb.add_chart({"type": "bar"})
            n = min(len(counts), 15)
            chart.add_series(
                {
                    "name": f"{what} by {label}",
                    "categories": ["Summary", first, 0, first + n - 1, 0],
                    "values": ["Summary", first, 1, first + n - 1, 1],
                }
            )
            chart.set_title({"name": f"{what.capitalize()} by {label}"})
            chart.set_legend({"none": True})
            ws.insert_chart(chart_row, 5, chart)
            chart_row += 16
    for note in summary.notes:
        s.write([note])
    if since is not None:
        s.skip()
        s.write(["since last report", "n"], "head")
        for key in ("flags_new", "flags_gone", "flags_changed", "persons_merged", "persons_split"):
            s.write([key.replace("_", " "), int(since.get(key, 0))])
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 14)

    ws = wb.add_worksheet("Flags")
    s = _Sheet(ws, fmt)
    s.write(
        [
            "family_id",
            "code",
            "analysis",
            "reason",
            "source",
            "persons",
            "records",
            "cases",
            "hearings",
            "locations",
            "dates",
            "confidence",
        ],
        "head",
    )
    for fl in flags:
        ev = fl.evidence
        s.write(
            [
                fl.family_id,
                fl.code,
                fl.analysis,
                fl.reason,
                fl.source.citation(),
                ";".join(ev.persons),
                ";".join(ev.records),
                ";".join(ev.cases),
                ";".join(ev.hearings),
                ";".join(ev.locations),
                ";".join(ev.dates),
                (confidence or {}).get((fl.family_id, fl.code), "confirmed"),
            ]
        )
    ws.set_column(0, 2, 16)
    ws.set_column(3, 3, 90)
    ws.set_column(4, 10, 24)

    written = _families_sheet(wb.add_worksheet("Families"), fmt, sections, max_sections)
    if check_first:
        ws = wb.add_worksheet("Check first")
        _families_sheet(ws, fmt, check_first, max_sections)
    wb.close()
    log.info("workbook: %d family blocks", written)
    return written


def _families_sheet(
    ws: Any, fmt: Mapping[str, Any], sections: Sequence[FamilySection], max_sections: int | None
) -> int:
    """One block per family: codes and reasons, members, cases, records."""
    s = _Sheet(ws, fmt)
    written = 0
    chosen = (
        sections.stream(max_sections)
        if isinstance(sections, FamilySections)
        else sections[:max_sections]
    )
    for sec in chosen:
        need = 8 + len(sec.flags) + len(sec.members) + len(sec.cases) + len(sec.records)
        if s.row + need >= MAX_ROWS:
            s.write(
                [
                    f"Stopped at Excel's row limit; {len(sections) - written} more families "
                    "are in the Flags sheet and flags.csv."
                ]
            )
            break
        s.write([f"Family {sec.family_id}", " ".join(sec.codes)], "family")
        for fl in sec.flags:
            s.write([fl.code, fl.reason, fl.source.citation()], "code")
        for columns, rows in (
            (MEMBER_COLUMNS, sec.members),
            (CASE_COLUMNS, sec.cases),
            (RECORD_COLUMNS, sec.records),
        ):
            s.write(list(columns), "head")
            for row in rows:
                s.write([row.get(c, "") for c in columns])
        s.skip()
        written += 1
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 12, 16)
    return written
