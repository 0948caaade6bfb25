"""Save and load the case-linkage graph as Parquet node and edge tables.

Layout of a saved graph folder::

    graph.json             {"format": "kinlink-graph-parquet/1", "graph": {...G.graph...}}
    nodes/<kind>.parquet   id, key and one column per attribute of the nodes of that kind
    edges/<kind>.parquet   source, target and one column per attribute of the edges of that kind

One table per kind keeps each table's columns meaningful (a record's ``court`` and a case's
``court`` never share a column) and lets the dashboard or a Neo4j import read only what it needs.
A missing attribute is a null cell; loading leaves it out of the attribute dict again, so
``load_graph(save_graph(G, d))`` has the same nodes, edges and attributes as ``G``.

The folder is written into a temporary sibling and renamed into place, so a reader never sees a
half-written graph.

Examples
--------
>>> import tempfile, pathlib
>>> G = nx.MultiDiGraph()
>>> G.add_node("person:P1", kind="person", key="P1", n_records=2)
>>> G.add_node("family:F1", kind="family", key="F1", size=1)
>>> _ = G.add_edge("person:P1", "family:F1", key="IN", kind="IN")
>>> with tempfile.TemporaryDirectory() as d:
...     H = load_graph(save_graph(G, pathlib.Path(d) / "g"))
>>> dict(H.nodes(data=True)) == dict(G.nodes(data=True)), list(H.edges(keys=True, data=True))
(True, [('person:P1', 'family:F1', 'IN', {'kind': 'IN'})])
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kinlink.folders import atomic_folder
from kinlink.graph.build import attr_dicts
from kinlink.graph.families import LinkedBundle
from kinlink.graph.schema import EDGE_ENDS, KEY, KIND, ROLE, EdgeKind, NodeKind
from kinlink.memory import paused_gc

log = logging.getLogger(__name__)

FORMAT = "kinlink-graph-parquet/1"

__all__ = [
    "FORMAT",
    "linked_from_graph",
    "linked_gaps",
    "load_graph",
    "load_linked",
    "load_linked_frame",
    "save_graph",
    "save_linked",
]


def _column(name: str, values: list[Any]) -> pa.Array:
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        log.warning("attribute %r mixes types; saved as text", name)
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _table(fixed: dict[str, list[Any]], rows: list[dict[str, Any]]) -> pa.Table:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    names.pop(KIND, None)
    data = {k: pa.array(v, type=pa.string()) for k, v in fixed.items()}
    for name in names:
        if name in data:
            raise ValueError(f"attribute name {name!r} clashes with a table column")
        data[name] = _column(name, [row.get(name) for row in rows])
    return pa.table(data)


def _kind_of(attrs: dict[str, Any], what: str) -> str:
    kind = attrs.get(KIND)
    if not isinstance(kind, str) or not kind or "/" in kind or kind.startswith("."):
        raise ValueError(f"{what} has no usable {KIND!r} attribute: {kind!r}")
    return kind


def save_graph(G: nx.MultiDiGraph, path: str | os.PathLike[str]) -> Path:
    """Write ``G`` to the folder ``path`` (replacing it) as Parquet node and edge tables.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph whose nodes and edges all have a string ``kind`` attribute.
    path : path-like
        The folder to write.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        If a node or edge has no ``kind``.

    Notes
    -----
    Linear in the size of the graph.
    """
    target = Path(path)
    with atomic_folder(target) as tmp:
        (tmp / "nodes").mkdir()
        (tmp / "edges").mkdir()
        node_ids: dict[str, list[Any]] = defaultdict(list)
        node_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for n, attrs in G.nodes(data=True):
            kind = _kind_of(attrs, f"node {n!r}")
            node_ids[kind].append(n)
            node_rows[kind].append(attrs)
        for kind, rows in node_rows.items():
            pq.write_table(_table({"id": node_ids[kind]}, rows), tmp / "nodes" / f"{kind}.parquet")
        del node_ids, node_rows

        ends: dict[str, tuple[list[Any], list[Any], list[Any]]] = defaultdict(lambda: ([], [], []))
        edge_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for u, v, k, attrs in G.edges(keys=True, data=True):
            kind = _kind_of(attrs, f"edge {u!r}->{v!r}")
            src, dst, keys = ends[kind]
            src.append(u)
            dst.append(v)
            keys.append(k)
            edge_rows[kind].append(attrs)
        for kind, rows in edge_rows.items():
            src, dst, keys = ends[kind]
            fixed = {"source": src, "target": dst}
            table = _table(fixed, rows)
            if any(k != kind for k in keys):
                table = table.append_column("edge_key", pa.array([str(k) for k in keys]))
            pq.write_table(table, tmp / "edges" / f"{kind}.parquet")
        meta = {"format": FORMAT, "graph": {k: v for k, v in G.graph.items() if _jsonable(v)}}
        (tmp / "graph.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return target


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


_INTS = {t: pd.Int64Dtype() for t in (pa.int8(), pa.int16(), pa.int32(), pa.int64())}


def _rows(table: pa.Table, skip: tuple[str, ...]) -> list[dict[str, Any]]:
    """One attribute dict per row, null cells left out (ints stay ints, dates Timestamps)."""
    frame = table.drop_columns([c for c in skip if c in table.column_names]).to_pandas(
        types_mapper=_INTS.get
    )
    return attr_dicts(frame, skip=())


def _graph_meta(root: Path) -> dict[str, Any]:
    """The ``graph.json`` of a folder written by :func:`save_graph` (``ValueError`` if it is of
    another format)."""
    meta = json.loads((root / "graph.json").read_text())
    if meta.get("format") != FORMAT:
        raise ValueError(f"{root}: not a {FORMAT} folder (format {meta.get('format')!r})")
    return dict(meta)


def load_graph(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a graph written by :func:`save_graph`.

    Raises
    ------
    FileNotFoundError
        If ``path`` holds no saved graph.
    ValueError
        If the folder is of another format.
    """
    root = Path(path)
    meta = _graph_meta(root)
    G = nx.MultiDiGraph(**meta.get("graph", {}))
    with paused_gc():
        for file in sorted((root / "nodes").glob("*.parquet")):
            kind = file.stem
            table = pq.read_table(file)
            ids = table.column("id").to_pylist()
            G.add_nodes_from(ids)
            nodes = G.nodes
            for n, row in zip(ids, _rows(table, skip=("id",)), strict=True):
                row[KIND] = kind
                nodes[n].update(row)
        for file in sorted((root / "edges").glob("*.parquet")):
            kind = file.stem
            table = pq.read_table(file)
            src = table.column("source").to_pylist()
            dst = table.column("target").to_pylist()
            keys = (
                table.column("edge_key").to_pylist()
                if "edge_key" in table.column_names
                else [kind] * table.num_rows
            )
            add_edge = G.add_edge
            rows = _rows(table, skip=("source", "target", "edge_key"))
            for u, v, k, row in zip(src, dst, keys, rows, strict=True):
                row[KIND] = kind
                add_edge(u, v, k, **row)
    return G


# -- the frames a report was computed from -------------------------------------------------------

LINKED_FORMAT = "kinlink-linked-parquet/1"
_LINKED_FRAMES = (
    "individuals",
    "family_units",
    "cases",
    "hearings",
    "persons",
    "families",
    "rejects",
    "quality",
    "unparsed",
    "matches",
    "unit_links",
)


def save_linked(linked: LinkedBundle, path: str | os.PathLike[str]) -> Path:
    """Write the frames of ``linked`` to the folder ``path`` as Parquet, one file per frame.

    ``linked.json`` holds the format and the bundle's folder. The frames keep their dtypes
    (pandas' metadata travels in the files), so :func:`load_linked` gives back equal frames.

    Notes
    -----
    Linear in the rows; about a second per hundred thousand records.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for name in _LINKED_FRAMES:
        frame = getattr(linked, name)
        if isinstance(frame, pd.DataFrame):
            # index=False writes no index: no reset_index copy (in a forked writer, a copy
            # touches every cell's object and so copies the pages the parent shares with it)
            frame.to_parquet(folder / f"{name}.parquet", index=False)
    meta = {
        "format": LINKED_FORMAT,
        "bundle": str(Path(linked.path).resolve()) if linked.path is not None else None,
        "gaps": list(linked.gaps),
    }
    (folder / "linked.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return folder


def load_linked(path: str | os.PathLike[str]) -> LinkedBundle:
    """Read what :func:`save_linked` wrote.

    Raises
    ------
    FileNotFoundError
        If ``path`` holds no ``linked.json``.
    ValueError
        If the folder is of another format.
    """
    folder = Path(path)
    meta = json.loads((folder / "linked.json").read_text(encoding="utf-8"))
    if meta.get("format") != LINKED_FORMAT:
        raise ValueError(f"{folder}: not a {LINKED_FORMAT} folder (format {meta.get('format')!r})")
    frames: dict[str, pd.DataFrame | None] = {}
    for name in _LINKED_FRAMES:
        file = folder / f"{name}.parquet"
        frames[name] = pd.read_parquet(file) if file.is_file() else None
    bundle = meta.get("bundle")
    return LinkedBundle(
        individuals=_required(frames["individuals"], folder, "individuals"),
        family_units=_required(frames["family_units"], folder, "family_units"),
        cases=frames["cases"],
        hearings=frames["hearings"],
        persons=_required(frames["persons"], folder, "persons"),
        families=_required(frames["families"], folder, "families"),
        rejects=frames["rejects"],
        quality=frames["quality"],
        unparsed=frames["unparsed"],
        matches=frames["matches"],
        unit_links=frames["unit_links"],
        path=Path(bundle) if bundle else None,
        gaps=tuple(str(g) for g in meta.get("gaps", [])),
    )


def load_linked_frame(path: str | os.PathLike[str], name: str) -> pd.DataFrame | None:
    """One frame of what :func:`save_linked` wrote (``None`` when it wrote none), without
    reading the others: the dashboard's Overview needs the small ``rejects`` and ``quality``.

    Raises
    ------
    ValueError
        ``name`` is not one of the saved frames.
    """
    if name not in _LINKED_FRAMES:
        raise ValueError(f"{name!r} is not a saved frame ({', '.join(_LINKED_FRAMES)})")
    file = Path(path) / f"{name}.parquet"
    return pd.read_parquet(file) if file.is_file() else None


def linked_gaps(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The ``gaps`` :func:`save_linked` recorded in ``linked.json``, without reading the frames.

    Raises
    ------
    FileNotFoundError
        If ``path`` holds no ``linked.json``.
    """
    meta = json.loads((Path(path) / "linked.json").read_text(encoding="utf-8"))
    return tuple(str(g) for g in meta.get("gaps", []))


def _required(frame: pd.DataFrame | None, folder: Path, name: str) -> pd.DataFrame:
    if frame is None:
        raise FileNotFoundError(f"{folder}: {name}.parquet is missing")
    return frame


def linked_from_graph(path: str | os.PathLike[str]) -> LinkedBundle:
    """The :class:`LinkedBundle` of a graph folder written by :func:`save_graph`, read from its
    node and edge tables without building the graph.

    Raises
    ------
    FileNotFoundError
        If ``path`` holds no saved graph.
    ValueError
        If the folder is of another format.
    """
    root = Path(path)
    _graph_meta(root)  # checks the format

    def nodes(kind: NodeKind, id_col: str) -> pd.DataFrame | None:
        file = root / "nodes" / f"{kind.value}.parquet"
        if not file.is_file():
            return None
        frame = pd.read_parquet(file).drop(columns=["id"])
        return frame.rename(columns={KEY: id_col})[
            [id_col, *(c for c in frame.columns if c not in ("id", KEY))]
        ]

    def edges(kind: EdgeKind, a: str, b: str) -> pd.DataFrame:
        file = root / "edges" / f"{kind.value}.parquet"
        akind, bkind = (len(k.value) + 1 for k in EDGE_ENDS[kind])
        if not file.is_file():
            return pd.DataFrame({a: [], b: []}, dtype=object)
        frame = pd.read_parquet(file)
        out = pd.DataFrame(
            {a: frame["source"].str.slice(akind), b: frame["target"].str.slice(bkind)}
        )
        for extra in frame.columns.drop(["source", "target", "edge_key"], errors="ignore"):
            out[extra] = frame[extra]
        return out

    individuals = nodes(NodeKind.RECORD, "record_id")
    if individuals is None:
        individuals = pd.DataFrame({"record_id": pd.Series([], dtype=object)})
    units = edges(EdgeKind.MEMBER_OF, "record_id", "family_unit_id")
    units = units[["family_unit_id", "record_id", *(c for c in units.columns if c == ROLE)]]
    families = edges(EdgeKind.IN, "person_id", "family_id")[["family_id", "person_id"]]
    return LinkedBundle(
        individuals=individuals,
        family_units=units,
        cases=nodes(NodeKind.CASE, "case_id"),
        hearings=nodes(NodeKind.HEARING, "hearing_id"),
        persons=edges(EdgeKind.SAME_AS, "record_id", "person_id")[["record_id", "person_id"]],
        families=families.sort_values(["family_id", "person_id"], ignore_index=True),
    )
