"""Load a bundle folder into validated, normalised frames, accounting for every input row.

Each data row of each table ends in exactly one place: its normalised frame, or ``rejects``
with the file, line, column and reason. Optional values that cannot be parsed become missing and
are counted in ``quality``. Only an unreadable bundle (a required table or column missing) raises.

An empty file (0 bytes, or nothing but whitespace and a byte-order mark: no header row) holds no
table at all. For an optional table (``cases``, ``hearings``) that is the same as the table being
absent: the bundle loads, with a warning and a ``quality`` note. For a required table
(``individuals``, ``family_units``) the bundle is unusable and :class:`SchemaError` is raised.
A header-only file is a table with no rows, required or not.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kinlink.contract import (
    LINE,
    QUALITY_COLUMNS,
    REJECT_COLUMNS,
    TABLES,
    UNPARSED_COLUMNS,
    Column,
    Table,
)
from kinlink.errors import SchemaError
from kinlink.loaders import dates, normalize
from kinlink.loaders.read import RawTable, find_table, is_empty, read_table

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bundle:
    """A loaded bundle: one normalised frame per table, plus what could not be used."""

    path: Path
    individuals: pd.DataFrame
    family_units: pd.DataFrame
    cases: pd.DataFrame
    hearings: pd.DataFrame
    rejects: pd.DataFrame
    quality: pd.DataFrame
    unparsed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNPARSED_COLUMNS))
    rows_read: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # table stem -> file name

    def summary(self) -> dict[str, int]:
        """Counts for the end-of-run summary: rows read, loaded and rejected per table."""
        counts: dict[str, int] = {}
        for stem in ("individuals", "family_units", "cases", "hearings"):
            counts[f"{stem}_read"] = self.rows_read.get(stem, 0)
            counts[f"{stem}_loaded"] = len(getattr(self, stem))
        counts["rejected"] = len(self.rejects)
        return counts


class _Accounts:
    """Collects rejects and data-quality counts while a bundle loads."""

    def __init__(self) -> None:
        self.rejects: list[pd.DataFrame] = []
        self.quality: list[tuple[str, str, str, int]] = []
        self.unparsed: list[pd.DataFrame] = []

    def reject(self, file: str, lines: pd.Series, column: str, reason: str | pd.Series) -> None:
        if len(lines):
            self.rejects.append(
                pd.DataFrame(
                    {
                        "file": file,
                        "line": lines.to_numpy(),
                        "column": column,
                        "reason": reason if isinstance(reason, str) else reason.to_numpy(),
                    }
                )
            )

    def count(self, file: str, column: str, problem: str, n: int) -> None:
        if n:
            self.quality.append((file, column, problem, int(n)))

    def unusable(
        self, file: str, column: str, problem: str, lines: pd.Series, values: pd.Series
    ) -> None:
        """Optional values read as missing: counted, logged once, and listed one by one."""
        n = len(lines)
        if not n:
            return
        self.count(file, column, problem, n)
        self.unparsed.append(
            pd.DataFrame(
                {
                    "file": file,
                    "line": lines.to_numpy(),
                    "column": column,
                    "problem": problem,
                    "value": values.astype("string").to_numpy(),
                }
            )
        )
        log.warning(
            "%s, line %d, %s: %s, read as missing (%d row%s in all; see quality.csv)",
            file, lines.min(), column, problem, n, "" if n == 1 else "s",
        )  # fmt: skip


def _drop(
    frame: pd.DataFrame,
    bad: pd.Series,
    accounts: _Accounts,
    file: str,
    column: str,
    reason: str | pd.Series,
) -> pd.DataFrame:
    """Reject the rows where ``bad`` holds and return the rest."""
    if not bad.any():
        return frame
    reasons = reason if isinstance(reason, str) else reason[bad]
    accounts.reject(file, frame.loc[bad, LINE], column, reasons)
    return frame.loc[~bad]


def _normalise_column(values: pd.Series, column: Column) -> tuple[pd.Series, pd.Series | None]:
    kind = column.kind
    if kind in ("id", "text"):
        return normalize.text(values), None
    if kind == "label":
        return normalize.text(values).str.upper(), None
    if kind == "name":
        return normalize.checked_name(values)
    if kind == "a_number":
        return normalize.a_number(values)
    if kind == "bool":
        return normalize.boolean(values)
    if kind == "nationality":
        return normalize.nationality(values)
    if kind == "sex":
        return normalize.sex(values)
    return normalize.code(values, column.codes)


def _load_table(
    raw: RawTable,
    table: Table,
    accounts: _Accounts,
    formats: Mapping[str, dates.DateFormat] | None = None,
) -> pd.DataFrame:
    frame = raw.frame
    file = raw.file
    for line, column, reason in raw.rejects:
        accounts.reject(file, pd.Series([line]), column, reason)
    for column, problem, n in raw.notes:
        accounts.count(file, column, problem, n)
    missing = [name for name in table.required_columns if name not in frame.columns]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise SchemaError(
            f"{file}: required column {names} missing from the header (line {raw.header_line})"
        )

    frame = frame.copy()
    for name in table.required_columns:
        frame[name] = normalize.text(frame[name])
        frame = _drop(frame, frame[name].isna(), accounts, file, name, "missing required value")
    if table.key:
        duplicate = frame.duplicated(table.key, keep="first")
        if duplicate.any():
            first_line = frame.groupby(table.key)[LINE].transform("min")
            reason = "duplicate " + table.key + " (first at line " + first_line.astype(str) + ")"
            frame = _drop(frame, duplicate, accounts, file, table.key, reason)

    out = pd.DataFrame(index=frame.index)
    for column in table.columns:
        if column.name not in frame.columns:
            out[column.name] = pd.Series(pd.NA, index=frame.index, dtype=_empty_dtype(column))
            if column.written:
                out[column.raw_name] = pd.Series(pd.NA, index=frame.index, dtype="string")
            continue
        raw_values = frame[column.name]
        if column.kind == "date":
            parsed = dates.parse_dates(
                raw_values,
                fmt=(formats or {}).get(column.name),
                where=f"{file}, column {column.name}",
                lines=frame[LINE],
            )
            out[column.name] = parsed.values
            if column.written:
                out[column.raw_name] = parsed.digits
            for problem, rows in parsed.problem.groupby(parsed.problem, sort=True).groups.items():
                accounts.unusable(
                    file, column.name, str(problem), frame.loc[rows, LINE], raw_values[rows]
                )
            continue
        values, bad = _normalise_column(raw_values, column)
        out[column.name] = values
        if column.kind == "name":
            out[f"{column.name}_orig"] = raw_values.astype("string")
        if column.written:
            out[column.raw_name] = raw_values.astype("string")
        if bad is not None and bad.any():
            accounts.unusable(
                file,
                column.name,
                f"unparseable {column.kind}",
                frame.loc[bad, LINE],
                raw_values[bad],
            )
    for column in table.columns:
        if column.not_after is None or column.name not in frame.columns:
            continue
        later = (out[column.name] > out[column.not_after]).fillna(False).astype(bool)
        if later.any():
            accounts.unusable(
                file,
                column.name,
                f"{column.name} after {column.not_after}",
                frame.loc[later, LINE],
                frame.loc[later, column.name],
            )
            out.loc[later, column.name] = pd.NaT
    declared = {c.name for c in table.columns}
    for extra in frame.columns:
        if extra not in declared and extra != LINE:
            out[extra] = normalize.text(frame[extra])
    out[LINE] = frame[LINE]
    return out.reset_index(drop=True)


def _empty_dtype(column: Column) -> str:
    return {"date": dates.DTYPE, "bool": "boolean"}.get(column.kind, "string")


def _empty_frame(table: Table) -> pd.DataFrame:
    frame = pd.DataFrame({c.name: pd.Series(dtype=_empty_dtype(c)) for c in table.columns})
    for column in table.columns:
        if column.kind == "name":
            frame[f"{column.name}_orig"] = pd.Series(dtype="string")
        if column.written:
            frame[column.raw_name] = pd.Series(dtype="string")
    frame[LINE] = pd.Series(dtype="int64")
    return frame


def _check_references(
    frames: dict[str, pd.DataFrame], files: dict[str, str], accounts: _Accounts
) -> None:
    """Reject rows that point at an id their referenced table does not hold (in table order)."""
    for table in TABLES:
        for column, target in table.references.items():
            target_table = next(t for t in TABLES if t.stem == target)
            known = frames[target][target_table.key]
            frame = frames[table.stem]
            unknown = ~frame[column].isin(known)
            reason = f"unknown {column} (not in {files.get(target, target)})"
            frames[table.stem] = _drop(
                frame, unknown, accounts, files[table.stem], column, reason
            ).reset_index(drop=True)


def _clean_family_units(frame: pd.DataFrame, file: str, accounts: _Accounts) -> pd.DataFrame:
    duplicate = frame.duplicated(["family_unit_id", "record_id"], keep="first")
    return _drop(
        frame,
        duplicate,
        accounts,
        file,
        "record_id",
        "duplicate membership of the same family unit",
    ).reset_index(drop=True)


def _clean_leads(cases: pd.DataFrame, file: str, accounts: _Accounts) -> pd.DataFrame:
    """A lead_case_id that names no case, or the case itself, is dropped (it is optional)."""
    lead = cases["lead_case_id"]
    unknown = lead.notna() & ~lead.isin(cases["case_id"])
    own = lead.notna() & (lead == cases["case_id"])
    accounts.count(file, "lead_case_id", "unknown lead case", int(unknown.sum()))
    accounts.count(file, "lead_case_id", "case is its own lead", int(own.sum()))
    cases = cases.copy()
    cases.loc[unknown | own, "lead_case_id"] = pd.NA
    return cases


def load_bundle(path: str | Path) -> Bundle:
    """Load a bundle folder.

    Parameters
    ----------
    path
        A folder holding ``individuals`` and ``family_units`` (required) and optionally
        ``cases`` and ``hearings``, each as ``.csv`` or ``.parquet``.

    Returns
    -------
    Bundle
        Normalised frames; every input row is either in its frame or in ``rejects``.

    Raises
    ------
    SchemaError
        The folder is missing, a required table is missing, or a table lacks a required column.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise SchemaError(f"{folder}: not a folder (a bundle is a folder of tables)")
    accounts = _Accounts()
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    rows_read: dict[str, int] = {}
    for table in TABLES:
        found = find_table(folder, table.stem)
        empty = found is not None and is_empty(found)
        if found is not None and empty:
            if table.required_table:
                raise SchemaError(f"{found.name}: the file is empty (no header row)")
            log.warning("%s is empty (no header row): read as an absent table", found.name)
            accounts.count(found.name, "", "empty file: read as an absent table", 1)
        if found is None or empty:
            if table.required_table:
                raise SchemaError(
                    f"{folder}: required table {table.stem}.csv (or .parquet) is missing"
                )
            frames[table.stem] = _empty_frame(table)
            files[table.stem] = found.name if found is not None else f"{table.stem}.csv"
            rows_read[table.stem] = 0
            continue
        raw = read_table(found)
        files[table.stem] = raw.file
        rows_read[table.stem] = len(raw.frame) + len(raw.rejects)
        frames[table.stem] = _load_table(raw, table, accounts)
        log.info("%s: %d rows read", raw.file, rows_read[table.stem])
    frames["family_units"] = _clean_family_units(
        frames["family_units"], files["family_units"], accounts
    )
    _check_references(frames, files, accounts)
    frames["cases"] = _clean_leads(frames["cases"], files["cases"], accounts)

    rejects = (
        pd.concat(accounts.rejects, ignore_index=True)
        if accounts.rejects
        else pd.DataFrame(columns=REJECT_COLUMNS)
    )
    rejects = rejects.astype({"line": "int64"}).sort_values(["file", "line"], kind="stable")
    quality = pd.DataFrame(accounts.quality, columns=QUALITY_COLUMNS)
    unparsed = (
        pd.concat(accounts.unparsed, ignore_index=True)
        if accounts.unparsed
        else pd.DataFrame(columns=UNPARSED_COLUMNS)
    )
    unparsed = unparsed.astype({"line": "int64"}).sort_values(
        ["file", "line", "column"], kind="stable", ignore_index=True
    )
    for file, line, column, reason in rejects.head(20).itertuples(index=False):
        log.warning("%s, line %d, %s: %s", file, line, column or "row", reason)
    if len(rejects) > 20:
        log.warning("... and %d more rejected rows (see rejects.csv)", len(rejects) - 20)
    return Bundle(
        path=folder,
        individuals=frames["individuals"],
        family_units=frames["family_units"],
        cases=frames["cases"],
        hearings=frames["hearings"],
        rejects=rejects.reset_index(drop=True),
        quality=quality,
        unparsed=unparsed,
        rows_read=rows_read,
        files=files,
    )
