"""Per-record, per-person, per-case and per-family facts, derived once from the graph.

Every analysis reads the same :class:`Facts`, extracted from the graph in one pass over its nodes
and one over its edges, then derived with pandas group-bys (no per-person Python loops). The
contract's terms are computed here and nowhere else:

- a person's **nationality** is the most frequent non-empty nationality of its records; a tie goes
  to the *latest* record carrying one of the tied nationalities;
- a person's **location** is the ``country_of_location`` of its latest record that has one;
- **latest** compares ``as_of`` (missing = earliest), then ``record_id`` (as text: on equal dates
  the greater record id wins);
- a person is a **UAC** / **claimed fear** if any of its records says so (missing = false); it has
  a **positive fear assessment** if any of its records' ``fear_assessment`` is ``POSITIVE``;
- a case is an **MPP case** if its ``mpp`` is true (missing = false); a person's **cases** are
  those whose respondent record belongs to it.

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> from kinlink.graph.build import build_graph
>>> ind = pd.DataFrame({"record_id": ["a", "b", "c"], "source": ["CBP", "EOIR", "NGO"],
...                     "nationality": ["HND", "GTM", pd.NA],
...                     "as_of": pd.to_datetime(["2020-01-01", "2019-01-01", "2021-01-01"])})
>>> bundle = SimpleNamespace(individuals=ind, cases=None, hearings=None,
...     family_units=pd.DataFrame({"family_unit_id": ["U"], "record_id": ["a"]}))
>>> persons = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1"] * 3})
>>> f = derive_facts(build_graph(bundle, persons))
>>> f.persons.loc["P1", "nationality"]  # HND and GTM tie; "a" is the latest of those two
'HND'
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from kinlink.contract import CASES, HEARINGS, INDIVIDUALS, TABLES
from kinlink.graph.schema import KEY, KIND, ROLE, EdgeKind, NodeKind
from kinlink.memory import paused_gc

log = logging.getLogger(__name__)

__all__ = ["Facts", "bucket", "derive_facts", "exists_distinct", "latest_order", "to_bool"]


#: The columns of :attr:`Facts.records`, :attr:`Facts.cases` and :attr:`Facts.hearings` (after
#: their ids), from the one vocabulary (:mod:`kinlink.contract`).
RECORD_COLUMNS = INDIVIDUALS.facts_columns
CASE_COLUMNS = CASES.facts_columns
HEARING_COLUMNS = HEARINGS.facts_columns
DATE_COLUMNS = frozenset(c for t in TABLES for c in t.of_kind("date"))
BOOL_COLUMNS = frozenset(c for t in TABLES for c in t.of_kind("bool"))


def to_bool(values: Iterable[Any]) -> np.ndarray:
    """Booleans with missing (and anything not true) as false.

    Examples
    --------
    >>> to_bool([True, None, False, pd.NA, np.True_]).tolist()
    [True, False, False, False, True]
    """
    return np.fromiter((isinstance(v, bool | np.bool_) and bool(v) for v in values), dtype=bool)


def latest_order(frame: pd.DataFrame, by: str = "person_id") -> pd.DataFrame:
    """``frame`` sorted so that, within each ``by`` group, the *latest* record comes last.

    Latest compares ``as_of`` (missing is earliest), then ``record_id`` as text.

    Examples
    --------
    >>> df = pd.DataFrame({"person_id": ["P"] * 3, "record_id": ["r1", "r3", "r2"],
    ...                    "as_of": pd.to_datetime(["2020-01-01", None, "2020-01-01"])})
    >>> latest_order(df)["record_id"].tolist()
    ['r3', 'r1', 'r2']
    """
    return frame.sort_values([by, "as_of", "record_id"], na_position="first", kind="mergesort")


def _column(rows: list[dict[str, Any]], name: str) -> Any:
    values = [row.get(name) for row in rows]
    if name in BOOL_COLUMNS:
        return to_bool(values)
    if name in DATE_COLUMNS:
        return pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
    series = pd.Series(values, dtype=object)
    return series.where(series.notna(), None)


def _table(keys: list[str], rows: list[dict[str, Any]], id_col: str, cols: Iterable[str]):
    data: dict[str, Any] = {id_col: pd.Series(keys, dtype=object)}
    for col in cols:
        data[col] = _column(rows, col)
    return pd.DataFrame(data)


class Facts:
    """The frames every analysis reads (built by :func:`derive_facts`).

    Attributes
    ----------
    records : DataFrame
        One row per record: ``record_id, person_id`` and the record's columns
        (:data:`RECORD_COLUMNS`; ``uac``/``fear_claimed`` as plain bools).
    persons : DataFrame
        Indexed by ``person_id``: ``family_id`` (None if in no family), ``family_size``,
        ``nationality``, ``location``, ``location_record``, ``location_as_of``, ``uac``,
        ``fear_claimed``, ``positive_fear``, ``name``, ``n_records``.
    families : DataFrame
        ``family_id, person_id``, one row per person in a family (single-person ones too).
    cases : DataFrame
        ``case_id, person_id, family_id`` and the case's columns (``mpp`` a plain bool).
    hearings : DataFrame
        ``hearing_id, person_id, family_id`` and the hearing's columns.
    units : DataFrame
        ``family_unit_id, record_id, role``.
    """

    def __init__(
        self,
        records: pd.DataFrame,
        persons: pd.DataFrame,
        families: pd.DataFrame,
        cases: pd.DataFrame,
        hearings: pd.DataFrame,
        units: pd.DataFrame,
    ) -> None:
        self.records = records
        self.persons = persons
        self.families = families
        self.cases = cases
        self.hearings = hearings
        self.units = units

    # -- grouped views, for building evidence of flagged families only -------------------------

    @cached_property
    def family_members(self) -> dict[str, list[str]]:
        """family_id -> sorted person ids."""
        return _group_lists(self.families["family_id"], self.families["person_id"])

    @cached_property
    def person_records(self) -> dict[str, list[str]]:
        """person_id -> sorted record ids."""
        return _group_lists(self.records["person_id"], self.records["record_id"])

    @cached_property
    def person_cases(self) -> dict[str, list[str]]:
        """person_id -> sorted case ids."""
        c = self.cases[self.cases["person_id"].notna()]
        return _group_lists(c["person_id"], c["case_id"])

    @cached_property
    def case_rows(self) -> dict[str, Any]:
        """case_id -> the case's row (a namedtuple)."""
        return _rows_by(self.cases, "case_id")

    @cached_property
    def record_rows(self) -> dict[str, Any]:
        """record_id -> the record's row (a namedtuple)."""
        return _rows_by(self.records, "record_id")

    @cached_property
    def person_rows(self) -> dict[str, Any]:
        """person_id -> the person's facts (a namedtuple with ``person_id`` first)."""
        return _rows_by(self.persons.reset_index(), "person_id")

    def family_record_ids(self, family_id: str) -> list[str]:
        """Every record of every member of ``family_id``, sorted."""
        return sorted(
            r for p in self.family_members.get(family_id, ()) for r in self.person_records[p]
        )

    def family_case_ids(self, family_id: str) -> list[str]:
        """Every case of every member of ``family_id``, sorted."""
        return sorted(
            c for p in self.family_members.get(family_id, ()) for c in self.person_cases.get(p, ())
        )

    def label(self, person: str) -> str:
        """``"Name (P…)"`` or just the person id when no record has a name."""
        name = self.person_rows[person].name if person in self.person_rows else None
        return f"{name} ({person})" if isinstance(name, str) and name else person

    @cached_property
    def members(self) -> pd.DataFrame:
        """Persons of families with two or more persons, with per-person case facts.

        Columns: ``person_id``, the columns of :attr:`persons`, and ``n_cases``, ``has_mpp``,
        ``has_pending_mpp``, ``has_ended_mpp`` (an IN_ABSENTIA or TERMINATED MPP case),
        ``has_relief_mpp`` (a RELIEF_GRANTED MPP case), ``has_non_relief`` (any case whose
        status is not RELIEF_GRANTED, missing status included), ``mpp_respondent``,
        ``mexican`` (nationality MEX).
        """
        people = self.persons[self.persons["family_size"] >= 2].reset_index()
        c = self.cases[self.cases["person_id"].isin(people["person_id"])]
        status = c["status"]
        mpp = c["mpp"].astype(bool)
        per_case = pd.DataFrame(
            {
                "person_id": c["person_id"],
                "n_cases": 1,
                "has_mpp": mpp,
                "has_pending_mpp": mpp & status.eq("PENDING"),
                "has_ended_mpp": mpp & status.isin(["IN_ABSENTIA", "TERMINATED"]),
                "has_relief_mpp": mpp & status.eq("RELIEF_GRANTED"),
                "has_non_relief": ~status.eq("RELIEF_GRANTED"),
            }
        )
        agg = per_case.groupby("person_id").agg(
            n_cases=("n_cases", "sum"),
            **{
                col: (col, "any")
                for col in (
                    "has_mpp",
                    "has_pending_mpp",
                    "has_ended_mpp",
                    "has_relief_mpp",
                    "has_non_relief",
                )
            },
        )
        out = people.merge(agg, left_on="person_id", right_index=True, how="left")
        out["n_cases"] = out["n_cases"].fillna(0).astype(int)
        for col in agg.columns.drop("n_cases"):
            out[col] = out[col].eq(True)
        out["mexican"] = out["nationality"].eq("MEX")
        return out

    @cached_property
    def member_rows(self) -> dict[str, list[Any]]:
        """family_id -> rows of :attr:`members` (namedtuples), sorted by person id."""
        return bucket(self.members.sort_values("person_id"))

    @cached_property
    def multi_person_families(self) -> pd.Index:
        """Ids of families with two or more persons (the only ones that can be flagged)."""
        sizes = self.families.groupby("family_id").size()
        return sizes.index[sizes >= 2]


def _rows_by(frame: pd.DataFrame, key: str) -> dict[str, Any]:
    return dict(zip(frame[key].tolist(), frame.itertuples(index=False), strict=True))


def bucket(frame: pd.DataFrame, key: str = "family_id") -> dict[str, list[Any]]:
    """``frame``'s rows (namedtuples, in frame order) grouped by the ``key`` column.

    Examples
    --------
    >>> b = bucket(pd.DataFrame({"family_id": ["F2", "F1", "F2"], "x": [1, 2, 3]}))
    >>> [r.x for r in b["F2"]]
    [1, 3]
    """
    out: dict[str, list[Any]] = defaultdict(list)
    pos = list(frame.columns).index(key)
    for row in frame.itertuples(index=False):
        out[row[pos]].append(row)
    return dict(out)


def _group_lists(keys: pd.Series, values: pd.Series) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for k, v in zip(keys.tolist(), values.tolist(), strict=True):
        out[k].append(v)
    for lst in out.values():
        lst.sort()
    return dict(out)


def _strip(nodes: list[str], kind: NodeKind) -> list[str]:
    n = len(kind.value) + 1
    return [x[n:] for x in nodes]


def derive_facts(G: nx.MultiDiGraph) -> Facts:
    """Extract the :class:`Facts` of the graph built by :func:`kinlink.graph.build.build_graph`.

    Notes
    -----
    One pass over the nodes and one over the edges, then group-bys: O(N log N) in the size of the
    graph (the sorts that pick the latest record).
    """
    with paused_gc():
        return _derive(G)


def _derive(G: nx.MultiDiGraph) -> Facts:
    by_kind: dict[str, tuple[list[str], list[dict[str, Any]]]] = defaultdict(lambda: ([], []))
    for _, attrs in G.nodes(data=True):
        keys, rows = by_kind[attrs.get(KIND, "")]
        keys.append(attrs[KEY])
        rows.append(attrs)
    ends: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    roles: list[Any] = []
    member_of = EdgeKind.MEMBER_OF.value
    # adjacency() yields the graph's own dicts: much faster than an edge view at this size
    for u, nbrs in G.adjacency():
        for v, keyed in nbrs.items():
            for k, attrs in keyed.items():
                src, dst = ends[k]
                src.append(u)
                dst.append(v)
                if k == member_of:
                    roles.append(attrs.get(ROLE))

    def edge_frame(kind: EdgeKind, a: str, akind: NodeKind, b: str, bkind: NodeKind):
        src, dst = ends.get(kind, ([], []))
        return pd.DataFrame({a: _strip(src, akind), b: _strip(dst, bkind)}, dtype=object)

    same_as = edge_frame(
        EdgeKind.SAME_AS, "record_id", NodeKind.RECORD, "person_id", NodeKind.PERSON
    )
    fam = edge_frame(EdgeKind.IN, "person_id", NodeKind.PERSON, "family_id", NodeKind.FAMILY)
    respondent = edge_frame(
        EdgeKind.RESPONDENT, "case_id", NodeKind.CASE, "record_id", NodeKind.RECORD
    )
    hearing_of = edge_frame(EdgeKind.OF, "hearing_id", NodeKind.HEARING, "case_id", NodeKind.CASE)
    units = edge_frame(
        EdgeKind.MEMBER_OF, "record_id", NodeKind.RECORD, "family_unit_id", NodeKind.UNIT
    )
    units["role"] = pd.Series(roles, dtype=object)

    rkeys, rrows = by_kind.get(NodeKind.RECORD.value, ([], []))
    records = _table(rkeys, rrows, "record_id", RECORD_COLUMNS)
    records = records.merge(same_as, on="record_id", how="left")
    records = records[["record_id", "person_id", *RECORD_COLUMNS]]

    fam = fam.sort_values(["family_id", "person_id"], ignore_index=True)
    persons = _person_facts(records, fam)

    ckeys, crows = by_kind.get(NodeKind.CASE.value, ([], []))
    cases = _table(ckeys, crows, "case_id", CASE_COLUMNS)
    # the respondent edge is the truth; record_id stays as given for cases whose record is absent
    cases = cases.drop(columns="record_id").merge(respondent, on="case_id", how="left")
    given = _column(crows, "record_id")
    cases["record_id"] = cases["record_id"].where(cases["record_id"].notna(), given)
    cases = cases.merge(same_as, on="record_id", how="left")
    cases["family_id"] = cases["person_id"].map(persons["family_id"])
    cases = cases.sort_values("case_id", ignore_index=True)

    hkeys, hrows = by_kind.get(NodeKind.HEARING.value, ([], []))
    hearings = _table(hkeys, hrows, "hearing_id", HEARING_COLUMNS)
    hearings = hearings.drop(columns="case_id").merge(hearing_of, on="hearing_id", how="left")
    hearings = hearings.merge(
        cases[["case_id", "person_id", "family_id"]], on="case_id", how="left"
    )
    hearings = hearings.sort_values("hearing_id", ignore_index=True)
    return Facts(records, persons, fam, cases, hearings, units)


def _person_facts(records: pd.DataFrame, fam: pd.DataFrame) -> pd.DataFrame:
    ordered = latest_order(records[records["person_id"].notna()])
    grouped = ordered.groupby("person_id", sort=True)
    persons = pd.DataFrame({"n_records": grouped.size()})
    persons.index.name = "person_id"

    # nationality: most frequent; ties -> the latest record among the tied nationalities
    nat = ordered.loc[ordered["nationality"].notna(), ["person_id", "nationality"]]
    counts = nat.groupby(["person_id", "nationality"])["nationality"].transform("size")
    top = counts.groupby(nat["person_id"]).transform("max")
    winners = nat[counts == top].drop_duplicates("person_id", keep="last")
    persons["nationality"] = winners.set_index("person_id")["nationality"]

    # location: the latest record with a country_of_location
    loc = ordered[ordered["country_of_location"].notna()].drop_duplicates("person_id", keep="last")
    loc = loc.set_index("person_id")
    persons["location"] = loc["country_of_location"]
    persons["location_record"] = loc["record_id"]
    persons["location_as_of"] = loc["as_of"]

    persons["uac"] = grouped["uac"].any()
    persons["fear_claimed"] = grouped["fear_claimed"].any()
    positive = ordered["fear_assessment"].eq("POSITIVE")
    persons["positive_fear"] = positive.groupby(ordered["person_id"]).any()

    named = ordered[ordered["given_names"].notna() | ordered["surnames"].notna()]
    named = named.drop_duplicates("person_id", keep="last").set_index("person_id")
    persons["name"] = (
        named["given_names"].fillna("").astype(str) + " " + named["surnames"].fillna("").astype(str)
    ).str.strip()

    fam_of = fam.set_index("person_id")["family_id"]
    persons["family_id"] = fam_of
    sizes = fam.groupby("family_id").size()
    persons["family_size"] = persons["family_id"].map(sizes).fillna(0).astype(int)
    for col in ("nationality", "location", "location_record", "name", "family_id"):
        persons[col] = persons[col].astype(object).where(persons[col].notna(), None)
    for col in ("uac", "fear_claimed", "positive_fear"):
        persons[col] = persons[col].eq(True)
    return persons


def exists_distinct(members: pd.DataFrame, a: str, b: str) -> pd.Series:
    """Per family: is there a member with ``a`` and a *different* member with ``b``?

    Parameters
    ----------
    members : DataFrame
        ``family_id`` and the boolean columns ``a`` and ``b`` (one row per person).

    Returns
    -------
    Series
        bool, indexed by ``family_id``.

    Examples
    --------
    >>> m = pd.DataFrame({"family_id": ["F1", "F1", "F2", "F2"],
    ...                   "x": [True, False, True, False], "y": [True, False, False, True]})
    >>> exists_distinct(m, "x", "y").to_dict()
    {'F1': False, 'F2': True}
    """
    fam = members["family_id"]
    n_a = members[a].groupby(fam).sum()
    n_b = members[b].groupby(fam).sum()
    n_ab = (members[a] & members[b]).groupby(fam).sum()
    return (n_a >= 1) & (n_b >= 1) & ~((n_a == 1) & (n_b == 1) & (n_ab == 1))
