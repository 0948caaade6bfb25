"""Write the case-linkage graph to a Cypher database: constraints first, then batched MERGEs.

The same statements run on Neo4j and FalkorDB (only the constraints differ, and those live in
the engine adapters). Every write is a ``MERGE`` on the node's ``key`` (nodes) or on the pair of
ends and the type (relationships), followed by ``SET … = row`` so that the database holds
exactly the graph's properties: running an export twice changes nothing. A batch that fails
because the connection dropped is retried on a new connection (it is safe to repeat: it merges).

Examples
--------
>>> node_statement("Record")
'UNWIND $rows AS row MERGE (n:Record {key: row.key}) SET n = row'
>>> rel_statement("SAME_AS", "Record", "Person", with_props=False)  # doctest: +NORMALIZE_WHITESPACE
'UNWIND $rows AS row MATCH (a:Record {key: row.s}) MATCH (b:Person {key: row.t})
 MERGE (a)-[r:SAME_AS]->(b)'
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import networkx as nx
from tqdm.auto import tqdm

from kinlink.errors import ExportError
from kinlink.graph.export.engine import BatchPreparer, ConnectionDropped, GraphEngine, Prepared
from kinlink.graph.export.rows import LABELS, graph_rows
from kinlink.graph.schema import EDGE_ENDS

log = logging.getLogger(__name__)

__all__ = ["ExportStats", "export_graph", "export_statements", "node_statement", "rel_statement"]


@dataclass(frozen=True)
class ExportStats:
    """What an export wrote and how long it took."""

    nodes: int
    relationships: int
    batches: int
    retries: int
    seconds: float

    @property
    def per_second(self) -> float:
        """Nodes plus relationships written per second."""
        return (self.nodes + self.relationships) / self.seconds if self.seconds else 0.0


def node_statement(label: str) -> str:
    """The batched MERGE of nodes of ``label`` (rows are property maps holding ``key``)."""
    return f"UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n = row"


def rel_statement(rtype: str, source: str, target: str, *, with_props: bool) -> str:
    """The batched MERGE of ``rtype`` relationships (rows ``{s, t[, p]}``: end keys and, when
    there are any, properties)."""
    text = (
        f"UNWIND $rows AS row MATCH (a:{source} {{key: row.s}}) MATCH (b:{target} {{key: row.t}}) "
        f"MERGE (a)-[r:{rtype}]->(b)"
    )
    return text + " SET r = coalesce(row.p, {})" if with_props else text


def export_statements() -> dict[str, str]:
    """Every statement text :func:`export_graph` can send, keyed by a short name: the node
    MERGE of each label and the relationship MERGE of each edge kind, with and without
    properties (the tests lint them as Neo4j 5 Cypher).

    Examples
    --------
    >>> statements = export_statements()
    >>> statements["node Court"]
    'UNWIND $rows AS row MERGE (n:Court {key: row.key}) SET n = row'
    >>> statements["rel MEMBER_OF with properties"].endswith("SET r = coalesce(row.p, {})")
    True
    """
    out = {f"node {label}": node_statement(label) for label in sorted(set(LABELS.values()))}
    for kind, (source, target) in EDGE_ENDS.items():
        ends = (LABELS[source], LABELS[target])
        out[f"rel {kind.value}"] = rel_statement(kind.value, *ends, with_props=False)
        out[f"rel {kind.value} with properties"] = rel_statement(kind.value, *ends, with_props=True)
    return out


def export_graph(
    G: nx.MultiDiGraph,
    engine: GraphEngine,
    *,
    batch_size: int = 5000,
    retries: int = 3,
    backoff: float = 0.5,
    progress: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> ExportStats:
    """Write ``G`` into the database behind ``engine``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph from :func:`kinlink.graph.build.build_graph`.
    engine : GraphEngine
        A Neo4j or FalkorDB connection.
    batch_size : int
        Rows per ``UNWIND`` statement.
    retries : int
        How many times a batch is retried after the connection dropped (on a new connection,
        waiting ``backoff``, then twice as long each time).
    backoff : float
        Seconds to wait before the first retry.
    progress : bool
        Progress bar on stderr (only when it is a terminal).
    sleep : callable
        The wait between retries (tests pass a no-op).

    Returns
    -------
    ExportStats

    Raises
    ------
    ExportError
        If the database rejects a statement, or a batch still fails after ``retries`` retries.

    Notes
    -----
    Key uniqueness constraints (and their indexes) are declared before any data, so each MERGE
    is an index lookup: O(N + E) statements' work in all, ``(N + E) / batch_size`` round trips.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.perf_counter()
    rows = graph_rows(G)
    engine.ensure_key_constraints(sorted(set(LABELS.values())))
    total = rows.n_nodes + rows.n_rels
    bar = tqdm(
        total=total,
        desc=f"export to {engine.name}",
        unit="row",
        disable=None if progress else True,
    )
    plan: list[tuple[str, list[dict[str, Any]]]] = []
    for what, name, batch in rows.batches(batch_size):
        if what == "node":
            plan.append((node_statement(name), batch))
        else:
            rel = rows.rels[name]
            text = rel_statement(name, rel.source_label, rel.target_label, with_props=rel.has_props)
            plan.append((text, batch))
    preparer = engine if isinstance(engine, BatchPreparer) else None

    def prepare(i: int) -> Prepared | tuple[str, list[dict[str, Any]]]:
        query, batch = plan[i]
        return preparer.prepare(query, {"rows": batch}) if preparer else plan[i]

    n_retries = 0
    # encode batch i + 1 in a worker thread while the database works on batch i
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kinlink-export") as pool:
        try:
            ahead = pool.submit(prepare, 0) if plan else None
            for i in range(len(plan)):
                item = ahead.result() if ahead is not None else prepare(i)
                ahead = pool.submit(prepare, i + 1) if i + 1 < len(plan) else None
                n_retries += _run_batch(engine, item, len(plan[i][1]), retries, backoff, sleep)
                bar.update(len(plan[i][1]))
        finally:
            bar.close()
    n_batches = len(plan)
    seconds = time.perf_counter() - started
    stats = ExportStats(rows.n_nodes, rows.n_rels, n_batches, n_retries, seconds)
    log.info(
        "exported %d nodes and %d relationships to %s in %.1f s (%d batches, %d retries)",
        stats.nodes,
        stats.relationships,
        engine.name,
        seconds,
        n_batches,
        n_retries,
    )
    return stats


def _run_batch(
    engine: GraphEngine,
    item: Prepared | tuple[str, list[dict[str, Any]]],
    size: int,
    retries: int,
    backoff: float,
    sleep: Callable[[float], None],
) -> int:
    """Run one batch, retrying on a new connection when it drops; returns the retries used."""
    attempt = 0
    while True:
        try:
            if isinstance(item, Prepared):
                cast(BatchPreparer, engine).run_prepared(item)
            else:
                engine.run(item[0], {"rows": item[1]})
            return attempt
        except ConnectionDropped as e:
            if attempt >= retries:
                raise ExportError(
                    f"{engine.name}: a batch of {size} rows still failed after "
                    f"{retries} retries: {e}"
                ) from e
            wait = backoff * 2**attempt
            attempt += 1
            log.warning("%s; retrying the batch in %.1f s (%d/%d)", e, wait, attempt, retries)
            sleep(wait)
            try:
                engine.reconnect()
            except ConnectionDropped as again:
                log.warning("reconnect failed: %s", again)
