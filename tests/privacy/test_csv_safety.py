"""No CSV cell kinlink writes starts a formula, and the tools that read the files back still join.

A small bundle whose record, case, hearing and unit ids, courts, cities and names start with
``=``, ``+``, ``-``, ``@`` or a quote goes through ``kinlink report`` and ``kinlink cypher
--csv``; every cell of every CSV file written is checked (a cell may start with ``-`` only if it
is a number). ``kinlink evaluate`` then reads the report back and must find every id it holds.
A static check makes sure no module writes CSV except through :mod:`kinlink.csvfile`.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinlink.cli import main
from kinlink.csvfile import (
    csv_bytes,
    escape_cell,
    escape_frame,
    read_csv,
    unescape_cell,
    write_csv,
)
from kinlink.queries.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[2]

INDIVIDUALS = """\
record_id,source,given_names,surnames,dob,nationality,country_of_location,location,as_of,fear_claimed
=R1,CBP,=Ana,@Lopez,1990-01-02,HND,MEX,=cmd|' /C calc'!A0,2020-01-01,true
+R2,CBP,+Luis,-Lopez,1988-03-04,GTM,USA,-Houston,2020-02-01,false
-R3,CBP,-Rosa,Lopez,2015-05-06,HND,USA,@Dallas,2020-03-01,false
'R4,NGO,'Juan,'Perez,1970-07-08,SLV,MEX,Tijuana,2020-04-01,false
@R5,NGO,Maria,+Perez,1972-09-10,MEX,USA,+Austin,2020-05-01,true
"""
FAMILY_UNITS = """family_unit_id,record_id,role
-U1,=R1,HEAD
-U1,+R2,SPOUSE
-U1,-R3,CHILD
=U2,'R4,HEAD
=U2,@R5,SPOUSE
"""
CASES = """case_id,record_id,lead_case_id,court,mpp,status,status_date,nta_date
@C1,=R1,,=Court One,true,PENDING,2020-01-05,2019-12-01
+C2,+R2,@C1,-Court Two,false,PENDING,2020-02-05,2019-12-01
=C3,'R4,,@Court Three,true,PENDING,2020-04-05,2019-12-01
"""
HEARINGS = """hearing_id,case_id,date,court,type,result
=H1,@C1,2020-06-01,=Court One,MASTER,HELD
-H2,+C2,2020-06-02,-Court Two,MASTER,HELD
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formulas") / "bundle"
    folder.mkdir()
    for name, text in (
        ("individuals", INDIVIDUALS),
        ("family_units", FAMILY_UNITS),
        ("cases", CASES),
        ("hearings", HEARINGS),
    ):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def report(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("formulas") / "report"
    assert main(["report", str(bundle), "--out", str(out), "-q"]) == 0
    return out


#: What starts a formula in a spreadsheet (OWASP, "CSV Injection"), written out here rather than
#: imported from kinlink.csvfile: a scan that used the writer's own list would pass any
#: character the writer forgot.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A cell a spreadsheet takes for a number although it starts with a sign (written as it is).
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _formula_cells(path: Path) -> list[str]:
    """Cells of the CSV file ``path`` that a spreadsheet would run as a formula."""
    found = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            for cell in row:
                if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
                    found.append(f"{path.name}: {cell!r}")
    return found


def test_no_report_csv_cell_starts_a_formula(report: Path) -> None:
    files = sorted(report.rglob("*.csv"))
    assert {"persons.csv", "flags.csv", "separated_families.csv", "rejects.csv"} <= {
        p.name for p in files
    }
    assert [cell for path in files for cell in _formula_cells(path)] == []
    # the hostile values did reach the files, quoted
    text = (report / "flags.csv").read_text(encoding="utf-8")
    assert "'=R1" in text and "'@C1" in text


def test_the_readers_get_the_bundles_own_ids_back(bundle: Path, report: Path) -> None:
    persons = read_csv(report / "persons.csv")
    assert set(persons["record_id"]) == {"=R1", "+R2", "-R3", "'R4", "@R5"}
    joint = read_csv(report / "joint_reprocessing.csv")
    assert any("@C1" in ids.split(";") for ids in joint["case_ids"])


def test_evaluate_joins_a_report_with_formula_like_ids(report: Path, tmp_path: Path) -> None:
    """Truth written with the values as they are (as the generator writes it): a report read
    back with its quotes still on would match none of its ids."""
    truth = tmp_path / "truth"
    truth.mkdir()
    read_csv(report / "persons.csv").to_csv(truth / "records.csv", index=False)
    for stem in ("families", "separated_families", "mixed_nationality_units", "joint_reprocessing"):
        read_csv(report / f"{stem}.csv").to_csv(truth / f"{stem}.csv", index=False)
    scores = evaluate(report, truth)
    assert scores["persons"]["f1"] == 1.0  # type: ignore[index]
    flagged = [k for k in ("separated_families", "mixed_nationality_units", "joint_reprocessing")]
    for stem in flagged:
        assert scores[stem]["f1"] == 1.0, stem  # type: ignore[index]


def test_cypher_csv_starts_no_formula(bundle: Path, tmp_path: Path) -> None:
    pytest.importorskip("falkordb", reason="the falkordb extra is not installed")
    out = tmp_path / "linked.csv"
    code = main(
        ["cypher", str(bundle), "linked_cases", "--param", "case_id=@C1", "--csv", str(out), "-q"]
    )
    assert code == 0
    rows = read_csv(out)
    assert "+C2" in set(rows["case_id"])
    assert _formula_cells(out) == []


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_quoted(start: str) -> None:
    frame = pd.DataFrame({"court": [f"{start}HYPERLINK(1)"]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8"), newline="")))
    assert rows == [["court"], [f"'{start}HYPERLINK(1)"]]


@given(st.one_of(st.text(), st.from_regex(NUMBER, fullmatch=True)))
def test_a_cell_comes_back_as_it_was(text: str) -> None:
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    assert not str(escaped).startswith(FORMULA_STARTS) or NUMBER.fullmatch(escaped)
    if not text.startswith((*FORMULA_STARTS, "'")) or NUMBER.fullmatch(text):
        assert escaped == text  # anything that cannot start a formula is written as it is


@given(st.lists(st.text(alphabet=st.sampled_from("=+-@'\t\r\n,\"ab1 ")), min_size=1, max_size=5))
def test_a_frame_comes_back_as_it_was(cells: list[str]) -> None:
    frame = pd.DataFrame({"id": cells, "n": range(len(cells))})
    back = read_csv(io.StringIO(csv_bytes(frame).decode("utf-8")))
    assert back["id"].tolist() == cells
    assert back["n"].tolist() == [str(i) for i in range(len(cells))]


def test_write_csv_leaves_numbers_and_the_frame_alone(tmp_path: Path) -> None:
    frame = pd.DataFrame({"weight": [-1.5, 2.0], "id": ["-x", "-0012"], "n": [-3, 4]})
    write_csv(frame, tmp_path / "f.csv")
    assert (tmp_path / "f.csv").read_text() == "weight,id,n\n-1.5,'-x,-3\n2.0,-0012,4\n"
    assert frame["id"].tolist() == ["-x", "-0012"]


def test_usual_data_is_written_as_it_is() -> None:
    """The sample bundle's ids, names, dates, codes and places need no quote: the writer leaves
    them untouched (the golden files check the sample report byte for byte too). Its phone
    numbers in international form (``+52 664 …``) do get one: a spreadsheet reads them as a
    formula (and shows an error)."""
    for name in ("individuals", "family_units", "cases", "hearings"):
        table = pd.read_csv(ROOT / "data" / "samples" / "bundle" / f"{name}.csv", dtype=str)
        written = escape_frame(table)
        for column in table.columns:
            if column == "phone":
                changed = written[column].ne(table[column]) & table[column].notna()
                assert table.loc[changed, column].str.startswith("+").all()
                assert (written.loc[changed, column] == "'" + table.loc[changed, column]).all()
            else:
                assert written[column].equals(table[column]), (name, column)


#: Modules that write CSV without kinlink.csvfile, and why that is right.
OTHER_WRITERS = {
    # bundles (kinlink's own input), which kinlink reads back cell for cell as written
    "data/samples/generator.py": "writes a generated bundle and its truth",
    "data/samples/regime.py": "rewrites a generated bundle and its truth (generator regimes)",
    "loaders/eoir/values.py": "writes the bundle an EOIR release is turned into",
    # appends one row at a time; each id goes through kinlink.csvfile.escape_cell
    "dashboard/review.py": "appends a decision to BUNDLE/reviews.csv",
}


def _writes_csv(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("to_csv", "writer", "DictWriter"):
            return True
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("CSVWriter", "write_csv")
            and isinstance(node.value, ast.Name)
            and node.value.id in ("pacsv", "pcsv", "csv")
        ):
            return True
    return False


def test_every_csv_is_written_through_kinlink_csvfile() -> None:
    """A new output (review_flags.csv, changes.csv, a download) cannot bypass the writer."""
    found = set()
    for folder in ("kinlink", "loaders", "graph", "queries", "dashboard", "data/samples"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if relative != "kinlink/csvfile.py" and _writes_csv(path):
                found.add(relative)
    assert found == set(OTHER_WRITERS)


def test_text_columns_holding_no_text_are_written() -> None:
    """Object columns of booleans, numbers or nothing (a Cypher result) need no quote."""
    frame = pd.DataFrame({"ok": [True, None], "n": [1, None], "e": [None, None]}, dtype=object)
    assert read_csv(io.StringIO(csv_bytes(frame).decode())).values.tolist() == [
        ["True", "1", ""],
        ["", "", ""],
    ]
