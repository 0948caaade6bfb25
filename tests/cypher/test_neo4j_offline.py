"""The Neo4j adapter's own checks, which need no server: password, URI, unreachable server."""

from __future__ import annotations

import pytest

from kinlink.errors import ExportError
from kinlink.graph.export import ConnectionDropped, connect_neo4j


def test_password_comes_only_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KINLINK_NEO4J_PASSWORD", raising=False)
    with pytest.raises(ExportError, match="KINLINK_NEO4J_PASSWORD"):
        connect_neo4j("bolt://127.0.0.1:7687", "neo4j")


def test_unreachable_server_is_a_dropped_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINLINK_NEO4J_PASSWORD", "not-used")
    with pytest.raises(ConnectionDropped, match="cannot reach Neo4j"):
        connect_neo4j("bolt://127.0.0.1:1", "neo4j")


def test_bad_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINLINK_NEO4J_PASSWORD", "not-used")
    with pytest.raises(ExportError, match="not a usable Neo4j URI"):
        connect_neo4j("http://127.0.0.1:7474", "neo4j")
