"""Every page through Streamlit's AppTest, on the sample bundle."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import kinlink
from kinlink.dashboard.data import DashboardData
from kinlink.dashboard.review import read_reviews

from .conftest import APP, server_address

PAGES = [
    "views/overview.py",
    "views/queues.py",
    "views/search.py",
    "views/family.py",
    "views/review.py",
]
TIMEOUT = 120


def start() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first dataframe on the page that has all of ``columns``."""
    for frame in at.dataframe:
        value = frame.value
        if set(columns) <= set(value.columns):
            return value
    raise AssertionError(f"no dataframe with columns {columns}")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(app_env: Path, page: str) -> None:
    at = open_page(start(), page)
    assert not at.error
    assert at.toggle(key="mask").value is True  # masked by default, on every page


def test_overview_counts_and_rejects(app_env: Path, loaded: DashboardData) -> None:
    at = start()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Records"] == "3,000"
    assert metrics["Rejected input rows"] == "1"
    assert metrics["Flagged families"] == f"{loaded.summary.totals['flagged_families']:,}"
    rejects = table(at, "file", "line", "reason")
    assert rejects[["file", "line"]].values.tolist() == [["individuals.csv", 3002]]
    tables = table(at, "table", "read", "loaded").set_index("table")
    assert tables.loc["individuals.csv", "read"] == 3001
    assert len(at.get("vega_lite_chart")) == 3


def test_work_queue_filters_and_sorts(app_env: Path) -> None:
    at = open_page(start(), "views/queues.py")
    everything = table(at, "family_id", "codes", "persons")
    assert len(everything) > 5
    nationality = at.multiselect(key="queue_separated_families_nationalities")
    choice = nationality.options[0]
    nationality.select(choice).run()
    filtered = table(at, "family_id", "codes", "persons")
    assert 0 < len(filtered) < len(everything)
    assert all(choice in cell.split(";") for cell in filtered["nationalities"])
    at.selectbox(key="queue_sort").select("records").run()
    at.toggle(key="queue_descending").set_value(False).run()
    records = table(at, "family_id", "codes", "persons")["records"].tolist()
    assert records == sorted(records)
    at.radio(key="queue_name").set_value("joint_reprocessing").run()
    joint = table(at, "family_id", "codes", "persons")
    assert {"case_ids", "codes"} <= set(joint.columns) and len(joint)
    assert at.get("download_button")
    family = at.selectbox(key="queue_family").value
    assert family in set(joint["family_id"])
    at.button(key="queue_open").click().run()
    assert not at.exception
    assert at.text_input(key="family_query").value == family


def _person_with_accents(loaded: DashboardData) -> pd.Series:
    rec = loaded.facts.records
    named = rec[
        rec["surnames"].str.contains("[áéíóúñ]", na=False, regex=True)
        & rec["a_number"].notna()
        & rec["person_id"].map(loaded.facts.persons["family_id"]).notna()
    ]
    return named.iloc[0]


def test_search_by_name_any_order_without_accents(app_env: Path, loaded: DashboardData) -> None:
    row = _person_with_accents(loaded)
    plain = f"{row['surnames']} {row['given_names']}".lower()
    plain = plain.translate(str.maketrans("áéíóúñ", "aeioun"))
    at = open_page(start(), "views/search.py")
    at.text_input(key="search_query").input(plain).run()
    results = table(at, "score", "person_id", "a_numbers")
    assert results["person_id"].iloc[0] == row["person_id"]


def test_search_by_a_number_and_mask(app_env: Path, loaded: DashboardData) -> None:
    row = _person_with_accents(loaded)
    digits = row["a_number"]
    written = f"a-{digits[:3]} {digits[3:6]}.{digits[6:]}"
    at = open_page(start(), "views/search.py")
    at.text_input(key="search_query").input(written).run()
    results = table(at, "score", "person_id", "a_numbers")
    assert results["person_id"].iloc[0] == row["person_id"]
    assert results["score"].iloc[0] == 100.0
    shown = " ".join(results.astype(str).to_numpy().ravel())
    assert digits not in shown and f"A-XXX-XXX-{digits[-3:]}" in shown
    born = row["dob"]
    if pd.notna(born):
        assert born.strftime("%Y-%m-%d") not in shown
    at.toggle(key="mask").set_value(False).run()
    unmasked = " ".join(table(at, "score", "person_id", "a_numbers").astype(str).to_numpy().ravel())
    assert digits in unmasked


def test_search_opens_the_family_with_its_flags(
    app_env: Path, loaded: DashboardData, flagged_family: str
) -> None:
    person = loaded.facts.families.loc[
        loaded.facts.families["family_id"].eq(flagged_family), "person_id"
    ].iloc[0]
    at = open_page(start(), "views/search.py")
    at.text_input(key="search_query").input(person).run()
    at.selectbox(key="search_person").select(person).run()
    at.button(key="search_open").click().run()
    assert not at.exception
    assert at.text_input(key="family_query").value == person
    codes = {f.code for f in loaded.flags_by_family[flagged_family]}
    text = " ".join(m.value for m in at.markdown)
    assert all(code in text for code in codes)
    sources = [c.value for c in at.caption if c.value.startswith("Policy source: ")]
    assert len(sources) == len(loaded.flags_by_family[flagged_family])
    assert len(table(at, "hearing_id", "court", "result"))
    flags = table(at, "code", "reason", "source")
    assert set(flags["code"]) == codes and flags["source"].str.len().min() > 0


def _node_count(at: AppTest) -> int:
    caption = next(c.value for c in at.caption if " nodes, " in c.value)
    return int(caption.split(" nodes")[0])


def test_family_graph_expands_a_node(app_env: Path, flagged_family: str) -> None:
    at = open_page(start(), "views/family.py")
    at.text_input(key="family_query").input(flagged_family).run()
    before = _node_count(at)
    courts = [o for o in at.selectbox(key="family_expand_node").options if o.startswith("court:")]
    assert courts, "a flagged family's graph shows its cases' courts"
    at.selectbox(key="family_expand_node").select(courts[0]).run()
    at.button(key="family_expand").click().run()
    assert not at.exception
    assert _node_count(at) > before  # the court's other cases came in
    records = table(at, "record_id", "a_number", "dob")
    assert records["a_number"].dropna().str.startswith("A-XXX-XXX-").all()


def test_match_review_saves_a_decision_that_the_next_resolution_applies(
    app_env: Path, loaded: DashboardData
) -> None:
    persons = loaded.facts.records.set_index("record_id")["person_id"]
    a, b = persons.index[0], next(r for r in persons.index if persons[r] != persons.iloc[0])
    at = open_page(start(), "views/review.py")
    at.text_input(key="review_a").input(a).run()
    at.text_input(key="review_b").input(b).run()
    assert not at.exception
    explanation = table(at, "field", "value_a", "weight")
    assert "total" in explanation["field"].tolist()
    dob_row = explanation[explanation["field"].eq("dob")]
    if len(dob_row) and isinstance(dob_row["value_a"].iloc[0], str):
        assert dob_row["value_a"].iloc[0].endswith("-XX-XX")
    at.radio(key="review_decision").set_value("same").run()
    at.button(key="review_save").click().run()
    assert not at.exception and at.success
    assert read_reviews(app_env).values.tolist() == [[a, b, "same"]]
    again = kinlink.open(app_env).resolve().persons.set_index("record_id")["person_id"]
    assert again[a] == again[b]  # what `kinlink report` will do
    try:
        at.button(key="review_resolve").click().run()  # and the dashboard, on request
        assert not at.exception
        assert any("same person" in c.value for c in at.caption)
    finally:
        (app_env / "reviews.csv").unlink()
        st.cache_resource.clear()  # later tests load the bundle without the review
        st.cache_data.clear()


def test_cypher_runs_a_saved_query_read_only_and_masks_dates_of_birth(
    app_env: Path, loaded: DashboardData, flagged_family: str
) -> None:
    person = loaded.facts.family_members[flagged_family][0]
    at = open_page(start(), "views/cypher.py")
    at.selectbox(key="cypher_query").set_value("person_family_and_cases").run()
    at.text_input(key="cypher_person_family_and_cases_person_id").input(person).run()
    at.button(key="cypher_run").click().run()
    assert not at.exception and not at.error
    result = table(at, "family_id", "person_id", "record_ids")
    assert set(result["family_id"]) == {flagged_family}
    assert set(result["person_id"]) == set(loaded.facts.family_members[flagged_family])
    at.selectbox(key="cypher_query").set_value("disagreeing_records").run()
    at.button(key="cypher_run").click().run()
    disagreeing = table(at, "person_id", "field", "values")
    dobs = disagreeing.loc[disagreeing["field"].eq("dob"), "values"]
    assert len(dobs) and dobs.str.fullmatch(r"(\d{4}-XX-XX;?)+").all()
    at.selectbox(key="cypher_query").set_value("linked_cases").run()
    at.button(key="cypher_run").click().run()
    assert any("case_id is required" in e.value for e in at.error)


def test_a_saved_graph_opens_without_its_bundle(
    tmp_path: Path, loaded: DashboardData, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kinlink.dashboard.data import SOURCE_ENV
    from kinlink.graph.store import save_graph

    save_graph(loaded.graph(), tmp_path / "report" / "graph")
    monkeypatch.setenv(SOURCE_ENV, str(tmp_path / "report"))
    at = start()
    assert {m.label: m.value for m in at.metric}["Records"] == "3,000"
    for page in PAGES:
        open_page(at, page)
    at = open_page(at, "views/review.py")
    assert any("needs the bundle" in i.value for i in at.info)


@pytest.mark.parametrize("address", [None, "0.0.0.0", "192.0.2.7"])
def test_the_app_refuses_to_serve_beyond_this_machine(
    app_env: Path, monkeypatch: pytest.MonkeyPatch, address: str | None
) -> None:
    """``streamlit run dashboard/app.py`` binds every interface by default: the app shows a
    refusal and nothing of the records, unless KINLINK_DASHBOARD_ALLOW_REMOTE=1."""
    with server_address(address):
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        assert not at.exception
        assert at.error and "kinlink refuses to serve" in at.error[0].value
        assert not at.metric and not at.dataframe and not at.get("download_button")
        monkeypatch.setenv("KINLINK_DASHBOARD_ALLOW_REMOTE", "1")
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        assert not at.exception and not at.error and at.metric


def test_a_report_folder_opens_without_resolving_again(
    tmp_path: Path, bundle: Path, loaded: DashboardData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16 item 6: every report carries what the dashboard needs (its data/)."""
    from kinlink.dashboard.data import SOURCE_ENV

    report = tmp_path / "report"
    kinlink.open(bundle).report(report)

    def resolve(*args: object, **kwargs: object) -> None:
        raise AssertionError("the dashboard resolved the bundle again")

    monkeypatch.setattr("kinlink.graph.resolve.resolve", resolve)
    monkeypatch.setenv(SOURCE_ENV, str(report))
    at = start()
    assert {m.label: m.value for m in at.metric}["Records"] == "3,000"
    for page in PAGES:
        open_page(at, page)
    # the report knows its bundle, so match review can record decisions beside it
    at = open_page(at, "views/review.py")
    assert not any("needs the bundle" in i.value for i in at.info)
