"""The same export and queries against a real Neo4j 5, when one is configured.

Set ``KINLINK_NEO4J_URI`` (and ``KINLINK_NEO4J_PASSWORD``, optionally ``KINLINK_NEO4J_USER``,
``KINLINK_NEO4J_DATABASE``) to run them. The database should be a scratch one: the test
removes the kinlink labels' nodes before it starts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from kinlink.graph.export import LABELS, connect_neo4j, export_graph
from kinlink.queries.analyses import analyse
from kinlink.queries.cypher import query_names, run_saved
from kinlink.queries.cypher.flag_files import FLAG_COLUMNS, query_flag_frames
from kinlink.queries.facts import Facts
from kinlink.queries.report_files import contract_tables

URI = os.environ.get("KINLINK_NEO4J_URI")
pytestmark = pytest.mark.skipif(
    not URI, reason="KINLINK_NEO4J_URI is not set: no Neo4j server to test against"
)


@pytest.fixture(scope="module")
def neo4j(sample_graph: nx.MultiDiGraph) -> Iterator[Any]:
    engine = connect_neo4j(
        URI or "",
        os.environ.get("KINLINK_NEO4J_USER", "neo4j"),
        database=os.environ.get("KINLINK_NEO4J_DATABASE"),
    )
    engine.run(
        "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) DETACH DELETE n",
        {"labels": sorted(set(LABELS.values()))},
    )
    export_graph(sample_graph, engine)
    yield engine
    engine.close()


def test_export_is_complete_and_idempotent(neo4j: Any, sample_graph: nx.MultiDiGraph) -> None:
    count = "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) RETURN count(n)"
    labels = {"labels": sorted(set(LABELS.values()))}
    assert neo4j.run(count, labels).rows == [[sample_graph.number_of_nodes()]]
    export_graph(sample_graph, neo4j)
    assert neo4j.run(count, labels).rows == [[sample_graph.number_of_nodes()]]


def test_same_answers_on_neo4j(neo4j: Any, sample_facts: Facts) -> None:
    expected = contract_tables(analyse(sample_facts))
    got = query_flag_frames(neo4j)
    for stem in FLAG_COLUMNS:
        pd.testing.assert_frame_equal(got[stem], expected[stem], obj=stem)


def test_every_saved_query_runs(neo4j: Any) -> None:
    person = neo4j.run("MATCH (p:Person)-[:IN]->(:Family) RETURN p.key LIMIT 1").rows[0][0]
    case = neo4j.run("MATCH (c:Case) RETURN c.key LIMIT 1").rows[0][0]
    params = {
        "person_family_and_cases": {"person_id": person},
        "linked_cases": {"case_id": case},
        "shortest_chain": {"from_person": person, "to_person": person},
    }
    for name in query_names():
        run_saved(neo4j, name, params.get(name, {}))
