"""Family evidence at flag time: who it joins, who it leaves apart, and the invariants it keeps.

Each bundle is one family: a mother and two children with MPP cases (CBP and EOIR records), and an
NGO unit that lists the mother and one more member, who has no case. Whether that member is the
son decides MPP_SPLIT (a member with no MPP case).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kinlink
from kinlink.dashboard.review import append_review
from kinlink.graph.family_evidence import FamilyEvidence, families, posteriors

COLUMNS = "record_id,source,a_number,given_names,surnames,dob,sex,nationality,country_of_location"
FAMILY = [
    "CBP-1,CBP,A201000001,María Elena,Hernández López,1985-03-02,F,HND,MEX",
    "EOIR-1,EOIR,201000001,MARIA ELENA,HERNANDEZ LOPEZ,1985-03-02,F,HND,MEX",
    "NGO-1,NGO,,María,Hernández,1985-03-02,F,HND,MEX",
    "CBP-2,CBP,A201000002,Juan Carlos,Valladares Hernández,2012-07-19,M,HND,MEX",
    "EOIR-2,EOIR,201000002,JUAN CARLOS,VALLADARES HERNANDEZ,2012-07-19,M,HND,MEX",
    "CBP-3,CBP,A201000003,Sofía,Valladares Hernández,2015-11-30,F,HND,MEX",
    "EOIR-3,EOIR,201000003,SOFIA,VALLADARES HERNANDEZ,2015-11-30,F,HND,MEX",
]
UNITS = """family_unit_id,record_id,role
CBP-U1,CBP-1,HEAD
CBP-U1,CBP-2,CHILD
CBP-U1,CBP-3,CHILD
NGO-U1,NGO-1,HEAD
NGO-U1,NGO-2,CHILD
"""
CASES = """case_id,record_id,lead_case_id,court,mpp,status
C1,EOIR-1,,San Diego,true,PENDING
C2,EOIR-2,C1,San Diego,true,PENDING
C3,EOIR-3,C1,San Diego,true,PENDING
"""


def make_bundle(folder: Path, member: str) -> Path:
    """The family with ``member`` (the NGO unit's second record, ``NGO-2``)."""
    folder.mkdir(parents=True)
    rows = [COLUMNS, *FAMILY, f"NGO-2,NGO,{member},HND,MEX"]
    (folder / "individuals.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "family_units.csv").write_text(UNITS, encoding="utf-8")
    (folder / "cases.csv").write_text(CASES, encoding="utf-8")
    return folder


def evidence_of(folder: Path) -> FamilyEvidence:
    evidence = kinlink.open(folder).evidence
    assert evidence is not None
    return evidence


def run_report(bundle: Path, out: Path) -> None:
    kinlink.open(bundle).report(out)


def same_person(evidence: FamilyEvidence, a: str, b: str) -> bool:
    person = dict(zip(evidence.persons["record_id"], evidence.persons["person_id"], strict=True))
    return person[a] == person[b]


# a typing error in his name that the resolver does not match (Jaun for Juan), no birth date
TYPO = ",Jaun,Valladares,,M"


def test_a_member_written_with_a_typo_joins_the_son(tmp_path: Path) -> None:
    evidence = evidence_of(make_bundle(tmp_path / "b", TYPO))
    assert same_person(evidence, "NGO-2", "EOIR-2")
    row = evidence.decisions.iloc[0]
    assert (row["record_id_a"], row["names_level"], row["merged"]) == ("NGO-2", "variant", True)
    assert row["probability"] >= 0.5
    # the persons still partition the records, and no unit lists one person twice
    records = sorted([*(r.split(",")[0] for r in FAMILY), "NGO-2"])
    assert sorted(evidence.persons["record_id"]) == records
    units = pd.read_csv(tmp_path / "b" / "family_units.csv")
    listed = units.merge(evidence.persons, on="record_id")
    assert not listed.duplicated(["family_unit_id", "person_id"]).any()


def test_the_reasoning_shows_in_explain_and_in_the_flags(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b", TYPO)
    text = kinlink.open(bundle).explain("NGO-2", "EOIR-2")
    assert "Family evidence" in text and "counted as one person" in text
    out = tmp_path / "r"
    run_report(bundle, out)
    separated = pd.read_csv(out / "separated_families.csv", dtype=str)
    assert separated.empty  # Jaun is the son: nobody in the family is out of MPP


@pytest.mark.parametrize(
    "member",
    [
        ",Ana,Valladares,,F",  # another name: a daughter the CBP unit does not list
        "A209999999,Jaun,Valladares,,M",  # his A-number is not the son's
        ",Jaun,Valladares,2001-01-01,M",  # born eleven years before the son
    ],
    ids=["other-name", "other-a-number", "other-birth-date"],
)
def test_a_member_that_is_not_the_son_stays_apart(tmp_path: Path, member: str) -> None:
    bundle = make_bundle(tmp_path / "b", member)
    evidence = evidence_of(bundle)
    assert not same_person(evidence, "NGO-2", "EOIR-2")
    assert evidence.alternatives.empty  # not even a doubt worth a review
    out = tmp_path / "r"
    run_report(bundle, out)
    codes = pd.read_csv(out / "separated_families.csv", dtype=str)["codes"].tolist()
    assert codes == ["MPP_SPLIT"]  # a member with no MPP case: confirmed


def test_an_analysts_different_keeps_them_apart(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path / "b", TYPO)
    append_review(bundle, "EOIR-2", "NGO-2", "different")
    evidence = evidence_of(bundle)
    assert not same_person(evidence, "NGO-2", "EOIR-2")
    assert not np.isfinite(evidence.decisions["weight"]).any()  # ruled out, not weighed


def test_families_are_components_over_units() -> None:
    member = pd.DataFrame({"record": [0, 1, 2, 3, 4], "unit": [0, 0, 1, 1, 2]})
    labels = np.array([0, 1, 1, 2, 3, 4])  # record 5 is in no unit
    fam = families(labels, member)
    assert fam[0] == fam[1] == fam[2] and fam[3] != fam[0] and fam[4] == -1


def test_posteriors_of_one_holder_sum_to_at_most_one() -> None:
    rng = np.random.default_rng(3)
    holder = rng.integers(0, 40, size=300)
    weight = rng.normal(0, 8, size=300)
    p = posteriors(holder, weight, lam=0.7)
    total = pd.Series(p).groupby(holder).sum()
    assert ((p >= 0) & (p <= 1)).all() and (total <= 1 + 1e-9).all()
