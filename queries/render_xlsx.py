"""The human report as an Excel workbook (``xlsxwriter``, streamed row by row).

Sheets: **Summary** (totals, counts by code, nationality and court, with bar charts), **Flags**
(one row per flag: code, reason, source, evidence) and **Families** (one block per flagged family:
its codes and reasons, members, cases with next hearings, records). Every text cell is neutralised
(:func:`kinlink.queries.text.neutralise`) and written as a string, never as a formula.
"""

from __future__ import annotations

import logging
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


class _Sheet:
    """Row-by-row writer over one worksheet (constant-memory mode needs rows in order)."""

    def __init__(self, ws: Any, fmt: Mapping[str, Any]) -> None:
        self.ws = ws
        self.fmt = fmt
        self.row = 0

    def write(self, values: Sequence[Any], style: str | None = None) -> None:
        f = self.fmt.get(style) if style else None
        for col, value in enumerate(values):
            if isinstance(value, bool):
                self.ws.write_string(self.row, col, "yes" if value else "no", f)
            elif isinstance(value, int | float):
                self.ws.write_number(self.row, col, value, f)
            elif value is not None and value != "":
                text = str(neutralise(str(value)))
                self.ws.write_string(self.row, col, text[:MAX_CELL], f)
            elif f is not None:
                self.ws.write_blank(self.row, col, None, f)
        self.row += 1

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
