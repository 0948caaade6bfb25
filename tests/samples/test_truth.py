"""The generator's own implementation of the contract's rules, on hand-made bundles."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest

from kinlink.samples.truth import compute_truth

IND_COLUMNS = [
    "record_id",
    "nationality",
    "country_of_location",
    "as_of",
    "uac",
    "fear_claimed",
    "fear_assessment",
]


def bundle(
    records: Sequence[tuple[str, ...]],
    units: Sequence[tuple[str, str]],
    cases: Sequence[tuple[str, ...]] = (),
) -> dict[str, pd.DataFrame]:
    """records: (record_id, person, nationality, country, as_of, uac, fear, assessment);
    units: (unit, record_id); cases: (case_id, record_id, court, mpp, status)."""
    ind = pd.DataFrame([(r[0], *r[2:]) for r in records], columns=IND_COLUMNS)
    persons = pd.DataFrame([(r[0], r[1]) for r in records], columns=["record_id", "person_id"])
    fu = pd.DataFrame(units, columns=["family_unit_id", "record_id"])
    cs = pd.DataFrame(list(cases), columns=["case_id", "record_id", "court", "mpp", "status"])
    return compute_truth(ind, fu, cs, persons)


def codes(out: dict[str, pd.DataFrame], name: str) -> set[str]:
    frame = out[name]
    return set(frame.codes.iloc[0].split(";")) if len(frame) else set()


def rec(
    rid: str,
    person: str,
    nat: str = "HND",
    country: str = "MEX",
    as_of: str = "2019-08-01",
    uac: str = "",
    fear: str = "",
    assessment: str = "",
) -> tuple[str, ...]:
    return (rid, person, nat, country, as_of, uac, fear, assessment)


def test_families_are_unit_components_and_singletons_are_not_flagged() -> None:
    out = bundle(
        [
            rec("a1", "P1", country="MEX"),
            rec("b1", "P2", country="USA"),
            rec("c1", "P3", country="USA"),
            rec("d1", "P4"),
            rec("e1", "P5", country="USA"),
        ],
        [("u1", "a1"), ("u1", "b1"), ("u2", "b1"), ("u2", "c1"), ("u3", "e1")],
    )
    families = out["families"].groupby("family_id").person_id.agg(frozenset)
    assert set(families) == {frozenset({"P1", "P2", "P3"}), frozenset({"P5"})}
    assert list(out["separated_families"].family_id) == ["F1"]  # F + smallest person id
    assert out["separated_families"].record_ids.iloc[0] == "a1;b1;c1"


def test_nationality_is_the_mode_and_ties_go_to_the_latest_record() -> None:
    out = bundle(
        [
            rec("a1", "P1", "HND", as_of="2019-01-01"),
            rec("a2", "P1", "Mexico", as_of="2020-01-01"),
            rec("b1", "P2", "HND"),
            rec("b2", "P2", "HND"),
            rec("b3", "P2", "SLV"),
        ],
        [("u", "a1"), ("u", "b1")],
    )
    mixed = out["mixed_nationality_units"]
    assert mixed.nationalities.iloc[0] == "HND;MEX" and mixed.mexican_member.iloc[0] == "true"
    same_day = bundle(
        [
            rec("a1", "P1", "GTM", as_of="2019-01-01"),
            rec("a2", "P1", "HND", as_of="2019-01-01"),
            rec("b1", "P2", "GTM"),
        ],
        [("u", "a1"), ("u", "b1")],
    )
    assert same_day["mixed_nationality_units"].nationalities.iloc[0] == "GTM;HND"


def test_location_uses_the_latest_record_with_a_country() -> None:
    out = bundle(
        [
            rec("a1", "P1", country="USA", as_of=""),
            rec("a2", "P1", country="MEX", as_of="2019-02-01"),
            rec("a3", "P1", country="", as_of="2022-01-01"),
            rec("b1", "P2", country="MEX"),
        ],
        [("u", "a1"), ("u", "b1")],
    )
    assert out["separated_families"].empty  # P1 is in MEX: a missing as_of is earliest


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        (
            [
                ("c1", "a1", "El Paso", "true", "PENDING"),
                ("c2", "b1", "Houston", "false", "PENDING"),
            ],
            {"COURT_SPLIT", "MPP_SPLIT"},
        ),
        (
            [
                ("c1", "a1", "El Paso", "true", "PENDING"),
                ("c2", "b1", "el paso", "true", "PENDING"),
            ],
            set(),
        ),
        ([("c1", "a1", "El Paso", "true", "IN_ABSENTIA")], {"MPP_SPLIT"}),
    ],
)
def test_separated_codes(cases: list, expected: set[str]) -> None:
    out = bundle([rec("a1", "P1"), rec("b1", "P2")], [("u", "a1"), ("u", "b1")], cases)
    assert codes(out, "separated_families") == expected


@pytest.mark.parametrize(
    ("b_record", "cases", "expected"),
    [
        (
            rec("b1", "P2", assessment="POSITIVE"),
            [("c1", "a1", "X", "true", "IN_ABSENTIA"), ("c2", "b1", "X", "true", "IN_ABSENTIA")],
            {"POSITIVE_FEAR"},
        ),
        (
            rec("b1", "P2", assessment="POSITIVE"),
            [("c1", "a1", "X", "false", "PENDING"), ("c2", "b1", "X", "false", "PENDING")],
            set(),
        ),
        (
            rec("b1", "P2", nat="MEX", fear="Y"),
            [("c1", "a1", "X", "1", "REMOVAL_ORDERED")],
            {"MEXICAN_MEMBER_FEAR"},
        ),
        (
            rec("b1", "P2", nat="MEX"),
            [("c1", "a1", "X", "yes", "CLOSED"), ("c2", "b1", "X", "yes", "CLOSED")],
            {"NON_AMENABLE"},
        ),
        (
            rec("b1", "P2", uac="true"),
            [("c1", "a1", "X", "true", "CLOSED"), ("c2", "b1", "X", "true", "CLOSED")],
            {"NON_AMENABLE"},
        ),
        (
            rec("b1", "P2", uac="true"),
            [("c1", "a1", "X", "true", "CLOSED"), ("c2", "b1", "X", "false", "CLOSED")],
            set(),
        ),
        (
            rec("b1", "P2"),
            [("c1", "a1", "X", "true", "RELIEF_GRANTED"), ("c2", "b1", "Y", "false", "PENDING")],
            {"RELIEF_SPLIT"},
        ),
        (rec("b1", "P2"), [("c1", "a1", "X", "true", "RELIEF_GRANTED")], set()),
        (rec("b1", "P2"), [("c1", "a1", "X", "true", "PENDING")], {"WIND_DOWN_SPLIT"}),
        (
            rec("b1", "P2"),
            [("c1", "a1", "X", "true", "PENDING"), ("c2", "b1", "X", "true", "TERMINATED")],
            {"WIND_DOWN_SPLIT"},
        ),
        (
            rec("b1", "P2"),
            [("c1", "a1", "X", "true", "PENDING"), ("c2", "b1", "X", "false", "TERMINATED")],
            set(),
        ),
    ],
)
def test_joint_codes(b_record: tuple[str, ...], cases: list, expected: set[str]) -> None:
    out = bundle([rec("a1", "P1"), b_record], [("u", "a1"), ("u", "b1")], cases)
    assert codes(out, "joint_reprocessing") == expected
    if expected:
        case_ids = out["joint_reprocessing"].case_ids.iloc[0]
        assert case_ids == ";".join(sorted(c[0] for c in cases))
