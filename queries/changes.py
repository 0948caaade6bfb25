"""What changed since the previous report: ``changes.csv``.

Weekly data drops are how analysts work, so a report can be compared with the one before it
(``kinlink report BUNDLE --out DIR --since PREVIOUS``, or the report already in ``DIR``).
One row per change, columns ``kind, id, change, detail, flag_file``:

* ``kind`` ``flag``, ``id`` the family id, ``flag_file`` the contract file (a flag is a family in
  a flag file, confirmed there or set aside in ``review_flags.csv``): ``new``, ``gone``, or
  ``changed`` with what changed: codes added or removed, members (person ids) in or out, cases
  in or out, confirmed or set aside for review, the family id itself (a family whose smallest
  person changed is matched to its previous id by shared records);
* ``kind`` ``person``, ``id`` a person id, ``change`` ``changed``: ``merged`` (records of
  several previous persons are now one person, whose id is given) or ``split`` (the records of
  one previous person, whose id is given, are now several persons).

Records are compared by the bundle's record ids; a record only in one report counts for neither
a merge nor a split.

Examples
--------
>>> old = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1", "P2", "P3"]})
>>> new = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1", "P1", "P3"]})
>>> person_changes(old, new)[["kind", "id", "change", "detail"]].values.tolist()
[['person', 'P1', 'changed', 'merged: P1;P2 are now one person (records a;b)']]
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from kinlink.contract import REPORT_FILES
from kinlink.csvfile import read_csv
from kinlink.queries.flags import CONTRACT_FILES

log = logging.getLogger(__name__)

__all__ = ["CHANGE_COLUMNS", "Changes", "flag_changes", "person_changes", "report_changes"]

#: Columns of ``changes.csv`` (the contract's four, then the flag file of a flag change).
CHANGE_COLUMNS: Final = list(REPORT_FILES["changes"].columns)

_MATCH_SHARE: Final = 0.5  # share of records two family ids must share to be one family


@dataclass(frozen=True)
class Changes:
    """The rows of ``changes.csv`` and their counts (for ``summary.json`` and the reports)."""

    frame: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    previous: str = ""


def _read(folder: Path, stem: str) -> pd.DataFrame | None:
    path = folder / f"{stem}.csv"
    if not path.is_file():
        return None
    return read_csv(path)


def _split(cell: object) -> frozenset[str]:
    return frozenset(x for x in str(cell or "").split(";") if x)


@dataclass(frozen=True)
class _Flag:
    codes: frozenset[str]
    records: frozenset[str]
    members: frozenset[str]
    cases: frozenset[str]
    confidence: str


def _flags(
    tables: dict[str, pd.DataFrame | None], review: pd.DataFrame | None, persons: pd.DataFrame
) -> dict[tuple[str, str], _Flag]:
    """(flag file, family id) -> the flag, from the contract files and the review file."""
    person_of = dict(zip(persons["record_id"], persons["person_id"], strict=False))
    out: dict[tuple[str, str], _Flag] = {}
    sources: list[tuple[str, pd.DataFrame, str]] = []
    for stem in CONTRACT_FILES:
        frame = tables.get(stem)
        if frame is not None:
            sources.append((stem, frame, "confirmed"))
        if review is not None and "flag_file" in review.columns:
            sources.append((stem, review[review["flag_file"] == stem], "review"))
    for stem, frame, confidence in sources:
        for row in frame.to_dict("records"):
            records = _split(row.get("record_ids"))
            codes = _split(row.get("codes")) if stem != "mixed_nationality_units" else {"MIXED"}
            out[(stem, str(row["family_id"]))] = _Flag(
                frozenset(codes),
                records,
                frozenset(person_of[r] for r in records if r in person_of),
                _split(row.get("case_ids")),
                confidence,
            )
    return out


def _diff(label: str, before: frozenset[str], after: frozenset[str]) -> list[str]:
    parts = []
    if after - before:
        parts.append(f"{label} in: {';'.join(sorted(after - before))}")
    if before - after:
        parts.append(f"{label} out: {';'.join(sorted(before - after))}")
    return parts


def _describe(flag: _Flag) -> str:
    parts = [f"codes {';'.join(sorted(flag.codes))}", f"{len(flag.members)} members"]
    if flag.cases:
        parts.append(f"{len(flag.cases)} cases")
    if flag.confidence == "review":
        parts.append("set aside for review")
    return "; ".join(parts)


def flag_changes(old: dict[tuple[str, str], _Flag], new: dict[tuple[str, str], _Flag]):
    """Rows of flag changes between two reports' flags (see the module docstring)."""
    rows: list[dict[str, str]] = []
    renamed: dict[tuple[str, str], tuple[str, str]] = {}  # new key -> old key
    gone_keys = [k for k in old if k not in new]
    new_keys = [k for k in new if k not in old]
    by_record: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key in gone_keys:
        for record in old[key].records:
            by_record.setdefault((key[0], record), []).append(key)
    for key in new_keys:
        shared: dict[tuple[str, str], int] = {}
        for record in new[key].records:
            for candidate in by_record.get((key[0], record), ()):
                shared[candidate] = shared.get(candidate, 0) + 1
        if not shared:
            continue
        best = max(shared, key=lambda k: (shared[k], k))
        size = max(len(old[best].records), len(new[key].records))
        if shared[best] >= _MATCH_SHARE * size and best not in renamed.values():
            renamed[key] = best
    matched_old = set(renamed.values())
    for key in sorted(set(old) | set(new)):
        stem, fid = key
        if key in new and (key in old or key in renamed):
            before = old[key] if key in old else old[renamed[key]]
            after = new[key]
            parts = []
            if key in renamed:
                parts.append(f"family id was {renamed[key][1]}")
            parts += _diff("codes", before.codes, after.codes)
            parts += _diff("members", before.members, after.members)
            parts += _diff("cases", before.cases, after.cases)
            if before.confidence != after.confidence:
                parts.append(
                    "confirmed (was set aside for review)"
                    if after.confidence == "confirmed"
                    else "set aside for review (was confirmed)"
                )
            if parts:
                rows.append(_row("flag", fid, "changed", "; ".join(parts), stem))
        elif key in new:
            rows.append(_row("flag", fid, "new", _describe(new[key]), stem))
        elif key not in matched_old:
            rows.append(_row("flag", fid, "gone", _describe(old[key]), stem))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _row(kind: str, id_: str, change: str, detail: str, flag_file: str = "") -> dict[str, str]:
    return {"kind": kind, "id": id_, "change": change, "detail": detail, "flag_file": flag_file}


def person_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Rows of persons merged or split between two ``persons.csv`` (records in both only)."""
    both = old[["record_id", "person_id"]].merge(
        new[["record_id", "person_id"]], on="record_id", suffixes=("_old", "_new")
    )
    rows: list[dict[str, str]] = []
    merged = both.groupby("person_id_new")["person_id_old"].nunique()
    for pid in sorted(merged.index[merged >= 2]):
        part = both[both["person_id_new"] == pid]
        olds = ";".join(sorted(part["person_id_old"].unique()))
        records = ";".join(sorted(part["record_id"]))
        rows.append(
            _row("person", pid, "changed", f"merged: {olds} are now one person (records {records})")
        )
    split = both.groupby("person_id_old")["person_id_new"].nunique()
    for pid in sorted(split.index[split >= 2]):
        part = both[both["person_id_old"] == pid]
        news = ";".join(sorted(part["person_id_new"].unique()))
        records = ";".join(sorted(part["record_id"]))
        rows.append(_row("person", pid, "changed", f"split: now {news} (records {records})"))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _masked(folder: Path) -> bool | None:
    try:
        doc = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return bool(doc.get("options", {}).get("masked", False))


def report_changes(
    previous: str | Path,
    persons: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    review: pd.DataFrame,
    *,
    masked: bool = False,
) -> Changes:
    """Compare the report being written with the report in ``previous``.

    Parameters
    ----------
    previous : path
        A kinlink report folder.
    persons : DataFrame
        ``record_id, person_id`` of the new report.
    tables : dict
        The new contract flag tables, keyed by file stem.
    review : DataFrame
        The new ``review_flags.csv``.
    masked : bool
        Whether the new report is pseudonymous: a masked report is only compared with a masked
        one (ids would never match otherwise), and the other way round.
    """
    folder = Path(previous)
    was_masked = _masked(folder)
    if was_masked is None or was_masked != masked:
        why = "is not a kinlink report" if was_masked is None else "masking differs"
        log.warning("changes.csv: not compared with %s (%s)", folder, why)
        return Changes(pd.DataFrame(columns=CHANGE_COLUMNS), {}, str(folder))
    old_persons = _read(folder, "persons")
    old_persons = (
        old_persons if old_persons is not None else pd.DataFrame(columns=["record_id", "person_id"])
    )
    old_tables = {stem: _read(folder, stem) for stem in CONTRACT_FILES}
    old = _flags(old_tables, _read(folder, "review_flags"), old_persons)
    new = _flags(dict(tables), review, persons)
    frame = pd.concat(
        [flag_changes(old, new), person_changes(old_persons, persons)], ignore_index=True
    )
    counts = {
        f"{kind}_{change}": int(((frame["kind"] == k) & (frame["change"] == c)).sum())
        for kind, k, change, c in (
            ("flags", "flag", "new", "new"),
            ("flags", "flag", "gone", "gone"),
            ("flags", "flag", "changed", "changed"),
        )
    }
    person = frame[frame["kind"] == "person"]["detail"]
    counts["persons_merged"] = int(person.str.startswith("merged").sum())
    counts["persons_split"] = int(person.str.startswith("split").sum())
    return Changes(frame.astype(object), counts, str(folder))
