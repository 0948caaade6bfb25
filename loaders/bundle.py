"""Load a bundle into validated, normalised frames, accounting for every input row.

The input is a bundle folder, a workbook or one file, read as it is or through a mapping
(:mod:`kinlink.loaders.sources`).

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
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kinlink.contract import (
    FAMILY_UNITS,
    LINE,
    NEEDED_BY,
    QUALITY_COLUMNS,
    REJECT_COLUMNS,
    TABLES,
    UNPARSED_COLUMNS,
    Column,
    Table,
)
from kinlink.errors import SchemaError
from kinlink.loaders import dates, normalize
from kinlink.loaders.mapping import Mapping, read_mapping
from kinlink.loaders.read import RawTable
from kinlink.loaders.sources import MAPPING_HINT, Sources, open_sources
from kinlink.loaders.vocabulary import closest_column

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ColumnRead:
    """How one declared column of one table was read (``kinlink check`` prints these).

    ``origin`` says where its values came from (the input header, a mapping's constant or line,
    or ``absent``); ``how`` how they were read (the kind, and a date column's order); ``present``
    counts the non-empty cells of the loaded rows and ``usable`` the values kept.
    """

    file: str
    table: str
    column: str
    origin: str
    how: str
    present: int
    usable: int

    @property
    def share(self) -> float | None:
        """The share of non-empty cells read as values (``None`` when there were none)."""
        return self.usable / self.present if self.present else None


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
    columns: tuple[ColumnRead, ...] = ()

    def gaps(self) -> list[str]:
        """What this bundle cannot support, in sentences for the top of a report or a page.

        A column whose every value was unreadable, and every analysis or comparison that
        cannot run because a column it needs has no value (:data:`kinlink.contract.NEEDED_BY`).
        """
        out: list[str] = []
        for read in self.columns:
            if read.present and not read.usable:
                out.append(
                    f"{read.file}: none of the {read.present} values of {read.column} "
                    f"({read.origin}) could be read as {read.how}; see unparsed_values.csv"
                )
        empty_tables: set[str] = set()
        for (stem, name), needed in NEEDED_BY.items():
            frame: pd.DataFrame = getattr(self, stem)
            key = next(t.key or t.required_columns[0] for t in TABLES if t.stem == stem)
            if not len(frame):
                if stem not in empty_tables:
                    empty_tables.add(stem)
                    what = NEEDED_BY.get((stem, key), "")
                    out.append(f"no {stem} rows: {what} cannot be found" if what else "")
                continue
            if name in frame.columns and frame[name].notna().any():
                continue
            out.append(f"no {name} values in {stem}: {needed} cannot be found")
        return [line for line in out if line]

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
        self.columns: list[ColumnRead] = []

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
            file,
            lines.min(),
            column,
            problem,
            n,
            "" if n == 1 else "s",
        )


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


def _renumbered(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s rows numbered from 0, in place (the frames are the loader's own):
    ``reset_index`` would copy every column, touching each string (1.5 s in all at 2M rows)."""
    frame.index = pd.RangeIndex(len(frame))
    return frame


def _normalise_column(values: pd.Series, column: Column) -> tuple[pd.Series, pd.Series | None]:
    kind = column.kind
    if kind in ("id", "text"):
        # a required column's values were trimmed already (to drop the empty), and stay in the
        # reader's storage until the references are checked (:func:`_python_strings`)
        return (values if column.required else normalize.text(values)), None
    if kind == "label":
        return normalize.label(values), None
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
    if kind == "role":
        return normalize.role(values)
    return normalize.code(values, column.codes)


def _load_table(
    raw: RawTable,
    table: Table,
    accounts: _Accounts,
    formats: dict[str, dates.DateFormat] | None = None,
    *,
    hint: str = "",
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
            + hint
        )
    _warn_unknown_columns(raw, table)

    frame = frame.copy()
    for name in table.required_columns:
        # in the reader's Arrow strings: the missing, duplicate and unknown ids are found without
        # a Python string per cell (at 2M ids, duplicates in 0.34 s against 0.76 s)
        frame[name] = normalize.trimmed(frame[name])
        frame = _drop(frame, frame[name].isna(), accounts, file, name, "missing required value")
    if table.key:
        duplicate = frame.duplicated(table.key, keep="first")
        if duplicate.any():
            first_line = frame.groupby(table.key)[LINE].transform("min")
            reason = "duplicate " + table.key + " (first at line " + first_line.astype(str) + ")"
            frame = _drop(frame, duplicate, accounts, file, table.key, reason)

    out = pd.DataFrame(index=frame.index)
    how: dict[str, str] = {}
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
            how[column.name] = f"dates ({parsed.order})"
            if column.written:
                out[column.raw_name] = parsed.digits
            for problem, at in parsed.by_problem().items():
                accounts.unusable(
                    file, column.name, problem, frame[LINE].iloc[at], raw_values.iloc[at]
                )
            continue
        values, bad = _normalise_column(raw_values, column)
        out[column.name] = values
        if column.kind == "name":
            out[f"{column.name}_orig"] = normalize.as_written(raw_values)
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
    for column in table.columns:
        present = column.name in frame.columns
        accounts.columns.append(
            ColumnRead(
                file,
                table.stem,
                column.name,
                raw.origins.get(column.name, f"'{column.name}'") if present else "absent",
                how.get(column.name, KIND_WORDS.get(column.kind, column.kind)),
                int(frame[column.name].count()) if present else 0,
                int(out[column.name].count()),
            )
        )
    declared = {c.name for c in table.columns}
    for extra in frame.columns:
        if extra not in declared and extra != LINE:
            out[extra] = normalize.text(frame[extra])
    out[LINE] = frame[LINE]
    return _renumbered(out)


#: How ``kinlink check`` and the report describe what a column of each kind was read as.
KIND_WORDS = {
    "id": "ids",
    "text": "text",
    "label": "labels (upper case)",
    "name": "names",
    "a_number": "A-numbers (9 digits)",
    "bool": "yes/no",
    "nationality": "countries (ISO alpha-3)",
    "sex": "M/F/X",
    "code": "codes",
    "role": "family roles",
}


def _missing_column_hint(sources: Sources, mapping: Mapping | None, table: Table) -> str:
    """What to do when ``table`` lacks a required column: make a mapping, or complete it."""
    if mapping is None:
        return "; " + MAPPING_HINT.format(input=sources.input)
    return (
        f"; {mapping.name} [{table.stem}] must give each of "
        + ", ".join(table.required_columns)
        + ' (a column: name = "Header"; a constant: name = { value = "..." }; '
        'the row\'s line: name = { line = "R" })'
    )


def _warn_unknown_columns(raw: RawTable, table: Table) -> None:
    """Name the input columns that are not bundle columns (kept as attributes), each with the
    bundle column it most resembles."""
    declared = {c.name for c in table.columns}
    extras = [c for c in raw.frame.columns if c != LINE and c not in declared]
    if not extras or raw.origins:  # a mapping placed the columns: its guess named the rest
        return
    described = []
    for name in extras:
        closest = closest_column(name, table.stem)
        described.append(f"'{name}'" + (f" (closest: {closest})" if closest else ""))
    plural = "" if len(extras) == 1 else "s"
    log.warning(
        "%s: %d column%s not in the contract's %s table, kept as attribute%s: %s",
        raw.file,
        len(extras),
        plural,
        table.stem,
        plural,
        ", ".join(described),
    )


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
            unknown = ~_isin(frame[column], known)
            reason = f"unknown {column} (not in {files.get(target, target)})"
            frames[table.stem] = _renumbered(
                _drop(frame, unknown, accounts, files[table.stem], column, reason)
            )


def _isin(values: pd.Series, known: pd.Series) -> pd.Series:
    """``values.isin(known)`` for two string columns, in Arrow: pandas hashes each Python string
    (2M record ids against 2M: 1.23 s, against 0.51 s in Arrow, 0.76 s with both converted)."""
    found = pc.is_in(_arrow_strings(values), value_set=_arrow_strings(known))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def _arrow_strings(values: pd.Series) -> pa.Array:
    """The column as Arrow strings: as it is when it is Arrow's (large_string, as pandas keeps)."""
    return pa.array(values.array, type=pa.large_string(), from_pandas=True)


def _python_strings(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The required columns, left in the reader's storage while the load matched them, as the
    ``string`` columns (Python strings) that every other text column of a bundle is."""
    for name in table.required_columns:
        if frame[name].dtype != pd.StringDtype():  # astype would copy a ready column
            frame[name] = frame[name].astype("string")
    return frame


def _clean_family_units(frame: pd.DataFrame, file: str, accounts: _Accounts) -> pd.DataFrame:
    duplicate = frame.duplicated(["family_unit_id", "record_id"], keep="first")
    reason = "duplicate membership of the same family unit"
    return _renumbered(_drop(frame, duplicate, accounts, file, "record_id", reason))


def _clean_leads(cases: pd.DataFrame, file: str, accounts: _Accounts) -> pd.DataFrame:
    """A lead_case_id that names no case, or the case itself, is dropped (it is optional)."""
    lead = cases["lead_case_id"]
    unknown = lead.notna() & ~_isin(lead, cases["case_id"])
    own = lead.notna() & (lead == cases["case_id"])
    accounts.count(file, "lead_case_id", "unknown lead case", int(unknown.sum()))
    accounts.count(file, "lead_case_id", "case is its own lead", int(own.sum()))
    cases = cases.copy()
    cases.loc[unknown | own, "lead_case_id"] = pd.NA
    return cases


def load_bundle(path: str | Path, *, mapping: Mapping | str | Path | None = None) -> Bundle:
    """Load a bundle: a folder, one CSV or Parquet file, or a workbook, through a mapping if
    given (:mod:`kinlink.loaders.sources`, :mod:`kinlink.loaders.mapping`).

    Parameters
    ----------
    path
        A folder holding ``individuals`` and ``family_units`` (required) and optionally
        ``cases`` and ``hearings``, each as ``.csv`` or ``.parquet``; or a workbook whose sheets
        are named so; or, with ``mapping`` (or with the contract's columns), one file or sheet.
    mapping
        A :class:`~kinlink.loaders.mapping.Mapping` or the path of a mapping file.

    Returns
    -------
    Bundle
        Normalised frames; every input row is either in its frame or in ``rejects``.

    Raises
    ------
    SchemaError
        The input is missing or unreadable, a required table is missing, a table lacks a
        required column, or a date column's order cannot be decided.
    MappingError
        The mapping is invalid or does not fit the input.
    """
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = read_mapping(mapping)
    sources = open_sources(path, mapping)
    accounts = _Accounts()
    for note in sources.notes:
        accounts.count(*note)
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    rows_read: dict[str, int] = {}
    for table in TABLES:
        raw = sources.take(table.stem)
        if raw is None:
            frames[table.stem] = _empty_frame(table)
            files[table.stem] = f"{table.stem}.csv"
            rows_read[table.stem] = 0
            continue
        files[table.stem] = raw.file
        parent = sources.derived.get(table.stem)
        if parent is not None:  # rows of a table already accounted for: keep the loaded ones
            loaded = frames[parent][LINE]
            raw.frame = raw.frame.loc[raw.frame[LINE].isin(loaded)].reset_index(drop=True)
        rows_read[table.stem] = len(raw.frame) + len(raw.rejects)
        frames[table.stem] = _load_table(
            raw,
            table,
            accounts,
            sources.formats.get(table.stem),
            hint=_missing_column_hint(sources, mapping, table),
        )
        log.info("%s: %d rows read", raw.file, rows_read[table.stem])
    if not sources.required(FAMILY_UNITS) and not rows_read["family_units"]:
        log.warning(
            "%s: no family units (no family column): families, and every flag about them, "
            "cannot be found",
            Path(path).name,
        )
    frames["family_units"] = _clean_family_units(
        frames["family_units"], files["family_units"], accounts
    )
    _check_references(frames, files, accounts)
    for table in TABLES:
        frames[table.stem] = _python_strings(frames[table.stem], table)
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
        path=sources.folder,
        individuals=frames["individuals"],
        family_units=frames["family_units"],
        cases=frames["cases"],
        hearings=frames["hearings"],
        rejects=rejects.reset_index(drop=True),
        quality=quality,
        unparsed=unparsed,
        columns=tuple(accounts.columns),
        rows_read=rows_read,
        files=files,
    )
