"""Dates as people write them: any text is read without raising, out-of-range dates are missing
with their digits kept, and a column's day/month order comes from its values or is refused."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinlink.loaders.dates import (
    DTYPE,
    EARLIEST,
    LATEST,
    DateFormat,
    DateOrderError,
    parse_dates,
)

FAST = settings(max_examples=60, deadline=None)
in_range = st.dates(min_value=EARLIEST, max_value=LATEST)
any_date = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
date_like = st.one_of(
    st.text(alphabet="0123456789-/. :TZAPMamp", max_size=24),
    st.text(max_size=12),
    any_date.map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
    st.builds(
        lambda y, m, d: f"{y}-{m}-{d}",
        st.integers(0, 99999),
        st.integers(0, 99),
        st.integers(0, 99),
    ),
)


def iso(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


@FAST
@given(values=st.lists(st.one_of(st.none(), date_like), max_size=30))
def test_any_text_is_read_without_raising_except_an_undecided_order(
    values: list[str | None],
) -> None:
    raw = pd.Series(values, dtype="string")
    try:
        read = parse_dates(raw)
    except DateOrderError:
        return  # refused on purpose: tested below
    assert str(read.values.dtype) == DTYPE
    present = raw.notna().to_numpy()
    usable = read.values.notna().to_numpy()
    # every non-empty cell is either a usable date or has a named problem, never both
    assert (usable | read.bad.to_numpy() | ~present).all()
    assert not (usable & read.bad.to_numpy()).any()
    assert read.digits.notna().to_numpy().tolist() == present.tolist()
    kept = read.values[usable]
    assert ((kept >= pd.Timestamp(EARLIEST)) & (kept <= pd.Timestamp(LATEST))).all()


@FAST
@given(values=st.lists(st.one_of(st.none(), date_like), max_size=30))
def test_with_a_format_nothing_raises(values: list[str | None]) -> None:
    for text in ("%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%d %b %Y", "day-first", "month-first"):
        read = parse_dates(pd.Series(values, dtype="string"), fmt=DateFormat.parse(text))
        assert len(read.values) == len(values)


@FAST
@given(day=any_date)
def test_iso_dates_read_back_or_are_out_of_range_with_their_digits(day: dt.date) -> None:
    read = parse_dates(pd.Series([iso(day)]))
    assert read.digits[0] == iso(day).replace("-", "")
    if EARLIEST <= day <= LATEST:
        assert read.values[0] == pd.Timestamp(day)
        assert pd.isna(read.problem[0])
    else:
        assert pd.isna(read.values[0])
        assert read.problem[0] == "date out of range"


@FAST
@given(days=st.lists(in_range, min_size=1, max_size=20), month_first=st.booleans())
def test_the_order_is_decided_by_the_values_or_refused(
    days: list[dt.date], month_first: bool
) -> None:
    fmt = "{d.month}/{d.day}/{d.year}" if month_first else "{d.day:02d}/{d.month:02d}/{d.year}"
    raw = pd.Series([fmt.format(d=d) for d in days])
    deciding = [d for d in days if d.day > 12]
    open_ = [d for d in days if d.day <= 12 and d.day != d.month]
    if not deciding and open_:
        with pytest.raises(DateOrderError, match="day-first or as month-first"):
            parse_dates(raw)
        return
    read = parse_dates(raw)
    assert [v.date() for v in read.values] == days
    if deciding:
        assert read.order == ("month-first" if month_first else "day-first")


def test_both_orders_in_one_column_are_refused_with_examples_and_lines() -> None:
    raw = pd.Series(["14/03/2012", "03/14/1988", "2001-01-01"])
    with pytest.raises(DateOrderError) as err:
        parse_dates(raw, where="intake.csv, column DOB", lines=pd.Series([2, 3, 4]))
    assert "'14/03/2012' (line 2)" in str(err.value)
    assert "'03/14/1988' (line 3)" in str(err.value)
    assert "mapping" in str(err.value)


def test_an_explicit_format_wins_and_keeps_the_digits_of_impossible_dates() -> None:
    read = parse_dates(
        pd.Series(["03/04/2012", "30/02/1985", "1988-03-14", "4/3/1450"]),
        fmt=DateFormat.parse("%d/%m/%Y"),
    )
    assert str(read.values[0].date()) == "2012-04-03"
    assert read.problem.tolist() == [
        pd.NA,
        "impossible date",
        "unparseable date",
        "date out of range",
    ]
    assert read.digits.tolist() == ["20120403", "19850230", "1988-03-14", "14500304"]


@pytest.mark.parametrize(
    "text",
    [
        "03/14/1988",
        "3/14/1988",
        "1988-3-14",
        "1988-03-14T00:00:00",
        "3/14/1988 0:00",
        "14 Mar 1988",
        "March 14, 1988",
        "14 de marzo de 1988",
        "19880314",
        "1988/03/14",
        "3/14/1988 12:00:00 AM",
    ],
)
def test_the_ways_people_write_one_date(text: str) -> None:
    read = parse_dates(pd.Series([text]))
    assert read.values[0] == pd.Timestamp("1988-03-14"), text
    assert read.digits[0] == "19880314"


def test_bad_formats_are_refused_with_the_reason() -> None:
    for text, words in [("%Y-%m", "needs"), ("%Y-%q-%d", "'%q'"), ("%d/%d/%Y", "needs")]:
        with pytest.raises(ValueError, match=words):
            DateFormat.parse(text)


def test_no_value_of_any_kind_overflows_downstream() -> None:
    """The stored dtype holds every accepted date, and day arithmetic on it cannot overflow."""
    read = parse_dates(pd.Series([iso(EARLIEST), iso(LATEST), None]))
    days = read.values.to_numpy().astype("datetime64[D]").astype(np.int64)
    assert days[0] < days[1]
    assert str(pd.to_datetime(read.values).dtype) == DTYPE


def test_year_last_strays_in_an_iso_column_are_read_one_by_one_and_never_stop_the_run() -> None:
    """A bundle's dates are ISO; a few year-last cells among them, even ones whose orders
    disagree, are each read on their own, and one that reads both ways is missing."""
    iso_dates = ["1990-01-02", "1985-06-30", "2001-11-11", "1970-01-01", "1999-12-31"]
    raw = pd.Series(
        [*iso_dates[:3], "03/04/2012", "13/01/2000", "01/13/2000", "05/05/1999", *iso_dates[3:]]
    )
    read = parse_dates(raw)
    assert read.order == "iso"
    assert [str(v)[:10] for v in read.values[3:7]] == [
        "NaT",
        "2000-01-13",
        "2000-01-13",
        "1999-05-05",
    ]
    assert read.problem[3] == "date order unclear" and read.problem[4:].isna().all()


def test_a_year_last_column_is_read_in_the_order_nearly_all_its_deciding_values_show() -> None:
    day_first = [f"{d}/0{m}/1990" for d in range(13, 29) for m in (1, 2)]  # 32 day-first values
    read = parse_dates(pd.Series([*day_first, "01/13/1990", "03/04/1990"]))
    assert read.order == "day-first"
    assert str(read.values.iloc[-1])[:10] == "1990-04-03"
    assert read.problem.iloc[-2] == "impossible date"  # 13th month, read day-first
    with pytest.raises(DateOrderError, match="both day-first"):
        parse_dates(pd.Series([*day_first[:4], "01/13/1990"]))  # 4 against 1: not settled
