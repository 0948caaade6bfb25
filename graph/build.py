"""Build the case-linkage graph from a loaded bundle and the resolver's persons.

The graph is one :class:`networkx.MultiDiGraph` whose vocabulary lives in
:mod:`kinlink.graph.schema`.

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> bundle = SimpleNamespace(
...     individuals=pd.DataFrame({"record_id": ["R1", "R2", "R3"], "source": ["CBP"] * 3}),
...     family_units=pd.DataFrame({"family_unit_id": ["U1", "U1"], "record_id": ["R1", "R2"]}),
...     cases=None, hearings=None)
>>> persons = pd.DataFrame({"record_id": ["R1", "R2", "R3"], "person_id": ["PA", "PB", "PB"]})
>>> G = build_graph(bundle, persons)
>>> sorted(k for _, _, k in G.out_edges("record:R2", keys=True))
['MEMBER_OF', 'SAME_AS']
>>> from kinlink.graph.ids import family_id
>>> G.nodes["family:" + family_id(["PA", "PB"])]["size"]
2
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

import networkx as nx
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from kinlink.graph.families import complete_persons, compute_families
from kinlink.graph.schema import KEY, KIND, N_RECORDS, ROLE, SIZE, EdgeKind, NodeKind
from kinlink.memory import paused_gc

log = logging.getLogger(__name__)

__all__ = [
    "BundleLike",
    "attr_dicts",
    "build_graph",
]


class BundleLike(Protocol):
    """What :func:`build_graph` needs of a bundle (``kinlink.loaders.Bundle`` fits).

    ``cases`` and ``hearings`` may be ``None`` or empty: they are optional tables.
    """

    individuals: pd.DataFrame
    family_units: pd.DataFrame


def _frame(bundle: Any, name: str) -> pd.DataFrame | None:
    frame = getattr(bundle, name, None)
    if frame is None or len(frame) == 0:
        return None
    return frame


def _prefixed(kind: NodeKind, keys: Iterable[str]) -> list[str]:
    prefix = f"{kind.value}:"
    return [prefix + k for k in keys]


def attr_dicts(frame: pd.DataFrame, skip: Iterable[str]) -> list[dict[str, Any]]:
    """One dict per row of ``frame`` holding its non-missing cells (column-wise, for speed).

    Columns in ``skip`` are left out.
    """
    attrs: list[dict[str, Any]] = [{} for _ in range(len(frame))]
    skipped = set(skip)
    for col in frame.columns:
        if col in skipped:
            continue
        name = str(col)
        series = frame[col]
        mask = series.notna().to_numpy(dtype=bool)
        if not mask.any():
            continue
        values = series[mask].tolist()
        for i, value in zip(np.flatnonzero(mask).tolist(), values, strict=True):
            attrs[i][name] = value
    return attrs


def _add_table_nodes(G: nx.MultiDiGraph, kind: NodeKind, frame: pd.DataFrame, id_col: str) -> None:
    """One node per row of ``frame``, its non-missing cells as attributes."""
    keys = frame[id_col].astype(str).tolist()
    nids = _prefixed(kind, keys)
    G.add_nodes_from(nids)
    nodes = G.nodes
    name = kind.value
    for nid, key, attrs in zip(nids, keys, attr_dicts(frame, skip=(id_col,)), strict=True):
        attrs[KIND] = name
        attrs[KEY] = key
        nodes[nid].update(attrs)


def build_graph(
    bundle: BundleLike,
    persons: pd.DataFrame,
    families: pd.DataFrame | None = None,
    *,
    progress: bool = False,
) -> nx.MultiDiGraph:
    """Build the case-linkage graph.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle (``individuals``, ``family_units`` and the optional ``cases``,
        ``hearings``) with the columns of DESIGN.md.
    persons : DataFrame
        The resolver's ``record_id, person_id`` (``Resolution.persons``).
    families : DataFrame, optional
        ``family_id, person_id`` (:func:`kinlink.graph.families.compute_families`, computed here
        when not given).
    progress : bool
        Show a progress bar (only when stderr is a terminal).

    Returns
    -------
    networkx.MultiDiGraph
        Nodes and edges as :mod:`kinlink.graph.schema` describes. ``G.graph`` holds
        ``{"schema": "kinlink-graph/1"}``.

    Notes
    -----
    Linear in the number of rows of the bundle; the families take one connected-components pass.
    Missing values are left out of attribute dicts; ``RESPONDENT``, ``RIDES_ON`` and ``OF`` edges
    are only drawn to nodes that exist (the referenced id stays an attribute either way).
    """
    with paused_gc():
        return _build(bundle, persons, families, progress=progress)


def _build(
    bundle: BundleLike, persons: pd.DataFrame, families: pd.DataFrame | None, *, progress: bool
) -> nx.MultiDiGraph:
    individuals = bundle.individuals
    units = bundle.family_units
    cases = _frame(bundle, "cases")
    hearings = _frame(bundle, "hearings")
    steps = ["persons", "records", "units", "families", "cases", "hearings"]
    bar = tqdm(total=len(steps), desc="graph", unit="step", disable=None if progress else True)

    G = nx.MultiDiGraph(schema="kinlink-graph/1")
    person_kind, unit_kind, family_kind = (
        k.value for k in (NodeKind.PERSON, NodeKind.UNIT, NodeKind.FAMILY)
    )

    def add_edges(kind: EdgeKind, sources: list[str], targets: list[str]) -> None:
        _add_edges(G, kind, zip(sources, targets, strict=True))

    # persons
    bar.set_postfix_str("persons")
    persons = complete_persons(individuals, persons)
    sizes = persons.groupby("person_id", sort=True).size()
    G.add_nodes_from(
        (f"person:{pid}", {KIND: person_kind, KEY: pid, N_RECORDS: int(n)})
        for pid, n in sizes.items()
    )
    bar.update()

    # records
    bar.set_postfix_str("records")
    _add_table_nodes(G, NodeKind.RECORD, individuals, "record_id")
    add_edges(
        EdgeKind.SAME_AS,
        _prefixed(NodeKind.RECORD, persons["record_id"]),
        _prefixed(NodeKind.PERSON, persons["person_id"]),
    )
    bar.update()

    # recorded units
    bar.set_postfix_str("units")
    unit_ids = units["family_unit_id"].astype(str)
    unit_sizes = units["record_id"].astype(str).groupby(unit_ids.to_numpy()).nunique()
    G.add_nodes_from(
        (f"unit:{u}", {KIND: unit_kind, KEY: u, SIZE: int(n)}) for u, n in unit_sizes.items()
    )
    rec_nodes = _prefixed(NodeKind.RECORD, units["record_id"].astype(str))
    unit_nodes = _prefixed(NodeKind.UNIT, unit_ids)
    roles = units["role"].tolist() if "role" in units.columns else [None] * len(units)
    member_of = EdgeKind.MEMBER_OF.value
    add_edge = G.add_edge
    for r, u, role in zip(rec_nodes, unit_nodes, roles, strict=True):
        if r not in G:
            continue
        if isinstance(role, str):
            add_edge(r, u, member_of, **{KIND: member_of, ROLE: role})
        else:
            add_edge(r, u, member_of, **{KIND: member_of})
    bar.update()

    # families
    bar.set_postfix_str("families")
    fams = compute_families(persons, units) if families is None else families
    fam_sizes = fams.groupby("family_id", sort=True).size()
    G.add_nodes_from(
        (f"family:{f}", {KIND: family_kind, KEY: f, SIZE: int(n)}) for f, n in fam_sizes.items()
    )
    add_edges(
        EdgeKind.IN,
        _prefixed(NodeKind.PERSON, fams["person_id"]),
        _prefixed(NodeKind.FAMILY, fams["family_id"]),
    )
    bar.update()

    # cases and courts
    bar.set_postfix_str("cases")
    if cases is not None:
        _add_cases(G, cases)
    bar.update()

    bar.set_postfix_str("hearings")
    if hearings is not None:
        _add_hearings(G, hearings)
    bar.update()
    bar.close()
    log.info("graph: %d nodes", G.number_of_nodes())
    return G


def _add_courts(G: nx.MultiDiGraph, courts: pd.Series) -> None:
    names = courts.dropna().astype(str).unique().tolist()
    court_kind = NodeKind.COURT.value
    G.add_nodes_from(
        (f"court:{c}", {KIND: court_kind, KEY: c}) for c in names if f"court:{c}" not in G
    )


def _add_edges(G: nx.MultiDiGraph, kind: EdgeKind, pairs: Iterable[tuple[str, str]]) -> None:
    name = kind.value
    attrs = {KIND: name}
    add_edge = G.add_edge
    for u, v in pairs:
        add_edge(u, v, name, **attrs)


def _edges_where_target_exists(
    G: nx.MultiDiGraph, kind: EdgeKind, sources: list[str], targets: list[Any]
) -> None:
    pairs = zip(sources, targets, strict=True)
    _add_edges(G, kind, ((u, v) for u, v in pairs if isinstance(v, str) and v in G))


def _add_cases(G: nx.MultiDiGraph, cases: pd.DataFrame) -> None:
    _add_table_nodes(G, NodeKind.CASE, cases, "case_id")
    case_nodes = _prefixed(NodeKind.CASE, cases["case_id"].astype(str))
    _edges_where_target_exists(
        G,
        EdgeKind.RESPONDENT,
        case_nodes,
        _prefixed(NodeKind.RECORD, cases["record_id"].astype(str)),
    )
    if "lead_case_id" in cases.columns:
        leads = [
            f"case:{lead}" if isinstance(lead, str) and lead != own else None
            for lead, own in zip(
                cases["lead_case_id"].tolist(), cases["case_id"].astype(str), strict=True
            )
        ]
        _edges_where_target_exists(G, EdgeKind.RIDES_ON, case_nodes, leads)
    if "court" in cases.columns:
        _add_courts(G, cases["court"])
        courts = [f"court:{c}" if isinstance(c, str) else None for c in cases["court"].tolist()]
        _edges_where_target_exists(G, EdgeKind.FILED_AT, case_nodes, courts)


def _add_hearings(G: nx.MultiDiGraph, hearings: pd.DataFrame) -> None:
    _add_table_nodes(G, NodeKind.HEARING, hearings, "hearing_id")
    hearing_nodes = _prefixed(NodeKind.HEARING, hearings["hearing_id"].astype(str))
    _edges_where_target_exists(
        G, EdgeKind.OF, hearing_nodes, _prefixed(NodeKind.CASE, hearings["case_id"].astype(str))
    )
    if "court" in hearings.columns:
        _add_courts(G, hearings["court"])
        courts = [f"court:{c}" if isinstance(c, str) else None for c in hearings["court"].tolist()]
        _edges_where_target_exists(G, EdgeKind.AT, hearing_nodes, courts)
