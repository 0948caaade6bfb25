"""The report folder, its invariants on random bundles, and CSV-injection neutralisation."""

from __future__ import annotations

import csv
import json
import random
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinlink.csvfile import read_csv
from kinlink.errors import InputError
from kinlink.graph.families import link
from kinlink.queries.analyses import analyse
from kinlink.queries.flags import CONTRACT_FILES, RULES
from kinlink.queries.report_files import contract_tables
from kinlink.queries.report_writer import ReportOptions, write_report
from kinlink.queries.text import neutralise

HOSTILE = '=HYPERLINK("http://x","y")'


def random_records(seed: int):
    rng = random.Random(seed)
    n = rng.randint(2, 40)
    records, units, cases, hearings = [], [], [], []
    for i in range(n):
        records.append(
            {
                "record_id": f"r{i:02d}",
                "person": f"P{rng.randint(0, n // 2)}",
                "nationality": rng.choice(["HND", "GTM", "MEX", None]),
                "country_of_location": rng.choice(["MEX", "USA", None]),
                "as_of": rng.choice(["2020-01-01", "2021-06-01", None]),
                "uac": rng.choice([True, False, None]),
                "fear_claimed": rng.choice([True, False, None]),
                "fear_assessment": rng.choice(["POSITIVE", "NEGATIVE", None]),
                "given_names": rng.choice(["Ana", HOSTILE, "<script>x</script>", None]),
            }
        )
        for _ in range(rng.randint(0, 2)):
            units.append((f"u{rng.randint(0, n // 3)}", f"r{i:02d}"))
    for j in range(rng.randint(0, n)):
        cases.append(
            {
                "case_id": f"c{j:02d}",
                "record_id": f"r{rng.randrange(n):02d}",
                "lead_case_id": rng.choice([None, f"c{rng.randrange(n):02d}"]),
                "court": rng.choice(["El Paso", "Laredo", "+Tijuana", None]),
                "mpp": rng.choice([True, False, None]),
                "status": rng.choice(
                    ["PENDING", "IN_ABSENTIA", "TERMINATED", "RELIEF_GRANTED", "CLOSED", None]
                ),
                "status_date": rng.choice(["2020-02-02", None]),
                "nta_date": None,
            }
        )
    for k in range(rng.randint(0, len(cases) * 2)):
        hearings.append(
            {
                "hearing_id": f"h{k}",
                "case_id": cases[rng.randrange(len(cases))]["case_id"],
                "date": rng.choice(["2020-05-01", "2020-06-01", None]),
                "court": rng.choice(["El Paso", "Laredo", None]),
                "type": None,
                "result": None,
            }
        )
    return records, units, cases, hearings


@pytest.mark.parametrize("seed", range(25))
def test_invariants_on_random_bundles(make, seed: int) -> None:
    records, units, cases, hearings = random_records(seed)
    b = make(records, units, cases, hearings)
    result = analyse(b.facts)
    sizes = b.facts.families.groupby("family_id").size()
    for flag in result.flags:
        # evidence names nodes that exist, the family has two or more persons, a source is cited
        assert all(n in b.G for n in flag.evidence.nodes()), flag
        assert sizes[flag.family_id] >= 2
        assert flag.source == RULES[flag.code].source and flag.reason.endswith(".")
        members = set(b.facts.family_members[flag.family_id])
        assert set(flag.evidence.persons) <= members
    tables = contract_tables(result)
    # families partition their persons
    assert not tables["families"]["person_id"].duplicated().any()
    # every loaded record once in persons
    assert sorted(tables["persons"]["record_id"]) == sorted(r["record_id"] for r in records)
    for stem, codes in CONTRACT_FILES.items():
        t = tables[stem]
        assert not t["family_id"].duplicated().any()
        for row in t.itertuples():
            members = b.facts.family_members[row.family_id]
            recs = sorted(r for p in members for r in b.facts.person_records[p])
            assert row.record_ids == ";".join(recs)
            if "codes" in t:
                got = row.codes.split(";")
                assert got == sorted(got) and set(got) <= set(codes)
                expected = {
                    f.code for f in result.flags if f.family_id == row.family_id and f.code in codes
                }
                assert set(got) == expected
            if "case_ids" in t:
                cs = sorted(c for p in members for c in b.facts.person_cases.get(p, []))
                assert row.case_ids == ";".join(cs)


def test_neutralise() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Ana") == "Ana" and neutralise(5) == 5


def hostile_bundle(make):
    return make(
        [
            {
                "record_id": HOSTILE,
                "person": "A",
                "given_names": "<script>alert(1)</script>",
                "nationality": "MEX",
                "country_of_location": "MEX",
            },
            {
                "record_id": "b1",
                "person": "B",
                "given_names": "-2+3",
                "nationality": "HND",
                "country_of_location": "USA",
                "as_of": "2021-01-01",
            },
        ],
        [("U1", HOSTILE), ("U1", "b1")],
        [
            {
                "case_id": "@c1",
                "record_id": HOSTILE,
                "lead_case_id": None,
                "court": "=cmd|' /C calc'!A0",
                "mpp": True,
                "status": "PENDING",
                "status_date": None,
                "nta_date": None,
            }
        ],
        [
            {
                "hearing_id": "h1",
                "case_id": "@c1",
                "date": "2021-02-01",
                "court": "El Paso",
                "type": None,
                "result": None,
            }
        ],
    )


def test_report_folder(make, tmp_path: Path) -> None:
    b = hostile_bundle(make)
    out = tmp_path / "report"
    counts = write_report(b.linked, out)
    names = {p.name for p in out.iterdir()}
    assert {
        "persons.csv",
        "families.csv",
        "separated_families.csv",
        "mixed_nationality_units.csv",
        "joint_reprocessing.csv",
        "rejects.csv",
        "flags.csv",
        "quality.csv",
        "summary.json",
        "report.html",
        "report.xlsx",
    } <= names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no temporary sibling left
    header = {
        "persons": ["record_id", "person_id"],
        "families": ["family_id", "person_id"],
        "separated_families": ["family_id", "codes", "record_ids"],
        "mixed_nationality_units": ["family_id", "nationalities", "mexican_member", "record_ids"],
        "joint_reprocessing": ["family_id", "codes", "case_ids", "record_ids"],
        "rejects": ["file", "line", "column", "reason"],
    }
    for stem, cols in header.items():
        with open(out / f"{stem}.csv", newline="", encoding="utf-8") as fh:
            got = next(csv.reader(fh))
        assert got[: len(cols)] == cols, stem
    # on disk, a formula-like id has a quote in front; read back, it is the bundle's own id
    raw = pd.read_csv(out / "persons.csv", dtype=str, keep_default_na=False)
    assert "'" + HOSTILE in set(raw["record_id"]) and HOSTILE not in set(raw["record_id"])
    persons = read_csv(out / "persons.csv")
    assert HOSTILE in set(persons["record_id"])
    sep = read_csv(out / "separated_families.csv")
    assert sep["codes"].tolist() == ["LOCATION_SPLIT;MPP_SPLIT"]
    joint = read_csv(out / "joint_reprocessing.csv")
    assert joint["codes"].tolist() == ["NON_AMENABLE;WIND_DOWN_SPLIT"]
    assert joint["case_ids"].tolist() == ["@c1"]
    flags = read_csv(out / "flags.csv")
    assert {"code", "reason", "source", "records", "cases"} <= set(flags.columns)
    assert flags["source"].str.len().min() > 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["flagged_families_by_file"]["separated_families"] == 1
    assert counts["flag:joint_reprocessing"] == 1

    # the HTML: escaped, neutralised, self-contained
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "'=HYPERLINK" not in page  # escaped form only
    assert "&#x27;=HYPERLINK" in page and "&#x27;-2+3" in page and "&#x27;@c1" in page
    assert not re.search(r"(src|href)\s*=\s*[\"']?https?:", page)
    assert "<svg" in page

    # the workbook: no formulas, every formula-like cell starts with '
    with zipfile.ZipFile(out / "report.xlsx") as z:
        xml = "".join(
            z.read(n).decode("utf-8")
            for n in z.namelist()
            if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml"
        )
    assert "<f>" not in xml
    texts = re.findall(r"<t[^>]*>([^<]*)</t>", xml)
    assert texts, "workbook has no text cells"
    for text in texts:
        assert not text.startswith(("=", "+", "-", "@", "\t", "\r")), text
    assert any(t.startswith("'=HYPERLINK") for t in texts)


def test_report_replaces_previous_report_but_not_other_folders(make, tmp_path: Path) -> None:
    b = hostile_bundle(make)
    out = tmp_path / "r"
    write_report(b.linked, out, ReportOptions(html=False, xlsx=False))
    (out / "stale.txt").write_text("old")
    write_report(b.linked, out, ReportOptions(html=False, xlsx=False))
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("keep me")
    with pytest.raises(InputError):
        write_report(b.linked, precious)
    assert (precious / "thesis.tex").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "r"]


def test_report_through_the_loader(tmp_path: Path) -> None:
    loaders = pytest.importorskip("kinlink.loaders")
    bundle_dir = tmp_path / "bundle"
    bundle_dir.mkdir()
    (bundle_dir / "individuals.csv").write_text(
        "record_id,source,given_names,nationality,country_of_location,as_of,uac\n"
        "r1,CBP,Ana,HND,MEX,2020-01-01,N\n"
        "r2,NGO,Luis,Guatemala,USA,2020-02-01,yes\n"
        ",CBP,NoId,HND,MEX,2020-01-01,N\n",
        encoding="utf-8",
    )
    (bundle_dir / "family_units.csv").write_text(
        "family_unit_id,record_id,role\nU1,r1,HEAD\nU1,r2,CHILD\nU1,nobody,CHILD\n",
        encoding="utf-8",
    )
    bundle = loaders.load_bundle(bundle_dir)
    persons = pd.DataFrame({"record_id": ["r1", "r2"], "person_id": ["PA", "PB"]})
    out = tmp_path / "report"
    write_report(link(bundle, persons), out)
    rejects = pd.read_csv(out / "rejects.csv")
    assert len(rejects) == len(bundle.rejects) >= 1
    mixed = pd.read_csv(out / "mixed_nationality_units.csv", dtype=str)
    assert mixed["nationalities"].tolist() == ["GTM;HND"]
    sep = pd.read_csv(out / "separated_families.csv", dtype=str)
    assert sep["codes"].tolist() == ["LOCATION_SPLIT"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_neutralised_text_never_starts_a_formula(text: str) -> None:
    out = neutralise(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out in (text, "'" + text)


def test_failed_report_leaves_previous_report_intact(make, tmp_path: Path, monkeypatch) -> None:
    b = hostile_bundle(make)
    out = tmp_path / "r"
    write_report(b.linked, out, ReportOptions(xlsx=False))
    before = sorted(p.name for p in out.iterdir())

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kinlink.queries.report_writer.write_xlsx", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        write_report(b.linked, out, ReportOptions(progress=True))
    assert sorted(p.name for p in out.iterdir()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_report_without_bundle_or_optional_tables(make, tmp_path: Path) -> None:
    b = make([{"record_id": "a"}, {"record_id": "b"}], [("U", "a"), ("U", "b")])
    counts = write_report(b.linked.replace(rejects=None, quality=None), tmp_path / "r")
    assert counts["flagged_families"] == 0
    assert pd.read_csv(tmp_path / "r" / "rejects.csv").columns.tolist() == [
        "file",
        "line",
        "column",
        "reason",
    ]
    assert (tmp_path / "r" / "report.html").read_text(encoding="utf-8").endswith("</html>\n")


def test_report_with_no_units_cases_or_hearings(make, tmp_path: Path) -> None:
    b = make([{"record_id": "a"}])
    counts = write_report(b.linked, tmp_path / "r")
    assert counts["families"] == 0 and counts["flagged_families"] == 0
    persons = pd.read_csv(tmp_path / "r" / "persons.csv", dtype=str)
    assert persons["record_id"].tolist() == ["a"]
    assert pd.read_csv(tmp_path / "r" / "separated_families.csv").empty


@pytest.mark.parametrize("seed", [3, 7])
def test_saved_graph_and_report_data_give_the_same_report(make, tmp_path: Path, seed: int) -> None:
    """A report's data/ and its saved graph/ (read as frames) give back the same contract tables."""
    import kinlink

    b = make(*random_records(seed))
    out = tmp_path / "r"
    write_report(b.linked, out, ReportOptions(save_graph=True, html=False, xlsx=False))
    expected = contract_tables(analyse(b.facts))
    for folder in (out, out / "graph"):
        source = kinlink.open(folder)
        assert source.kind == ("report" if folder == out else "graph")
        again = contract_tables(source.analyses)
        for stem, frame in expected.items():
            pd.testing.assert_frame_equal(again[stem], frame, obj=f"{folder.name}/{stem}")
