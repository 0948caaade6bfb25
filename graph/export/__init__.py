"""Export the case-linkage graph to a Cypher database (Neo4j or FalkorDB).

- :func:`export_graph` writes a graph through any :class:`GraphEngine`;
- :func:`embedded_falkordb` starts (and always stops) a private FalkorDB server;
- :class:`FalkorEngine` and :func:`connect_neo4j` connect to a running server.

The ``neo4j`` driver is imported only in :mod:`kinlink.graph.export.neo4j_engine`, and only
when a Neo4j connection is opened.
"""

from __future__ import annotations

from typing import Any

from kinlink.graph.export.embedded import embedded_falkordb
from kinlink.graph.export.engine import ConnectionDropped, GraphEngine, Result
from kinlink.graph.export.exporter import ExportStats, export_graph
from kinlink.graph.export.falkor import FalkorEngine
from kinlink.graph.export.rows import LABELS

__all__ = [
    "LABELS",
    "ConnectionDropped",
    "ExportStats",
    "FalkorEngine",
    "GraphEngine",
    "Result",
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
