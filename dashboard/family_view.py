"""The Family view's content: the family's subgraph, its expansion, its hearings and its flags.

The graph starts with the family and everything that describes it (persons, their records, the
units the records were recorded in, the persons' cases and the courts those sit in). Each click
on a node adds that node's neighbours (at most ``limit`` of them, so a court with thousands of
cases stays readable). Elements use the format of Cytoscape.js (what ``streamlit-cytoscape``
takes): ``{"nodes": [{"data": {...}}], "edges": [{"data": {...}}]}``.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("record:R1", kind="record", key="R1", a_number="012345678")
>>> G.add_node("person:P1", kind="person", key="P1")
>>> _ = G.add_edge("record:R1", "person:P1", key="SAME_AS", kind="SAME_AS")
>>> els = elements(G, ["record:R1", "person:P1"], masked=True)
>>> els["nodes"][0]["data"]["a_number"], els["edges"][0]["data"]["label"]
('A-XXX-XXX-678', 'SAME_AS')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import networkx as nx
import pandas as pd

from kinlink.dashboard.masking import mask_mapping
from kinlink.graph.schema import KEY, KIND, EdgeKind, NodeKind, node_id
from kinlink.queries.facts import Facts
from kinlink.queries.flags import RULES, Flag

__all__ = [
    "NODE_KINDS",
    "elements",
    "family_flags",
    "family_nodes",
    "flagged_nodes",
    "neighbours",
    "person_labels",
    "resolve_focus",
    "timeline",
]

#: Node kinds shown, with their colour and the attribute used as caption.
NODE_KINDS: Final[dict[str, tuple[str, str]]] = {
    NodeKind.FAMILY.value: ("#6a3d9a", "name"),
    NodeKind.PERSON.value: ("#e66101", "name"),
    NodeKind.RECORD.value: ("#1f78b4", "name"),
    NodeKind.UNIT.value: ("#33a02c", "name"),
    NodeKind.CASE.value: ("#b2182b", "name"),
    NodeKind.HEARING.value: ("#999999", "name"),
    NodeKind.COURT.value: ("#000000", "name"),
}
_TIMELINE_COLUMNS: Final = ["date", "person", "case_id", "court", "type", "result", "hearing_id"]
_FLAG_COLUMNS: Final = [
    "code",
    "analysis",
    "rule",
    "reason",
    "source",
    "records",
    "cases",
    "hearings",
    "locations",
    "dates",
]


def resolve_focus(facts: Facts, text: str) -> tuple[str | None, str | None]:
    """``(family_id, person_id)`` named by ``text``: a family, person or record id.

    A person in no family gives ``(None, person_id)``; an unknown id gives ``(None, None)``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> f = SimpleNamespace(persons=pd.DataFrame({"family_id": ["F1", None]},
    ...                                          index=pd.Index(["P1", "P2"], name="person_id")),
    ...                     records=pd.DataFrame({"record_id": ["r2"], "person_id": ["P2"]}))
    >>> resolve_focus(f, "P1"), resolve_focus(f, "F1"), resolve_focus(f, "r2")
    (('F1', 'P1'), ('F1', None), (None, 'P2'))
    """
    key = text.strip()
    if not key:
        return None, None
    persons = facts.persons
    if key in persons.index:
        return persons.at[key, "family_id"], key
    families = persons["family_id"]
    if families.eq(key).any():
        return key, None
    hit = facts.records.loc[facts.records["record_id"].eq(key), "person_id"]
    if len(hit) and isinstance(hit.iloc[0], str):
        person = hit.iloc[0]
        return persons.at[person, "family_id"], person
    return None, None


def family_nodes(G: nx.MultiDiGraph, family_id: str | None, person_id: str | None = None):
    """The starting node ids: the family (or the lone person), persons, records, units, cases
    and their courts.

    Notes
    -----
    Linear in the size of the family's neighbourhood.
    """
    if family_id is not None:
        root = node_id(NodeKind.FAMILY, family_id)
        persons = [u for u, _, k in G.in_edges(root, keys=True) if k == EdgeKind.IN]
        start = [root]
    elif person_id is not None:
        persons, start = [node_id(NodeKind.PERSON, person_id)], []
    else:
        return []
    records = [r for p in persons for r, _, k in G.in_edges(p, keys=True) if k == EdgeKind.SAME_AS]
    units = [u for r in records for _, u, k in G.out_edges(r, keys=True) if k == EdgeKind.MEMBER_OF]
    cases = [c for r in records for c, _, k in G.in_edges(r, keys=True) if k == EdgeKind.RESPONDENT]
    courts = [x for c in cases for _, x, k in G.out_edges(c, keys=True) if k == EdgeKind.FILED_AT]
    return list(dict.fromkeys(start + persons + records + units + cases + courts))


def neighbours(G: nx.MultiDiGraph, node: str, *, limit: int = 25) -> list[str]:
    """Up to ``limit`` neighbours of ``node`` (either direction), sorted by id; [] if unknown."""
    if node not in G:
        return []
    found = set(G.predecessors(node)) | set(G.successors(node))
    return sorted(found)[:limit]


def _text(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _caption(nid: str, attrs: dict[str, Any]) -> str:
    kind = attrs.get(KIND, "")
    if kind == NodeKind.RECORD:
        name = f"{attrs.get('given_names', '')} {attrs.get('surnames', '')}".strip()
        return f"{attrs.get(KEY, nid)} {name}".strip()
    if kind == NodeKind.HEARING:
        date = _text(attrs.get("date")) or ""
        return f"{attrs.get(KEY, nid)} {date}".strip()
    if kind == NodeKind.CASE:
        return f"{attrs.get(KEY, nid)} {attrs.get('status', '')}".strip()
    return str(attrs.get(KEY, nid))


def elements(
    G: nx.MultiDiGraph,
    nodes: Iterable[str],
    *,
    masked: bool,
    flagged: Iterable[str] = (),
    labels: dict[str, str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements for ``nodes`` and every edge among them.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    nodes : iterable of str
        Node ids to show (unknown ids are skipped).
    masked : bool
        Mask A-numbers and dates of birth in node data.
    flagged : iterable of str
        Node ids that a flag's evidence names; they get ``flagged: "yes"``.
    labels : dict, optional
        node id -> caption (e.g. person names); default: the node's key (and name/status/date).
    """
    shown = [n for n in dict.fromkeys(nodes) if n in G]
    keep = set(shown)
    marked = set(flagged)
    out_nodes = []
    for n in shown:
        attrs = G.nodes[n]
        data = {k: _text(v) for k, v in attrs.items() if k != KIND}
        data = mask_mapping(data, enabled=masked)
        data.update(
            id=n,
            label=str(attrs.get(KIND, "node")),
            name=(labels or {}).get(n) or _caption(n, attrs),
        )
        if n in marked:
            data["flagged"] = "yes"
        out_nodes.append({"data": data})
    out_edges = []
    for n in shown:
        for _, v, k in G.out_edges(n, keys=True):
            if v in keep:
                out_edges.append(
                    {"data": {"id": f"{n}|{k}|{v}", "source": n, "target": v, "label": str(k)}}
                )
    return {"nodes": out_nodes, "edges": out_edges}


def timeline(facts: Facts, family_id: str | None, person_id: str | None = None) -> pd.DataFrame:
    """The hearings of the family's (or the lone person's) cases, by date.

    Columns: ``date, person, case_id, court, type, result, hearing_id``; ``person`` is the
    member's name and id.
    """
    h = facts.hearings
    if family_id is not None:
        h = h[h["family_id"].eq(family_id)]
    elif person_id is not None:
        h = h[h["person_id"].eq(person_id)]
    else:
        return pd.DataFrame(columns=_TIMELINE_COLUMNS)
    out = h.assign(person=[facts.label(p) if isinstance(p, str) else "" for p in h["person_id"]])
    out = out.sort_values(["date", "hearing_id"], na_position="last", kind="mergesort")
    return out[_TIMELINE_COLUMNS].reset_index(drop=True)


def family_flags(flags: list[Flag]) -> pd.DataFrame:
    """One row per flag: code, analysis, the rule's summary, the reason, the policy source and
    the evidence (``;``-joined)."""
    rows = [
        {
            "code": fl.code,
            "analysis": fl.analysis,
            "rule": RULES[fl.code].summary,
            "reason": fl.reason,
            "source": fl.source.citation(),
            "records": ";".join(fl.evidence.records),
            "cases": ";".join(fl.evidence.cases),
            "hearings": ";".join(fl.evidence.hearings),
            "locations": ";".join(fl.evidence.locations),
            "dates": ";".join(fl.evidence.dates),
        }
        for fl in flags
    ]
    return pd.DataFrame(rows, columns=_FLAG_COLUMNS)


def flagged_nodes(flags: list[Flag]) -> set[str]:
    """Node ids named by the evidence of ``flags``."""
    return {n for fl in flags for n in fl.evidence.nodes()}


def person_labels(facts: Facts, nodes: Iterable[str]) -> dict[str, str]:
    """Captions for the person nodes among ``nodes``: ``"Name (P…)"``."""
    prefix = f"{NodeKind.PERSON.value}:"
    return {n: facts.label(n[len(prefix) :]) for n in nodes if n.startswith(prefix)}
