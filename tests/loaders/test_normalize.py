"""The normalisers: every written form in the contract, and what must not parse."""

from __future__ import annotations

import unicodedata

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


# Cells that tell a per-distinct-value normaliser from a careless one: accents composed and
# decomposed (equal once NFC'd, distinct before), spacing inside and around, case variants of one
# word, empty and blank strings, missing cells, and a name cell over the length limit.
_TRICKY = [
    "José",
    "Jose\u0301",
    "  Jose\u0301   Luis ",
    "JOSÉ",
    "",
    " ",
    "\u00a0",
    None,
    "y",
    "Y",
    " yes ",
    "no",
    "maybe",
    "f",
    "Femenino",
    "mujer",
    "Honduras",
    "hnd",
    "México",
    "Mexico",
    "Atlantis",
    "pending ",
    "Positive",
    "Mother",
    "hija",
    "other relative",
    "neighbour",
    "x" * normalize.MAX_NAME_LENGTH,
    "x" * (normalize.MAX_NAME_LENGTH + 1),
    "é" * (normalize.MAX_NAME_LENGTH + 1),
    "José",
    None,
]
_STORAGE = ["string[pyarrow]", "string[python]", "object"]


def _cell_by_cell(cells: pd.Series, parse, dtype: str) -> tuple[list[object], list[bool]]:
    """What a normaliser must give: ``parse`` applied to each cell on its own."""
    parsed = [None if pd.isna(cell) else parse(cell) for cell in cells]
    bad = [not pd.isna(cell) and value is None for cell, value in zip(cells, parsed, strict=True)]
    return pd.array(parsed, dtype=dtype).tolist(), bad


_PARSERS = {
    "boolean": (
        lambda v: (
            True
            if v.lower() in normalize.TRUE_WORDS
            else (False if v.lower() in normalize.FALSE_WORDS else None)
        ),
        "boolean",
    ),
    "nationality": (normalize.country_code, "string"),
    "sex": (lambda v: normalize.SEX_WORDS.get(v.strip().upper()), "string"),
    "role": (normalize.role_of, "string"),
}


@pytest.mark.parametrize("storage", _STORAGE)
@pytest.mark.parametrize("kind", _PARSERS)
def test_distinct_value_normalisers_give_what_each_cell_gives(storage: str, kind: str) -> None:
    cells = pd.Series(_TRICKY, dtype=storage, index=range(10, 10 + len(_TRICKY)))
    parse, dtype = _PARSERS[kind]
    values, bad = getattr(normalize, kind)(cells)
    expected, expected_bad = _cell_by_cell(cells, parse, dtype)
    assert values.tolist() == expected
    assert str(values.dtype) == dtype
    assert bad.tolist() == expected_bad
    assert values.index.equals(cells.index) and bad.index.equals(cells.index)


@pytest.mark.parametrize("storage", _STORAGE)
def test_code_and_checked_name_give_what_each_cell_gives(storage: str) -> None:
    cells = pd.Series(_TRICKY, dtype=storage)
    values, bad = normalize.code(cells, {"PENDING", "POSITIVE", "MAYBE"})
    expected = [
        None
        if pd.isna(c) or c.strip().upper() not in {"PENDING", "POSITIVE", "MAYBE"}
        else c.strip().upper()
        for c in _TRICKY
    ]
    assert values.tolist() == pd.array(expected, dtype="string").tolist()
    assert bad.tolist() == [
        not pd.isna(c) and e is None for c, e in zip(_TRICKY, expected, strict=True)
    ]

    values, bad = normalize.checked_name(cells)
    limit = normalize.MAX_NAME_LENGTH
    long = [not pd.isna(c) and len(c) > limit for c in _TRICKY]
    expected = [
        None
        if pd.isna(c) or too_long
        else (" ".join(unicodedata.normalize("NFC", c).split()) or None)
        for c, too_long in zip(_TRICKY, long, strict=True)
    ]
    assert values.tolist() == pd.array(expected, dtype="string").tolist()
    assert str(values.dtype) == "string"
    assert bad.tolist() == long
    assert values.iloc[1] == values.iloc[0] == "Jos\u00e9"


@pytest.mark.parametrize("storage", _STORAGE)
def test_distinct_value_normalisers_take_all_missing_and_empty_columns(storage: str) -> None:
    for cells in (pd.Series([None, None], dtype=storage), pd.Series([], dtype=storage)):
        values, bad = normalize.boolean(cells)
        assert values.isna().all() and str(values.dtype) == "boolean"
        assert not bad.any() and len(bad) == len(cells)
        values, bad = normalize.checked_name(cells)
        assert values.isna().all() and str(values.dtype) == "string"
        assert not bad.any() and len(bad) == len(cells)


@pytest.mark.parametrize("storage", _STORAGE)
@pytest.mark.parametrize("repeat", [1, 3], ids=["mostly distinct", "repeated"])
def test_text_and_label_give_what_each_cell_gives(storage: str, repeat: int) -> None:
    # each cell once takes the whole-column path, repeated cells the distinct-value one
    written = [c for c in _TRICKY if c is None or len(c) < 20] + ["\tA b\n", " \u2003x\u2003"]
    cells = pd.Series(written * repeat, dtype=storage, index=range(5, 5 + len(written) * repeat))
    stripped = [None if pd.isna(c) or not c.strip() else c.strip() for c in cells]
    for values, expected in (
        (normalize.text(cells), stripped),
        (normalize.label(cells), [None if c is None else c.upper() for c in stripped]),
    ):
        assert values.tolist() == pd.array(expected, dtype="string").tolist()
        assert str(values.dtype) == "string"
        assert values.index.equals(cells.index)


@pytest.mark.parametrize("storage", _STORAGE)
def test_text_takes_all_missing_and_empty_columns(storage: str) -> None:
    for cells in (pd.Series([None, None], dtype=storage), pd.Series([], dtype=storage)):
        values = normalize.text(cells)
        assert values.isna().all() and len(values) == len(cells)
        assert str(values.dtype) == "string"


@pytest.mark.parametrize("storage", _STORAGE)
@pytest.mark.parametrize("repeat", [1, 3], ids=["mostly distinct", "repeated"])
def test_as_written_is_the_cells_as_strings(storage: str, repeat: int) -> None:
    cells = pd.Series(_TRICKY * repeat, dtype=storage, index=range(3, 3 + len(_TRICKY) * repeat))
    values = normalize.as_written(cells)
    assert values.tolist() == cells.astype("string").tolist()
    assert str(values.dtype) == "string" and values.index.equals(cells.index)
