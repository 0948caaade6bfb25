"""FalkorDB: the :class:`~kinlink.graph.export.engine.GraphEngine` over the ``falkordb`` client.

:class:`FalkorEngine` connects to a FalkorDB server (the private one of
:mod:`kinlink.graph.export.embedded`, or one someone else runs) and holds what is particular to
FalkorDB: parameters travel in a ``CYPHER name=value …`` header (:func:`params_header`), read-only
queries use ``GRAPH.RO_QUERY``, and unique constraints are made with ``GRAPH.CONSTRAINT``.

The ``falkordb`` client is optional (the ``falkordb`` extra) and imported only when used.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

from kinlink.errors import ExportError
from kinlink.graph.export.engine import ConnectionDropped, Prepared, Result

log = logging.getLogger(__name__)

__all__ = ["MISSING_EXTRA", "FalkorEngine", "cypher_literal", "params_header"]

_LABEL = re.compile(r"^[A-Z][A-Za-z]*$")
MISSING_EXTRA = "FalkorDB support needs the 'falkordb' extra: pip install 'kinlink[falkordb]'"


def _client_modules() -> tuple[Any, Any]:
    try:
        import falkordb
        import redis
        import redis.backoff
        import redis.retry
    except ImportError as e:
        raise ExportError(MISSING_EXTRA) from e
    return falkordb, redis


def cypher_literal(value: Any) -> str:
    """``value`` (None, bool, int, float, str, list, dict) as a Cypher literal.

    Strings are double-quoted with ``\\`` and ``"`` escaped, as the ``falkordb`` client does;
    map keys are backtick-quoted.

    Raises
    ------
    ExportError
        For a map key holding a backtick or a value of another type.

    Examples
    --------
    >>> cypher_literal({"key": 'say "hi"', "n": 2, "ok": True, "xs": [1.5, None]})
    '{`key`:"say \\\\"hi\\\\"",`n`:2,`ok`:true,`xs`:[1.5,null]}'
    """
    kind = type(value)
    if kind is str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return repr(value)
    if value is None:
        return "null"
    if kind is list or kind is tuple:
        return "[" + ",".join(map(cypher_literal, value)) + "]"
    if kind is dict:
        parts = []
        for key, item in value.items():
            if "`" in key:
                raise ExportError(f"FalkorDB cannot take a property name with a backtick: {key!r}")
            parts.append(f"`{key}`:{cypher_literal(item)}")
        return "{" + ",".join(parts) + "}"
    raise ExportError(f"cannot send a {kind.__name__} value to FalkorDB: {value!r}")


def params_header(params: Mapping[str, Any]) -> str:
    """The ``CYPHER name=value …`` prefix that carries ``params`` to FalkorDB.

    Examples
    --------
    >>> params_header({"id": "P1", "n": 3})
    'CYPHER `id`="P1" `n`=3 '
    """
    if not params:
        return ""
    for name in params:
        if not name.isidentifier():
            raise ExportError(f"not a parameter name: {name!r}")
    return "CYPHER " + "".join(f"`{k}`={cypher_literal(v)} " for k, v in params.items())


def plain(value: Any) -> Any:
    """A FalkorDB result value as plain Python: nodes and relationships as property dicts,
    paths as the list of their nodes' dicts."""
    if value is None or isinstance(value, str | int | float):
        return value
    falkordb, _ = _client_modules()
    if isinstance(value, falkordb.Node):
        return dict(value.properties)
    if isinstance(value, falkordb.Edge):
        return {"type": value.relation, **dict(value.properties)}
    if isinstance(value, falkordb.Path):
        return [plain(n) for n in value.nodes()]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


class FalkorEngine:
    """A connection to one graph of a FalkorDB server.

    Parameters
    ----------
    graph : str
        Name of the graph (FalkorDB holds several, by name).
    unix_socket : str, optional
        Path of the server's unix socket; otherwise ``host`` and ``port``.
    host, port
        The server's TCP address.
    """

    name = "falkordb"

    def __init__(
        self,
        graph: str = "kinlink",
        *,
        unix_socket: str | None = None,
        host: str = "127.0.0.1",
        port: int = 6379,
    ) -> None:
        self.graph_name = graph
        self._address: dict[str, Any] = (
            {"unix_socket": unix_socket}
            if unix_socket
            else {
                "host": host,
                "port": port,
            }
        )
        self._db: Any = None
        self._graph: Any = None
        self.server_pid: int | None = None
        """Process id of the server when kinlink started it (see :mod:`.embedded`)."""
        self.reconnect()

    @property
    def address(self) -> str:
        """Where the server listens: its unix socket path, or ``host:port``."""
        return self._where()

    def with_graph(self, graph: str) -> FalkorEngine:
        """A new connection to the same server, on the graph named ``graph``."""
        other = FalkorEngine(graph, **self._address)
        other.server_pid = self.server_pid
        return other

    def reconnect(self) -> None:
        """Open a new client connection (the old one, if any, is closed)."""
        falkordb, redis = _client_modules()
        self.close()
        try:
            addr = self._address
            # no silent retries inside the client: the exporter decides what to retry
            no_retry = redis.retry.Retry(redis.backoff.NoBackoff(), 0)
            if "unix_socket" in addr:
                self._db = falkordb.FalkorDB(unix_socket_path=addr["unix_socket"], retry=no_retry)
            else:
                self._db = falkordb.FalkorDB(host=addr["host"], port=addr["port"], retry=no_retry)
            self._db.connection.ping()
        except redis.exceptions.ConnectionError as e:
            raise ConnectionDropped(f"cannot reach FalkorDB at {self._where()}: {e}") from e
        self._graph = self._db.select_graph(self.graph_name)

    def _where(self) -> str:
        addr = self._address
        return str(addr.get("unix_socket") or f"{addr['host']}:{addr['port']}")

    def prepare(self, query: str, params: Mapping[str, Any]) -> Prepared:
        """``query`` behind a ``CYPHER name=value …`` header holding ``params`` (the form in
        which FalkorDB receives parameters), encoded by :func:`params_header`."""
        return Prepared(query, params_header(params) + query)

    def run(
        self, query: str, params: Mapping[str, Any] | None = None, *, read_only: bool = False
    ) -> Result:
        """Run ``query``; ``read_only`` uses ``GRAPH.RO_QUERY``, which refuses any write."""
        return self.run_prepared(self.prepare(query, params or {}), read_only=read_only)

    def run_prepared(self, prepared: Prepared, *, read_only: bool = False) -> Result:
        """Send what :meth:`prepare` made."""
        _, redis = _client_modules()
        if self._graph is None:  # closed after a failed reconnect: the server is still away
            raise ConnectionDropped("FalkorDB connection is closed (the server did not answer)")
        try:
            send = self._graph.ro_query if read_only else self._graph.query
            res = send(prepared.payload)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as e:
            raise ConnectionDropped(f"FalkorDB connection lost: {e}") from e
        except redis.exceptions.ResponseError as e:
            raise ExportError(f"FalkorDB rejected the query: {e}\n{prepared.query}") from e
        columns = [str(h[1]) for h in (res.header or [])]
        return Result(columns, [[plain(v) for v in row] for row in res.result_set])

    def command(self, *args: Any) -> Any:
        """Run a raw server command (``GRAPH.CONSTRAINT`` and the like)."""
        _, redis = _client_modules()
        if self._db is None:
            raise ConnectionDropped("FalkorDB connection is closed (the server did not answer)")
        try:
            return self._db.connection.execute_command(*args)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as e:
            raise ConnectionDropped(f"FalkorDB connection lost: {e}") from e

    def drop_graph(self) -> None:
        """Delete this connection's graph and everything in it (nothing if it does not exist)."""
        _, redis = _client_modules()
        try:
            self.command("GRAPH.DELETE", self.graph_name)
        except redis.exceptions.ResponseError as e:
            if "empty key" not in str(e):
                raise ExportError(f"FalkorDB: cannot delete graph {self.graph_name}: {e}") from e

    def ensure_key_constraints(self, labels: Sequence[str], *, timeout: float = 60.0) -> None:
        """A range index and a unique constraint on ``key`` for each label.

        FalkorDB declares constraints with the ``GRAPH.CONSTRAINT`` command rather than Cypher,
        builds them in the background, and needs the index first. Existing ones are kept.

        Raises
        ------
        ExportError
            If a constraint cannot be created or is not operational within ``timeout`` seconds.
        """
        _, redis = _client_modules()
        for label in labels:
            if not _LABEL.match(label):
                raise ValueError(f"not a kinlink label: {label!r}")
            try:
                self.run(f"CREATE INDEX FOR (n:{label}) ON (n.key)")
            except ExportError as e:
                if "already indexed" not in str(e):
                    raise
            try:
                self.command(
                    "GRAPH.CONSTRAINT",
                    "CREATE",
                    self.graph_name,
                    "UNIQUE",
                    "NODE",
                    label,
                    "PROPERTIES",
                    1,
                    "key",
                )
            except redis.exceptions.ResponseError as e:
                if "already exists" not in str(e):
                    raise ExportError(f"FalkorDB: cannot constrain {label}.key: {e}") from e
        deadline = time.monotonic() + timeout
        while True:
            rows = self.run("CALL db.constraints() YIELD label, status RETURN label, status").rows
            status = {label: st for label, st in rows}
            pending = [lb for lb in labels if status.get(lb) != "OPERATIONAL"]
            if not pending:
                return
            failed = [lb for lb in pending if status.get(lb) == "FAILED"]
            if failed:
                raise ExportError(
                    f"FalkorDB: unique constraint on key failed for {', '.join(failed)} "
                    "(duplicate keys already in the graph?)"
                )
            if time.monotonic() > deadline:
                raise ExportError(f"FalkorDB: constraints still pending: {', '.join(pending)}")
            time.sleep(0.05)

    def close(self) -> None:
        """Close the client connection."""
        if self._db is not None:
            try:
                self._db.connection.close()
            finally:
                self._db = None
                self._graph = None
