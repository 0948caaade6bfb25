"""docs/contract.md names the same columns and codes as the code, and as the project's contract.

Three sources must agree on the input tables (columns, which are required, codes), the rules
(which code goes to which file, and the document it follows) and the report files (their
columns, and which of them outside programs rely on):

- ``docs/contract.md``, kinlink's own description, shipped with the code;
- the code: the column vocabulary (``kinlink/contract.py``: input tables and report files) and
  the rules (``queries/flags.py``);
- the contract kinlink was built to (``shared/contract.md`` beside the repository, or the file
  named by ``KINLINK_CONTRACT``). A clone elsewhere does not have it: that comparison is then
  skipped with the reason, and the docs-against-code comparison still runs.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from kinlink.contract import FLAG_FILES, REPORT_FILES, TABLES
from kinlink.csvfile import csv_bytes
from kinlink.queries.flags import RULES

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "contract.md"
#: Files the contract names that kinlink does not write yet, and who adds them. Remove a file
#: from here when it lands (with its rows in docs/contract.md).
NOT_YET: dict[str, str] = {}


def _shared_contract() -> Path | None:
    named = os.environ.get("KINLINK_CONTRACT")
    if named:
        candidates = [Path(named)]
    else:  # a clone beside shared/ (CI), or a worktree one level further down
        candidates = [
            ROOT.parent / "shared" / "contract.md",
            ROOT.parents[1] / "shared" / "contract.md",
        ]
    return next((p for p in candidates if p.is_file()), None)


# -- reading markdown ---------------------------------------------------------------------------


def _sections(text: str) -> dict[str, str]:
    """Heading text (lower case, up to a dash) -> the text under it, for every ``#`` heading."""
    out: dict[str, str] = {}
    parts = re.split(r"^(#{2,4} .+)$", text, flags=re.M)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        name = heading.lstrip("#").strip().split(" — ")[0].strip().lower()
        out[name] = body
    return out


def _table(body: str) -> list[list[str]]:
    """The rows (header first) of the first markdown table in ``body``."""
    rows = []
    for line in body.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= {"-", ":"} for c in cells):
                rows.append(cells)
        elif rows:
            break
    assert rows, "no table"
    return rows


def _words(cell: str) -> list[str]:
    return [w.strip(" `*") for w in re.split(r",| or ", cell) if w.strip(" `*")]


def _codes(cell: str) -> set[str]:
    """Upper-case codes in a cell, leaving out what is in parentheses."""
    return set(re.findall(r"\b[A-Z][A-Z_]{2,}\b", re.sub(r"\([^)]*\)", "", cell)))


# -- the three sources --------------------------------------------------------------------------


def docs_inputs(text: str) -> dict[str, dict[str, bool]]:
    """table -> column -> required, from docs/contract.md."""
    sections = _sections(text)
    out = {}
    for table in TABLES:
        rows = _table(sections[table.stem])
        assert rows[0][:2] == ["column", "required"]
        out[table.stem] = {row[0]: row[1] == "yes" for row in rows[1:]}
    return out


def docs_codes(text: str) -> dict[tuple[str, str], set[str]]:
    rows = _table(_sections(text)["codes"])
    return {(row[0], row[1]): set(_words(row[2])) for row in rows[1:]}


def docs_rules(text: str) -> dict[str, tuple[str, str]]:
    """code -> (file, source)."""
    rows = _table(_sections(text)["the rules"])
    assert rows[0][:2] == ["file", "code"]
    return {row[1]: (row[0], row[3]) for row in rows[1:]}


def docs_report(text: str) -> dict[str, tuple[list[str], list[str]]]:
    """file stem -> (every column, the bold ones)."""
    rows = _table(_sections(text)["the report"])
    out = {}
    for row in rows[1:]:
        bold = re.findall(r"\*\*([^*]+)\*\*", row[2])
        out[row[0].removesuffix(".csv")] = (
            _words(row[2].replace("**", "")),
            _words(bold[0]) if bold else [],
        )
    return out


# -- docs against code --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def test_input_columns_match_the_loaders(docs: str) -> None:
    code = {t.stem: {c.name: c.required for c in t.columns} for t in TABLES}
    assert docs_inputs(docs) == code
    for table in TABLES:  # same order as the loaders declare them
        assert list(docs_inputs(docs)[table.stem]) == [c.name for c in table.columns]


def test_codes_match_the_loaders(docs: str) -> None:
    code = {(t.stem, c.name): set(c.codes) for t in TABLES for c in t.columns if c.codes}
    assert docs_codes(docs) == code


def test_rules_match_the_code(docs: str) -> None:
    code = {
        code: (
            rule.analysis if rule.analysis in FLAG_FILES else "flags.csv only",
            rule.source.citation(),
        )
        for code, rule in RULES.items()
    }
    assert docs_rules(docs) == code


def test_report_files_match_the_code(docs: str) -> None:
    code = {stem: (list(f.columns), list(f.contract_columns)) for stem, f in REPORT_FILES.items()}
    assert docs_report(docs) == code


def test_the_docs_python_snippet_reads_a_kinlink_csv_back(docs: str) -> None:
    snippet = re.search(r"```python\n(.*?)```", docs, flags=re.S)
    assert snippet is not None
    frame = pd.DataFrame({"record_id": ["=cmd", "'x", "plain", ""], "n": ["-1", "2", "3", "4"]})
    scope = {"pd": pd, "path": io.StringIO(csv_bytes(frame).decode("utf-8"))}
    exec(snippet.group(1), scope)
    assert scope["frame"].values.tolist() == frame.values.tolist()


# -- docs against the project's contract --------------------------------------------------------


@pytest.fixture(scope="module")
def shared() -> str:
    path = _shared_contract()
    if path is None:
        pytest.skip(
            "the project's contract (shared/contract.md beside the repository, or "
            "$KINLINK_CONTRACT) is not reachable from this clone; docs/contract.md is still "
            "checked against the code"
        )
    return path.read_text(encoding="utf-8")


def test_input_columns_match_the_contract(docs: str, shared: str) -> None:
    sections = _sections(shared)
    for table, columns in docs_inputs(docs).items():
        rows = _table(sections[table])
        theirs = {name: row[1] == "yes" for row in rows[1:] for name in _words(row[0])}
        assert columns == theirs, table


def test_codes_match_the_contract(docs: str, shared: str) -> None:
    sections = _sections(shared)
    for (table, column), codes in docs_codes(docs).items():
        rows = _table(sections[table])
        cell = next(row[2] for row in rows[1:] if column in _words(row[0]))
        assert _codes(cell) == codes, (table, column)


def test_rules_match_the_contract(docs: str, shared: str) -> None:
    rows = _table(_sections(shared)["the rules: what is flagged"])
    theirs = {("MIXED" if row[1] == "(none)" else row[1]): row[0] for row in rows[1:]}
    ours = {code: file for code, (file, _) in docs_rules(docs).items() if file in FLAG_FILES}
    assert ours == theirs


def test_report_files_match_the_contract(docs: str, shared: str) -> None:
    sections = _sections(shared)
    theirs = {}
    for name in (
        "output: the batch linkage report",
        "flags set aside for review, and changes between reports",
    ):
        for row in _table(sections[name])[1:]:
            theirs[row[0].removesuffix(".csv")] = _words(row[2])
    if "changes.csv" in shared and "changes" not in theirs:  # described in prose, not a table
        prose = re.search(r"`changes\.csv`.*?\(columns: ([^;)]*)", shared, flags=re.S)
        theirs["changes"] = re.findall(r"`([a-z_]+)`", prose.group(1)) if prose else []
    ours = docs_report(docs)
    for stem, columns in theirs.items():
        if stem in NOT_YET:
            assert stem not in ours, f"{stem} is described now: take it out of NOT_YET"
            continue
        assert stem in ours, f"docs/contract.md does not describe {stem}.csv"
        assert ours[stem][1] == columns, stem  # the bold columns are the contract's, in order
    assert {s for s, (_, bold) in ours.items() if bold} <= set(theirs)
