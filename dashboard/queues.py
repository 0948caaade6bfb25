"""Work queues: one row per flagged family of each contract file, with what analysts filter on.

A queue row carries the family's codes and, to filter and sort by, its members' nationalities,
the courts of its cases, its members' countries (``country_of_location``) and cities
(``location``), and its size. Lists in a cell are sorted and joined with ``;``, as in the report.

Examples
--------
>>> q = pd.DataFrame({"family_id": ["F1", "F2"], "codes": ["COURT_SPLIT", "MPP_SPLIT"],
...                   "nationalities": ["HND", "GTM;HND"], "courts": ["", ""],
...                   "locations": ["MEX", "USA"], "persons": [2, 3]})
>>> filter_queue(q, nationalities=["GTM"])["family_id"].tolist()
['F2']
>>> sort_queue(q, "persons", ascending=False)["family_id"].tolist()
['F2', 'F1']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import pandas as pd

from kinlink.dashboard.data import DashboardData
from kinlink.queries.flags import CONTRACT_FILES

__all__ = [
    "CHECK_FIRST",
    "CHECK_FIRST_COLUMNS",
    "QUEUES",
    "QUEUE_TITLES",
    "check_first",
    "filter_options",
    "filter_queue",
    "queue",
    "sort_queue",
]

#: The three work queues (contract file stems), in page order.
QUEUES: Final = ("separated_families", "mixed_nationality_units", "joint_reprocessing")
QUEUE_TITLES: Final = {
    "separated_families": "Separated families",
    "mixed_nationality_units": "Mixed-nationality units",
    "joint_reprocessing": "Joint reprocessing",
}
#: The queue of flags set aside for review (``review_flags.csv``), shown before the others.
CHECK_FIRST: Final = "check_first"
CHECK_FIRST_COLUMNS: Final = [
    "family_id",
    "flag_file",
    "codes",
    "record_id_a",
    "record_id_b",
    "probability",
    "kind",
    "levels",
    "why",
    "record_ids",
]
#: Columns holding ``;``-joined lists that the page offers as filters.
FILTER_COLUMNS: Final = ("codes", "nationalities", "courts", "locations")

COLUMNS: Final = [
    "family_id",
    "codes",
    "persons",
    "records",
    "cases",
    "nationalities",
    "courts",
    "locations",
    "person_ids",
    "record_ids",
    "case_ids",
]


def _joined(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Per key, the sorted distinct non-empty values joined with ``;``."""
    frame = pd.DataFrame({"k": keys.to_numpy(), "v": values.to_numpy()}).dropna()
    frame = frame[frame["v"].astype(str).str.len() > 0].astype(str).drop_duplicates()
    frame = frame.sort_values(["k", "v"], kind="mergesort")
    return frame.groupby("k", sort=False)["v"].agg(";".join)


def queue(data: DashboardData, name: str) -> pd.DataFrame:
    """The work queue ``name`` (a key of :data:`QUEUE_TITLES`): one row per flagged family.

    Raises
    ------
    KeyError
        ``name`` is not a queue.

    Notes
    -----
    Group-bys over the members, records and cases of the flagged families only.
    """
    codes = CONTRACT_FILES[name]
    flagged: dict[str, set[str]] = {}
    for flag in data.confirmed:
        if flag.code in codes:
            flagged.setdefault(flag.family_id, set()).add(flag.code)
    f = data.facts
    ids = sorted(flagged)
    members = f.families[f.families["family_id"].isin(ids)]
    people = f.persons.loc[members["person_id"]]
    records = f.records[f.records["person_id"].isin(members["person_id"])]
    rec_family = records["person_id"].map(people["family_id"])
    cases = f.cases[f.cases["family_id"].isin(ids)]
    out = pd.DataFrame({"family_id": ids})
    out["codes"] = [";".join(sorted(flagged[fid])) for fid in ids]
    index = pd.Index(ids)
    out["persons"] = members.groupby("family_id").size().reindex(index).fillna(0).astype(int).values
    out["records"] = rec_family.value_counts().reindex(index).fillna(0).astype(int).values
    out["cases"] = cases.groupby("family_id").size().reindex(index).fillna(0).astype(int).values
    out["nationalities"] = _joined(people["family_id"], people["nationality"]).reindex(index).values
    out["courts"] = _joined(cases["family_id"], cases["court"]).reindex(index).values
    locations = pd.concat(
        [
            _joined(rec_family, records["country_of_location"]),
            _joined(rec_family, records["location"]),
        ]
    )
    out["locations"] = locations.groupby(level=0).agg(";".join).reindex(index).values
    out["person_ids"] = _joined(members["family_id"], members["person_id"]).reindex(index).values
    out["record_ids"] = _joined(rec_family, records["record_id"]).reindex(index).values
    out["case_ids"] = _joined(cases["family_id"], cases["case_id"]).reindex(index).values
    for column in ("nationalities", "courts", "locations", "person_ids", "record_ids", "case_ids"):
        out[column] = out[column].fillna("")
    return out[COLUMNS]


def check_first(data: DashboardData) -> pd.DataFrame:
    """The "Check first" queue: flags that hold only if an uncertain identity decision stands.

    One row per family and flag file (as ``review_flags.csv``), the likeliest alternative first:
    reviewing its pair (``record_id_a``, ``record_id_b``) in Match review confirms or drops the
    flag on the next resolution.
    """
    frame = data.review
    if frame is None or frame.empty:
        return pd.DataFrame(columns=CHECK_FIRST_COLUMNS)
    frame = frame.reindex(columns=CHECK_FIRST_COLUMNS).fillna("")
    order = pd.to_numeric(frame["probability"], errors="coerce").fillna(0.0)
    frame = frame.assign(_p=order).sort_values(
        ["_p", "family_id", "flag_file"], ascending=[False, True, True], kind="mergesort"
    )
    return frame.drop(columns="_p").reset_index(drop=True)


def filter_options(frame: pd.DataFrame, column: str) -> list[str]:
    """The distinct items of a ``;``-joined column, sorted."""
    items: set[str] = set()
    for cell in frame[column].tolist():
        if cell:
            items.update(str(cell).split(";"))
    return sorted(items)


def _any_of(cells: pd.Series, wanted: Iterable[str]) -> pd.Series:
    chosen = set(wanted)
    return cells.map(lambda cell: bool(cell) and not chosen.isdisjoint(str(cell).split(";")))


def filter_queue(
    frame: pd.DataFrame,
    *,
    codes: Sequence[str] = (),
    nationalities: Sequence[str] = (),
    courts: Sequence[str] = (),
    locations: Sequence[str] = (),
) -> pd.DataFrame:
    """Rows of ``frame`` that have at least one of the chosen items in each filtered column.

    An empty choice does not filter.
    """
    keep = pd.Series(True, index=frame.index)
    for column, wanted in (
        ("codes", codes),
        ("nationalities", nationalities),
        ("courts", courts),
        ("locations", locations),
    ):
        if wanted:
            keep &= _any_of(frame[column], wanted)
    return frame[keep]


def sort_queue(frame: pd.DataFrame, column: str, *, ascending: bool = True) -> pd.DataFrame:
    """``frame`` sorted by ``column`` (ties by family id), index reset."""
    by = [column] if column == "family_id" else [column, "family_id"]
    order = [ascending] * len(by)
    return frame.sort_values(by, ascending=order, kind="mergesort").reset_index(drop=True)
