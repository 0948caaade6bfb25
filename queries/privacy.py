"""Pseudonymous reports: keyed-hash ids and no names, A-numbers or dates of birth.

``kinlink report --mask`` (and the dashboard's masked downloads) pass the graph, the rejects and
the resolver's matches through this module before anything is written:

* every record, person, family, unit, case and hearing id becomes a pseudonym: a prefix and the
  first 16 hex digits of HMAC-SHA256 over ``"<kind>:<id>"`` with the secret key from the
  environment variable ``KINLINK_MASK_KEY``. The same id gets the same pseudonym in every run
  with the same key, and nobody without the key can recompute or reverse it;
* record, case and hearing nodes keep only the attributes the analyses need and that identify
  nobody (source, sex, nationality, location, dates of record, case status, ...): names,
  A-numbers, dates of birth, phone numbers, addresses, other ids and every column kinlink does
  not know are dropped.

The contract files keep their columns; their ids are pseudonyms. A masked report therefore cannot
be scored against ground truth (``kinlink evaluate``): evaluate an unmasked run instead.

Examples
--------
>>> key = b"not-a-real-secret"
>>> pseudonym("record", "R1", key)
'R-ab18960514df391a'
>>> pseudonym("record", "R1", key) == pseudonym("record", "R1", key)
True
>>> pseudonym("record", "R1", key) != pseudonym("case", "R1", key)
True
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any, Final

import networkx as nx
import pandas as pd

from kinlink.contract import CASES, HEARINGS, INDIVIDUALS, Table
from kinlink.errors import SettingsError
from kinlink.graph.schema import KEY, KIND, LINE, N_RECORDS, SIZE, NodeKind, node_id

__all__ = [
    "MASK_KEY_ENV",
    "mask_graph",
    "mask_key",
    "mask_matches",
    "pseudonym",
]

#: The environment variable that holds the secret key of the pseudonyms.
MASK_KEY_ENV: Final = "KINLINK_MASK_KEY"

#: Pseudonym prefix of each node kind whose ids are masked (courts keep their names).
PREFIX: Final[dict[str, str]] = {
    NodeKind.RECORD: "R",
    NodeKind.PERSON: "P",
    NodeKind.FAMILY: "F",
    NodeKind.UNIT: "U",
    NodeKind.CASE: "C",
    NodeKind.HEARING: "H",
}

_TABLE_OF: Final[dict[str, Table]] = {
    NodeKind.RECORD: INDIVIDUALS,
    NodeKind.CASE: CASES,
    NodeKind.HEARING: HEARINGS,
}


def _kept(t: Table) -> frozenset[str]:
    # The row's line is identifying (:mod:`kinlink.contract`) but masked reports keep it for now
    # (issue 15 decides how masked reports treat it).
    return frozenset(c.name for c in t.loaded_columns if not c.identifying) | {LINE}


#: Attributes kept on masked nodes, by kind (everything else is dropped): the columns the one
#: vocabulary does not flag ``identifying``.
KEEP: Final[dict[str, frozenset[str]]] = {
    **{kind: _kept(t) for kind, t in _TABLE_OF.items()},
    NodeKind.PERSON: frozenset({N_RECORDS}),
    NodeKind.FAMILY: frozenset({SIZE}),
    NodeKind.UNIT: frozenset({SIZE}),
    NodeKind.COURT: frozenset(),
}

#: Attributes that hold another node's id: (node kind, attribute) -> kind of the id.
ID_ATTRS: Final[dict[tuple[str, str], str]] = {
    (kind, c.name): NodeKind(c.refers_to)
    for kind, t in _TABLE_OF.items()
    for c in t.columns
    if c.refers_to is not None and c.name != t.key
}


def mask_key() -> bytes:
    """The secret key of the pseudonyms, from the environment variable ``KINLINK_MASK_KEY``.

    Raises
    ------
    SettingsError
        If the variable is unset or empty.
    """
    value = os.environ.get(MASK_KEY_ENV, "")
    if not value:
        raise SettingsError(
            f"--mask needs a secret key in the environment variable {MASK_KEY_ENV} "
            "(keep the same key to get the same pseudonyms across runs)"
        )
    return value.encode("utf-8")


def pseudonym(kind: str, value: str, key: bytes) -> str:
    """The pseudonym of the id ``value`` of a ``kind`` node: ``<prefix>-<16 hex digits>``.

    Notes
    -----
    HMAC-SHA256 over ``"<kind>:<value>"``; 64 bits of the digest, so collisions are negligible
    below billions of ids.
    """
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{PREFIX.get(kind, 'X')}-{digest[:16]}"


def _masked_attrs(kind: str, attrs: dict[str, Any], key: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {KIND: kind}
    keep = KEEP.get(kind, frozenset())
    for name, value in attrs.items():
        if name in keep:
            out[name] = value
        elif (kind, name) in ID_ATTRS and value is not None:
            out[name] = pseudonym(ID_ATTRS[kind, name], str(value), key)
    raw_key = str(attrs[KEY])
    out[KEY] = pseudonym(kind, raw_key, key) if kind in PREFIX else raw_key
    return out


def mask_graph(G: nx.MultiDiGraph, key: bytes) -> nx.MultiDiGraph:
    """A copy of ``G`` with pseudonymous ids and no identifying attributes.

    Node ids become ``"<kind>:<pseudonym>"``; edges and their attributes (kind, role) are kept.

    Notes
    -----
    O(nodes + edges).
    """
    H = nx.MultiDiGraph()
    new_id: dict[str, str] = {}
    for node, attrs in G.nodes(data=True):
        masked = _masked_attrs(attrs[KIND], attrs, key)
        new_id[node] = node_id(attrs[KIND], masked[KEY])
        H.add_node(new_id[node], **masked)
    H.add_edges_from((new_id[u], new_id[v], k, d) for u, v, k, d in G.edges(keys=True, data=True))
    return H


def mask_matches(matches: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """The resolver's scored pairs with pseudonymous record ids and no free-text columns.

    ``record_id*`` columns are pseudonymised; numeric, boolean and categorical (comparison level)
    columns are kept; any other text column is dropped.
    """
    out = pd.DataFrame(index=matches.index)
    for col in matches.columns:
        series = matches[col]
        if str(col).startswith("record_id"):
            out[col] = [pseudonym(NodeKind.RECORD, str(v), key) for v in series]
        elif series.dtype != object and not pd.api.types.is_string_dtype(series.dtype):
            out[col] = series
    return out
