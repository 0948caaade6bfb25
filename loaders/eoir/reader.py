"""Stream one table of the EOIR release in chunks, coping with the release's known defects.

The release's tables are plain delimited text with no quoting: tab-delimited in most releases,
pipe-delimited in some, whatever their extension (``.csv``, ``.tsv``, ``.txt``). The delimiter is
detected per file from its header line. Each chunk is decoded as UTF-8 and, if that fails, as
cp1252 (the encoding older exports use); NUL bytes are removed and counted. A row whose field
count differs from the header's is set aside with its line number and reason. A row with extra
*empty* trailing fields is rejected too, because the same shape comes from a stray delimiter in
the middle of a row whose last column is empty (every later value shifted by one column); only
when the header itself ends in the same stray delimiters are they the file's convention and
dropped.
Only the columns a caller asks for are kept, so a several-GB table never sits in memory.

Line numbers count physical lines, header = 1, so a reject points at the line an editor shows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kinlink.contract import LINE
from kinlink.errors import SchemaError

log = logging.getLogger(__name__)

TEXT = "string[pyarrow]"  # compact text columns: a few bytes per short code instead of ~50
DELIMITERS = ("\t", "|")
CHUNK_BYTES = 16 << 20


@dataclass
class Rejects:
    """Rows of the release that were not used: ``(file, line, column, reason)``."""

    rows: list[tuple[str, int, str, str]] = field(default_factory=list)

    def add(self, file: str, line: int, column: str, reason: str) -> None:
        """Record one rejected row."""
        self.rows.append((file, int(line), column, reason))

    def add_many(self, file: str, lines: pd.Series, column: str, reason: str) -> None:
        """Record every line of ``lines`` with one column and reason."""
        self.rows.extend((file, int(line), column, reason) for line in lines.tolist())

    def frame(self) -> pd.DataFrame:
        """All rejects, sorted by file and line."""
        frame = pd.DataFrame(self.rows, columns=["file", "line", "column", "reason"])
        return frame.sort_values(["file", "line"], kind="stable").reset_index(drop=True)


@dataclass
class FileStats:
    """What reading one file found: rows, rejects and repaired defects."""

    file: str
    delimiter: str = "\t"
    rows_read: int = 0
    rows_rejected: int = 0
    nul_bytes: int = 0
    cp1252_chunks: int = 0
    trailing_fields_trimmed: int = 0
    header_trailing: int = 0  # empty names after the header's last column (stray delimiters)

    @property
    def encoding(self) -> str:
        """``utf-8``, or ``cp1252`` when any chunk was not valid UTF-8."""
        return "cp1252" if self.cp1252_chunks else "utf-8"


def detect_delimiter(header: str, path: Path) -> str:
    """The delimiter of a header line: tab or pipe, whichever it holds more of.

    Examples
    --------
    >>> detect_delimiter("IDNCASE|NAT|LANG", Path("x.csv"))
    '|'
    >>> detect_delimiter("IDNCASE\\tNAT", Path("x.csv"))
    '\\t'
    """
    counts = {delim: header.count(delim) for delim in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    if counts[best] == 0:
        raise SchemaError(
            f"{path.name}, line 1: header has neither tabs nor pipes "
            "(EOIR tables are tab- or pipe-delimited)"
        )
    return best


def _decode(block: bytes, stats: FileStats) -> str:
    nul = block.count(b"\x00")
    if nul:
        stats.nul_bytes += nul
        block = block.replace(b"\x00", b"")
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError:
        stats.cp1252_chunks += 1
        return block.decode("cp1252", errors="replace")


def _read_header(path: Path, raw: bytes, stats: FileStats) -> list[str]:
    text = _decode(raw, stats).lstrip("\ufeff").rstrip("\r\n")
    stats.delimiter = detect_delimiter(text, path)
    names = [name.strip() for name in text.split(stats.delimiter)]
    while names and not names[-1]:
        names.pop()  # a stray delimiter at the end of the header
        stats.header_trailing += 1
    return names


def _resolve(
    path: Path, header: list[str], wanted: dict[str, Sequence[str]], required: Sequence[str]
) -> dict[str, int]:
    """Map each wanted column (by its aliases, case-insensitive) to its header position."""
    position: dict[str, int] = {}
    for i, name in enumerate(header):
        position.setdefault(name.upper(), i)
    found: dict[str, int] = {}
    for column, aliases in wanted.items():
        for alias in (column, *aliases):
            if alias.upper() in position:
                found[column] = position[alias.upper()]
                break
    missing = [column for column in required if column not in found]
    if missing:
        names = ", ".join(missing)
        raise SchemaError(f"{path.name}: required column {names} missing from the header (line 1)")
    return found


def _split_chunk(
    text: str, first_line: int, width: int, keep: int, stats: FileStats, rejects: Rejects
) -> tuple[list[list[str]], list[int]]:
    """Rows (fields up to column ``keep - 1`` at least) and their line numbers."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    delim = stats.delimiter
    rows: list[list[str]] = []
    numbers: list[int] = []
    for offset, line in enumerate(lines):
        if line.endswith("\r"):
            line = line[:-1]
        if delim not in line and not line.strip():
            continue  # a blank line is not a row (a line of empty fields is, and is checked)
        count = line.count(delim) + 1  # counting is cheaper than splitting every field
        if count != width:
            extra = line.split(delim)[width:]
            if width < count <= width + stats.header_trailing and not "".join(extra).strip():
                stats.trailing_fields_trimmed += 1
            else:
                stats.rows_read += 1
                stats.rows_rejected += 1
                rejects.add(
                    stats.file, first_line + offset, "", f"expected {width} fields, found {count}"
                )
                continue
        stats.rows_read += 1
        rows.append(line.split(delim, keep))
        numbers.append(first_line + offset)
    return rows, numbers


def _frame(
    rows: list[list[str]], numbers: list[int], names: Sequence[str], columns: dict[str, int]
) -> pd.DataFrame:
    data = {}
    for name in names:
        if name not in columns:
            data[name] = pd.Series(pd.NA, index=range(len(rows)), dtype=TEXT)
            continue
        index = columns[name]
        values = pd.Series([row[index] for row in rows], dtype=TEXT).str.strip()
        data[name] = values.mask(values == "")
    frame = pd.DataFrame(data)
    frame[LINE] = pd.array(numbers, dtype="int64")
    return frame


def stream_table(
    path: Path,
    wanted: dict[str, Sequence[str]],
    *,
    required: Sequence[str] = (),
    rejects: Rejects,
    stats: FileStats | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[pd.DataFrame]:
    """Yield the wanted columns of a release table, one chunk of rows at a time.

    Parameters
    ----------
    path : Path
        The table file.
    wanted : dict
        Output column name -> other header names it may appear under (matched ignoring case).
        A column the header lacks (and that is not ``required``) is all missing.
    required : sequence of str
        Wanted columns the file must have.
    rejects : Rejects
        Collects rows with the wrong number of fields.
    stats : FileStats, optional
        Filled with what reading found (rows, NUL bytes, encoding, delimiter).
    chunk_bytes : int
        Bytes read per chunk (the chunk is extended to the end of its last line).

    Yields
    ------
    DataFrame
        Text columns (``string[pyarrow]``, stripped, ``NA`` when empty) plus ``_line``
        (header = 1).

    Raises
    ------
    SchemaError
        The file is empty, has no tab or pipe in its header, or lacks a required column.

    Notes
    -----
    One pass over the file; memory holds one chunk (``chunk_bytes`` of text) at a time.
    """
    stats = stats if stats is not None else FileStats(path.name)
    try:
        handle = path.open("rb")
    except OSError as err:
        raise SchemaError(f"{path}: cannot read ({err.strerror})") from err
    with handle:
        raw_header = handle.readline()
        if not raw_header.strip(b"\x00\r\n\t |"):
            raise SchemaError(f"{path.name}: the file is empty (no header row)")
        header = _read_header(path, raw_header, stats)
        columns = _resolve(path, header, wanted, required)
        keep = max(columns.values(), default=0) + 1  # split no further than the last kept column
        line = 2
        while True:
            block = handle.read(chunk_bytes)
            if not block:
                break
            if not block.endswith(b"\n"):
                block += handle.readline()
            text = _decode(block, stats)
            rows, numbers = _split_chunk(text, line, len(header), keep, stats, rejects)
            line += text.count("\n") + (0 if text.endswith("\n") else 1)
            if rows:
                yield _frame(rows, numbers, list(wanted), columns)
    if stats.nul_bytes:
        log.warning("%s: removed %d NUL bytes", path.name, stats.nul_bytes)
    if stats.cp1252_chunks:
        log.warning("%s: not UTF-8; read as cp1252", path.name)


def read_table(
    path: Path,
    wanted: dict[str, Sequence[str]],
    *,
    required: Sequence[str] = (),
    rejects: Rejects,
    stats: FileStats | None = None,
) -> pd.DataFrame:
    """Read the wanted columns of a whole (small) table into one frame."""
    chunks = list(stream_table(path, wanted, required=required, rejects=rejects, stats=stats))
    return pd.concat(chunks, ignore_index=True) if chunks else empty_frame(list(wanted))


def empty_frame(wanted: Sequence[str]) -> pd.DataFrame:
    """A chunk with no rows: the wanted text columns and ``_line``."""
    empty = pd.DataFrame({name: pd.Series(dtype=TEXT) for name in wanted})
    empty[LINE] = pd.Series(dtype="int64")
    return empty
