"""Per-record, per-person, per-case and per-family facts, built once from the bundle's frames.

Every analysis reads the same :class:`Facts` (:func:`build_facts`: merges and group-bys over the
bundle's tables, the resolver's persons and the families; no graph, no per-person loops). The
contract's terms (a person's nationality, location, cases; "latest") are computed here and
nowhere else, as docs/contract.md, "The rules", defines them.

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> ind = pd.DataFrame({"record_id": ["a", "b", "c"], "source": ["CBP", "EOIR", "NGO"],
...                     "nationality": ["HND", "GTM", pd.NA],
...                     "as_of": pd.to_datetime(["2020-01-01", "2019-01-01", "2021-01-01"])})
>>> bundle = SimpleNamespace(individuals=ind, cases=None, hearings=None,
...     family_units=pd.DataFrame({"family_unit_id": ["U"], "record_id": ["a"]}))
>>> persons = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1"] * 3})
>>> f = build_facts(bundle, persons)
>>> f.persons.loc["P1", "nationality"]  # HND and GTM tie; "a" is the latest of those two
'HND'
"""

from __future__ import annotations

import logging
from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kinlink.contract import CASES, HEARINGS, INDIVIDUALS, TABLES
from kinlink.graph.families import complete_persons, compute_families
from kinlink.memory import paused_gc
from kinlink.sorting import sort_order, sorted_by

log = logging.getLogger(__name__)

__all__ = [
    "Facts",
    "GroupRows",
    "RowsBy",
    "Tables",
    "bucket",
    "build_facts",
    "exists_distinct",
    "latest_order",
    "reference_date",
    "to_bool",
]


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
    order = _text_order(frame, by)
    if order is None:
        return frame.sort_values([by, "as_of", "record_id"], na_position="first", kind="mergesort")
    return frame.iloc[order]


def _text_order(frame: pd.DataFrame, by: str) -> np.ndarray | None:
    """The positions :func:`latest_order` sorts ``frame`` into, by one stable sort in Arrow
    (:func:`kinlink.sorting.sort_order`; pandas sorts text columns through Python comparisons:
    seconds at 400k records). ``None`` when a key is missing or not text (then pandas sorts).

    A missing ``as_of`` is the smallest 64-bit integer, so it sorts first.
    """
    if frame[by].isna().any() or frame["record_id"].isna().any():
        return None
    try:
        as_of = frame["as_of"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    except (TypeError, ValueError):
        return None
    return sort_order(frame[by], as_of, frame["record_id"])


def _typed(values: list[Any], name: str) -> Any:
    """``values`` of column ``name`` as the facts hold them: plain bools (missing = false),
    datetimes, or objects with ``None`` for missing."""
    if name in BOOL_COLUMNS:
        return to_bool(values)
    if name in DATE_COLUMNS:
        return pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
    series = pd.Series(values, dtype=object)
    return series.where(series.notna(), None)


class Facts:
    """The frames every analysis reads (built by :func:`build_facts`).

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
    def case_rows(self) -> RowsBy:
        """case_id -> the case's row (a namedtuple)."""
        return RowsBy(self.cases, "case_id")

    @cached_property
    def record_rows(self) -> RowsBy:
        """record_id -> the record's row (a namedtuple)."""
        return RowsBy(self.records, "record_id")

    @cached_property
    def person_rows(self) -> RowsBy:
        """person_id -> the person's facts (a namedtuple with ``person_id`` first)."""
        return RowsBy(self.persons.reset_index(), "person_id")

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
        # each case's member: its row in `people` (-1: a case of no such person); the counts
        # per member are bincounts over these positions (a group-by would hash the ids again)
        at = pd.Index(people["person_id"]).get_indexer(self.cases["person_id"])
        inside = at >= 0
        at = at[inside]
        c = self.cases[inside]
        status = c["status"]
        mpp = c["mpp"].to_numpy(dtype=bool)
        per_case = {
            "has_mpp": mpp,
            "has_pending_mpp": mpp & status.eq("PENDING").to_numpy(),
            "has_ended_mpp": mpp & status.isin(["IN_ABSENTIA", "TERMINATED"]).to_numpy(),
            "has_relief_mpp": mpp & status.eq("RELIEF_GRANTED").to_numpy(),
            "has_non_relief": ~status.eq("RELIEF_GRANTED").to_numpy(),
        }
        people["n_cases"] = np.bincount(at, minlength=len(people))
        for col, hit in per_case.items():
            people[col] = np.bincount(at[hit], minlength=len(people)) > 0
        people["mexican"] = people["nationality"].eq("MEX")
        return people

    @cached_property
    def member_rows(self) -> Mapping[str, list[Any]]:
        """family_id -> rows of :attr:`members` (namedtuples), sorted by person id; a family's
        rows are made when first read (:class:`GroupRows`)."""
        return GroupRows(self.members.sort_values("person_id"), "family_id")

    @cached_property
    def multi_person_families(self) -> pd.Index:
        """Ids of families with two or more persons (the only ones that can be flagged)."""
        sizes = self.families.groupby("family_id").size()
        return sizes.index[sizes >= 2]


def reference_date(facts: Facts) -> pd.Timestamp | None:
    """The date "next hearing" is counted from: the latest ``as_of`` among the records.

    Using the data's own date (not today's) keeps a report reproducible.
    """
    latest = facts.records["as_of"].max()
    return None if pd.isna(latest) else pd.Timestamp(latest)


class _Rows:
    """A frame's rows by position, each a namedtuple made when read, with the values
    ``frame.itertuples(index=False)`` gives (the column lists are made once, on first read)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self._type = namedtuple("Pandas", [str(c) for c in frame.columns], rename=True)  # type: ignore[misc]
        self._columns: list[Sequence[Any]] | None = None

    def load(self) -> None:
        """Make the column lists the rows are read from now (before a fork shares them)."""
        if self._columns is None:
            frame = self._frame
            self._columns = [_by_position(frame.iloc[:, j]) for j in range(frame.shape[1])]

    def _row(self, i: int) -> Any:
        self.load()
        assert self._columns is not None
        return self._type(*(column[i] for column in self._columns))


class RowsBy(_Rows, Mapping[str, Any]):
    """A frame's rows by the value of its ``key`` column, each a namedtuple made when first read
    (as ``frame.itertuples(index=False)`` makes it; a repeated key maps to its last row).

    Evidence and report sections read the rows of flagged families only: making a namedtuple for
    every one of hundreds of thousands of records would cost seconds for nothing.

    Examples
    --------
    >>> rows = RowsBy(pd.DataFrame({"id": ["a", "b"], "x": [1, 2]}), "id")
    >>> rows["b"].x, len(rows), "c" in rows
    (2, 2, False)
    """

    def __init__(self, frame: pd.DataFrame, key: str) -> None:
        super().__init__(frame)
        self._position = {k: i for i, k in enumerate(frame[key].tolist())}
        self._made: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        row = self._made.get(key)
        if row is None:
            row = self._made[key] = self._row(self._position[key])
        return row

    def reader(self, names: Sequence[str]) -> Callable[[str], tuple[Any, ...]]:
        """key -> the values of the columns ``names`` in its row, as its namedtuple has them,
        without making the row (for a reader of some columns of many rows: the report's
        sections).

        Examples
        --------
        >>> rows = RowsBy(pd.DataFrame({"id": ["a", "b"], "x": [1, 2], "y": [3, 4]}), "id")
        >>> rows.reader(["y", "x"])("b")
        (4, 2)
        """
        self.load()
        assert self._columns is not None
        index = {str(c): j for j, c in enumerate(self._frame.columns)}
        columns = [self._columns[index[name]] for name in names]
        position = self._position

        def read(key: str) -> tuple[Any, ...]:
            i = position[key]
            return tuple([column[i] for column in columns])

        return read

    def positions(self, keys: Iterable[str]) -> list[int]:
        """The positions of the rows of ``keys`` in the frame (for ``frame.iloc``).

        Examples
        --------
        >>> RowsBy(pd.DataFrame({"id": ["a", "b", "c"]}), "id").positions(["c", "a"])
        [2, 0]
        """
        position = self._position
        return [position[k] for k in keys]

    def __contains__(self, key: object) -> bool:
        return key in self._position

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)


class _Timestamps(Sequence[Any]):
    """A datetime column's values by position, each a ``Timestamp`` (or ``NaT``) made when read,
    as ``Series.tolist()`` gives them: making one for each of hundreds of thousands of rows costs
    more than a second, and only the rows of flagged families are read. One is made per distinct
    date and given again for the same date (a dict look-up costs a sixth of making one, and the
    workbook's child reads tens of thousands of rows).

    Examples
    --------
    >>> dates = _Timestamps(pd.to_datetime(pd.Series(["2020-01-02", None, "2020-01-02"])).values)
    >>> dates[0], dates[1], dates[2] is dates[0]
    (Timestamp('2020-01-02 00:00:00'), NaT, True)
    """

    def __init__(self, values: np.ndarray) -> None:
        self._values = values
        self._keys = values.view("i8")
        self._made: dict[int, Any] = {}

    def __getitem__(self, i: Any) -> Any:
        key = self._keys[i]
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = pd.Timestamp(self._values[i])
        return made

    def __len__(self) -> int:
        return len(self._values)


def _by_position(column: pd.Series) -> Sequence[Any]:
    """``column.tolist()``, but a plain (timezone-less) datetime column's Timestamps are made as
    read (:class:`_Timestamps`).

    Examples
    --------
    >>> dates = pd.Series(pd.to_datetime(["2020-01-02", None]))
    >>> [_by_position(dates)[i] for i in range(2)] == dates.tolist()
    True
    """
    if column.dtype.kind == "M" and isinstance(column.dtype, np.dtype):
        return _Timestamps(column.to_numpy())
    return column.tolist()


class GroupRows(_Rows, Mapping[str, list[Any]]):
    """What :func:`bucket` gives (a frame's rows grouped by the ``key`` column, in frame order,
    namedtuples as ``frame.itertuples(index=False)`` makes them), each group's rows made when it
    is first read: the analyses read the members of a few families, not of every one.

    Examples
    --------
    >>> frame = pd.DataFrame({"family_id": ["F2", "F1", "F2"], "x": [1, 2, 3]})
    >>> rows = GroupRows(frame, "family_id")
    >>> [r.x for r in rows["F2"]] == [r.x for r in bucket(frame)["F2"]], list(rows)
    (True, ['F2', 'F1'])
    """

    def __init__(self, frame: pd.DataFrame, key: str) -> None:
        super().__init__(frame)
        positions: dict[Any, list[int]] = defaultdict(list)
        for i, k in enumerate(frame[key].tolist()):
            positions[k].append(i)
        self._positions = dict(positions)
        self._made: dict[Any, list[Any]] = {}

    def __getitem__(self, key: Any) -> list[Any]:
        rows = self._made.get(key)
        if rows is None:
            rows = self._made[key] = [self._row(i) for i in self._positions[key]]
        return rows

    def __contains__(self, key: object) -> bool:
        return key in self._positions

    def __iter__(self) -> Iterator[Any]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


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


class Tables(Protocol):
    """The bundle's tables the facts are built from (:class:`kinlink.loaders.Bundle` fits).

    ``cases`` and ``hearings`` may be ``None`` or empty: they are optional tables. Ids are unique
    within a table (the loaders reject duplicates).
    """

    individuals: pd.DataFrame
    family_units: pd.DataFrame


def _optional(tables: Any, name: str) -> pd.DataFrame | None:
    frame = getattr(tables, name, None)
    return None if frame is None or len(frame) == 0 else frame


def _values(frame: pd.DataFrame | None, name: str) -> list[Any]:
    """The column ``name`` as a list with ``None`` for missing values (all ``None`` if absent)."""
    if frame is None:
        return []
    if name not in frame.columns:
        return [None] * len(frame)
    series = frame[name]
    return series.astype(object).where(series.notna(), None).tolist()


def _fact_column(frame: pd.DataFrame | None, name: str) -> Any:
    """Column ``name`` of ``frame`` as the facts hold it (see :func:`_typed`), column-wise when
    its dtype allows (the loaders' string, boolean and datetime columns)."""
    if frame is None:
        return _typed([], name)
    if name not in frame.columns:
        return _typed([None] * len(frame), name)
    series = frame[name].reset_index(drop=True)
    dtype = series.dtype
    if name in BOOL_COLUMNS and isinstance(dtype, pd.BooleanDtype):
        return series.eq(True).fillna(False).to_numpy(dtype=bool)
    if name in DATE_COLUMNS and pd.api.types.is_datetime64_dtype(dtype):
        return series.astype("datetime64[ns]")
    if name not in BOOL_COLUMNS | DATE_COLUMNS and (
        isinstance(dtype, pd.StringDtype) or pd.api.types.is_integer_dtype(dtype)
    ):
        values = series.astype(object)
        return values.where(series.notna(), None)
    return _typed(series.astype(object).where(series.notna(), None).tolist(), name)


def _frame_table(frame: pd.DataFrame | None, id_col: str, cols: Iterable[str]) -> pd.DataFrame:
    keys = [] if frame is None else frame[id_col].astype(str).tolist()
    data: dict[str, Any] = {id_col: pd.Series(keys, dtype=object)}
    for col in cols:
        data[col] = _fact_column(frame, col)
    return pd.DataFrame(data)


def _with_persons(records: pd.DataFrame, same_as: pd.DataFrame) -> pd.DataFrame:
    """``records.merge(same_as, on="record_id", how="left")`` (record ids are unique); when
    ``same_as`` lists the records in their own order (as :func:`complete_persons` passes the
    resolver's persons on), its person ids are placed as they are, without hashing two million
    ids to join them.

    Examples
    --------
    >>> records = pd.DataFrame({"record_id": ["b", "a"], "x": [1, 2]})
    >>> _with_persons(records, pd.DataFrame({"record_id": ["b", "a"], "person_id": ["P", "Q"]}))
      record_id  x person_id
    0         b  1         P
    1         a  2         Q
    >>> _with_persons(records, pd.DataFrame({"record_id": ["a"], "person_id": ["Q"]}))
      record_id  x person_id
    0         b  1       NaN
    1         a  2         Q
    """
    ids = records["record_id"].to_numpy(dtype=object)
    if len(ids) == len(same_as) and np.array_equal(
        ids, same_as["record_id"].to_numpy(dtype=object)
    ):
        out = records.copy(deep=False)  # the caller's frame keeps its columns
        out.index = pd.RangeIndex(len(out))
        out["person_id"] = same_as["person_id"].to_numpy(dtype=object)
        return out
    return records.merge(same_as, on="record_id", how="left")


def build_facts(
    tables: Tables, persons: pd.DataFrame, families: pd.DataFrame | None = None
) -> Facts:
    """The :class:`Facts` of a bundle's tables and the resolver's persons.

    Parameters
    ----------
    tables : Bundle
        ``individuals`` and ``family_units``, and the optional ``cases`` and ``hearings``.
    persons : DataFrame
        ``record_id, person_id`` (``Resolution.persons``); a record left out becomes a person of
        its own (:func:`kinlink.graph.families.complete_persons`).
    families : DataFrame, optional
        ``family_id, person_id`` (:func:`kinlink.graph.families.compute_families`, computed here
        when not given).

    Notes
    -----
    Column-wise conversions, merges and group-bys: O(N log N) in the number of rows (the sorts
    that pick the latest record).
    """
    with paused_gc():
        individuals = tables.individuals
        persons = complete_persons(individuals, persons)
        if families is None:
            families = compute_families(persons, tables.family_units)
        cases_in = _optional(tables, "cases")
        hearings_in = _optional(tables, "hearings")
        record_ids = individuals["record_id"].astype(str)
        same_as = pd.DataFrame(
            {
                "record_id": persons["record_id"].tolist(),
                "person_id": persons["person_id"].tolist(),
            },
            dtype=object,
        )

        records = _with_persons(_frame_table(individuals, "record_id", RECORD_COLUMNS), same_as)
        records = records[["record_id", "person_id", *RECORD_COLUMNS]]

        fam = pd.DataFrame(
            {
                "person_id": families["person_id"].tolist(),
                "family_id": families["family_id"].tolist(),
            },
            dtype=object,
        )
        fam = sorted_by(fam, ["family_id", "person_id"])
        person_facts = _person_facts(records, fam)

        cases = _frame_table(cases_in, "case_id", CASE_COLUMNS)
        # a case's respondent is its record; record_id stays as given for an absent record
        # isin with a Series hashes it in C; with a set, pandas first turns it back into a list
        respondent = cases[["case_id", "record_id"]][cases["record_id"].isin(record_ids)]
        given = cases["record_id"]
        cases = cases.drop(columns="record_id").merge(respondent, on="case_id", how="left")
        cases["record_id"] = cases["record_id"].where(cases["record_id"].notna(), given)
        cases = cases.merge(same_as, on="record_id", how="left")
        cases["family_id"] = cases["person_id"].map(person_facts["family_id"])
        cases = sorted_by(cases, ["case_id"])

        hearings = _frame_table(hearings_in, "hearing_id", HEARING_COLUMNS)
        case_ids = (
            pd.Series([], dtype=object) if cases_in is None else cases_in["case_id"].astype(str)
        )
        hearing_of = hearings[["hearing_id", "case_id"]][hearings["case_id"].isin(case_ids)]
        hearings = hearings.drop(columns="case_id").merge(hearing_of, on="hearing_id", how="left")
        hearings = hearings.merge(
            cases[["case_id", "person_id", "family_id"]], on="case_id", how="left"
        )
        hearings = sorted_by(hearings, ["hearing_id"])

        units = _units(tables.family_units, record_ids)
        return Facts(records, person_facts, fam, cases, hearings, units)


def _units(family_units: pd.DataFrame, record_ids: pd.Series) -> pd.DataFrame:
    """``family_unit_id, record_id, role`` of the memberships of loaded records, in record order."""
    position = pd.Series(range(len(record_ids)), index=record_ids.to_numpy())
    ids = family_units["record_id"].astype(str)
    where = ids.map(position)
    keep = where.notna().to_numpy()
    order = np.argsort(where[keep].to_numpy(), kind="stable")
    roles = _values(family_units, "role") if "role" in family_units.columns else None
    kept = np.flatnonzero(keep)[order]
    role_values = (
        [roles[i] if isinstance(roles[i], str) else None for i in kept.tolist()]
        if roles is not None
        else [None] * len(kept)
    )
    return pd.DataFrame(
        {
            "record_id": ids.to_numpy()[kept].tolist(),
            "family_unit_id": family_units["family_unit_id"].astype(str).to_numpy()[kept].tolist(),
            "role": pd.Series(role_values, dtype=object),
        }
    ).astype({"record_id": object, "family_unit_id": object})


#: The record columns a person's facts are made of (:func:`_person_facts`).
_PERSON_FACT_COLUMNS = (
    "person_id",
    "record_id",
    "as_of",
    "nationality",
    "country_of_location",
    "uac",
    "fear_claimed",
    "fear_assessment",
    "given_names",
    "surnames",
)


def _person_facts(records: pd.DataFrame, fam: pd.DataFrame) -> pd.DataFrame:
    # only the columns read here are sorted (a sort takes every column it is given)
    read = [c for c in _PERSON_FACT_COLUMNS if c in records.columns]
    ordered = latest_order(records.loc[records["person_id"].notna(), read])
    # each person's rows are contiguous in `ordered` (sorted by person id first, its latest
    # record last): one pass finds the groups, and every "latest record with ..." is the last
    # row of its group among the rows that have it, so no group-by hashes the ids again
    pid = ordered["person_id"].to_numpy(dtype=object)
    new_group = np.ones(len(pid), dtype=bool)
    new_group[1:] = pid[1:] != pid[:-1]
    starts = np.flatnonzero(new_group)
    code = np.cumsum(new_group) - 1
    index = pd.Index(pid[starts], dtype=object, name="person_id")
    persons = pd.DataFrame({"n_records": np.diff(np.append(starts, len(pid)))}, index=index)

    def last(rows: np.ndarray) -> np.ndarray:
        """Of ``rows`` (ascending positions in ``ordered``), the last one of each person."""
        group = code[rows]
        keep = np.ones(len(rows), dtype=bool)
        keep[:-1] = group[1:] != group[:-1]
        return rows[keep]

    def column(name: str, rows: np.ndarray) -> pd.Series:
        """``ordered[name]`` at ``rows``, indexed by their person ids."""
        values = ordered[name].to_numpy()[rows]
        return pd.Series(values, index=pd.Index(pid[rows], dtype=object, name="person_id"))

    def any_of(values: np.ndarray) -> np.ndarray:
        return np.bincount(code[values], minlength=len(starts)) > 0

    # nationality: most frequent; ties -> the latest record among the tied nationalities
    rows = np.flatnonzero(ordered["nationality"].notna().to_numpy())
    nationality, _ = pd.factorize(ordered["nationality"].to_numpy()[rows])
    pair = code[rows] * (int(nationality.max(initial=0)) + 1) + nationality
    _, which, size = np.unique(pair, return_inverse=True, return_counts=True)
    count = size[which]
    top = np.zeros(len(starts), dtype=np.int64)
    np.maximum.at(top, code[rows], count)
    persons["nationality"] = column("nationality", last(rows[count == top[code[rows]]]))

    # location: the latest record with a country_of_location
    rows = last(np.flatnonzero(ordered["country_of_location"].notna().to_numpy()))
    persons["location"] = column("country_of_location", rows)
    persons["location_record"] = column("record_id", rows)
    persons["location_as_of"] = column("as_of", rows)

    persons["uac"] = any_of(ordered["uac"].to_numpy(dtype=bool))
    persons["fear_claimed"] = any_of(ordered["fear_claimed"].to_numpy(dtype=bool))
    persons["positive_fear"] = any_of(ordered["fear_assessment"].eq("POSITIVE").to_numpy())

    named = ordered.iloc[
        last(
            np.flatnonzero(
                (ordered["given_names"].notna() | ordered["surnames"].notna()).to_numpy()
            )
        )
    ].set_index("person_id")
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
