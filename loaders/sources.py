"""Where a bundle's tables come from: a bundle folder, one CSV or Parquet file, or a workbook,
read as they are or through a mapping (:mod:`kinlink.loaders.mapping`).

:func:`open_sources` turns an input path (and an optional mapping) into one raw table per
bundle table, with the bundle's column names; :func:`kinlink.loaders.load_bundle` then
normalises them. Nothing is interpreted here beyond placing columns.

Without a mapping:

- a **folder** is a bundle: ``individuals`` and ``family_units`` (required), ``cases`` and
  ``hearings``, each as ``.csv`` or ``.parquet``;
- a **workbook** (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``) is a bundle whose sheets are named
  like the tables;
- **one file** is read as ``individuals`` when it has the contract's columns (``record_id``,
  ``source``); a ``family_unit_id`` column (and ``role``) in it gives ``family_units``.

Anything else needs a mapping, and the error says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kinlink.contract import FAMILY_UNITS, INDIVIDUALS, LINE, TABLES, Table
from kinlink.errors import SchemaError
from kinlink.loaders import workbook
from kinlink.loaders.dates import DateFormat
from kinlink.loaders.mapping import ColumnSpec, Mapping, TableSpec, apply_mapping, header_key
from kinlink.loaders.read import RawTable, find_table, is_empty, read_table

log = logging.getLogger(__name__)

InputKind = Literal["folder", "file", "workbook"]
TABLE_SUFFIXES = (".csv", ".parquet")
MAPPING_HINT = (
    "`kinlink mapping {input} > mapping.toml` guesses a mapping from its headers; check it, "
    "then add `--mapping mapping.toml`"
)


@dataclass
class Sources:
    """One raw table per bundle table (``None``: absent), and how to read them."""

    input: Path
    kind: InputKind
    tables: dict[str, RawTable | None]
    formats: dict[str, dict[str, DateFormat]] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)  # stem -> the stem whose rows it reads
    notes: list[tuple[str, str, str, int]] = field(default_factory=list)  # file, col, problem, n
    mapped: bool = False
    paths: dict[str, Path] = field(default_factory=dict)  # tables read only when taken

    def has(self, stem: str) -> bool:
        """Whether the input holds table ``stem``."""
        return self.tables.get(stem) is not None or stem in self.paths

    def take(self, stem: str) -> RawTable | None:
        """Table ``stem``'s rows, read now if they were left on disk, and let go of here: a
        bundle's tables are read one at a time, so only one raw table is in memory at once."""
        raw = self.tables.get(stem)
        self.tables[stem] = None
        if raw is None and stem in self.paths:
            raw = read_table(self.paths.pop(stem))
        return raw

    @property
    def folder(self) -> Path:
        """The folder beside which analyst reviews live (``reviews.csv``)."""
        return self.input if self.kind == "folder" else self.input.parent

    def required(self, table: Table) -> bool:
        """A required table must be there: ``individuals`` always; ``family_units`` in a bundle
        read as a bundle (a spreadsheet read through a mapping may have no families)."""
        if table.stem == "individuals":
            return True
        return table.required_table and self.kind == "folder" and not self.mapped


def input_kind(path: Path) -> InputKind:
    """What kind of input ``path`` is; :class:`SchemaError` when it is none of them."""
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise SchemaError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in workbook.SUFFIXES:
        return "workbook"
    if suffix in TABLE_SUFFIXES or suffix in (".txt", ".tsv"):
        return "file"
    raise SchemaError(
        f"{path}: not a bundle folder, a CSV or Parquet file, or a workbook "
        f"({', '.join(workbook.SUFFIXES)}); kinlink cannot read '{suffix or 'no suffix'}' files"
    )


def _hint(path: Path) -> str:
    return MAPPING_HINT.format(input=path)


def _folder_file(folder: Path, name: str, sources: Sources, table: Table) -> Path | None:
    """``folder/name`` (a file name, or a stem with ``.csv``/``.parquet``), unless it is absent or
    empty (an empty optional table is noted; an empty required one is an error)."""
    found = folder / name if (folder / name).is_file() else find_table(folder, Path(name).stem)
    if found is None:
        return None
    if is_empty(found):
        if sources.required(table):
            raise SchemaError(f"{found.name}: the file is empty (no header row)")
        log.warning("%s is empty (no header row): read as an absent table", found.name)
        sources.notes.append((found.name, "", "empty file: read as an absent table", 1))
        return None
    return found


def _folder_table(folder: Path, name: str, sources: Sources, table: Table) -> RawTable | None:
    """Read ``folder/name`` now (see :func:`_folder_file`)."""
    found = _folder_file(folder, name, sources, table)
    return None if found is None else read_table(found)


def _sheet(path: Path, name: str | None, stem: str, names: list[str]) -> RawTable | None:
    """The sheet ``name`` (any case), or the one named like ``stem``; ``None`` if none."""
    wanted = name if name is not None else stem
    match = [sheet for sheet in names if sheet.strip().lower() == wanted.strip().lower()]
    if match:
        return workbook.read_sheet(path, match[0])
    if name is not None:
        raise SchemaError(
            f"{path.name}: no sheet '{name}' (sheets: {', '.join(repr(s) for s in names)})"
        )
    return None


def _inherit(spec: TableSpec, parent: TableSpec | None, table: Table) -> TableSpec:
    """A derived table's missing id columns come from the parent's spec (same rows)."""
    if parent is None:
        return spec
    columns = dict(spec.columns)
    for name in table.required_columns:
        if name not in columns and name in parent.columns:
            columns[name] = parent.columns[name]
    return TableSpec(spec.stem, spec.source, columns, keep_other_columns=False)


def _derive(raw: RawTable, spec: TableSpec, table: Table, inherited: set[str], where: str):
    """The parent's rows read through ``spec``, keeping only rows that hold the table's own
    required values (a person with no family value is in no family unit, not a bad row)."""
    mapped = apply_mapping(raw, spec, where=where)
    own = [c for c in table.required_columns if c not in inherited and c in mapped.frame]
    if own:
        keep = mapped.frame[own].notna().all(axis=1)
        mapped.frame = mapped.frame.loc[keep].reset_index(drop=True)
    return mapped


def _implicit_family_spec(raw: RawTable) -> TableSpec | None:
    """Without a mapping, one file's ``family_unit_id`` (and ``role``) column gives units."""
    if "family_unit_id" not in raw.frame.columns:
        return None
    columns = {"family_unit_id": ColumnSpec("family_unit_id", ("family_unit_id",))}
    if "role" in raw.frame.columns:
        columns["role"] = ColumnSpec("role", ("role",))
    return TableSpec("family_units", "individuals", columns, keep_other_columns=False)


def _one_table_without_mapping(path: Path, raw: RawTable, sources: Sources) -> None:
    """One file or sheet read as ``individuals`` (needs the contract's columns)."""
    headers = [c for c in raw.frame.columns if c != LINE]
    missing = [c for c in ("record_id", "source") if c not in headers]
    if missing:
        shown = ", ".join(f"'{raw.header(h)}'" for h in headers[:8])
        shown += ", ..." if len(headers) > 8 else ""
        raise SchemaError(
            f"{raw.file}: one table, not a bundle, and it has no "
            f"{' or '.join(repr(m) for m in missing)} column (its headers: {shown}); " + _hint(path)
        )
    sources.tables["individuals"] = raw
    if "family_unit_id" not in headers:
        return
    columns = {
        name: ColumnSpec(name, (name,))
        for name in ("record_id", "family_unit_id", "role")
        if name in headers
    }
    spec = TableSpec(FAMILY_UNITS.stem, INDIVIDUALS.stem, columns, keep_other_columns=False)
    sources.tables["family_units"] = _derive(raw, spec, FAMILY_UNITS, {"record_id"}, "kinlink")
    sources.derived["family_units"] = "individuals"
    kept = [c for c in raw.frame.columns if c not in ("family_unit_id", "role")]
    sources.tables["individuals"] = RawTable(
        raw.file, raw.frame[kept], raw.rejects, raw.notes, raw.header_line
    )


def _read_mapped(
    source: Path,
    kind: InputKind,
    names: list[str],
    table: Table,
    spec: TableSpec | None,
    sources: Sources,
    where: str,
) -> RawTable | None:
    """The rows of one table that is not derived from another, before its mapping."""
    name = spec.source if spec is not None else None
    if kind == "folder":
        raw = _folder_table(source, name or table.stem, sources, table)
        if raw is None and name is not None:
            raise SchemaError(f"{where} [{table.stem}] from = '{name}': no such file in {source}")
        return raw
    if kind == "workbook":
        if name is None and spec is not None and table is INDIVIDUALS and len(names) == 1:
            name = names[0]  # a one-sheet workbook: that sheet is the people
        return _sheet(source, name, table.stem, names)
    return read_table(source) if table is INDIVIDUALS or (spec and spec.source) else None


def open_sources(path: str | Path, mapping: Mapping | None = None) -> Sources:
    """The raw tables of ``path`` (a folder, a file or a workbook), through ``mapping`` if given.

    Raises
    ------
    SchemaError
        The input is missing or of an unknown kind, a required table is missing or empty, or a
        file that is not a bundle was given without a mapping (the message says how to make one).
    MappingError
        The mapping does not fit the input (a sheet, file or column it names is not there).
    """
    source = Path(path)
    kind = input_kind(source)
    sources = Sources(source, kind, dict.fromkeys(t.stem for t in TABLES), mapped=bool(mapping))
    names = workbook.sheet_names(source) if kind == "workbook" else []
    if mapping is None:
        if kind == "folder":
            for table in TABLES:
                found = _folder_file(source, table.stem, sources, table)
                if found is not None:
                    sources.paths[table.stem] = found
        elif kind == "workbook":
            for table in TABLES:
                sources.tables[table.stem] = _sheet(source, None, table.stem, names)
            if sources.tables["individuals"] is None and len(names) == 1:
                _one_table_without_mapping(source, workbook.read_sheet(source, names[0]), sources)
        else:
            _one_table_without_mapping(source, read_table(source), sources)
        _check_required(source, sources)
        return sources

    where = mapping.name
    inputs: dict[str, RawTable] = {}  # each table's rows before mapping, for derived tables
    for table in TABLES:
        spec = mapping.tables.get(table.stem)
        if spec is not None and spec.derived_from is not None:
            continue  # read after the table it derives from
        raw = _read_mapped(source, kind, names, table, spec, sources, where)
        if raw is None:
            continue
        inputs[table.stem] = raw
        sources.tables[table.stem] = apply_mapping(raw, spec, where=where) if spec else raw
        if spec is not None:
            sources.formats[table.stem] = spec.formats()
    for table in TABLES:
        spec = mapping.tables.get(table.stem)
        if spec is None or spec.derived_from is None:
            continue
        parent = spec.derived_from
        own = sources.tables[parent]
        if parent not in inputs or own is None:
            raise SchemaError(f"{where} [{table.stem}] from = '{parent}': no {parent} rows")
        full = _inherit(spec, mapping.tables.get(parent), table)
        inherited = set(full.columns) - set(spec.columns)
        sources.tables[table.stem] = _derive(inputs[parent], full, table, inherited, where)
        sources.derived[table.stem] = parent
        sources.formats[table.stem] = full.formats()
        used = {header_key(c) for s in spec.columns.values() for c in s.inputs}
        dropped = [c for c in own.frame.columns if c != LINE and header_key(c) in used]
        own.frame = own.frame.drop(columns=dropped)  # placed in this table, not an attribute
    _check_required(source, sources)
    return sources


def _check_required(source: Path, sources: Sources) -> None:
    for table in TABLES:
        if not sources.has(table.stem) and sources.required(table):
            if sources.kind == "folder":
                others = sorted(
                    p.name
                    for p in source.iterdir()
                    if p.suffix.lower() in (*TABLE_SUFFIXES, *workbook.SUFFIXES)
                )
                hint = (
                    f"; it holds {', '.join(others[:5])}: if that is your data, " + _hint(source)
                    if others and not sources.mapped
                    else ""
                )
                raise SchemaError(
                    f"{source}: required table {table.stem}.csv (or .parquet) is missing{hint}"
                )
            raise SchemaError(
                f"{source}: no {table.stem} table (a sheet named {table.stem}); " + _hint(source)
            )
        if not sources.has(table.stem):
            log.info("%s: no %s table", source.name, table.stem)
