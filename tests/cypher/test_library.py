"""The saved queries beyond the contract: each answers what its header says."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import networkx as nx
import pandas as pd
import pytest

from kinlink.errors import InputError
from kinlink.graph.build import build_graph
from kinlink.graph.export import FalkorEngine, export_graph
from kinlink.queries.cypher import check_read_only, load_query, query_names, run_saved
from kinlink.queries.cypher.guard import tokenize
from kinlink.queries.facts import Facts

EXPECTED = {
    "separated_families",
    "mixed_nationality_units",
    "joint_reprocessing",
    "person_family_and_cases",
    "linked_cases",
    "disagreeing_records",
    "shortest_chain",
}


def test_every_file_declares_what_it_uses() -> None:
    assert set(query_names()) == EXPECTED
    for name in query_names():
        q = load_query(name)
        assert q.text.startswith("//") and len(q.description) > 40, name
        assert q.returns, name
        used = {t.text[1:] for t in tokenize(q.text) if t.kind == "param"}
        assert used == {p.name for p in q.params}, name
        check_read_only(q.text)  # the saved queries are read-only too


def test_parameters_are_checked() -> None:
    q = load_query("shortest_chain")
    with pytest.raises(InputError, match="to_person is required"):
        q.bind({"from_person": "P1"})
    with pytest.raises(InputError, match="unknown parameter"):
        q.bind({"from_person": "P1", "to_person": "P2", "depth": "3"})
    with pytest.raises(InputError, match="no saved query"):
        load_query("drop_everything")


@pytest.fixture(scope="module")
def sample_db(server: FalkorEngine, sample_graph: nx.MultiDiGraph):
    engine = server.with_graph("library_sample")
    export_graph(sample_graph, engine)
    yield engine
    engine.drop_graph()
    engine.close()


def test_person_family_and_cases(sample_db: FalkorEngine, sample_facts: Facts) -> None:
    f = sample_facts
    family = next(fid for fid, ps in f.family_members.items() if len(ps) >= 3)
    me = f.family_members[family][1]
    df = run_saved(sample_db, "person_family_and_cases", {"person_id": me})
    assert df["person_id"].tolist() == f.family_members[family]
    assert set(df["family_id"]) == {family}
    assert df.loc[df["is_self"], "person_id"].tolist() == [me]
    for row in df.itertuples():
        assert row.record_ids == f.person_records[row.person_id]
        assert row.case_ids == f.person_cases.get(row.person_id, [])
        assert len(row.cases) == len(row.case_ids)
    loner = next(p for p in f.persons.index if f.persons.loc[p, "family_id"] is None)
    alone = run_saved(sample_db, "person_family_and_cases", {"person_id": loner})
    assert alone["person_id"].tolist() == [loner] and alone["family_id"].isna().all()


def test_disagreeing_records(sample_db: FalkorEngine, sample_facts: Facts) -> None:
    records = sample_facts.records
    records = records.assign(dob=records["dob"].dt.strftime("%Y-%m-%d"))
    expected = []
    for field in ("dob", "nationality"):
        stated = records[records[field].notna()]
        for pid, rows in stated.groupby("person_id"):
            values = sorted(set(rows[field]))
            if len(values) >= 2:
                expected.append((pid, field, values, sorted(rows["record_id"])))
    df = run_saved(sample_db, "disagreeing_records")
    got = [tuple(r) for r in df[["person_id", "field", "values", "record_ids"]].values.tolist()]
    assert len(expected) > 3
    assert got == sorted(expected)


LINKS = ("SAME_AS", "MEMBER_OF", "RESPONDENT", "RIDES_ON")


def test_shortest_chain(
    sample_db: FalkorEngine, sample_graph: nx.MultiDiGraph, sample_facts: Facts
) -> None:
    links = nx.Graph()
    links.add_edges_from((u, v) for u, v, k in sample_graph.edges(keys=True) if k in LINKS)
    f = sample_facts
    families = [ps for ps in f.family_members.values() if len(ps) >= 3][:4]
    pairs = [pair for ps in families for pair in itertools.combinations(ps, 2)]
    for a, b in pairs:
        hops = nx.shortest_path_length(links, f"person:{a}", f"person:{b}")
        df = run_saved(sample_db, "shortest_chain", {"from_person": a, "to_person": b})
        assert df["hops"].tolist() == [hops]
        chain = df["chain"][0]
        assert chain[0] == f"Person:{a}" and chain[-1] == f"Person:{b}"
        assert len(chain) == hops + 1 and len(df["links"][0]) == hops
    same = run_saved(sample_db, "shortest_chain", {"from_person": a, "to_person": a})
    assert same["hops"].tolist() == [0] and same["chain"][0] == [f"Person:{a}"]
    # two persons of different families, with no link at all
    a, b = families[0][0], families[1][0]
    assert not nx.has_path(links, f"person:{a}", f"person:{b}")
    assert run_saved(sample_db, "shortest_chain", {"from_person": a, "to_person": b}).empty


def test_linked_cases(falkor: FalkorEngine) -> None:
    """C2 rides on lead C1 and C3 rides on C2; C4 is another case of C1's respondent; C5 is a
    family member's case; C6 is a stranger's."""
    ind = pd.DataFrame({"record_id": ["a1", "a2", "b", "z"], "source": ["CBP"] * 4})
    units = pd.DataFrame({"family_unit_id": ["U", "U"], "record_id": ["a1", "b"]})
    cases = pd.DataFrame(
        {
            "case_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
            "record_id": ["a1", "b", "z", "a2", "b", "z"],
            "lead_case_id": [None, "C1", "C2", None, None, None],
            "status": ["PENDING", None, "PENDING", "CLOSED", "PENDING", "PENDING"],
            "mpp": pd.array([True, True, None, False, True, True], dtype="boolean"),
            "court": ["El Paso", "El Paso", None, "Houston", "Houston", "Houston"],
        }
    )
    persons = pd.DataFrame({"record_id": ["a1", "a2", "b", "z"], "person_id": ["A", "A", "B", "Z"]})
    bundle = SimpleNamespace(individuals=ind, family_units=units, cases=cases, hearings=None)
    export_graph(build_graph(bundle, persons), falkor)
    df = run_saved(falkor, "linked_cases", {"case_id": "C1"})
    assert df["case_id"].tolist() == ["C2", "C3", "C4", "C5"]
    assert df["links"].tolist() == [
        ["family", "lead/rider"],
        ["lead/rider"],
        ["same person"],
        ["family"],
    ]
    assert df["person_id"].tolist() == ["B", "Z", "A", "B"]
    assert df["mpp"].tolist() == [True, False, False, True]
    assert run_saved(falkor, "linked_cases", {"case_id": "C6"})["case_id"].tolist() == ["C3"]
