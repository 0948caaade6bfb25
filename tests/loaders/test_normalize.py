"""The normalisers: every written form in the contract, and what must not parse."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinlink.loaders import normalize


@pytest.mark.parametrize(
    "written",
    [
        "A012345678",
        "A-012-345-678",
        "12345678",
        "012 345 678",
        "a012345678",
        " A 012.345.678 ",
        "012/345/678",
        "A12345678",
        # pasted from a word processor or a web page: no-break space, en dash, no-break hyphen
        "A\u00a0012\u00a0345\u00a0678",
        "A\u2013012\u2013345\u2013678",
        "012\u2011345\u2011678",
    ],
)
def test_a_number_written_forms_normalise_to_nine_digits(written: str) -> None:
    values, bad = normalize.a_number(pd.Series([written]))
    assert values.tolist() == ["012345678"]
    assert not bad.any()


@pytest.mark.parametrize(
    "written", ["A1234567", "1234567890", "A12B45678", "AA12345678", "123456789012", "x"]
)
def test_a_number_rejects_wrong_length_and_letters(written: str) -> None:
    values, bad = normalize.a_number(pd.Series([written]))
    assert values.isna().all()
    assert bad.all()


@given(st.integers(min_value=0, max_value=999_999_999))
def test_a_number_hyphenated_round_trip(number: int) -> None:
    digits = f"{number:09d}"
    written = f"A-{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    assert normalize.a_number(pd.Series([written]))[0].iloc[0] == digits


def test_dates_written_ways_and_impossible_dates_are_bad() -> None:
    values, bad = normalize.date(
        pd.Series(
            [
                "2019-12-31",
                "2019-13-01",
                "2020-02-29",
                "2021-02-29",
                "12/31/2019",
                None,
                "2019-01-28T08:00",
            ]
        )
    )
    assert [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in values] == [
        "2019-12-31",
        None,
        "2020-02-29",
        None,
        "2019-12-31",
        None,
        "2019-01-28",
    ]
    assert bad.tolist() == [False, True, False, True, False, False, False]
    assert str(values.dtype) == "datetime64[s]"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        ("Yes", True),
        ("no", False),
        ("Y", True),
        ("n", False),
    ],
)
def test_booleans_in_every_contract_form(written: str, expected: bool) -> None:
    values, _ = normalize.boolean(pd.Series([written]))
    assert values.tolist() == [expected]
    assert str(values.dtype) == "boolean"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("HND", "HND"),
        ("gtm", "GTM"),
        ("El Salvador", "SLV"),
        ("Cuba", "CUB"),
        ("Venezuela", "VEN"),
        ("ecuador", "ECU"),
        ("Nicaragua", "NIC"),
        ("Brazil", "BRA"),
        ("Colombia", "COL"),
        ("Perú", "PER"),
        ("MEXICO", "MEX"),
        ("México", "MEX"),
        ("United States", "USA"),
        ("Guatemala", "GTM"),
    ],
)
def test_nationality_codes_and_names(written: str, expected: str) -> None:
    assert normalize.nationality(pd.Series([written]))[0].iloc[0] == expected


def test_unknown_country_is_missing_and_counted() -> None:
    values, bad = normalize.nationality(pd.Series(["Wakanda", None]))
    assert values.isna().all()
    assert bad.tolist() == [True, False]


def test_sex_codes() -> None:
    values, bad = normalize.sex(pd.Series(["m", "F", "x", "female", "Masculino", "?", None]))
    assert values.tolist()[:5] == ["M", "F", "X", "F", "M"]
    assert bad.tolist() == [False] * 5 + [True, False]


def test_names_are_nfc_and_collapsed_but_keep_case_and_accents() -> None:
    decomposed = "Jose\u0301"  # e + combining acute
    values = normalize.name(pd.Series([f"  {decomposed}   María ", "DE LA CRUZ"]))
    assert values.tolist() == ["José María", "DE LA CRUZ"]
    assert values.iloc[0] == "Jos\u00e9 Mar\u00eda"
