"""Small helpers shared by the EOIR mapping steps: dates, row filters with rejects, counters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kinlink.loaders.eoir.reader import LINE, Rejects


def parse_dates(values: pd.Series) -> tuple[pd.Series, int]:
    """Parse EOIR dates (``2019-07-23 00:00:00.000``, ``2019-07-23``, ``Jul 23 2019 12:00AM``).

    Each distinct value is parsed once, so a 5-million-row column with a few thousand distinct
    dates costs a few thousand parses.

    Returns
    -------
    (Series, int)
        ``datetime64[ns]`` values (``NaT`` when missing or unparseable) and the number of
        non-empty values that could not be parsed.

    Examples
    --------
    >>> dates, bad = parse_dates(pd.Series(["2019-07-23 00:00:00.000", None, "Jul 23 2019 12:00AM",
    ...                                     "2019-02-30", "soon"]))
    >>> [str(d.date()) if not pd.isna(d) else None for d in dates], bad
    (['2019-07-23', None, '2019-07-23', None, None], 2)
    """
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    text = pd.Series(uniques, dtype="string")
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if iso.any():
        parsed[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    other = ~iso
    if other.any():
        parsed[other] = pd.to_datetime(text[other], format="mixed", errors="coerce")
    parsed = parsed.where(parsed.dt.year.between(1900, 2100))
    out = (
        parsed.to_numpy()[np.where(codes >= 0, codes, 0)]
        if len(parsed)
        else np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    )
    result = pd.Series(out, index=values.index, dtype="datetime64[ns]")
    result[codes < 0] = pd.NaT
    bad = int(np.count_nonzero(parsed.isna().to_numpy()[codes[codes >= 0]]))
    return result, bad


def id_set(values: pd.Series) -> pd.Index:
    """A set of ids for :func:`member` and :func:`lookup`, hashed once, used on every chunk."""
    return pd.Index(values.astype(object).dropna().unique(), dtype=object)


def positions(values: pd.Series, ids: pd.Index) -> np.ndarray:
    """Position of each value in ``ids`` (-1 when absent or missing).

    ``ids`` keeps its hash table between calls, so a chunk costs O(chunk), not O(len(ids)) as
    ``Series.isin`` or a merge would (both rebuild a table of all ids on every call).
    """
    return np.asarray(ids.get_indexer(pd.Index(values.astype(object).to_numpy(), dtype=object)))


def member(values: pd.Series, ids: pd.Index) -> pd.Series:
    """Whether each value is one of ``ids`` (missing values are not).

    Examples
    --------
    >>> member(pd.Series(["1", None, "3"], dtype="string[pyarrow]"),
    ...        id_set(pd.Series(["3", "1"]))).tolist()
    [True, False, True]
    """
    return pd.Series(positions(values, ids) >= 0, index=values.index, dtype=bool)


def iso_dates(values: pd.Series) -> pd.Series:
    """``YYYY-MM-DD`` text (missing stays missing)."""
    return values.dt.strftime("%Y-%m-%d").astype("string")


def drop_rows(
    frame: pd.DataFrame, bad: pd.Series, rejects: Rejects, file: str, column: str, reason: str
) -> pd.DataFrame:
    """Reject the rows where ``bad`` holds (file, line, column, reason) and return the rest."""
    bad = bad.fillna(False).astype(bool)
    if not bad.any():
        return frame
    rejects.add_many(file, frame.loc[bad, LINE], column, reason)
    return frame.loc[~bad]


def unknown_case(file: str) -> str:
    """The reject reason for a row that names a case the case table does not hold."""
    return f"unknown IDNCASE (not in {file})"


def keep_known_cases(
    chunk: pd.DataFrame,
    id_columns: tuple[str, ...],
    case_ids: pd.Index,
    rejects: Rejects,
    file: str,
    case_file: str,
) -> pd.DataFrame:
    """Reject rows missing any of ``id_columns``, then rows whose ``IDNCASE`` is unknown."""
    for column in id_columns:
        chunk = drop_rows(chunk, chunk[column].isna(), rejects, file, column, f"missing {column}")
    return drop_rows(
        chunk,
        ~member(chunk["IDNCASE"], case_ids),
        rejects,
        file,
        "IDNCASE",
        unknown_case(case_file),
    )


class Counts(Counter[str]):
    """Named counts for the import summary."""

    def note(self, name: str, n: int | np.integer) -> None:
        """Add ``n`` to ``name`` (zero adds nothing, so the summary lists only what happened)."""
        if n:
            self[name] += int(n)


def text_table(frame: pd.DataFrame) -> pa.Table:
    """A frame as an Arrow table of text columns (booleans as ``true``/``false``) for CSV.

    Examples
    --------
    >>> text_table(pd.DataFrame({"a": [True, False], "b": [1, None]})).to_pylist()
    [{'a': 'true', 'b': '1'}, {'a': 'false', 'b': None}]
    """
    columns = {}
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_bool_dtype(values):
            values = values.map({True: "true", False: "false"})
        elif pd.api.types.is_float_dtype(values) and values.dropna().mod(1).eq(0).all():
            values = values.astype("Int64")
        columns[str(name)] = pa.array(values.astype("string[pyarrow]").array, type=pa.string())
    return pa.table(columns)


class CsvWriter:
    """Write frames to one CSV file, header first, quoting only where needed (Arrow's writer)."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self._schema = pa.schema([(name, pa.string()) for name in columns])
        self._writer = pacsv.CSVWriter(
            str(path), self._schema, write_options=pacsv.WriteOptions(quoting_style="needed")
        )

    def write(self, frame: pd.DataFrame) -> None:
        """Append the rows of ``frame`` (its columns as given at creation)."""
        self._writer.write_table(text_table(frame).select(self._schema.names))

    def close(self) -> None:
        """Finish the file."""
        self._writer.close()


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write one frame as CSV (see :class:`CsvWriter`)."""
    writer = CsvWriter(path, [str(c) for c in frame.columns])
    try:
        writer.write(frame)
    finally:
        writer.close()


def to_ids(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """EOIR ids (whole numbers written as text) as ``int64``, and where a value is not one.

    Returns
    -------
    (ndarray, ndarray)
        The ids (``-1`` where missing or not a whole number) and a boolean mask of the values
        that are present but not a whole number.

    Examples
    --------
    >>> ids, bad = to_ids(pd.Series(["12", None, "x7", "0042"], dtype="string[pyarrow]"))
    >>> ids.tolist(), bad.tolist()
    ([12, -1, -1, 42], [False, False, True, False])
    """
    arr = pa.array(values.astype("string[pyarrow]").array, type=pa.string())
    try:  # the common case: every value a whole number (or missing)
        ids = pc.cast(arr, pa.int64())
        if pc.min(ids).as_py() is None or pc.min(ids).as_py() >= 0:
            return np.asarray(ids.fill_null(-1), dtype=np.int64), np.zeros(len(arr), dtype=bool)
    except pa.ArrowInvalid:
        pass
    whole = pc.match_substring_regex(arr, r"^[0-9]{1,18}$")
    ids = pc.cast(pc.if_else(whole, arr, pa.scalar(None, pa.string())), pa.int64())
    out = np.asarray(ids.fill_null(-1), dtype=np.int64)
    bad = np.asarray(pc.and_(pc.is_valid(arr), pc.invert(whole)).fill_null(False), dtype=bool)
    return out, bad


class CaseIndex:
    """Positions of ``IDNCASE`` numbers in the case table.

    EOIR numbers its cases densely, so the index is a table from number to position (4 bytes a
    number between the smallest and the largest); ids spread too thinly for that are found by
    binary search in a sorted copy instead. Either is far lighter than a hash of 12 million
    Python strings.

    Examples
    --------
    >>> index = CaseIndex(np.array([30, 10, 20]))
    >>> index.positions(np.array([20, 99, 30, -1])).tolist()
    [2, -1, 0, -1]
    >>> CaseIndex(np.array([10**15, 7, 20])).positions(np.array([20, 10**15, 8])).tolist()
    [2, 0, -1]
    """

    def __init__(self, ids: np.ndarray) -> None:
        self.n = len(ids)
        self.low = int(ids.min()) if len(ids) else 0
        span = int(ids.max()) - self.low + 1 if len(ids) else 0
        self.table: np.ndarray | None = None
        if span <= max(8 * len(ids), 1 << 20):
            self.table = np.full(span, -1, dtype=np.int32 if len(ids) < 2**31 else np.int64)
            self.table[ids - self.low] = np.arange(len(ids))
        else:
            self.order = np.argsort(ids, kind="stable")
            self.sorted = ids[self.order]

    def __len__(self) -> int:
        return self.n

    def positions(self, ids: np.ndarray) -> np.ndarray:
        """Row of each id in the case table, ``-1`` when the table has no such case."""
        if not self.n:
            return np.full(len(ids), -1, dtype=np.int64)
        if self.table is not None:
            at = ids - self.low
            inside = (at >= 0) & (at < len(self.table))
            found = np.full(len(ids), -1, dtype=np.int64)
            found[inside] = self.table[at[inside]]
            return found
        at = np.minimum(np.searchsorted(self.sorted, ids), len(self.sorted) - 1)
        return np.where(self.sorted[at] == ids, self.order[at], -1)


def not_a_number(column: str) -> str:
    """The reject reason for an id that is not a whole number."""
    return f"{column} is not a whole number"


def whole_ids(
    frame: pd.DataFrame, column: str, rejects: Rejects, file: str, name: str | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Reject rows whose ``column`` is missing or not a whole number; the rest and their ids.

    ``name`` is the column named in the rejects (default ``column``).
    """
    name = name or column
    frame = drop_rows(frame, frame[column].isna(), rejects, file, name, f"missing {name}")
    ids, bad = to_ids(frame[column])
    frame = drop_rows(
        frame, pd.Series(bad, index=frame.index), rejects, file, name, not_a_number(name)
    )
    return frame, ids[~bad]


def arrow_text(values: pd.Series) -> pa.Array:
    """A text column as an Arrow string array (no copy for ``string[pyarrow]``)."""
    return pa.array(values.astype("string[pyarrow]").array, type=pa.string())


class Spill:
    """Rows set aside on disk during a pass (Arrow IPC, lz4), read back in batches.

    A full release's schedule is tens of millions of rows; which of them the bundle keeps is
    known only once every table has been read, so the columns kept from each row wait here.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: pa.ipc.RecordBatchFileWriter | None = None
        self.rows = 0

    def write(self, columns: dict[str, object]) -> None:
        """Append one batch (column name -> numpy array or Arrow array)."""
        batch = pa.record_batch({k: pa.array(v) for k, v in columns.items()})
        if self._writer is None:
            self._writer = pa.ipc.new_file(
                str(self.path), batch.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")
            )
        self._writer.write_batch(batch)
        self.rows += batch.num_rows

    def close(self) -> None:
        """Finish writing."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def read(self) -> Iterator[pa.Table]:
        """The spilled batches, in the order written."""
        self.close()
        if not self.path.exists():
            return
        with pa.memory_map(str(self.path)) as source:
            reader = pa.ipc.open_file(source)
            for i in range(reader.num_record_batches):
                yield pa.Table.from_batches([reader.get_batch(i)])

    def remove(self) -> None:
        """Delete the file."""
        self.close()
        self.path.unlink(missing_ok=True)


def take_text(values: pd.Series, at: np.ndarray) -> pd.Series:
    """``values`` at positions ``at`` (``-1``: missing), as ``string[pyarrow]``, without turning
    the whole column into Python strings.

    Examples
    --------
    >>> take_text(pd.Series(["a", "b", "c"], dtype="string[pyarrow]"), np.array([2, -1, 0]))
    0       c
    1    <NA>
    2       a
    dtype: string
    """
    indices = pa.array(at, mask=at < 0, type=pa.int64())
    taken = pc.take(arrow_text(values), indices)
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([taken], type=pa.string())))


class KeptIds:
    """``IDNCASE`` as written, for the kept cases only, found by case position.

    Text for every case of a full release (12 million) would cost about a gigabyte; the kept
    cases are a few tens of thousands.

    Examples
    --------
    >>> ids = KeptIds(pd.Series(["0042", "7"]), np.array([3, 5]), 6)
    >>> ids.at(np.array([5, 3, -1])).tolist()
    ['7', '0042', <NA>]
    """

    def __init__(self, text: pd.Series, kept: np.ndarray, n: int) -> None:
        self.text = text.astype("string[pyarrow]").reset_index(drop=True)
        self.index = np.full(n, -1, dtype=np.int64)
        self.index[kept] = np.arange(len(kept))

    def at(self, positions: np.ndarray) -> pd.Series:
        """The ids of the cases at ``positions`` (``-1``, or a case not kept: missing)."""
        found = np.where(positions >= 0, self.index[np.maximum(positions, 0)], -1)
        return take_text(self.text, found)
