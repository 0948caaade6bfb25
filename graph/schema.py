"""The case-linkage graph's vocabulary: node kinds, edge kinds and attribute keys, in one place.

docs/DESIGN.md, "The graph's shape", draws the nodes and edges. Node ids are ``"<kind>:<key>"``
(:func:`node_id`), so a record and a case sharing an identifier never collide; an edge's kind is
also its multigraph key, so ``G.has_edge(u, v, EdgeKind.SAME_AS)`` works.

Examples
--------
>>> node_id(NodeKind.RECORD, "R1")
'record:R1'
>>> split_node_id("case:C-7")
(<NodeKind.CASE: 'case'>, 'C-7')
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from kinlink.contract import CASES, HEARINGS, INDIVIDUALS
from kinlink.contract import LINE as CONTRACT_LINE


class NodeKind(StrEnum):
    """The kinds of node in the graph."""

    RECORD = "record"
    """One ``individuals`` row (a person *record*)."""
    PERSON = "person"
    """A resolved person: the records the resolver grouped together."""
    UNIT = "unit"
    """A family unit as one source recorded it (``family_units.family_unit_id``)."""
    FAMILY = "family"
    """A family: connected persons over shared recorded units."""
    CASE = "case"
    """A removal proceeding (``cases`` row)."""
    HEARING = "hearing"
    """A hearing of a case (``hearings`` row)."""
    COURT = "court"
    """An immigration court or hearing location, by name."""


class EdgeKind(StrEnum):
    """The kinds of edge in the graph; also used as the multigraph edge key."""

    SAME_AS = "SAME_AS"
    MEMBER_OF = "MEMBER_OF"
    IN = "IN"
    RESPONDENT = "RESPONDENT"
    RIDES_ON = "RIDES_ON"
    FILED_AT = "FILED_AT"
    OF = "OF"
    AT = "AT"


#: (source kind, target kind) of each edge kind.
EDGE_ENDS: Final[dict[EdgeKind, tuple[NodeKind, NodeKind]]] = {
    EdgeKind.SAME_AS: (NodeKind.RECORD, NodeKind.PERSON),
    EdgeKind.MEMBER_OF: (NodeKind.RECORD, NodeKind.UNIT),
    EdgeKind.IN: (NodeKind.PERSON, NodeKind.FAMILY),
    EdgeKind.RESPONDENT: (NodeKind.CASE, NodeKind.RECORD),
    EdgeKind.RIDES_ON: (NodeKind.CASE, NodeKind.CASE),
    EdgeKind.FILED_AT: (NodeKind.CASE, NodeKind.COURT),
    EdgeKind.OF: (NodeKind.HEARING, NodeKind.CASE),
    EdgeKind.AT: (NodeKind.HEARING, NodeKind.COURT),
}

# Attribute keys shared by every node / edge.
KIND: Final = "kind"
"""Node and edge attribute: the :class:`NodeKind` / :class:`EdgeKind` value (a plain ``str``)."""
KEY: Final = "key"
"""Node attribute: the bundle's (or resolver's) identifier of the node."""

# Attribute keys of particular kinds.
LINE: Final = CONTRACT_LINE
"""Record / case / hearing attribute: the row's line in its input file (header = 1), named as in
the loaded frames (:data:`kinlink.contract.LINE`)."""
ROLE: Final = "role"
"""``MEMBER_OF`` attribute: the member's recorded role in the unit."""
SIZE: Final = "size"
"""Family and unit attribute: number of persons (family) or records (unit)."""
N_RECORDS: Final = "n_records"
"""Person attribute: number of records the resolver grouped into the person."""

# Column names of the bundle that become node attributes besides :data:`LINE` (the id column
# becomes ``key``), from the one vocabulary.
RECORD_ATTRS: Final = tuple(c for c in INDIVIDUALS.attribute_columns if c != CONTRACT_LINE)
CASE_ATTRS: Final = tuple(c for c in CASES.attribute_columns if c != CONTRACT_LINE)
HEARING_ATTRS: Final = tuple(c for c in HEARINGS.attribute_columns if c != CONTRACT_LINE)

#: Id column of each bundle table that becomes a node kind.
ID_COLUMN: Final[dict[NodeKind, str]] = {
    NodeKind.RECORD: "record_id",
    NodeKind.CASE: "case_id",
    NodeKind.HEARING: "hearing_id",
    NodeKind.UNIT: "family_unit_id",
    NodeKind.PERSON: "person_id",
    NodeKind.FAMILY: "family_id",
    NodeKind.COURT: "court",
}


def node_id(kind: NodeKind | str, key: str) -> str:
    """The graph node id of the node of ``kind`` whose identifier is ``key``.

    Examples
    --------
    >>> node_id("person", "P0123456789")
    'person:P0123456789'
    """
    return f"{NodeKind(kind).value}:{key}"


def split_node_id(nid: str) -> tuple[NodeKind, str]:
    """Inverse of :func:`node_id`: ``(kind, key)``.

    Raises
    ------
    ValueError
        If ``nid`` does not start with a known kind.

    Examples
    --------
    >>> split_node_id("court:El Paso, TX")
    (<NodeKind.COURT: 'court'>, 'El Paso, TX')
    """
    kind, sep, key = nid.partition(":")
    if not sep:
        raise ValueError(f"not a kinlink node id: {nid!r}")
    return NodeKind(kind), key
