"""The Neo4j adapter's own checks, which need no server: password, URI, unreachable server."""

from __future__ import annotations

from pathlib import Path

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


SECRET = "s3cr3t-Pa55w0rd-never-shown"


def test_the_password_is_never_echoed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Neither the errors nor the CLI's output or logs ever show the password."""
    from kinlink.cli import main

    monkeypatch.setenv("KINLINK_NEO4J_PASSWORD", SECRET)
    for uri in ("bolt://127.0.0.1:1", "http://127.0.0.1:7474"):
        with pytest.raises(ExportError) as err:
            connect_neo4j(uri, "neo4j")
        assert SECRET not in str(err.value) and SECRET not in repr(err.value)
    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "bundle"
    code = main(["export", str(sample), "--neo4j-uri", "bolt://127.0.0.1:1", "-vv"])
    out, errs = capsys.readouterr()
    assert code == 2 and "Neo4j" in errs
    assert SECRET not in out and SECRET not in errs
