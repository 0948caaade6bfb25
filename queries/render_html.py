"""The human report as one self-contained HTML file (inline CSS and SVG; nothing fetched).

Every value is neutralised (:func:`kinlink.queries.text.neutralise`: a cell a spreadsheet would
run as a formula gets a leading ``'``, since analysts paste these tables into spreadsheets) and
then HTML-escaped.

Examples
--------
>>> cell("=cmd|'/c calc'!A1")
'<td>&#x27;=cmd|&#x27;/c calc&#x27;!A1</td>'
>>> "<script>" in bar_chart("t", {"<script>": 3})
False
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from kinlink.queries.flags import RULES
from kinlink.queries.sections import (
    CASE_COLUMNS,
    MEMBER_COLUMNS,
    RECORD_COLUMNS,
    FamilySection,
    Summary,
)
from kinlink.queries.text import neutralise

__all__ = ["bar_chart", "cell", "write_html"]

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;
background:#f6f7f9}
header{background:#1f3b5a;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
main{padding:18px 28px;max-width:1280px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 18px;
margin:14px 0}
h2{font-size:18px;margin:6px 0 10px}h3{font-size:15px;margin:12px 0 6px}
table{border-collapse:collapse;width:100%;margin:4px 0 10px;font-size:13px}
th,td{border-bottom:1px solid #e6e9ee;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}
.codes span{display:inline-block;background:#b3261e;color:#fff;border-radius:3px;padding:1px 6px;
margin-right:4px;font-size:12px}
.codes span.extra{background:#6b7280}
.reason{margin:4px 0}.source{color:#5b6474;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts svg{background:#fff}
.note{color:#5b6474}
.gaps{border-left:4px solid #B3261E;padding-left:1em}
nav a{margin-right:8px}
"""


def _esc(value: Any) -> str:
    return html.escape(str(neutralise("" if value is None else str(value))), quote=True)


def cell(value: Any, tag: str = "td") -> str:
    """One table cell, neutralised and escaped."""
    return f"<{tag}>{_esc(value)}</{tag}>"


def _table(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    head = "".join(cell(c, "th") for c in columns)
    body = "".join("<tr>" + "".join(cell(r.get(c, "")) for c in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bar_chart(title: str, counts: Mapping[str, int], *, limit: int = 15, width: int = 460) -> str:
    """A horizontal bar chart as inline SVG (the ``limit`` largest values)."""
    items = list(counts.items())[:limit]
    bar_h, gap, label_w = 18, 6, 175
    height = 28 + len(items) * (bar_h + gap)
    top = max((v for _, v in items), default=1) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{_esc(title)}">',
        f'<text x="4" y="16" font-size="13" font-weight="600">{_esc(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = 26 + i * (bar_h + gap)
        w = max(1, round((width - label_w - 50) * value / top))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" text-anchor="end">'
            f"{_esc(str(label)[:24])}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#3b6ea5"/>'
            f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">{int(value)}</text>'
        )
    if not items:
        parts.append('<text x="4" y="40" font-size="12">nothing to show</text>')
    parts.append("</svg>")
    return "".join(parts)


def _since(counts: Mapping[str, int]) -> str:
    rows = [
        {"what": "flags new", "n": counts.get("flags_new", 0)},
        {"what": "flags gone", "n": counts.get("flags_gone", 0)},
        {"what": "flags changed", "n": counts.get("flags_changed", 0)},
        {"what": "persons merged", "n": counts.get("persons_merged", 0)},
        {"what": "persons split", "n": counts.get("persons_split", 0)},
    ]
    return _table(("what", "n"), rows) + '<p class="note">Every change is in changes.csv.</p>'


def _hinge(s: FamilySection) -> str:
    """The record pair a family's review flags hinge on (from their reasons)."""
    marker = "Set aside for review: "
    for f in s.flags:
        if marker in f.reason:
            return f.reason.split(marker, 1)[1]
    return ""


def _section(s: FamilySection, *, anchor: str = "", title: str = "Family") -> str:
    codes = "".join(
        f'<span class="{"" if RULES[c].analysis != "consolidation" else "extra"}">{_esc(c)}</span>'
        for c in s.codes
    )
    reasons = "".join(
        f'<p class="reason"><b>{_esc(f.code)}</b>: {_esc(f.reason)}<br>'
        f'<span class="source">Follows: {_esc(f.source.citation())}</span></p>'
        for f in s.flags
    )
    return (
        f'<section id="{_esc(anchor + s.family_id)}"><h2>{_esc(title)} {_esc(s.family_id)}</h2>'
        f'<div class="codes">{codes}</div>{reasons}'
        f"<h3>Members</h3>{_table(MEMBER_COLUMNS, s.members)}"
        f"<h3>Cases and next hearings</h3>{_table(CASE_COLUMNS, s.cases)}"
        f"<h3>Records</h3>{_table(RECORD_COLUMNS, s.records)}</section>"
    )


def write_html(
    out: TextIO,
    summary: Summary,
    sections: Sequence[FamilySection],
    *,
    title: str = "kinlink batch linkage report",
    max_sections: int | None = 1000,
    check_first: Sequence[FamilySection] = (),
    since: Mapping[str, int] | None = None,
) -> int:
    """Write the report to ``out``; return the number of family sections written.

    Parameters
    ----------
    max_sections : int or None
        Write at most this many family sections (``None``: all); the rest are counted in a note
        and are all in ``flags.csv`` and the workbook.
    check_first : sequence of FamilySection
        The families whose flags are set aside for review (``review_flags.csv``), shown in a
        "Check first" section of their own (at most ``max_sections``).
    since : mapping, optional
        Counts of what changed since the previous report (``changes.csv``).
    """
    shown = sections if max_sections is None else sections[:max_sections]
    checks = check_first if max_sections is None else check_first[:max_sections]
    out.write(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{_esc(title)}</h1></header><main>"
    )
    totals = [{"count": k.replace("_", " "), "n": v} for k, v in summary.totals.items()]
    codes = [
        {"code": c, "families": n, "rule": RULES[c].summary, "source": RULES[c].source.citation()}
        for c, n in summary.by_code.items()
    ]
    if summary.gaps:
        out.write(
            '<section class="gaps"><h2>What this data cannot show</h2>'
            "<p>A zero count below can mean missing data, not a finding:</p><ul>"
            + "".join(f"<li>{_esc(gap)}</li>" for gap in summary.gaps)
            + "</ul></section>"
        )
    out.write(
        "<section><h2>Summary</h2>"
        f'<p class="note">Next hearings are counted from {_esc(summary.reference_date or "—")}'
        " (the latest record date in the data).</p>"
        + _table(("count", "n"), totals)
        + "<h3>Flagged families by code</h3>"
        + _table(("code", "families", "rule", "source"), codes)
        + '<div class="charts">'
        + bar_chart("Families by code", summary.by_code)
        + bar_chart("Members of flagged families by nationality", summary.by_nationality)
        + bar_chart("Pending cases of flagged families by court", summary.by_court)
        + "</div>"
        + "".join(f'<p class="note">{_esc(n)}</p>' for n in summary.notes)
        + "</section>"
    )
    if since is not None:
        out.write(f"<section><h2>Since last report</h2>{_since(since)}</section>")
    if checks:
        index = "".join(
            f'<tr><td><a href="#{_esc("check-" + s.family_id)}">{_esc(s.family_id)}</a></td>'
            f"{cell(' '.join(s.codes))}{cell(_hinge(s))}</tr>"
            for s in checks
        )
        out.write(
            '<section id="check-first"><h2>Check first</h2><p class="note">These flags hold only '
            "if an uncertain identity decision stands. They are not in the three flag files; "
            "review the record pair in the dashboard's Match review and the next run confirms "
            "or drops them (review_flags.csv).</p><table><thead><tr>"
            + "".join(cell(c, "th") for c in ("family", "codes", "hinges on"))
            + f"</tr></thead><tbody>{index}</tbody></table></section>"
        )
    if len(shown) < len(sections):
        out.write(
            f'<p class="note">Showing {len(shown)} of {len(sections)} flagged families; '
            "every family is in flags.csv and report.xlsx.</p>"
        )
    if shown:
        index = "".join(
            f'<tr><td><a href="#{_esc(s.family_id)}">{_esc(s.family_id)}</a></td>'
            f"{cell(' '.join(s.codes))}{cell(len(s.members))}{cell(len(s.cases))}</tr>"
            for s in shown
        )
        out.write(
            "<section><h2>Flagged families</h2><table><thead><tr>"
            + "".join(cell(c, "th") for c in ("family", "codes", "members", "cases"))
            + f"</tr></thead><tbody>{index}</tbody></table></section>"
        )
    for s in shown:
        out.write(_section(s))
    for s in checks:
        out.write(_section(s, anchor="check-", title="Check first: family"))
    out.write("</main></body></html>\n")
    return len(shown)
