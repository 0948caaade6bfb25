"""The Cypher page's engine: the saved queries of :mod:`kinlink.queries.cypher`, run read-only.

By default the graph is exported once into a private, embedded FalkorDB server (a unix socket
in a temporary folder, nothing on disk; :func:`kinlink.graph.export.embedded_falkordb`), which is
stopped when the dashboard exits. When ``KINLINK_NEO4J_URI`` is set, queries go to that Neo4j
database instead (user ``KINLINK_NEO4J_USER``, default ``neo4j``; password
``KINLINK_NEO4J_PASSWORD``; database ``KINLINK_NEO4J_DATABASE``), which must already hold the
graph (``kinlink export``); the dashboard never writes to it. Every query runs in a read-only
transaction with its values as parameters (:func:`kinlink.queries.cypher.run_saved`).
"""

from __future__ import annotations

import atexit
import logging
import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Final

import networkx as nx
import pandas as pd

from kinlink.graph.export import GraphEngine, connect_neo4j, embedded_falkordb, export_graph
from kinlink.queries.cypher import SavedQuery, flat, load_query, query_names, run_saved

log = logging.getLogger(__name__)

__all__ = ["NEO4J_URI_ENV", "CypherConnection", "open_connection", "run", "saved_queries"]

NEO4J_URI_ENV: Final = "KINLINK_NEO4J_URI"
NEO4J_USER_ENV: Final = "KINLINK_NEO4J_USER"
NEO4J_DATABASE_ENV: Final = "KINLINK_NEO4J_DATABASE"


def saved_queries() -> dict[str, SavedQuery]:
    """Every saved query, keyed by its file name (what :func:`run` takes)."""
    return {name: load_query(name) for name in query_names()}


@dataclass
class CypherConnection:
    """An open engine and how to release it (:meth:`close` is safe to call twice)."""

    engine: GraphEngine
    description: str
    _release: Callable[[], Any] = field(repr=False)
    _closed: bool = field(default=False, repr=False)

    def close(self) -> None:
        """Stop the embedded server or close the Neo4j driver."""
        if not self._closed:
            self._closed = True
            self._release()
            log.info("cypher connection closed: %s", self.description)


def open_connection(G: nx.MultiDiGraph, *, environ: Mapping[str, str] | None = None):
    """Connect to Neo4j when ``KINLINK_NEO4J_URI`` is set; otherwise start an embedded FalkorDB
    and export ``G`` into it.

    The connection is closed at interpreter exit if the caller has not closed it.

    Raises
    ------
    ExportError
        The driver or the ``falkordb`` extra is missing, the server does not start, or Neo4j
        refuses the login.

    Notes
    -----
    The FalkorDB export is linear in the size of the graph: about a second for the sample,
    minutes for 400,000 records.
    """
    env = os.environ if environ is None else environ
    uri = env.get(NEO4J_URI_ENV)
    if uri:
        user = env.get(NEO4J_USER_ENV, "neo4j")
        engine = connect_neo4j(uri, user, database=env.get(NEO4J_DATABASE_ENV) or None)
        connection = CypherConnection(engine, f"Neo4j at {uri}", engine.close)
    else:
        context: AbstractContextManager[Any] = embedded_falkordb()
        engine = context.__enter__()
        try:
            stats = export_graph(G, engine)
        except BaseException as err:
            context.__exit__(type(err), err, err.__traceback__)
            raise
        connection = CypherConnection(
            engine,
            f"embedded FalkorDB ({stats.nodes:,} nodes, {stats.relationships:,} relationships)",
            lambda: context.__exit__(None, None, None),
        )
    atexit.register(connection.close)
    return connection


def run(engine: GraphEngine, name: str, values: Mapping[str, str]) -> pd.DataFrame:
    """Run the saved query ``name`` with the non-empty ``values`` (text, coerced to the declared
    types); lists joined with ``;``.

    Raises
    ------
    InputError
        The query is unknown, or a parameter is missing or does not fit its type.
    ExportError
        The database rejected the query.
    """
    params = {k: v for k, v in values.items() if str(v).strip() != ""}
    return flat(run_saved(engine, name, params))
