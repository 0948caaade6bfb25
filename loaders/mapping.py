"""A mapping: how to read a spreadsheet or a folder of files that is not a bundle as one.

A mapping is a TOML file (``kinlink mapping INPUT > mapping.toml`` writes a first guess; the
format is described in ``docs/own-data.md``). One section per bundle table; in each, the table's
columns, each from an input column, several joined, a constant, or the row's line::

    [individuals]
    record_id = { line = "R" }                 # "R" + the row's line: R2, R3, ...
    source = { value = "INTAKE" }              # the same value on every row
    given_names = "First Name"                 # an input column (header), any case
    surnames = ["Apellido paterno", "Apellido materno"]   # joined with a space
    dob = { column = "DOB", format = "%m/%d/%Y" }         # a date format
    nationality = "Country"

    [family_units]
    from = "individuals"                       # the same rows as individuals
    family_unit_id = "Family"
    role = { column = "Relationship", values = { Mother = "PARENT", Son = "CHILD" } }

``from`` names where a table's rows come from: a file of a folder, a sheet of a workbook, or
another table (``"individuals"``: one sheet that holds people and their family column). Input
columns a section does not place are kept as attributes unless ``keep_other_columns = false``.
:func:`read_mapping` validates everything it can without the input and raises one
:class:`~kinlink.errors.MappingError` listing every problem; :func:`apply_mapping` checks the
rest against the input's headers.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from rapidfuzz import process

from kinlink.contract import LINE, TABLES
from kinlink.errors import MappingError
from kinlink.loaders.dates import DateFormat
from kinlink.loaders.read import RawTable
from kinlink.loaders.vocabulary import fold

TABLE_KEYS = frozenset({"from", "keep_other_columns"})
SPEC_KEYS = frozenset({"column", "columns", "value", "line", "format", "values"})


def header_key(header: str) -> str:
    """How a header is matched: lower case, whitespace collapsed (as the readers store it)."""
    return " ".join(str(header).lower().split())


@dataclass(frozen=True)
class ColumnSpec:
    """Where one bundle column comes from."""

    target: str
    columns: tuple[str, ...] = ()  # input headers, joined with a space
    value: str | None = None  # a constant
    line: str | None = None  # the row's line, after this prefix
    date_format: DateFormat | None = None
    values: dict[str, str] = field(default_factory=dict)  # folded input value -> value

    @property
    def inputs(self) -> tuple[str, ...]:
        """The input headers this column reads."""
        return self.columns


@dataclass(frozen=True)
class TableSpec:
    """How one bundle table is read."""

    stem: str
    source: str | None  # a file, a sheet, or another table's stem; None: the default
    columns: dict[str, ColumnSpec]
    keep_other_columns: bool = True

    @property
    def derived_from(self) -> str | None:
        """The table whose rows this one reads, when ``from`` names a table."""
        return self.source if self.source in _STEMS else None

    def formats(self) -> dict[str, DateFormat]:
        """Explicit date formats by column."""
        return {n: s.date_format for n, s in self.columns.items() if s.date_format is not None}


@dataclass(frozen=True)
class Mapping:
    """A validated mapping: one :class:`TableSpec` per table it names."""

    tables: dict[str, TableSpec]
    path: Path | None = None

    @property
    def name(self) -> str:
        return self.path.name if self.path is not None else "mapping"


_STEMS = {table.stem: table for table in TABLES}


def _spec(stem: str, target: str, raw: Any, problems: list[str], where: str) -> ColumnSpec | None:
    table = _STEMS[stem]
    kinds = {c.name: c.kind for c in table.columns}
    here = f"{where} [{stem}] {target}"
    if isinstance(raw, str):
        raw = {"column": raw}
    elif isinstance(raw, list):
        raw = {"columns": raw}
    if not isinstance(raw, dict):
        problems.append(f"{here}: expected a header, a list of headers or a table, not {raw!r}")
        return None
    unknown = sorted(set(raw) - SPEC_KEYS)
    if unknown:
        problems.append(
            f"{here}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(known: {', '.join(sorted(SPEC_KEYS))})"
        )
    sources = [key for key in ("column", "columns", "value", "line") if key in raw]
    if len(sources) != 1:
        problems.append(f"{here}: give exactly one of column, columns, value or line")
        return None
    columns: tuple[str, ...] = ()
    if "column" in raw:
        if not isinstance(raw["column"], str) or not raw["column"].strip():
            problems.append(f"{here}: column must be a header (text)")
        else:
            columns = (raw["column"],)
    if "columns" in raw:
        items = raw["columns"]
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(i, str) and i.strip() for i in items)
        ):
            problems.append(f"{here}: columns must be a list of headers")
        else:
            columns = tuple(items)
    value = raw.get("value")
    if value is not None:
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int | float):
            value = str(value)
        if not isinstance(value, str):
            problems.append(f"{here}: value must be text, a number or true/false")
            value = None
    line = raw.get("line")
    if line is not None:
        if line is True:
            line = ""
        if not isinstance(line, str):
            problems.append(f'{here}: line must be a prefix (text, e.g. "R") or true')
            line = None
    date_format = None
    if "format" in raw:
        if kinds.get(target) != "date":
            problems.append(f"{here}: format applies only to date columns")
        elif not isinstance(raw["format"], str):
            problems.append(f"{here}: format must be text")
        else:
            try:
                date_format = DateFormat.parse(raw["format"])
            except ValueError as err:
                problems.append(f"{here}: {err}")
    values: dict[str, str] = {}
    if "values" in raw:
        if not isinstance(raw["values"], dict):
            problems.append(f"{here}: values must be a table (input value = bundle value)")
        else:
            for key, mapped in raw["values"].items():
                if isinstance(mapped, bool):
                    mapped = "true" if mapped else "false"
                if not isinstance(mapped, str | int | float):
                    problems.append(f"{here}: values.{key} must be text, a number or true/false")
                    continue
                values[fold(str(key))] = str(mapped)
    return ColumnSpec(target, columns, value, line, date_format, values)


def parse_mapping(document: MappingABC[str, Any], *, where: str = "mapping") -> Mapping:
    """Validate a mapping's parsed TOML; raise one :class:`MappingError` listing every problem.

    Examples
    --------
    >>> m = parse_mapping({"individuals": {"given_names": "First Name",
    ...                                    "source": {"value": "intake"}}})
    >>> m.tables["individuals"].columns["given_names"].columns
    ('First Name',)
    >>> try:
    ...     parse_mapping({"individuals": {"given_name": "First Name", "dob": {"column": "DOB",
    ...                                    "format": "%Y"}}, "people": {}})
    ... except MappingError as err:
    ...     print(err)
    mapping has 3 problems:
      mapping [individuals]: unknown column given_name (did you mean given_names?)
      mapping [individuals] dob: date format '%Y' needs %Y, %m (or %b/%B) and %d
      mapping: unknown table [people] (tables: individuals, family_units, cases, hearings)
    """
    problems: list[str] = []
    tables: dict[str, TableSpec] = {}
    for name, body in document.items():
        if name == "kinlink_mapping":
            if body != 1:
                problems.append(f"{where}: kinlink_mapping = {body!r}; this kinlink reads 1")
            continue
        if name not in _STEMS:
            problems.append(f"{where}: unknown table [{name}] (tables: {', '.join(_STEMS)})")
            continue
        if not isinstance(body, dict):
            problems.append(f"{where}: [{name}] must be a table")
            continue
        table = _STEMS[name]
        known = {c.name for c in table.columns}
        columns: dict[str, ColumnSpec] = {}
        source = body.get("from")
        if source is not None and not isinstance(source, str):
            problems.append(f"{where} [{name}] from: must be a file, sheet or table name")
            source = None
        if source == name:
            problems.append(f"{where} [{name}] from: a table cannot read its own rows")
        keep = body.get("keep_other_columns", True)
        if not isinstance(keep, bool):
            problems.append(f"{where} [{name}] keep_other_columns: must be true or false")
            keep = True
        for target, raw in body.items():
            if target in TABLE_KEYS:
                continue
            if target not in known:
                guess = process.extractOne(target, sorted(known))
                hint = f" (did you mean {guess[0]}?)" if guess and guess[1] >= 60 else ""
                problems.append(f"{where} [{name}]: unknown column {target}{hint}")
                continue
            spec = _spec(name, target, raw, problems, where)
            if spec is not None:
                columns[target] = spec
        tables[name] = TableSpec(name, source, columns, keep)
    for table_spec in tables.values():
        parent = table_spec.derived_from
        if parent is not None and parent not in tables:
            problems.append(
                f"{where} [{table_spec.stem}] from = {parent!r}: "
                f"the mapping has no [{parent}] section"
            )
    if problems:
        head = f"{where} has {len(problems)} problem{'s' if len(problems) > 1 else ''}:"
        raise MappingError("\n  ".join([head, *problems]))
    return Mapping(tables)


def read_mapping(path: str | Path) -> Mapping:
    """Read and validate a mapping file.

    Raises
    ------
    MappingError
        The file cannot be read, is not TOML, or describes something impossible (every problem
        is listed, each with the table and column it concerns).
    """
    file = Path(path)
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except OSError as err:
        raise MappingError(f"{file}: cannot read the mapping ({err.strerror})") from err
    except UnicodeDecodeError as err:
        raise MappingError(f"{file}: the mapping is not UTF-8 text") from err
    except tomllib.TOMLDecodeError as err:
        raise MappingError(f"{file}: not a valid TOML mapping ({err})") from err
    mapping = parse_mapping(document, where=file.name)
    return Mapping(mapping.tables, file)


def _closest_header(name: str, raw: RawTable, headers: list[str]) -> str:
    guess = process.extractOne(header_key(name), headers)
    return f" (closest: '{raw.header(guess[0])}')" if guess and guess[1] >= 60 else ""


def apply_mapping(raw: RawTable, spec: TableSpec, *, where: str = "mapping") -> RawTable:
    """The rows of ``raw`` with the bundle columns ``spec`` describes (text cells, same lines).

    Input columns the spec does not use are kept under their header as attributes (unless
    ``keep_other_columns`` is false); one that would take a bundle column's name is kept as
    ``NAME_input``.

    Raises
    ------
    MappingError
        The spec names input columns the table does not have (each one listed, with the closest
        header).
    """
    frame = raw.frame
    headers = [c for c in frame.columns if c != LINE]
    by_key = {header_key(c): c for c in headers}
    problems = [
        f"{where} [{spec.stem}] {column.target}: no column '{name}' in {raw.file}"
        + _closest_header(name, raw, headers)
        for column in spec.columns.values()
        for name in column.inputs
        if header_key(name) not in by_key
    ]
    if problems:
        raise MappingError("\n  ".join([f"{where} does not fit {raw.file}:", *problems]))
    out: dict[str, pd.Series] = {}
    origins: dict[str, str] = {}
    used: set[str] = set()
    n = len(frame)
    for column in spec.columns.values():
        if column.value is not None:
            out[column.target] = pd.Series([column.value] * n, index=frame.index, dtype="string")
            origins[column.target] = f"the value '{column.value}' on every row"
            continue
        if column.line is not None:
            out[column.target] = (column.line + frame[LINE].astype(str)).astype("string")
            origins[column.target] = f"'{column.line}' + the row's line"
            continue
        origins[column.target] = " + ".join(f"'{name}'" for name in column.inputs) + (
            ", with a value map" if column.values else ""
        )
        parts = [frame[by_key[header_key(name)]].astype("string") for name in column.inputs]
        used.update(by_key[header_key(name)] for name in column.inputs)
        values = parts[0]
        for part in parts[1:]:
            values = values.str.cat(part, sep=" ", na_rep="").str.strip()
            values = values.mask(values == "")
        if column.values:
            distinct = pd.unique(values.dropna())
            table = {v: column.values.get(fold(str(v)), v) for v in distinct}
            values = values.map(table, na_action="ignore").astype("string")
        out[column.target] = values
    if spec.keep_other_columns:
        for header in headers:
            if header in used:
                continue
            name = header if header not in out else f"{header}_input"
            out[name] = frame[header].astype("string")
    mapped = pd.DataFrame(out, index=frame.index)
    mapped[LINE] = frame[LINE]
    return RawTable(
        raw.file, mapped.reset_index(drop=True), raw.rejects, raw.notes, raw.header_line, origins
    )
