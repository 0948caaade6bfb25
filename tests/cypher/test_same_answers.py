"""The Cypher engine's contract flag files equal the networkx engine's, row for row."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinlink.graph.build import build_graph
from kinlink.graph.export import FalkorEngine
from kinlink.queries.analyses import analyse
from kinlink.queries.cypher.flag_files import FLAG_COLUMNS, flag_frames
from kinlink.queries.facts import Facts, build_facts
from kinlink.queries.report_files import contract_tables


def python_tables(facts: Facts, mode: str = "mpp_case") -> dict[str, pd.DataFrame]:
    tables = contract_tables(analyse(facts, mpp_split_none=mode))  # type: ignore[arg-type]
    return {stem: tables[stem] for stem in FLAG_COLUMNS}


def assert_same(
    G: nx.MultiDiGraph, facts: Facts, engine: FalkorEngine, mode: str = "mpp_case"
) -> None:
    """The saved Cypher queries on ``G`` give the Python analyses' rows on the same data."""
    expected = python_tables(facts, mode)
    got = flag_frames(G, engine=engine, mpp_split_none=mode)
    assert set(got) == set(expected)
    for stem in FLAG_COLUMNS:
        pd.testing.assert_frame_equal(got[stem], expected[stem], obj=stem)


def test_sample_bundle(
    sample_graph: nx.MultiDiGraph, sample_facts: Facts, falkor: FalkorEngine
) -> None:
    expected = python_tables(sample_facts)
    assert all(len(expected[s]) > 5 for s in FLAG_COLUMNS)  # the comparison means something
    assert_same(sample_graph, sample_facts, falkor)


@pytest.mark.parametrize("mode", ["mpp_case", "any_case"])
def test_generated_bundle(
    generated_graph: nx.MultiDiGraph, generated_facts: Facts, falkor: FalkorEngine, mode: str
) -> None:
    assert_same(generated_graph, generated_facts, falkor, mode)


def test_own_server_is_started_and_stopped(
    sample_graph: nx.MultiDiGraph, sample_facts: Facts
) -> None:
    """Without an engine, flag_frames runs its own private FalkorDB."""
    got = flag_frames(sample_graph)
    expected = python_tables(sample_facts)
    for stem in FLAG_COLUMNS:
        pd.testing.assert_frame_equal(got[stem], expected[stem], obj=stem)


# -- small random bundles: ties, missing dates and values, odd statuses ---------------------

NATS = st.sampled_from([None, "HND", "GTM", "MEX", "CUB"])
DATES = st.sampled_from([None, "2019-05-01", "2019-05-01", "2020-01-15", "2021-03-02"])
STATUS = st.sampled_from([None, "PENDING", "IN_ABSENTIA", "TERMINATED", "RELIEF_GRANTED", "CLOSED"])
COURTS = st.sampled_from([None, "El Paso", "Houston", "San Diego"])
BOOL = st.sampled_from([None, True, False])


@st.composite
def bundles(draw: Any) -> tuple[Any, pd.DataFrame]:
    n = draw(st.integers(2, 14))
    rids = [f"R{i:02d}" for i in range(n)]
    people = [f"P{draw(st.integers(0, max(1, n // 2))):02d}" for _ in rids]
    ind = pd.DataFrame(
        {
            "record_id": pd.array(rids, dtype="string"),
            "source": pd.array(["CBP"] * n, dtype="string"),
            "nationality": pd.array([draw(NATS) for _ in rids], dtype="string"),
            "country_of_location": pd.array(
                [draw(st.sampled_from([None, "MEX", "USA"])) for _ in rids], dtype="string"
            ),
            "as_of": pd.to_datetime(pd.Series([draw(DATES) for _ in rids], dtype=object)),
            "uac": pd.array([draw(BOOL) for _ in rids], dtype="boolean"),
            "fear_claimed": pd.array([draw(BOOL) for _ in rids], dtype="boolean"),
            "fear_assessment": pd.array(
                [draw(st.sampled_from([None, "POSITIVE", "NEGATIVE"])) for _ in rids],
                dtype="string",
            ),
        }
    )
    memberships = draw(
        st.lists(st.tuples(st.sampled_from(["U1", "U2", "U3"]), st.sampled_from(rids)), max_size=12)
    )
    units = pd.DataFrame(sorted(set(memberships)), columns=["family_unit_id", "record_id"])
    n_cases = draw(st.integers(0, 8))
    cids = [f"C{i}" for i in range(n_cases)]
    cases = pd.DataFrame(
        {
            "case_id": pd.array(cids, dtype="string"),
            "record_id": pd.array([draw(st.sampled_from(rids)) for _ in cids], dtype="string"),
            "lead_case_id": pd.array(
                [draw(st.sampled_from([None, *cids])) for _ in cids], dtype="string"
            ),
            "court": pd.array([draw(COURTS) for _ in cids], dtype="string"),
            "mpp": pd.array([draw(BOOL) for _ in cids], dtype="boolean"),
            "status": pd.array([draw(STATUS) for _ in cids], dtype="string"),
        }
    )
    bundle = SimpleNamespace(individuals=ind, family_units=units, cases=cases, hearings=None)
    return bundle, pd.DataFrame({"record_id": rids, "person_id": people})


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=bundles())
def test_random_small_bundles(drawn: tuple[Any, pd.DataFrame], server: FalkorEngine) -> None:
    bundle, persons = drawn
    G = build_graph(bundle, persons)
    engine = server.with_graph("hypothesis")
    engine.drop_graph()
    try:
        assert_same(G, build_facts(bundle, persons), engine)
    finally:
        engine.close()
