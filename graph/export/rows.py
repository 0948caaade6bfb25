"""Turn the networkx case-linkage graph into rows a Cypher ``UNWIND`` can write.

Every node kind of :mod:`kinlink.graph.schema` becomes a label (``record`` -> ``Record``), every
edge kind a relationship type of the same name. Property values are converted to what both Neo4j
and FalkorDB store natively: dates and times become ISO 8601 strings (``YYYY-MM-DD`` when the
time is midnight, so that string order is date order), numpy scalars become Python ones, and a
missing value is simply an absent property.

Examples
--------
>>> import pandas as pd
>>> cypher_value(pd.Timestamp("2020-03-01")), cypher_value(np.int64(3)), cypher_value(pd.NA)
('2020-03-01', 3, None)
>>> LABELS["record"], sorted(node_props({"kind": "record", "key": "R1", "uac": np.True_}).items())
('Record', [('key', 'R1'), ('uac', True)])
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import networkx as nx
import numpy as np
import pandas as pd

from kinlink.graph.schema import EDGE_ENDS, KEY, KIND, EdgeKind, NodeKind, split_node_id

__all__ = [
    "LABELS",
    "GraphRows",
    "RelRows",
    "cypher_value",
    "graph_rows",
    "node_props",
]

#: Node kind -> Cypher label. The queries in ``queries/cypher/`` use these names.
LABELS: Final[dict[str, str]] = {kind.value: kind.value.capitalize() for kind in NodeKind}


def cypher_value(value: Any) -> Any:
    """``value`` as a property value both engines store, or ``None`` when it is missing.

    Lists are converted element-wise; anything else that is not a bool, int, float or str
    becomes its ``str``.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic) and not isinstance(value, np.datetime64):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        if ts is pd.NaT:
            return None
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [cypher_value(v) for v in value]
    return str(value)


_PLAIN = (str, int, bool)


def node_props(attrs: dict[str, Any], cache: dict[Any, Any] | None = None) -> dict[str, Any]:
    """A node's properties: its attributes without ``kind``, missing values left out.

    ``cache`` (any dict, shared across calls) remembers the conversion of repeated dates.
    """
    out: dict[str, Any] = {}
    for name, value in attrs.items():
        if type(value) in _PLAIN:  # the common case: text, counts, flags
            if name != KIND:
                out[name] = value
            continue
        if cache is not None and type(value) is pd.Timestamp:
            converted = cache.get(value)
            if converted is None:
                converted = cache[value] = cypher_value(value)
        else:
            converted = cypher_value(value)
        if converted is not None:
            out[name] = converted
    return out


@dataclass
class RelRows:
    """The relationships of one type: their end labels and one row per relationship.

    Each row is ``{"s": source key, "t": target key}``, plus ``"p": properties`` when the
    relationship has any (most have none, and every byte sent is parsed by the server).
    """

    type: str
    source_label: str
    target_label: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_props(self) -> bool:
        """Whether any relationship of this type carries a property."""
        return any("p" in row for row in self.rows)


@dataclass
class GraphRows:
    """Everything an export writes: node rows per label, relationship rows per type."""

    nodes: dict[str, list[dict[str, Any]]]
    rels: dict[str, RelRows]

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return sum(len(rows) for rows in self.nodes.values())

    @property
    def n_rels(self) -> int:
        """Number of relationships."""
        return sum(len(r.rows) for r in self.rels.values())

    def batches(self, size: int) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
        """``("node" | "rel", label or type, rows)`` in chunks of ``size``, nodes first."""
        for label, rows in self.nodes.items():
            for i in range(0, len(rows), size):
                yield "node", label, rows[i : i + size]
        for rtype, rel in self.rels.items():
            for i in range(0, len(rel.rows), size):
                yield "rel", rtype, rel.rows[i : i + size]


def graph_rows(G: nx.MultiDiGraph) -> GraphRows:
    """Split ``G`` into node rows by label and relationship rows by type.

    Raises
    ------
    ValueError
        If a node or edge is of a kind :mod:`kinlink.graph.schema` does not declare.

    Notes
    -----
    One pass over the nodes and one over the edges: O(N + E).
    """
    nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    dates: dict[Any, Any] = {}
    for nid, attrs in G.nodes(data=True):
        kind = attrs.get(KIND)
        if kind not in LABELS:
            raise ValueError(f"node {nid!r} has unknown kind {kind!r}")
        props = node_props(attrs, dates)
        if KEY not in props:
            props[KEY] = split_node_id(nid)[1]
        nodes[LABELS[kind]].append(props)
    rels: dict[str, RelRows] = {}
    for u, v, attrs in G.edges(data=True):
        kind = attrs.get(KIND)
        rel = rels.get(kind)
        if rel is None:
            try:
                edge_kind = EdgeKind(kind)
            except ValueError:
                raise ValueError(f"edge {u!r}->{v!r} has unknown kind {kind!r}") from None
            src, dst = EDGE_ENDS[edge_kind]
            rel = rels[edge_kind.value] = RelRows(edge_kind.value, LABELS[src], LABELS[dst])
        # node ids are "<kind>:<key>" (kinlink.graph.schema.node_id)
        row = {"s": u[u.index(":") + 1 :], "t": v[v.index(":") + 1 :]}
        if len(attrs) > 1:
            props = node_props(attrs, dates)
            if props:
                row["p"] = props
        rel.rows.append(row)
    return GraphRows(dict(nodes), rels)
