"""The case-linkage graph: schema invariants, families, and the Parquet round trip."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinlink.graph.build import build_graph
from kinlink.graph.families import complete_persons, compute_families
from kinlink.graph.ids import family_id, person_id
from kinlink.graph.schema import (
    EDGE_ENDS,
    KEY,
    KIND,
    LINE,
    EdgeKind,
    NodeKind,
    node_id,
    split_node_id,
)
from kinlink.graph.store import load_graph, save_graph


def sample_bundle() -> tuple[SimpleNamespace, pd.DataFrame]:
    ind = pd.DataFrame(
        {
            "record_id": pd.array(["r1", "r2", "r3", "r4", "r5"], dtype="string"),
            "source": pd.array(["CBP", "NGO", "CBP", "EOIR", "CBP"], dtype="string"),
            "given_names": pd.array(["Ana", "Ana María", None, "José", "=1+1"], dtype="string"),
            "nationality": pd.array(["HND", "HND", "GTM", None, "MEX"], dtype="string"),
            "as_of": pd.to_datetime(
                pd.Series(["2020-01-01", None, "2021-05-05", "2019-02-02", None])
            ),
            "uac": pd.array([True, None, False, None, None], dtype="boolean"),
            "phone": pd.array([None, "+52 55 1234", None, None, None], dtype="string"),
            "_line": [2, 3, 4, 5, 6],
        }
    )
    units = pd.DataFrame(
        {
            "family_unit_id": pd.array(["CBP-1", "CBP-1", "NGO-9", "NGO-9"], dtype="string"),
            "record_id": pd.array(["r1", "r3", "r2", "r4"], dtype="string"),
            "role": pd.array(["HEAD", "CHILD", None, "SPOUSE"], dtype="string"),
            "_line": [2, 3, 4, 5],
        }
    )
    cases = pd.DataFrame(
        {
            "case_id": pd.array(["C1", "C2", "C3"], dtype="string"),
            "record_id": pd.array(["r1", "r3", "zz"], dtype="string"),  # zz: not a loaded record
            "lead_case_id": pd.array([None, "C1", "C404"], dtype="string"),
            "court": pd.array(["El Paso", "Laredo", None], dtype="string"),
            "mpp": pd.array([True, None, False], dtype="boolean"),
            "status": pd.array(["PENDING", "TERMINATED", None], dtype="string"),
            "status_date": pd.to_datetime(pd.Series(["2020-02-02", None, None])),
            "_line": [2, 3, 4],
        }
    )
    hearings = pd.DataFrame(
        {
            "hearing_id": pd.array(["H1", "H2"], dtype="string"),
            "case_id": pd.array(["C1", "C2"], dtype="string"),
            "date": pd.to_datetime(["2020-03-01", "2020-04-01"]),
            "court": pd.array(["El Paso", "Brownsville"], dtype="string"),
            "type": pd.array(["MASTER", None], dtype="string"),
            "_line": [2, 3],
        }
    )
    bundle = SimpleNamespace(individuals=ind, family_units=units, cases=cases, hearings=hearings)
    persons = pd.DataFrame(
        {"record_id": ["r1", "r2", "r3", "r4", "r5"], "person_id": ["PA", "PA", "PB", "PC", "PD"]}
    )
    return bundle, persons


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    bundle, persons = sample_bundle()
    return build_graph(bundle, persons)


def test_every_node_and_edge_is_typed_by_the_schema(graph: nx.MultiDiGraph) -> None:
    for n, attrs in graph.nodes(data=True):
        kind, key = split_node_id(n)
        assert attrs[KIND] == kind.value and attrs[KEY] == key
        assert all(v is not None and not (isinstance(v, float) and v != v) for v in attrs.values())
    for u, v, k, attrs in graph.edges(keys=True, data=True):
        assert attrs[KIND] == k
        src, dst = EDGE_ENDS[EdgeKind(k)]
        assert graph.nodes[u][KIND] == src.value and graph.nodes[v][KIND] == dst.value


def test_graph_contents(graph: nx.MultiDiGraph) -> None:
    counts = pd.Series([a[KIND] for _, a in graph.nodes(data=True)]).value_counts().to_dict()
    assert counts == {
        "record": 5,
        "person": 4,
        "unit": 2,
        "family": 1,
        "case": 3,
        "hearing": 2,
        "court": 3,
    }
    assert graph.has_edge("record:r1", "person:PA", EdgeKind.SAME_AS)
    assert graph.nodes["unit:CBP-1"]["size"] == 2 and graph.nodes["person:PA"]["n_records"] == 2
    assert graph.edges["record:r1", "unit:CBP-1", EdgeKind.MEMBER_OF]["role"] == "HEAD"
    assert "role" not in graph.edges["record:r2", "unit:NGO-9", EdgeKind.MEMBER_OF]
    assert graph.has_edge("case:C2", "case:C1", EdgeKind.RIDES_ON)
    assert graph.has_edge("hearing:H2", "court:Brownsville", EdgeKind.AT)
    assert graph.has_edge("case:C1", "court:El Paso", EdgeKind.FILED_AT)
    # a case whose respondent record or lead case is not in the bundle keeps the ids as attributes
    c3 = graph.nodes["case:C3"]
    assert (c3["record_id"], c3["lead_case_id"]) == ("zz", "C404")
    assert graph.out_degree("case:C3") == 0
    # record attributes: missing values absent, types kept, _line -> line
    r1 = graph.nodes["record:r1"]
    assert r1["uac"] is True and r1["as_of"] == pd.Timestamp("2020-01-01") and r1[LINE] == 2
    assert "phone" not in r1 and "as_of" not in graph.nodes["record:r2"]


def test_families_join_units_through_shared_persons(graph: nx.MultiDiGraph) -> None:
    # CBP-1 = {PA, PB}; NGO-9 = {PA (via r2), PC}: one family of three; PD in no unit
    fams = {v for _, v, k in graph.edges(keys=True) if k == EdgeKind.IN}
    assert fams == {node_id(NodeKind.FAMILY, family_id(["PA", "PB", "PC"]))}
    assert graph.nodes[next(iter(fams))]["size"] == 3
    assert not any(k == EdgeKind.IN for _, _, k in graph.out_edges("person:PD", keys=True))


persons_st = st.lists(
    st.tuples(st.sampled_from([f"r{i}" for i in range(12)]), st.sampled_from(list("ABCDEFG"))),
    min_size=1,
    max_size=12,
    unique_by=lambda t: t[0],
)
units_st = st.lists(
    st.tuples(
        st.sampled_from(["u1", "u2", "u3", "u4", "u5"]),
        st.sampled_from([f"r{i}" for i in range(12)]),
    ),
    max_size=20,
)


@settings(max_examples=150, deadline=None)
@given(persons_st, units_st)
def test_families_partition_their_persons(
    pairs: list[tuple[str, str]], units: list[tuple[str, str]]
) -> None:
    persons = pd.DataFrame(pairs, columns=["record_id", "person_id"])
    fu = pd.DataFrame(units, columns=["family_unit_id", "record_id"])
    fams = compute_families(persons, fu)
    # a partition: each person in at most one family
    assert not fams["person_id"].duplicated().any()
    # exactly the persons with a record in some unit
    in_units = set(persons.merge(fu, on="record_id")["person_id"])
    assert set(fams["person_id"]) == in_units
    # persons sharing a unit share a family; family ids follow the stable rule
    fam_of = dict(zip(fams["person_id"], fams["family_id"], strict=True))
    for _, group in persons.merge(fu, on="record_id").groupby("family_unit_id"):
        assert len({fam_of[p] for p in group["person_id"]}) == 1
    for fid, group in fams.groupby("family_id"):
        assert fid == family_id(group["person_id"])
    # no family could be split further: each is connected through units
    bip = nx.Graph()
    bip.add_edges_from(
        ("u:" + u, "p:" + p)
        for u, p in persons.merge(fu, on="record_id")[["family_unit_id", "person_id"]].values
    )
    for _, group in fams.groupby("family_id"):
        members = ["p:" + p for p in group["person_id"]]
        assert all(nx.has_path(bip, members[0], m) for m in members[1:])


def test_complete_persons_adds_missing_records_as_singletons() -> None:
    ind = pd.DataFrame({"record_id": ["a", "b"]})
    got = complete_persons(ind, pd.DataFrame({"record_id": ["a", "zz"], "person_id": ["P", "Q"]}))
    assert got.values.tolist() == [["a", "P"], ["b", person_id(["b"])]]


def test_complete_persons_in_record_order_or_not_gives_the_same_persons() -> None:
    ind = pd.DataFrame({"record_id": ["a", "b", "c"]})
    in_order = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P", "P", "Q"]})
    got = complete_persons(ind, in_order)
    assert got.values.tolist() == in_order.values.tolist()
    assert got.index.equals(pd.RangeIndex(3))
    shuffled = complete_persons(ind, in_order.iloc[[2, 0, 1]])
    assert sorted(shuffled.values.tolist()) == in_order.values.tolist()
    # a repeated record id is kept once, even when the lengths match
    twice = pd.DataFrame({"record_id": ["a", "a"], "person_id": ["P", "Q"]})
    got = complete_persons(pd.DataFrame({"record_id": ["a", "a"]}), twice)
    assert got.values.tolist() == [["a", "P"]]


def test_ids_are_stable() -> None:
    assert person_id(["r2", "r1"]) == person_id(["r1", "r9"])
    assert family_id(["P2", "P1"]) != family_id(["P2"])
    with pytest.raises(ValueError):
        person_id([])


def test_save_load_round_trip(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    out = save_graph(graph, tmp_path / "g")
    loaded = load_graph(out)
    assert loaded.graph == graph.graph
    assert dict(loaded.nodes(data=True)) == dict(graph.nodes(data=True))
    assert sorted(loaded.edges(keys=True, data=True), key=repr) == sorted(
        graph.edges(keys=True, data=True), key=repr
    )
    for n, attrs in graph.nodes(data=True):
        for k, v in attrs.items():
            assert type(loaded.nodes[n][k]) is type(v) or isinstance(v, pd.Timestamp), (n, k)
    # saving again replaces the folder, leaving no temporary siblings
    save_graph(loaded, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g"]
    assert {p.name for p in (out / "nodes").iterdir()} == {f"{k.value}.parquet" for k in NodeKind}


def test_save_refuses_untyped_nodes(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    G.add_node("x")
    with pytest.raises(ValueError, match="kind"):
        save_graph(G, tmp_path / "g")
    assert list(tmp_path.iterdir()) == []


def test_optional_tables_may_be_missing() -> None:
    bundle, persons = sample_bundle()
    bundle.cases = None
    bundle.hearings = pd.DataFrame()
    G = build_graph(bundle, persons)
    assert not any(a[KIND] in ("case", "hearing", "court") for _, a in G.nodes(data=True))
