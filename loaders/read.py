"""Read one table of a bundle (CSV or Parquet) into raw text cells with their line numbers.

Nothing is interpreted here except the file's structure: every cell stays text (``NA`` when
empty), every data row keeps the line it starts on (the header is the first line that is not
blank, usually line 1), and a row whose field count does not match the header is set aside as
a reject instead of being guessed at.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from kinlink.contract import LINE
from kinlink.errors import SchemaError

log = logging.getLogger(__name__)

_EMPTY_PROBE = 4096  # bytes: a larger file is never read whole just to test emptiness
csv.field_size_limit(1 << 30)  # a 50 MB free-text field is hostile but must not crash the read


@dataclass
class RawTable:
    """A table as read: text cells, the line of each row, and rows that could not be split."""

    file: str
    frame: pd.DataFrame
    rejects: list[tuple[int, str, str]] = field(default_factory=list)  # (line, column, reason)
    notes: list[tuple[str, str, int]] = field(default_factory=list)  # (column, problem, count)
    header_line: int = 1  # after any blank lines before it (a Parquet file has none)
    origins: dict[str, str] = field(default_factory=dict)  # column -> where a mapping took it
    written: dict[str, str] = field(default_factory=dict)  # column -> its header as written

    def header(self, column: str) -> str:
        """A column's header as the file writes it (``First Name`` for ``first name``)."""
        return self.written.get(column, column)


def find_table(folder: Path, stem: str) -> Path | None:
    """Return ``folder/stem.csv`` or ``folder/stem.parquet``; error if both exist."""
    found = [folder / f"{stem}{ext}" for ext in (".csv", ".parquet")]
    existing = [path for path in found if path.is_file()]
    if len(existing) > 1:
        raise SchemaError(f"{folder}: both {stem}.csv and {stem}.parquet exist; keep one")
    return existing[0] if existing else None


def is_empty(path: Path) -> bool:
    """True when the file holds nothing but whitespace and a byte-order mark (no header row)."""
    try:
        if path.stat().st_size > _EMPTY_PROBE:
            return False
        return not path.read_bytes().removeprefix(codecs.BOM_UTF8).strip()
    except OSError as err:
        raise SchemaError(f"{path}: cannot read ({err.strerror})") from err


def read_table(path: Path) -> RawTable:
    """Read a CSV or Parquet table into a :class:`RawTable`."""
    if path.suffix == ".parquet":
        return _read_parquet(path)
    return _read_csv(path)


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the bytes that are not UTF-8 as cp1252."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start : err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("kinlink-cp1252-fallback", _cp1252_fallback)
_MULTIBYTE = re.compile("[^\x00-\x7f\ufffd]")  # a character only valid UTF-8 can produce


NUL_ONLY = "the row held only NUL bytes"
"""The reject reason of a line that removing NUL bytes left empty: it was a row, not a blank."""
# Lines end as Python's csv reader ends them (its ``line_num``): "\r\n", "\n" or a lone "\r"
# (also one inside a quoted cell), so the lines found here are the reader's.
_LINE_END = re.compile(r"\r\n|\r|\n")
_NUL_LINE = re.compile(r"(?:^|(?<=\r))\x00+(?=\r|\n|\Z)", re.MULTILINE)


def _nul_only_lines(text: str) -> list[int]:
    r"""Lines (1 = the first) that hold nothing but NUL bytes (and a line end).

    Examples
    --------
    >>> _nul_only_lines('id\n"a\rb"\n\x00\r\n\x00x\n\x00')
    [4, 6]
    """
    out, line, at = [], 1, 0
    for match in _NUL_LINE.finditer(text):
        line += len(_LINE_END.findall(text, at, match.start()))
        at = match.start()
        out.append(line)
    return out


def _decode(path: Path, data: bytes) -> tuple[str, list[tuple[str, str, int]], list[int]]:
    """Decode UTF-8 (a BOM is dropped); a file that is not UTF-8 is read as cp1252.

    A file that is mostly UTF-8 with a few stray bytes (one cp1252 row pasted into a UTF-8
    export) keeps its UTF-8 text: only the stray bytes are read as cp1252. A file with no valid
    multi-byte UTF-8 sequence at all is decoded as cp1252 in one pass. NUL bytes are removed and
    counted; the lines that held nothing else are returned, to be rejected rather than skipped
    as blank.
    """
    notes: list[tuple[str, str, int]] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if _MULTIBYTE.search(data.decode("utf-8-sig", errors="replace")):
            log.warning(
                "%s is UTF-8 with stray bytes (first at byte %d); reading those as cp1252",
                path.name,
                err.start,
            )
            text = data.decode("utf-8-sig", errors="kinlink-cp1252-fallback")
            notes.append(("", "not UTF-8: stray bytes read as cp1252", 1))
        else:
            log.warning("%s is not UTF-8 (byte %d); reading it as cp1252", path.name, err.start)
            text = data.decode("cp1252", errors="replace")
            notes.append(("", "not UTF-8: read as cp1252", 1))
    nul = text.count("\x00")
    nul_lines: list[int] = []
    if nul:
        log.warning("%s: removed %d NUL bytes", path.name, nul)
        nul_lines = _nul_only_lines(text)
        text = text.replace("\x00", "")
        notes.append(("", "NUL bytes removed", nul))
    return text, notes, nul_lines


def unique_header(path: Path, names: list[str], line: int = 1) -> list[str]:
    """Header names stripped and lower-cased (an empty one is ``column_N``); a name twice is a
    :class:`SchemaError` naming the file and line."""
    header = [name.strip().lower() or f"column_{i + 1}" for i, name in enumerate(names)]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise SchemaError(
                f"{path.name}, line {line}: column '{name}' appears twice in the header"
            )
        seen.add(name)
    return header


def cells(values: pa.Array) -> pd.Series:
    """Text cells as an Arrow-backed string Series; a blank cell is missing (``NA``).

    The blank test runs in Arrow's C kernels: at millions of rows this is where a Python-level
    ``str.strip`` would spend most of the load. A cell is blank when it is empty or all
    whitespace, which is when Arrow's ``utf8_trim_whitespace`` leaves nothing (the same test of a
    character), without writing a trimmed copy of the column.
    """
    blank = pc.or_(pc.equal(pc.binary_length(values), 0), pc.utf8_is_space(values))
    cleaned = pc.if_else(blank, pa.scalar(None, values.type), values)
    return pd.Series(pd.arrays.ArrowStringArray(cleaned))


def delimiter(text: str) -> str:
    """The field separator of a CSV text, from its header: a comma, unless the header has none
    and has semicolons (what a spreadsheet in many locales, Spain's or Brazil's among them,
    writes as "CSV") or tabs.

    Examples
    --------
    >>> delimiter("Nombre;Fecha de nacimiento;A#\\n"), delimiter("record_id,source\\n")
    (';', ',')
    >>> delimiter("\\nid\\tname\\n"), delimiter("record_id\\n"), delimiter("a,b;c\\n")
    ('\\t', ',', ',')
    """
    header = _first_line(text)
    if "," in header:
        return ","
    for candidate in (";", "\t"):
        if candidate in header:
            return candidate
    return ","


def _first_line(text: str) -> str:
    """The first line of ``text`` that is not blank, as ``str.splitlines`` splits it ("" if none).

    Only a prefix is split, growing until it holds that line whole: splitting a whole file of
    millions of lines to read its header cost a tenth of a second per 50 MB.

    Examples
    --------
    >>> _first_line("\\n \\r\\nid,name\\r\\na,b"), _first_line(" \\n"), _first_line("a\\x1cb")
    ('id,name', '', 'a')
    """
    size = 4096
    while True:
        lines = text[:size].splitlines()
        whole = size >= len(text)
        # the prefix's last line may be cut short: only a line with one after it is whole
        for line in lines if whole else lines[:-1]:
            if line.strip():
                return line
        if whole:
            return ""
        size *= 8


def _read_csv(path: Path) -> RawTable:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise SchemaError(f"{path}: cannot read ({err.strerror})") from err
    text, notes, nul_lines = _decode(path, data)
    sep = delimiter(text)
    if sep != ",":
        log.info("%s: fields separated by %s", path.name, "semicolons" if sep == ";" else "tabs")
    # a text decoded as UTF-8 with nothing replaced or removed is the file's own bytes
    encoded = None if notes else data.removeprefix(codecs.BOM_UTF8)
    fast = None if nul_lines else _read_csv_fast(path, text, notes, sep, encoded)
    if fast is not None:
        return fast
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        first = next(reader, None)
        while first is not None and not any(cell.strip() for cell in first):
            first = next(reader, None)  # blank lines before the header are not the header
    except csv.Error as err:
        raise SchemaError(
            f"{path.name}, line {reader.line_num}: cannot parse the header ({err})"
        ) from err
    if first is None:
        raise SchemaError(f"{path.name}: the file is empty (no header row)")
    header_line = reader.line_num
    header = unique_header(path, first, header_line)
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    rejects: list[tuple[int, str, str]] = []
    nul_only = set(nul_lines)
    previous = reader.line_num
    try:
        for row in reader:
            line, previous = previous + 1, reader.line_num
            if not row:
                if line in nul_only:
                    rejects.append((line, "", NUL_ONLY))
                continue  # a blank line is not a row
            if len(row) > width and not any(cell.strip() for cell in row[width:]):
                row = row[:width]  # trailing empty fields (a stray comma) carry nothing
            if len(row) != width:
                rejects.append((line, "", f"expected {width} fields, found {len(row)}"))
                continue
            rows.append(row)
            lines.append(line)
    except csv.Error as err:
        raise SchemaError(f"{path.name}, line {reader.line_num}: cannot parse ({err})") from err
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    frame = pd.DataFrame(
        {
            name: cells(pa.array(values, type=pa.string()))
            for name, values in zip(header, columns, strict=True)
        }
    )
    frame[LINE] = pd.array(lines, dtype="int64")
    written = {h: str(n).strip() for h, n in zip(header, first, strict=True)}
    return RawTable(path.name, frame, rejects, notes, header_line, written=written)


def _read_csv_fast(
    path: Path,
    text: str,
    notes: list[tuple[str, str, int]],
    sep: str = ",",
    encoded: bytes | None = None,
) -> RawTable | None:
    """Arrow's CSV reader, for the common file where row ``i`` sits on line ``i + 2``.

    Python's csv module is what gives every row its true line number, but it costs seconds per
    million rows. When the header is line 1, every row has the header's field count, and the
    file holds as many rows as lines after the header (so no blank line and no quoted line
    break), the line numbers follow from the row order and Arrow can do the parsing, ten times
    faster. Anything else returns ``None`` and the careful reader takes over. ``encoded`` is
    ``text`` as UTF-8 when the caller has it (the file's bytes), saving an encoding.
    """
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None  # a bare carriage return also ends a line for csv
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    reader = csv.reader(io.StringIO(first_line, newline=""), delimiter=sep)
    try:
        names = next(reader, None)
    except csv.Error:
        return None
    if not names or not any(cell.strip() for cell in names):
        return None
    header = unique_header(path, names)
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        table = pcsv.read_csv(
            io.BytesIO(text.encode("utf-8") if encoded is None else encoded),
            read_options=pcsv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pcsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, ignore_empty_lines=True
            ),
            convert_options=pcsv.ConvertOptions(
                # large_string is what pandas keeps (a plain string column would be cast, copied)
                column_types={name: pa.large_string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                # the bytes are valid UTF-8: Python decoded them, or encoded them from text
                check_utf8=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a ragged row, an odd quote, ...
        return None
    if table.num_rows != lines - 1:  # a blank line or a line break inside a quoted cell
        return None
    frame = pd.DataFrame({name: cells(table.column(i)) for i, name in enumerate(header)})
    frame[LINE] = pd.array(np.arange(2, 2 + table.num_rows), dtype="int64")
    written = {h: str(n).strip() for h, n in zip(header, names, strict=True)}
    return RawTable(path.name, frame, [], notes, 1, written=written)


def _arrow_to_text(column: pa.ChunkedArray) -> pd.Series:
    """Render any Arrow column as text cells the way a CSV export would have written them."""
    kind = column.type
    series = column.to_pandas()
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return pd.to_datetime(series).dt.strftime("%Y-%m-%d").astype(object)
    if pa.types.is_boolean(kind):
        return series.map({True: "true", False: "false"}).astype(object)
    if pa.types.is_floating(kind):
        integral = series.dropna().mod(1).eq(0).all()
        if integral:
            return series.map(lambda v: str(int(v)), na_action="ignore").astype(object)
    return series.map(str, na_action="ignore").astype(object)


def _read_parquet(path: Path) -> RawTable:
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as err:
        raise SchemaError(f"{path.name}: not a readable Parquet file ({err})") from err
    header = unique_header(path, list(table.column_names))
    frame = pd.DataFrame({name: _arrow_to_text(table.column(i)) for i, name in enumerate(header)})
    frame = pd.DataFrame(
        {
            name: cells(pa.array(frame[name].tolist(), type=pa.string(), from_pandas=True))
            for name in header
        }
    )
    frame[LINE] = pd.RangeIndex(2, len(frame) + 2)  # Parquet has no lines: row index + 2
    written = dict(zip(header, map(str, table.column_names), strict=True))
    return RawTable(path.name, frame, written=written)
