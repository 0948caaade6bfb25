"""What kinlink needs of a Cypher graph database, and where Neo4j and FalkorDB differ.

:class:`GraphEngine` is the one interface the exporter and the query runner use. The adapters
(:mod:`kinlink.graph.export.falkor` and :mod:`kinlink.graph.export.neo4j_engine`) implement it;
everything that differs between the two engines lives there: how to connect, how a key
uniqueness constraint is declared, how a query is run read-only, and which driver errors mean
"the connection dropped, try again". Query text is the same on both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from kinlink.errors import ExportError

__all__ = ["BatchPreparer", "ConnectionDropped", "GraphEngine", "Prepared", "Result"]


class ConnectionDropped(ExportError):
    """The connection to the database dropped during a query (the query may be retried)."""


@dataclass(frozen=True)
class Result:
    """Rows a query returned: column names and one list of values per row."""

    columns: list[str]
    rows: list[list[Any]]


class GraphEngine(Protocol):
    """A connection to a Cypher graph database.

    ``run`` raises :class:`ConnectionDropped` when the connection was lost (after which
    ``reconnect`` may be called and the query retried) and :class:`ExportError` for anything else
    the database rejected.
    """

    name: str
    """``"neo4j"`` or ``"falkordb"``."""

    def run(
        self, query: str, params: Mapping[str, Any] | None = None, *, read_only: bool = False
    ) -> Result:
        """Run ``query`` with ``params``; with ``read_only`` the database refuses writes."""
        ...

    def ensure_key_constraints(self, labels: Sequence[str]) -> None:
        """Make ``key`` unique (and indexed) on each of ``labels``; nothing if already so."""
        ...

    def reconnect(self) -> None:
        """Drop the current connection and open a new one."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


@dataclass(frozen=True)
class Prepared:
    """A query with its parameters already encoded for the wire (see :class:`BatchPreparer`)."""

    query: str
    """The query text alone (for messages: never the encoded parameters)."""
    payload: Any
    """What the engine sends."""


@runtime_checkable
class BatchPreparer(Protocol):
    """An engine that can encode a batch's parameters ahead of sending it.

    The exporter encodes the next batch in a worker thread while the database is busy with the
    current one, so the two overlap.
    """

    def prepare(self, query: str, params: Mapping[str, Any]) -> Prepared:
        """Encode ``query`` with ``params``."""
        ...

    def run_prepared(self, prepared: Prepared, *, read_only: bool = False) -> Result:
        """Run what :meth:`prepare` made (errors as for :meth:`GraphEngine.run`)."""
        ...
