"""Each contract rule on small hand-built bundles: a positive and a negative case per code."""

from __future__ import annotations

import pandas as pd
import pytest

from kinlink.queries.analyses import analyse
from kinlink.queries.consolidation import consolidation_candidates
from kinlink.queries.joint import joint_reprocessing
from kinlink.queries.mixed import mixed_nationality_units
from kinlink.queries.report_files import contract_tables
from kinlink.queries.separated import separated_families

U = "U1"


def codes(flags, family=None):
    return sorted({f.code for f in flags if family is None or f.family_id == family})


def two(make, a=None, b=None, cases=(), **kw):
    """Two persons (records a1 and b1) in one unit."""
    recs = [{"record_id": "a1", **(a or {})}, {"record_id": "b1", **(b or {})}]
    return make(recs, [(U, "a1"), (U, "b1")], cases, **kw)


# -- person facts --------------------------------------------------------------------------------


def test_nationality_most_frequent(make):
    b = make(
        [
            {"record_id": r, "person": "P", "nationality": n}
            for r, n in [("r1", "HND"), ("r2", "GTM"), ("r3", "GTM"), ("r4", None)]
        ]
    )
    assert b.facts.persons.loc["P", "nationality"] == "GTM"


def test_nationality_tie_goes_to_latest_as_of(make):
    b = make(
        [
            {"record_id": "r9", "person": "P", "nationality": "HND", "as_of": "2020-01-01"},
            {"record_id": "r1", "person": "P", "nationality": "GTM", "as_of": "2021-01-01"},
            {"record_id": "r5", "person": "P", "nationality": "SLV", "as_of": None},
        ]
    )
    assert b.facts.persons.loc["P", "nationality"] == "GTM"


def test_nationality_tie_on_equal_dates_goes_to_greater_record_id(make):
    b = make(
        [
            {"record_id": "r1", "person": "P", "nationality": "HND", "as_of": "2020-01-01"},
            {"record_id": "r2", "person": "P", "nationality": "GTM", "as_of": "2020-01-01"},
        ]
    )
    assert b.facts.persons.loc["P", "nationality"] == "GTM"


def test_nationality_tie_missing_as_of_is_earliest(make):
    b = make(
        [
            {"record_id": "r9", "person": "P", "nationality": "HND", "as_of": None},
            {"record_id": "r1", "person": "P", "nationality": "GTM", "as_of": "1990-01-01"},
        ]
    )
    assert b.facts.persons.loc["P", "nationality"] == "GTM"


def test_nationality_tie_ignores_latest_record_of_a_less_frequent_nationality(make):
    b = make(
        [
            {"record_id": "r1", "person": "P", "nationality": "HND", "as_of": "2020-01-01"},
            {"record_id": "r2", "person": "P", "nationality": "HND", "as_of": "2020-01-02"},
            {"record_id": "r3", "person": "P", "nationality": "GTM", "as_of": "2020-01-03"},
            {"record_id": "r4", "person": "P", "nationality": "GTM", "as_of": "2020-01-01"},
            {"record_id": "r5", "person": "P", "nationality": "SLV", "as_of": "2024-01-01"},
        ]
    )
    assert b.facts.persons.loc["P", "nationality"] == "GTM"


def test_location_is_latest_record_with_one(make):
    b = make(
        [
            {"record_id": "r1", "person": "P", "country_of_location": "USA", "as_of": "2020-01-01"},
            {"record_id": "r2", "person": "P", "country_of_location": "MEX", "as_of": None},
            {"record_id": "r3", "person": "P", "country_of_location": None, "as_of": "2022-01-01"},
        ]
    )
    row = b.facts.persons.loc["P"]
    assert (row["location"], row["location_record"]) == ("USA", "r1")


def test_location_all_dates_missing_greatest_record_id(make):
    b = make(
        [
            {"record_id": "r1", "person": "P", "country_of_location": "USA"},
            {"record_id": "r2", "person": "P", "country_of_location": "MEX"},
        ]
    )
    assert b.facts.persons.loc["P", "location"] == "MEX"


def test_missing_booleans_are_false(make):
    b = make([{"record_id": "r1", "uac": None, "fear_claimed": None}])
    row = b.facts.persons.loc["Pr1"]
    assert not row["uac"] and not row["fear_claimed"]


# -- families ------------------------------------------------------------------------------------


def test_units_from_different_sources_join_through_shared_persons(make):
    b = make(
        [
            {"record_id": "a", "person": "P1"},
            {"record_id": "b", "person": "P2"},
            {"record_id": "b2", "person": "P2"},
            {"record_id": "c", "person": "P3"},
            {"record_id": "d", "person": "P4"},
        ],
        [("CBP-1", "a"), ("CBP-1", "b"), ("NGO-7", "b2"), ("NGO-7", "c")],
    )
    fam = b.facts.families
    assert fam["family_id"].nunique() == 1
    assert sorted(fam["person_id"]) == ["P1", "P2", "P3"]  # P4 is in no unit: no family


def test_single_person_family_never_flagged(make, mkcase):
    # one person, two records in a unit, with everything that would flag a larger family
    b = make(
        [
            {
                "record_id": "a",
                "person": "P",
                "nationality": "MEX",
                "country_of_location": "MEX",
                "fear_claimed": True,
                "fear_assessment": "POSITIVE",
                "uac": True,
            },
            {
                "record_id": "b",
                "person": "P",
                "nationality": "MEX",
                "country_of_location": "USA",
                "as_of": "2020-01-01",
            },
        ],
        [(U, "a"), (U, "b")],
        [
            mkcase("C1", "a", court="X"),
            mkcase("C2", "b", court="Y", mpp=False),
            mkcase("C3", "a", status="RELIEF_GRANTED"),
        ],
    )
    assert analyse(b.facts).flags == []


# -- separated families --------------------------------------------------------------------------


def test_location_split(make):
    pos = two(make, {"country_of_location": "MEX"}, {"country_of_location": "USA"})
    neg = two(make, {"country_of_location": "MEX"}, {"country_of_location": "MEX"})
    assert codes(separated_families(pos.facts)) == ["LOCATION_SPLIT"]
    assert codes(separated_families(neg.facts)) == []


def test_location_split_uses_latest_location_not_any(make):
    b = make(
        [
            {"record_id": "a1", "person": "A", "country_of_location": "USA", "as_of": "2020-01-01"},
            {"record_id": "a2", "person": "A", "country_of_location": "MEX", "as_of": "2021-01-01"},
            {"record_id": "b1", "person": "B", "country_of_location": "MEX"},
        ],
        [(U, "a1"), (U, "b1")],
    )
    assert codes(separated_families(b.facts)) == []


def test_court_split_counts_pending_cases_only(make, mkcase):
    pos = two(
        make, cases=[mkcase("C1", "a1", court="El Paso"), mkcase("C2", "b1", court="Harlingen")]
    )
    terminated = two(
        make,
        cases=[
            mkcase("C1", "a1", court="El Paso"),
            mkcase("C2", "b1", court="Harlingen", status="TERMINATED"),
        ],
    )
    no_court = two(
        make, cases=[mkcase("C1", "a1", court="El Paso"), mkcase("C2", "b1", court=None)]
    )
    assert "COURT_SPLIT" in codes(separated_families(pos.facts))
    assert "COURT_SPLIT" not in codes(separated_families(terminated.facts))
    assert "COURT_SPLIT" not in codes(separated_families(no_court.facts))


def test_court_split_one_person_two_courts(make, mkcase):
    # the rule speaks of members' pending cases: one member's two pending cases in two courts count
    b = two(make, cases=[mkcase("C1", "a1", court="El Paso"), mkcase("C2", "a1", court="Laredo")])
    assert "COURT_SPLIT" in codes(separated_families(b.facts))


def test_mpp_split(make, mkcase):
    no_case = two(make, cases=[mkcase("C1", "a1")])
    non_mpp = two(make, cases=[mkcase("C1", "a1"), mkcase("C2", "b1", mpp=False)])
    missing_mpp = two(make, cases=[mkcase("C1", "a1"), mkcase("C2", "b1", mpp=None)])
    both = two(make, cases=[mkcase("C1", "a1"), mkcase("C2", "b1", status="TERMINATED")])
    assert "MPP_SPLIT" in codes(separated_families(no_case.facts))
    assert "MPP_SPLIT" in codes(separated_families(non_mpp.facts))
    assert "MPP_SPLIT" in codes(separated_families(missing_mpp.facts))
    assert "MPP_SPLIT" not in codes(separated_families(both.facts))
    # the alternative reading: "none" = no case at all
    assert "MPP_SPLIT" not in codes(separated_families(non_mpp.facts, mpp_split_none="any_case"))
    assert "MPP_SPLIT" in codes(separated_families(no_case.facts, mpp_split_none="any_case"))
    with pytest.raises(ValueError):
        separated_families(no_case.facts, mpp_split_none="nope")


# -- mixed nationality ---------------------------------------------------------------------------


def test_mixed_nationality(make):
    pos = two(make, {"nationality": "HND"}, {"nationality": "GTM"})
    missing = two(make, {"nationality": "HND"}, {"nationality": None})
    same = two(make, {"nationality": "HND"}, {"nationality": "HND"})
    assert codes(mixed_nationality_units(pos.facts)) == ["MIXED"]
    assert mixed_nationality_units(missing.facts) == []
    assert mixed_nationality_units(same.facts) == []
    t = contract_tables(analyse(pos.facts))["mixed_nationality_units"]
    assert t[["nationalities", "mexican_member"]].values.tolist() == [["GTM;HND", "false"]]


def test_mixed_nationality_mexican_member(make):
    b = two(make, {"nationality": "MEX"}, {"nationality": "GTM"})
    t = contract_tables(analyse(b.facts))["mixed_nationality_units"]
    assert t["mexican_member"].tolist() == ["true"]


def test_mixed_uses_person_nationality_not_any_record(make):
    b = make(
        [
            {"record_id": "a1", "person": "A", "nationality": "HND"},
            {"record_id": "a2", "person": "A", "nationality": "HND"},
            {"record_id": "a3", "person": "A", "nationality": "GTM"},
            {"record_id": "b1", "person": "B", "nationality": "HND"},
        ],
        [(U, "a1"), (U, "b1")],
    )
    assert mixed_nationality_units(b.facts) == []


# -- joint reprocessing --------------------------------------------------------------------------


def test_positive_fear(make, mkcase):
    pos = two(make, b={"fear_assessment": "POSITIVE"}, cases=[mkcase("C1", "a1")])
    no_mpp = two(make, b={"fear_assessment": "POSITIVE"}, cases=[mkcase("C1", "a1", mpp=False)])
    negative = two(make, b={"fear_assessment": "NEGATIVE"}, cases=[mkcase("C1", "a1")])
    assert "POSITIVE_FEAR" in codes(joint_reprocessing(pos.facts))
    assert "POSITIVE_FEAR" not in codes(joint_reprocessing(no_mpp.facts))
    assert "POSITIVE_FEAR" not in codes(joint_reprocessing(negative.facts))


def test_mexican_member_fear(make, mkcase):
    pos = two(make, b={"nationality": "MEX", "fear_claimed": True}, cases=[mkcase("C1", "a1")])
    no_claim = two(
        make, b={"nationality": "MEX", "fear_claimed": False}, cases=[mkcase("C1", "a1")]
    )
    not_mex = two(make, b={"nationality": "GTM", "fear_claimed": True}, cases=[mkcase("C1", "a1")])
    no_mpp = two(make, b={"nationality": "MEX", "fear_claimed": True})
    assert "MEXICAN_MEMBER_FEAR" in codes(joint_reprocessing(pos.facts))
    for b in (no_claim, not_mex, no_mpp):
        assert "MEXICAN_MEMBER_FEAR" not in codes(joint_reprocessing(b.facts))


def test_relief_split(make, mkcase):
    pos = two(
        make,
        cases=[
            mkcase("C1", "a1", status="RELIEF_GRANTED"),
            mkcase("C2", "b1", status="REMOVAL_ORDERED", mpp=False),
        ],
    )
    missing_status = two(
        make, cases=[mkcase("C1", "a1", status="RELIEF_GRANTED"), mkcase("C2", "b1", status=None)]
    )
    both_granted = two(
        make,
        cases=[
            mkcase("C1", "a1", status="RELIEF_GRANTED"),
            mkcase("C2", "b1", status="RELIEF_GRANTED"),
        ],
    )
    same_person = two(
        make,
        cases=[mkcase("C1", "a1", status="RELIEF_GRANTED"), mkcase("C2", "a1", status="PENDING")],
    )
    not_mpp = two(
        make,
        cases=[
            mkcase("C1", "a1", status="RELIEF_GRANTED", mpp=False),
            mkcase("C2", "b1", status="PENDING"),
        ],
    )
    assert "RELIEF_SPLIT" in codes(joint_reprocessing(pos.facts))
    assert "RELIEF_SPLIT" in codes(joint_reprocessing(missing_status.facts))
    for b in (both_granted, same_person, not_mpp):
        assert "RELIEF_SPLIT" not in codes(joint_reprocessing(b.facts))


def test_non_amenable(make, mkcase):
    mex = two(make, a={"nationality": "MEX"}, cases=[mkcase("C1", "a1")])
    mex_not_mpp = two(make, a={"nationality": "MEX"}, cases=[mkcase("C1", "a1", mpp=False)])
    mex_not_respondent = two(make, b={"nationality": "MEX"}, cases=[mkcase("C1", "a1")])
    assert "NON_AMENABLE" in codes(joint_reprocessing(mex.facts))
    assert "NON_AMENABLE" not in codes(joint_reprocessing(mex_not_mpp.facts))
    assert "NON_AMENABLE" not in codes(joint_reprocessing(mex_not_respondent.facts))


def test_non_amenable_uac_on_any_record(make, mkcase):
    b = make(
        [
            {"record_id": "a1", "person": "A", "uac": False},
            {"record_id": "a2", "person": "A", "uac": True},
            {"record_id": "b1", "person": "B"},
        ],
        [(U, "a1"), (U, "b1")],
        [case_ for case_ in [mkcase("C1", "a1")]],
    )
    flags = [f for f in joint_reprocessing(b.facts) if f.code == "NON_AMENABLE"]
    assert len(flags) == 1 and "a2" in flags[0].evidence.records


def test_wind_down_split(make, mkcase):
    no_case = two(make, cases=[mkcase("C1", "a1")])
    absentia = two(make, cases=[mkcase("C1", "a1"), mkcase("C2", "b1", status="IN_ABSENTIA")])
    terminated = two(make, cases=[mkcase("C1", "a1"), mkcase("C2", "b1", status="TERMINATED")])
    non_mpp_ended = two(
        make, cases=[mkcase("C1", "a1"), mkcase("C2", "b1", status="TERMINATED", mpp=False)]
    )
    both_pending = two(make, cases=[mkcase("C1", "a1"), mkcase("C2", "b1")])
    same_person = two(
        make,
        cases=[
            mkcase("C1", "a1"),
            mkcase("C2", "a1", status="TERMINATED"),
            mkcase("C3", "b1", status="REMOVAL_ORDERED"),
        ],
    )
    for b in (no_case, absentia, terminated):
        assert "WIND_DOWN_SPLIT" in codes(joint_reprocessing(b.facts))
    for b in (non_mpp_ended, both_pending, same_person):
        assert "WIND_DOWN_SPLIT" not in codes(joint_reprocessing(b.facts))


# -- the contract tables ---------------------------------------------------------------------------


def test_family_carries_every_code_sorted_and_every_record_and_case(make, mkcase):
    b = make(
        [
            {"record_id": "a1", "person": "A", "country_of_location": "MEX", "nationality": "MEX"},
            {"record_id": "a2", "person": "A"},
            {"record_id": "b1", "person": "B", "country_of_location": "USA", "nationality": "HND"},
            {"record_id": "c1", "person": "C", "nationality": "HND"},
        ],
        [(U, "a1"), (U, "b1"), ("U2", "c1"), ("U2", "b1")],
        [
            mkcase("C1", "a1", court="El Paso"),
            mkcase("C2", "b1", court="Laredo", mpp=False),
            mkcase("C3", "a2", status="CLOSED", mpp=False),
        ],
    )
    t = contract_tables(analyse(b.facts))
    sep = t["separated_families"]
    assert sep["codes"].tolist() == ["COURT_SPLIT;LOCATION_SPLIT;MPP_SPLIT"]
    assert sep["record_ids"].tolist() == ["a1;a2;b1;c1"]
    joint = t["joint_reprocessing"]
    assert joint["codes"].tolist() == ["NON_AMENABLE;WIND_DOWN_SPLIT"]
    assert joint["case_ids"].tolist() == ["C1;C2;C3"]
    assert joint["record_ids"].tolist() == ["a1;a2;b1;c1"]
    mixed = t["mixed_nationality_units"]
    assert mixed[["nationalities", "mexican_member"]].values.tolist() == [["HND;MEX", "true"]]


def test_persons_table_has_every_record(make):
    b = make([{"record_id": r} for r in ("x", "y", "z")], [(U, "x")])
    t = contract_tables(analyse(b.facts))
    assert t["persons"]["record_id"].tolist() == ["x", "y", "z"]
    assert t["families"]["person_id"].tolist() == ["Px"]


# -- consolidation extras ------------------------------------------------------------------------


def test_consolidation(make, mkcase):
    courts = two(make, cases=[mkcase("C1", "a1", court="X"), mkcase("C2", "b1", court="Y")])
    joined = two(
        make, cases=[mkcase("C1", "a1", court="X"), mkcase("C2", "b1", court="X", lead="C1")]
    )
    chain = two(
        make,
        cases=[
            mkcase("C1", "a1"),
            mkcase("C2", "b1", lead="C9"),
            mkcase("C9", "b1", lead="C1", status="CLOSED"),
        ],
    )
    assert codes(consolidation_candidates(courts.facts)) == [
        "CONSOLIDATE_COURTS",
        "CONSOLIDATE_LEAD",
    ]
    assert codes(consolidation_candidates(joined.facts)) == []
    assert codes(consolidation_candidates(chain.facts)) == []


def test_hearing_split(make, mkcase):
    cases = [mkcase("C1", "a1", lead=None), mkcase("C2", "b1", lead="C1")]

    def hearings(d2, c2):
        return [
            {"hearing_id": "H1", "case_id": "C1", "date": "2020-05-01", "court": "El Paso"},
            {"hearing_id": "H2", "case_id": "C2", "date": d2, "court": c2},
        ]

    split = two(make, cases=cases, hearings=hearings("2020-05-08", "Laredo"))
    same_day = two(make, cases=cases, hearings=hearings("2020-05-01", "Laredo"))
    same_port = two(make, cases=cases, hearings=hearings("2020-05-08", "El Paso"))
    assert codes(consolidation_candidates(split.facts)) == ["HEARING_SPLIT"]
    assert codes(consolidation_candidates(same_day.facts)) == []
    assert codes(consolidation_candidates(same_port.facts)) == []
    # A's later hearing (H3) is on B's day at B's port: by their latest hearings they travel
    # together, but from 2020-04-01 A's next hearing is H1, a different day and port
    moved = two(
        make,
        cases=cases,
        hearings=[
            *hearings("2020-05-08", "Laredo"),
            {"hearing_id": "H3", "case_id": "C1", "date": "2020-05-08", "court": "Laredo"},
        ],
    )
    assert codes(consolidation_candidates(moved.facts)) == []
    early = consolidation_candidates(moved.facts, as_of=pd.Timestamp("2020-04-01"))
    assert codes(early) == ["HEARING_SPLIT"]
    assert early[0].evidence.hearings == ("H1", "H2")
