"""Small pieces of the case-linkage graph, built from the frames on demand.

The dashboard's family view shows one family and the nodes an analyst expands; building the
whole graph for that (tens of seconds and gigabytes at hundreds of thousands of records) is
waste. :class:`LocalGraphs` answers the two questions the view asks, from indexes over the
frames of a :class:`~kinlink.graph.families.LinkedBundle`:

- :meth:`LocalGraphs.neighbours`: a node's neighbours in the whole graph;
- :meth:`LocalGraphs.around`: the whole graph's induced subgraph on some nodes, with the same
  attributes (each node is built from all of its rows: a person with all its records, a family
  with all its persons, a unit with all its memberships).

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> from kinlink.graph.families import link
>>> bundle = SimpleNamespace(
...     individuals=pd.DataFrame({"record_id": ["R1", "R2", "R3"], "source": ["CBP"] * 3}),
...     family_units=pd.DataFrame({"family_unit_id": ["U1", "U1"], "record_id": ["R1", "R2"]}),
...     cases=None, hearings=None)
>>> local = LocalGraphs(link(bundle, pd.DataFrame({"record_id": ["R1", "R2", "R3"],
...                                                "person_id": ["PA", "PB", "PC"]})))
>>> local.neighbours("unit:U1")
['record:R1', 'record:R2']
>>> G = local.family_graph(local.linked.families["family_id"].iloc[0])
>>> sorted(n for n in G.nodes if not n.startswith("family:")), G.nodes["unit:U1"]["size"]
(['person:PA', 'person:PB', 'record:R1', 'record:R2', 'unit:U1'], 2)
>>> sorted(local.around(["record:R3"]).nodes)
['person:PC', 'record:R3']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property

import networkx as nx
import pandas as pd

from kinlink.graph.build import build_graph
from kinlink.graph.families import LinkedBundle
from kinlink.graph.schema import NodeKind, node_id, split_node_id

__all__ = ["LocalGraphs"]


def _index(keys: pd.Series, values: pd.Series) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for k, v in zip(keys.tolist(), values.tolist(), strict=True):
        if isinstance(k, str) and isinstance(v, str):
            out[k].append(v)
    return dict(out)


def _rows(keys: pd.Series) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys.tolist()):
        if isinstance(k, str):
            out[k].append(i)
    return dict(out)


def _text(frame: pd.DataFrame | None, column: str) -> pd.Series:
    if frame is None or column not in frame.columns:
        return pd.Series([], dtype=object)
    values = frame[column]
    return values.astype(object).where(values.notna(), None)


class LocalGraphs:
    """Neighbours and induced subgraphs of the whole graph of ``linked``, without building it.

    Indexes are built on first use of each (a pass over one column or two).
    """

    def __init__(self, linked: LinkedBundle) -> None:
        self.linked = linked

    # -- indexes ------------------------------------------------------------------------------

    @cached_property
    def _ids(self) -> dict[str, pd.Series]:
        ln = self.linked
        return {
            "record": _text(ln.individuals, "record_id").astype(str),
            "case": _text(ln.cases, "case_id").astype(str),
            "hearing": _text(ln.hearings, "hearing_id").astype(str),
        }

    @cached_property
    def _known(self) -> dict[str, set[str]]:
        return {kind: set(ids.tolist()) for kind, ids in self._ids.items()}

    @cached_property
    def _row_of(self) -> dict[str, dict[str, list[int]]]:
        return {kind: _rows(ids) for kind, ids in self._ids.items()}

    @cached_property
    def _person_of(self) -> dict[str, str]:
        p = self.linked.persons
        return dict(zip(p["record_id"].astype(str), p["person_id"].astype(str), strict=True))

    @cached_property
    def _records_of(self) -> dict[str, list[str]]:
        p = self.linked.persons
        return _index(p["person_id"].astype(str), p["record_id"].astype(str))

    @cached_property
    def _family_of(self) -> dict[str, str]:
        f = self.linked.families
        return dict(zip(f["person_id"].astype(str), f["family_id"].astype(str), strict=True))

    @cached_property
    def _members_of(self) -> dict[str, list[str]]:
        f = self.linked.families
        return _index(f["family_id"].astype(str), f["person_id"].astype(str))

    @cached_property
    def _units(self) -> tuple[dict[str, list[str]], dict[str, list[int]]]:
        u = self.linked.family_units
        records = _text(u, "record_id").astype(str)
        units = _text(u, "family_unit_id").astype(str)
        return _index(records, units), _rows(units)

    @cached_property
    def _unit_records(self) -> dict[str, list[str]]:
        u = self.linked.family_units
        return _index(_text(u, "family_unit_id").astype(str), _text(u, "record_id").astype(str))

    @cached_property
    def _case_index(self) -> dict[str, dict[str, list[str]]]:
        c = self.linked.cases
        ids = _text(c, "case_id")
        return {
            "of_record": _index(_text(c, "record_id"), ids),
            "riders": _index(_text(c, "lead_case_id"), ids),
            "at_court": _index(_text(c, "court"), ids),
        }

    @cached_property
    def _hearing_index(self) -> dict[str, dict[str, list[str]]]:
        h = self.linked.hearings
        ids = _text(h, "hearing_id")
        return {
            "of_case": _index(_text(h, "case_id"), ids),
            "at_court": _index(_text(h, "court"), ids),
        }

    def _cell(self, kind: str, key: str, column: str) -> str | None:
        frame = self.linked.cases if kind == "case" else self.linked.hearings
        rows = self._row_of[kind].get(key)
        if frame is None or not rows or column not in frame.columns:
            return None
        value = frame[column].iloc[rows[0]]
        return value if isinstance(value, str) else None

    # -- questions ----------------------------------------------------------------------------

    def neighbours(self, node: str, *, limit: int = 25) -> list[str]:
        """Up to ``limit`` neighbours of ``node`` in the whole graph (either direction), sorted
        by id; ``[]`` if the node is not in the graph."""
        found = self._neighbours(node)
        return sorted(found)[:limit] if found is not None else []

    def _neighbours(self, node: str) -> set[str] | None:
        try:
            kind, key = split_node_id(node)
        except ValueError:
            return None
        known = self._known
        out: set[str] = set()
        if kind is NodeKind.RECORD:
            if key not in known["record"]:
                return None
            out.add(node_id(NodeKind.PERSON, self._person_of[key]))
            out |= {node_id(NodeKind.UNIT, u) for u in self._units[0].get(key, ())}
            out |= {node_id(NodeKind.CASE, c) for c in self._case_index["of_record"].get(key, ())}
        elif kind is NodeKind.PERSON:
            if key not in self._records_of:
                return None
            out |= {node_id(NodeKind.RECORD, r) for r in self._records_of[key]}
            if key in self._family_of:
                out.add(node_id(NodeKind.FAMILY, self._family_of[key]))
        elif kind is NodeKind.FAMILY:
            if key not in self._members_of:
                return None
            out |= {node_id(NodeKind.PERSON, p) for p in self._members_of[key]}
        elif kind is NodeKind.UNIT:
            if key not in self._units[1]:
                return None
            records = self._unit_records.get(key, ())
            out |= {node_id(NodeKind.RECORD, r) for r in records if r in known["record"]}
        elif kind is NodeKind.CASE:
            if key not in known["case"]:
                return None
            record = self._cell("case", key, "record_id")
            if record in known["record"]:
                out.add(node_id(NodeKind.RECORD, record))
            lead = self._cell("case", key, "lead_case_id")
            if lead in known["case"] and lead != key:
                out.add(node_id(NodeKind.CASE, lead))
            out |= {
                node_id(NodeKind.CASE, c)
                for c in self._case_index["riders"].get(key, ())
                if c != key
            }
            court = self._cell("case", key, "court")
            if court is not None:
                out.add(node_id(NodeKind.COURT, court))
            out |= {
                node_id(NodeKind.HEARING, h) for h in self._hearing_index["of_case"].get(key, ())
            }
        elif kind is NodeKind.HEARING:
            if key not in known["hearing"]:
                return None
            case = self._cell("hearing", key, "case_id")
            if case in known["case"]:
                out.add(node_id(NodeKind.CASE, case))
            court = self._cell("hearing", key, "court")
            if court is not None:
                out.add(node_id(NodeKind.COURT, court))
        elif kind is NodeKind.COURT:
            cases = self._case_index["at_court"].get(key, ())
            hearings = self._hearing_index["at_court"].get(key, ())
            if not cases and not hearings:
                return None
            out |= {node_id(NodeKind.CASE, c) for c in cases}
            out |= {node_id(NodeKind.HEARING, h) for h in hearings}
        return out

    def family_graph(self, family_id: str | None, person_id: str | None = None) -> nx.MultiDiGraph:
        """The subgraph of a family (or of a person in no family): its persons, their records,
        the units and cases of those records, and the cases' courts.

        Notes
        -----
        Linear in the rows of the family.
        """
        if family_id is not None:
            persons = list(self._members_of.get(family_id, ()))
            start = [node_id(NodeKind.FAMILY, family_id)]
        elif person_id is not None:
            persons, start = [person_id], []
        else:
            return nx.MultiDiGraph()
        records = [r for p in persons for r in self._records_of.get(p, ())]
        units = [u for r in records for u in self._units[0].get(r, ())]
        cases = [c for r in records for c in self._case_index["of_record"].get(r, ())]
        return self.around(
            start
            + [node_id(NodeKind.PERSON, p) for p in persons]
            + [node_id(NodeKind.UNIT, u) for u in units]
            + [node_id(NodeKind.CASE, c) for c in cases]
        )

    def around(self, nodes: Iterable[str]) -> nx.MultiDiGraph:
        """The whole graph's subgraph induced by ``nodes`` and what their attributes depend on
        (a record's person, a person's family with all its persons and records, a unit's
        memberships); nodes not in the graph are left out.

        Notes
        -----
        Linear in the rows of the nodes asked for (and their families).
        """
        records: set[str] = set()
        persons: set[str] = set()
        units: set[str] = set()
        cases: set[str] = set()
        hearings: set[str] = set()
        for node in nodes:
            try:
                kind, key = split_node_id(node)
            except ValueError:
                continue
            if kind is NodeKind.RECORD and key in self._person_of:
                persons.add(self._person_of[key])
            elif kind is NodeKind.PERSON:
                persons.add(key)
            elif kind is NodeKind.FAMILY:
                persons.update(self._members_of.get(key, ()))
            elif kind is NodeKind.UNIT:
                units.add(key)
            elif kind is NodeKind.CASE:
                cases.add(key)
            elif kind is NodeKind.HEARING:
                hearings.add(key)
            elif kind is NodeKind.COURT:
                pass  # drawn with any case or hearing held there
        # a person comes with its family, and every person with all its records
        for family in {self._family_of[p] for p in persons if p in self._family_of}:
            persons.update(self._members_of.get(family, ()))
        for p in persons:
            records.update(self._records_of.get(p, ()))
        ln = self.linked

        def take(frame: pd.DataFrame | None, rows: Iterable[int]) -> pd.DataFrame | None:
            if frame is None:
                return None
            return frame.iloc[sorted(set(rows))].reset_index(drop=True)

        row_of = self._row_of
        unit_rows = self._units[1]
        individuals = take(
            ln.individuals, (i for r in records for i in row_of["record"].get(r, ()))
        )
        assert individuals is not None
        units_frame = take(ln.family_units, (i for u in units for i in unit_rows.get(u, ())))
        assert units_frame is not None
        persons_frame = ln.persons[ln.persons["record_id"].astype(str).isin(records)]
        families = ln.families[ln.families["person_id"].astype(str).isin(persons)]
        tables = LinkedBundle(
            individuals=individuals,
            family_units=units_frame,
            cases=take(ln.cases, (i for c in cases for i in row_of["case"].get(c, ()))),
            hearings=take(ln.hearings, (i for h in hearings for i in row_of["hearing"].get(h, ()))),
            persons=persons_frame,
            families=families,
        )
        return build_graph(tables, persons_frame, families)
