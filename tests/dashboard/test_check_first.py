"""The review loop end to end: a flag set aside for review, the analyst's decision on its pair in
the dashboard, and the next report confirming or dropping the flag.

The bundle is one family: a mother and two children with pending MPP cases (CBP and EOIR
records), and an NGO unit that lists the mother and "Jaun Valladares", no birth date, no case,
a typing error for the son Juan Carlos that the resolver does not match. Whether Jaun is the son
decides MPP_SPLIT and WIND_DOWN_SPLIT (a member with no case). So that the decision stays
uncertain whatever EM would fit on eight records, the family-context model is fixed: every level
weighs nothing and a third of such members are a split of another, so P(Jaun = son) = 1/3.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import kinlink
import kinlink.graph.family_evidence
from kinlink.dashboard.data import SOURCE_ENV, load
from kinlink.dashboard.review import append_review, read_reviews
from kinlink.graph.family_comparisons import FAMILY_COMPARISONS
from kinlink.graph.family_evidence import FamilyModel, apply_family_evidence

from .conftest import APP
from .test_report_folder import assert_same_pages

HEADER = "record_id,source,a_number,given_names,surnames,dob,sex,nationality,country_of_location"
INDIVIDUALS = f"""{HEADER},as_of
CBP-1,CBP,A201000001,María Elena,Hernández López,1985-03-02,F,HND,MEX,2020-01-10
EOIR-1,EOIR,201000001,MARIA ELENA,HERNANDEZ LOPEZ,1985-03-02,F,HND,MEX,2020-02-10
NGO-1,NGO,,María,Hernández,1985-03-02,F,HND,MEX,2020-03-10
CBP-2,CBP,A201000002,Juan Carlos,Valladares Hernández,2012-07-19,M,HND,MEX,2020-01-10
EOIR-2,EOIR,201000002,JUAN CARLOS,VALLADARES HERNANDEZ,2012-07-19,M,HND,MEX,2020-02-10
NGO-2,NGO,,Jaun,Valladares,,M,HND,MEX,2020-03-10
CBP-3,CBP,A201000003,Sofía,Valladares Hernández,2015-11-30,F,HND,MEX,2020-01-10
EOIR-3,EOIR,201000003,SOFIA,VALLADARES HERNANDEZ,2015-11-30,F,HND,MEX,2020-02-10
"""
UNITS = """family_unit_id,record_id,role
CBP-U1,CBP-1,HEAD
CBP-U1,CBP-2,CHILD
CBP-U1,CBP-3,CHILD
NGO-U1,NGO-1,HEAD
NGO-U1,NGO-2,CHILD
"""
CASES = """case_id,record_id,lead_case_id,court,mpp,status,status_date,nta_date
C1,EOIR-1,,San Diego,true,PENDING,2020-02-10,2019-12-01
C2,EOIR-2,C1,San Diego,true,PENDING,2020-02-10,2019-12-01
C3,EOIR-3,C1,San Diego,true,PENDING,2020-02-10,2019-12-01
"""
TIMEOUT = 120


def fixed_model(share: float) -> FamilyModel:
    """A family-context model where no level weighs anything: P(L = X) = share (one candidate)."""
    rows = [
        {"comparison": name, "level": level, "m": 0.5, "u": 0.5, "weight": 0.0}
        for name, levels in FAMILY_COMPARISONS.items()
        for level in levels
    ]
    return FamilyModel(pd.DataFrame(rows), share, 0)


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bundle"
    folder.mkdir()
    for name, text in (("individuals", INDIVIDUALS), ("family_units", UNITS), ("cases", CASES)):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    fixed = functools.partial(apply_family_evidence, model=fixed_model(1 / 3))
    monkeypatch.setattr(kinlink.graph.family_evidence, "apply_family_evidence", fixed)
    return folder


def run_report(bundle: Path, out: Path) -> None:
    kinlink.open(bundle).report(out)


def read(out: Path, stem: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{stem}.csv", dtype=str, keep_default_na=False)


def family_codes(out: Path, stem: str) -> set[str]:
    return {c for cell in read(out, stem)["codes"] for c in cell.split(";") if c}


def test_a_flag_that_hinges_on_a_pair_is_set_aside(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    run_report(bundle, out)
    review = read(out, "review_flags")
    assert set(review["flag_file"]) == {"separated_families", "joint_reprocessing"}
    assert set(review["record_id_a"]) == {"NGO-2"}  # Jaun's record ...
    assert set(review["record_id_b"]) <= {"CBP-2", "EOIR-2"}  # ... against one of the son's
    assert set(review["probability"]) == {"0.3333"}
    assert "MPP_SPLIT" in set(";".join(review["codes"]).split(";"))
    assert read(out, "separated_families").empty  # not among the flags kinlink stands behind
    flags = read(out, "flags")
    assert set(flags.loc[flags["code"] == "MPP_SPLIT", "confidence"]) == {"review"}
    reason = flags.loc[flags["code"] == "MPP_SPLIT", "reason"].iloc[0]
    assert "Set aside for review" in reason and "NGO-2" in reason
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<h2>Check first</h2>" in html and "Since last report" not in html  # no previous


@pytest.mark.parametrize(("decision", "confirmed"), [("different", True), ("same", False)])
def test_a_review_in_the_dashboard_settles_the_flag(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, decision: str, confirmed: bool
) -> None:
    out = tmp_path / "report"
    run_report(bundle, out)
    assert "MPP_SPLIT" not in family_codes(out, "separated_families")

    monkeypatch.setenv(SOURCE_ENV, str(bundle))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page("views/queues.py").run()
    assert not at.exception, at.exception
    assert at.radio(key="queue_name").value == "check_first"  # opens on the flags to check
    at.button(key="check_first_review").click().run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Match review"]  # the button opened Match review
    at.switch_page("views/review.py").run()  # stay there for the next runs (AppTest's page)
    pair = {at.text_input(key="review_a").value, at.text_input(key="review_b").value}
    assert "NGO-2" in pair
    at.radio(key="review_decision").set_value(decision).run()
    at.button(key="review_save").click().run()
    assert not at.exception, at.exception
    saved = read_reviews(bundle)
    assert saved["decision"].tolist() == [decision]

    run_report(bundle, out)  # the next run reads reviews.csv
    assert read(out, "review_flags").empty
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Since last report" in html and "<h2>Check first</h2>" not in html
    codes = family_codes(out, "separated_families")
    assert ("MPP_SPLIT" in codes) is confirmed
    changes = read(out, "changes")
    flag_rows = changes[changes["kind"] == "flag"]
    if confirmed:
        assert "confirmed (was set aside for review)" in ";".join(flag_rows["detail"])
    else:
        assert set(flag_rows["change"]) == {"gone"}
        persons = changes[changes["kind"] == "person"]
        assert persons["detail"].str.startswith("merged").any()


def test_a_review_written_outside_the_dashboard_counts_too(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    append_review(bundle, "NGO-2", "EOIR-2", "different")
    run_report(bundle, out)
    assert "MPP_SPLIT" in family_codes(out, "separated_families")
    assert read(out, "review_flags").empty


def test_a_report_folder_shows_the_flags_set_aside_as_its_bundle_does(
    bundle: Path, tmp_path: Path
) -> None:
    """The report saved its verdicts (data/flags.parquet): the dashboard reads them back."""
    out = tmp_path / "report"
    run_report(bundle, out)
    from_bundle, from_report = load(bundle), load(out)
    assert from_report.judged.review and from_report.review["family_id"].nunique() == 1
    reasons = [f.reason for f in from_report.judged.review]
    assert reasons == [f.reason for f in from_bundle.judged.review]
    assert all("Set aside for review" in r for r in reasons)
    assert_same_pages(from_bundle, from_report)
