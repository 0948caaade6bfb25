"""Read the sheets of an Excel or OpenDocument workbook as raw tables, with python-calamine.

calamine (Rust) reads ``.xlsx``, ``.xlsm``, ``.xls`` and ``.ods`` without a spreadsheet
application and far faster than a pure-Python reader. Each sheet becomes a
:class:`~kinlink.loaders.read.RawTable` whose cells are text written the way a CSV export would
write them (a date cell as ``YYYY-MM-DD``, a whole number without ``.0``), and whose lines are
the sheet's row numbers: the header is the first row with two or more cells (a title of one
cell above the table is skipped), a blank row is not a data row, and a row's line is the number
Excel shows beside it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from kinlink.contract import LINE
from kinlink.errors import SchemaError
from kinlink.loaders.read import RawTable, cells, unique_header

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def _open(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as err:  # calamine raises its own error kinds, OSError and ValueError
        raise SchemaError(f"{path.name}: not a readable workbook ({err})") from err


def sheet_names(path: Path) -> list[str]:
    """The workbook's visible worksheets, in order."""
    book = _open(path)
    return [
        meta.name
        for meta in book.sheets_metadata
        if str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet")
    ]


def cell_text(value: Any) -> str:
    """A cell as text, the way a CSV export writes it.

    Examples
    --------
    >>> cell_text(208123456.0), cell_text(1.5), cell_text(dt.date(1988, 3, 14)), cell_text(True)
    ('208123456', '1.5', '1988-03-14', 'true')
    >>> cell_text(dt.datetime(1988, 3, 14, 0, 0)), cell_text(dt.datetime(2019, 1, 2, 10, 30))
    ('1988-03-14', '2019-01-02T10:30:00')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def label(path: Path, sheet: str) -> str:
    """How rejects and messages name a sheet: ``book.xlsx[Sheet]``."""
    return f"{path.name}[{sheet}]"


def read_sheet(path: Path, sheet: str) -> RawTable:
    """Read one sheet into a :class:`RawTable` (text cells, lines = Excel row numbers).

    Raises
    ------
    SchemaError
        The workbook cannot be read, has no such sheet, or the sheet has no header row.
    """
    book = _open(path)
    name = label(path, sheet)
    try:
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as err:  # WorksheetNotFound, a damaged sheet, ...
        raise SchemaError(f"{name}: cannot read the sheet ({err})") from err
    texts = [[cell_text(v).strip() for v in row] for row in rows]
    filled = [sum(1 for cell in row if cell) for row in texts]
    first = next((i for i, n in enumerate(filled) if n), None)
    if first is None:
        raise SchemaError(f"{name}: the sheet is empty (no header row)")
    if filled[first] == 1:  # a title above the table ("Intake, March"): the header is below
        first = next((i for i, n in enumerate(filled) if n > 1), first)
    header_cells = texts[first]
    keep = [
        j
        for j, cell in enumerate(header_cells)
        if cell or any(j < len(row) and row[j] for row in texts[first + 1 :])
    ]
    header = unique_header(Path(name), [header_cells[j] for j in keep], first + 1)
    data = [(i + 1, row) for i, row in enumerate(texts[first + 1 :], start=first + 1) if any(row)]
    columns = {
        column: cells(
            pa.array([row[j] if j < len(row) else "" for _, row in data], type=pa.string())
        )
        for column, j in zip(header, keep, strict=True)
    }
    frame = pd.DataFrame(columns)
    frame[LINE] = pd.array([line for line, _ in data], dtype="int64")
    written = {h: header_cells[j] for h, j in zip(header, keep, strict=True)}
    return RawTable(name, frame, [], [], first + 1, written=written)
