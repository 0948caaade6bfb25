"""Arrow's CSV fast path reads exactly what the careful csv-module reader reads, or declines."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinlink.loaders import read

TAKEN = {
    "plain": "a,b\n1,2\n3,4\n",
    "windows line ends": "a,b\r\n1,2\r\n3,4\r\n",
    "no final line end": "a,b\n1,2\n3,4",
    "quoted comma": 'a,b\n"x, y",2\n',
    "doubled quotes": 'a,b\n"x ""q"" y",2\n',
    "quote inside a cell": 'a,b\nab"c,2\n',
    "text after a closing quote": 'a,b\n"abc"def,2\n',
    "space before a quote": 'a,b\n "abc",2\n',
    "spaces and case": "a, B \n  1 , 2 \n",
    "empty cells": 'a,b\n,\n"",x\n',
    "header only": "a,b\n",
}
DECLINED = {
    "ragged rows": "a,b\n1,2,3\n4\n",
    "a stray trailing comma": "a,b\n1,2,\n",
    "a blank line": "a,b\n1,2\n\n3,4\n",
    "a line break in a quoted cell": 'a,b\n"x\ny",2\n',
    "an unclosed quote": 'a,b\n"abc,2\n',
    "blank lines before the header": "\n\na,b\n1,2\n",
    "a bare carriage return in a quoted cell": 'a,b\r\n"x\ry",2\r\n',
}


def _careful(path: Path, monkeypatch: pytest.MonkeyPatch) -> read.RawTable:
    with monkeypatch.context() as patch:
        patch.setattr(read, "_read_csv_fast", lambda *args: None)
        return read.read_table(path)


def _same(a: read.RawTable, b: read.RawTable) -> bool:
    return (
        a.frame.astype(object).equals(b.frame.astype(object))
        and a.rejects == b.rejects
        and a.header_line == b.header_line
    )


@pytest.mark.parametrize("text", TAKEN.values(), ids=TAKEN.keys())
def test_fast_path_reads_what_the_careful_reader_reads(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8", newline="")
    assert read._read_csv_fast(path, text, []) is not None  # the fast path really ran
    assert _same(read.read_table(path), _careful(path, monkeypatch))


@pytest.mark.parametrize("text", DECLINED.values(), ids=DECLINED.keys())
def test_fast_path_declines_what_needs_true_line_numbers(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8", newline="")
    assert read._read_csv_fast(path, text, []) is None
    assert _same(read.read_table(path), _careful(path, monkeypatch))


_CELL = st.text(alphabet=st.sampled_from(list('ab ,"\n\ré')), max_size=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(_CELL, min_size=1, max_size=3), min_size=0, max_size=6),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_fast_path_agrees_on_written_csv(
    rows: list[list[str]],
    quoting: Literal[0, 1, 2, 3],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=quoting, lineterminator="\n")
    writer.writerow(["x", "y", "z"])
    writer.writerows(rows)
    text = buffer.getvalue()
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8", newline="")
    fast = read._read_csv_fast(path, text, [])
    if fast is not None:
        assert _same(fast, _careful(path, monkeypatch))
        assert fast.frame[read.LINE].tolist() == list(range(2, 2 + len(fast.frame)))
    assert isinstance(read.read_table(path).frame, pd.DataFrame)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list(" \t\r\n\x0b\x1c\u2028a,;")), max_size=40),
    blank=st.integers(min_value=0, max_value=9000),
)
def test_first_line_is_the_first_non_blank_line_of_splitlines(text: str, blank: int) -> None:
    # blank lines of any length before the header, past the prefix read first, and line ends
    # ("\r\n") split across its end
    for whole in (text, " " * blank + "\r\n" + text, "\n" * blank + text, " " * blank + text):
        expected = next((line for line in whole.splitlines() if line.strip()), "")
        assert read._first_line(whole) == expected


def test_a_byte_order_mark_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfid,name\r\n1,Jos\xc3\xa9\r\n")
    raw = read.read_table(path)
    assert list(raw.frame.columns) == ["id", "name", read.LINE]
    assert raw.frame["name"].tolist() == ["José"]


def test_a_cell_is_blank_exactly_when_trimming_leaves_nothing() -> None:
    # every whitespace character Arrow knows, beside ones it does not (zero-width space, NUL)
    odd = [chr(c) for c in range(0x3100) if not 0xD800 <= c <= 0xDFFF]
    values = ["", " ", "\t\n", "a", " a ", *odd, *(c + c for c in odd), *(c + "x" for c in odd)]
    array = pa.array([*values, None], type=pa.string())
    trimmed = pc.utf8_trim_whitespace(array).to_pylist()
    expected = [None if not t else v for v, t in zip([*values, None], trimmed, strict=True)]
    cells = read.cells(array)
    assert cells.tolist() == pd.array(expected, dtype="string").tolist()
    assert cells.isna().sum() > 60  # the test saw many blanks
