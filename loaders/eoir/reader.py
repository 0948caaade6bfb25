"""Stream one table of the EOIR release in chunks, coping with the release's known defects.

The release's tables are plain delimited text with no quoting: tab-delimited (whatever their
extension, ``.csv`` included), pipe-delimited in some older exports. The delimiter is detected per
file from its header line. Bytes go through a cleaning stream before they are parsed: NUL bytes
are removed and counted, and a block that is not UTF-8 is read as cp1252 (the encoding the
exports use in practice; the release does not document one) and counted. Arrow's CSV reader
(``pyarrow.csv.open_csv``, one thread, quoting off) then splits the rows in C; a row whose field
count differs from the header's goes to a handler that sets it aside with its line and reason. A
row with extra *empty* trailing fields is rejected too, because the same shape comes from a stray
delimiter in the middle of a row whose last column is empty (every later value shifted by one
column); only when the header itself ends in the same stray delimiters are they the file's
convention and dropped.
Only the columns a caller asks for are kept, so a several-GB table never sits in memory. Values
are stripped (the release pads codes: ``'SP '``); an empty value is missing.

Line numbers count physical lines, header = 1, so a reject points at the line an editor shows.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kinlink.contract import LINE
from kinlink.errors import SchemaError

log = logging.getLogger(__name__)

TEXT = "string[pyarrow]"  # compact text columns: a few bytes per short code instead of ~50
DELIMITERS = ("\t", "|")
CHUNK_BYTES = 16 << 20
_MIN_BLOCK = 1 << 20  # Arrow's block: a row must fit in one
_BLANK = re.compile(rb"\n(?=\r?\n)")  # a newline followed by an empty line
_LONE_CR = re.compile(rb"\r(?!\n)")  # a carriage return that ends no line


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
    blank_lines: int = 0
    stray_carriage_returns: int = 0  # a CR inside a row, replaced by a space

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


def _clean(block: bytes, stats: FileStats) -> bytes:
    """``block`` without NUL bytes, as UTF-8 (read as cp1252 when it is not UTF-8)."""
    nul = block.count(b"\x00")
    if nul:
        stats.nul_bytes += nul
        block = block.replace(b"\x00", b"")
    if block.isascii():
        return block
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        stats.cp1252_chunks += 1
        return block.decode("cp1252", errors="replace").encode("utf-8")
    return block


class _CleanStream(io.RawIOBase):
    """A table's bytes after its header, cleaned block by block; notes where empty lines are.

    Each block is extended to the end of its last line, so a character is never split between
    two blocks. ``blank`` collects the physical line numbers of empty lines, which Arrow skips
    without numbering them.
    """

    def __init__(self, handle: BinaryIO, stats: FileStats, chunk_bytes: int) -> None:
        super().__init__()
        self._handle, self._stats, self._chunk = handle, stats, chunk_bytes
        self._view = memoryview(b"")
        self._lines = 1  # physical lines before the next block (the header)
        self.blank: list[int] = []
        # Arrow reads and parses on its own thread as well as the caller's: the file's counters
        # and lists change only under this lock (shared with the row bookkeeping, ``_Rows``)
        self.lock = threading.RLock()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not len(self._view):
            self._view = memoryview(self._next_block())
        n = min(len(buffer), len(self._view))
        buffer[:n] = self._view[:n]
        self._view = self._view[n:]
        return n

    def _next_block(self) -> bytes:
        block = self._handle.read(self._chunk)
        if not block:
            return b""
        if not block.endswith(b"\n"):
            block += self._handle.readline()
        with self.lock:
            return self._cleaned(block)

    def _cleaned(self, block: bytes) -> bytes:
        block = _clean(block, self._stats)
        if block.count(b"\r") != block.count(b"\r\n"):
            # Arrow would end a row at a lone CR; the release ends its lines with LF or CRLF
            block, n = _LONE_CR.subn(b" ", block)
            self._stats.stray_carriage_returns += n
        before = len(self.blank)
        if block.startswith((b"\n", b"\r\n")):
            self.blank.append(self._lines + 1)
        for match in _BLANK.finditer(block):
            self.blank.append(self._lines + block.count(b"\n", 0, match.end()) + 1)
        self._stats.blank_lines += len(self.blank) - before
        self._lines += block.count(b"\n")
        return block


def _read_header(path: Path, raw: bytes, stats: FileStats) -> list[str]:
    text = _clean(raw, stats).decode("utf-8").lstrip("\ufeff").rstrip("\r\n")
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


def _after(sorted_marks: list[int], shift: int) -> np.ndarray:
    """``mark_j - j - shift`` for sorted marks: how many unmarked items precede mark j."""
    marks = np.asarray(sorted_marks, dtype=np.int64)
    return marks - np.arange(len(marks), dtype=np.int64) - shift


class _Rows:
    """Row bookkeeping for one file: Arrow's row numbers -> physical lines, odd rows aside."""

    def __init__(
        self, path: Path, width: int, stats: FileStats, rejects: Rejects, stream: _CleanStream
    ) -> None:
        self.width, self.stats, self.rejects, self.stream = width, stats, rejects, stream
        self.file = stats.file
        self.odd: list[int] = []  # Arrow row numbers (header = 1) of rows its parser refused
        self.extra: list[tuple[int, list[str]]] = []  # refused rows that are kept after all
        self.refused: list[tuple[int, str]] = []  # (Arrow row number, reason)
        self.valid = 0  # rows Arrow accepted so far
        self.lock = stream.lock  # Arrow may call ``handler`` from its reader thread

    def handler(self, row: pacsv.InvalidRow) -> str:
        """Arrow's invalid-row callback: the row is blank, kept with a trimmed tail, or refused.

        Arrow may call it from its reader thread, so it changes shared state only under
        :attr:`lock`, as does the reading thread (:meth:`count`, :meth:`flush_refused`,
        :meth:`take_extra`).
        """
        # Arrow numbers the rows it parses from 1; its first row is the line after the header
        number = row.number + 1 if row.number is not None else -1
        text = row.text.rstrip("\r")
        delim = self.stats.delimiter
        fields = text.split(delim)
        count = len(fields)
        width, trailing = self.width, self.stats.header_trailing
        with self.lock:
            self.odd.append(number)
            if delim not in text and not text.strip():
                self.stats.blank_lines += 1
            elif width <= count <= width + trailing and not "".join(fields[width:]).strip():
                self.stats.rows_read += 1
                self.stats.trailing_fields_trimmed += count > width
                self.extra.append((number, fields[:width]))
            else:
                self.stats.rows_read += 1
                self.refused.append((number, f"expected {width} fields, found {count}"))
        return "skip"

    def count(self, name: str, n: int) -> None:
        """Add ``n`` to the file's counter ``name`` (under the lock the handler takes too)."""
        with self.lock:
            setattr(self.stats, name, getattr(self.stats, name) + n)

    def lines(self, rows: np.ndarray) -> np.ndarray:
        """Physical line numbers of Arrow row numbers (header = 1)."""
        if not self.stream.blank:
            return rows
        return rows + np.searchsorted(_after(sorted(self.stream.blank), 0), rows, side="right")

    def next_numbers(self, n: int) -> np.ndarray:
        """Arrow row numbers of the next ``n`` accepted rows."""
        k = np.arange(self.valid, self.valid + n, dtype=np.int64)
        self.valid += n
        if not self.odd:
            return k + 2
        return k + 2 + np.searchsorted(_after(sorted(self.odd), 2), k, side="right")

    def flush_refused(self) -> None:
        """Record the refused rows seen so far as rejects."""
        with self.lock:
            refused, self.refused = self.refused, []
        if not refused:
            return
        numbers = np.array([n for n, _ in refused], dtype=np.int64)
        for line, (_, reason) in zip(self.lines(numbers).tolist(), refused, strict=True):
            self.rejects.add(self.file, line, "", reason)
        self.count("rows_rejected", len(refused))

    def take_extra(self) -> list[tuple[int, list[str]]]:
        """The kept refused rows seen so far (taken: the next call starts empty)."""
        with self.lock:
            extra, self.extra = self.extra, []
        return extra


def _text(values: pa.ChunkedArray | pa.Array) -> pd.Series:
    """Stripped text, missing when empty, as a ``string[pyarrow]`` Series."""
    stripped = pc.utf8_trim_whitespace(values)
    cleaned = pc.if_else(pc.equal(stripped, ""), pa.scalar(None, pa.string()), stripped)
    if isinstance(cleaned, pa.Array):
        cleaned = pa.chunked_array([cleaned], type=pa.string())
    return pd.Series(pd.arrays.ArrowStringArray(cleaned))


def _frame(
    batch: pa.RecordBatch,
    lines: np.ndarray,
    names: Sequence[str],
    columns: dict[str, int],
) -> pd.DataFrame:
    data = {}
    for name in names:
        if name not in columns:
            data[name] = pd.Series(pd.NA, index=range(batch.num_rows), dtype=TEXT)
        else:
            data[name] = _text(batch.column(f"c{columns[name]}"))
    frame = pd.DataFrame(data)
    frame[LINE] = lines
    return frame


def _extra_frame(rows: _Rows, names: Sequence[str], columns: dict[str, int]) -> pd.DataFrame | None:
    extra = rows.take_extra()
    if not extra:
        return None
    numbers = np.array([n for n, _ in extra], dtype=np.int64)
    data = {
        name: (
            pa.array([fields[columns[name]] for _, fields in extra], type=pa.string())
            if name in columns
            else None
        )
        for name in names
    }
    frame = pd.DataFrame(
        {
            name: _text(values)
            if values is not None
            else pd.Series(pd.NA, index=range(len(numbers)), dtype=TEXT)
            for name, values in data.items()
        }
    )
    frame[LINE] = rows.lines(numbers)
    return frame


def _open(path: Path, stream: _CleanStream, **options: object) -> pacsv.CSVStreamingReader | None:
    """Arrow's streaming reader over ``stream``, or ``None`` when there is no row at all."""
    try:
        return pacsv.open_csv(stream, **options)
    except pa.ArrowInvalid as err:
        if "Empty CSV file" in str(err):
            return None
        raise SchemaError(f"{path.name}: cannot be read as a table ({err})") from err


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
        Bytes cleaned at a time (each block is extended to the end of its last line).

    Yields
    ------
    DataFrame
        Text columns (``string[pyarrow]``, stripped, ``NA`` when empty) plus ``_line``
        (header = 1).

    Raises
    ------
    SchemaError
        The file is empty, has no tab or pipe in its header, lacks a required column, or has a
        line longer than Arrow's block.

    Notes
    -----
    One pass over the file; memory holds one block of text and its wanted columns at a time.
    Arrow parses the rows; Python sees only the rows its parser refuses.
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
        width = len(header) + stats.header_trailing
        stream = _CleanStream(handle, stats, chunk_bytes)
        rows = _Rows(path, len(header), stats, rejects, stream)
        names = [f"c{i}" for i in range(width)]
        tail = names[len(header) :]  # the header's stray trailing columns: must be empty
        keep = sorted({names[i] for i in columns.values()} | set(tail))
        reader = _open(
            path,
            stream,
            read_options=pacsv.ReadOptions(
                use_threads=False,
                block_size=max(chunk_bytes, _MIN_BLOCK),
                column_names=names,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=stats.delimiter,
                quote_char=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=True,
                invalid_row_handler=rows.handler,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=keep,
                column_types=dict.fromkeys(keep, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        while reader is not None:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as err:
                raise SchemaError(f"{path.name}: cannot be read as a table ({err})") from err
            lines = rows.lines(rows.next_numbers(batch.num_rows))
            rows.count("rows_read", batch.num_rows)
            frame = _frame(batch, lines, list(wanted), columns)
            if tail:
                filled = np.zeros(batch.num_rows, dtype=bool)
                for name in tail:
                    filled |= pc.not_equal(pc.utf8_trim_whitespace(batch.column(name)), "")
                    filled = np.asarray(filled)
                if filled.any():
                    rows.count("rows_rejected", int(filled.sum()))
                    for line in lines[filled].tolist():
                        rejects.add(
                            stats.file, line, "", f"expected {len(header)} fields, found {width}"
                        )
                    frame = frame.loc[~filled].reset_index(drop=True)
                rows.count("trailing_fields_trimmed", int((~filled).sum()))
            rows.flush_refused()
            extra = _extra_frame(rows, list(wanted), columns)
            if extra is not None:
                frame = pd.concat([frame, extra], ignore_index=True)
                frame = frame.sort_values(LINE, kind="stable").reset_index(drop=True)
            if len(frame):
                yield frame
        rows.flush_refused()
        extra = _extra_frame(rows, list(wanted), columns)
        if extra is not None:
            yield extra
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
