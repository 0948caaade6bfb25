"""Export the case-linkage graph to a Cypher database (Neo4j or FalkorDB).

- :func:`export_graph` writes a graph through any :class:`GraphEngine`;
- :func:`embedded_falkordb` starts (and always stops) a private FalkorDB server;
- :func:`connect_falkordb` and :func:`connect_neo4j` connect to a running server.

The ``neo4j`` driver is imported only in :mod:`kinlink.graph.export.neo4j_engine`, and only
when a Neo4j connection is opened.
"""

from __future__ import annotations

from typing import Any

from kinlink.errors import InputError
from kinlink.graph.export.embedded import embedded_falkordb
from kinlink.graph.export.engine import ConnectionDropped, GraphEngine, Result
from kinlink.graph.export.exporter import ExportStats, export_graph
from kinlink.graph.export.falkor import FalkorEngine
from kinlink.graph.export.rows import LABELS

#: The address that names the FalkorDB server kinlink runs on this machine (``kinlink graphdb``).
KINLINK_SERVER = "kinlink"

__all__ = [
    "KINLINK_SERVER",
    "LABELS",
    "ConnectionDropped",
    "ExportStats",
    "FalkorEngine",
    "GraphEngine",
    "Result",
    "connect_falkordb",
    "connect_neo4j",
    "embedded_falkordb",
    "export_graph",
]


def connect_neo4j(uri: str, user: str, *, database: str | None = None) -> Any:
    """A :class:`~kinlink.graph.export.neo4j_engine.Neo4jEngine`, the password read from
    ``KINLINK_NEO4J_PASSWORD``.

    Raises
    ------
    ExportError
        If the password is not set, the driver is missing or the server refuses the login.
    """
    from kinlink.graph.export.neo4j_engine import Neo4jEngine, password_from_env

    return Neo4jEngine(uri, user, password_from_env(), database=database)


def connect_falkordb(address: str, graph: str) -> FalkorEngine:
    """A :class:`FalkorEngine` on a running server at ``HOST:PORT``, a unix socket path, or
    ``kinlink`` (the server kinlink runs, :mod:`kinlink.graph.export.server`, which must be
    running).

    Raises
    ------
    InputError
        ``address`` is none of these, or kinlink's server is not running.
    """
    if address == KINLINK_SERVER:
        from kinlink.graph.export.server import status

        running = status()
        if running is None:
            raise InputError(
                "no kinlink FalkorDB is running: start one with `kinlink graphdb start` (or "
                "`kinlink export BUNDLE --falkordb`)"
            )
        address = running.address
    if "/" in address:
        return FalkorEngine(graph, unix_socket=address)
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise InputError(f"--falkordb {address!r}: expected HOST:PORT or a socket path")
    return FalkorEngine(graph, host=host, port=int(port))
