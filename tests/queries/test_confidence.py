"""Flag confidence: alternative worlds, what hinges on them, and the files the verdicts feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from kinlink.graph.family_evidence import ALTERNATIVE_COLUMNS
from kinlink.queries.analyses import Analyses, analyse
from kinlink.queries.changes import person_changes, report_changes
from kinlink.queries.confidence import judge_flags, world_facts
from kinlink.queries.report_files import contract_tables
from kinlink.queries.review_flags import judge, review_table

from .conftest import Built


def family(make: Callable[..., Built], mkcase: Callable[..., dict[str, Any]]) -> Built:
    """Mother m (MPP case) and son s (MPP case) in one CBP unit; an NGO unit lists the mother and
    x, who has no case (so MPP_SPLIT and WIND_DOWN_SPLIT hold while x is a person of their own);
    and a second family, two sisters in different countries (LOCATION_SPLIT, no doubt)."""
    records = [
        {"record_id": "m", "country_of_location": "MEX"},
        {"record_id": "s", "country_of_location": "MEX"},
        {"record_id": "m2", "source": "NGO", "person": "Pm"},
        {"record_id": "x", "source": "NGO", "country_of_location": "MEX"},
        {"record_id": "y", "source": "NGO", "person": "Ps"},
        {"record_id": "a", "country_of_location": "MEX"},
        {"record_id": "b", "country_of_location": "USA"},
    ]
    units = [("U1", "m"), ("U1", "s"), ("N1", "m2"), ("N1", "x"), ("U2", "a"), ("U2", "b")]
    cases = [mkcase("C1", "m"), mkcase("C2", "s")]
    return make(
        records, units, cases, persons={"m": "Pm", "s": "Ps", "x": "Px", "a": "Pa", "b": "Pb"}
    )


def alternatives(*rows: dict[str, Any]) -> pd.DataFrame:
    base = {"levels": "names=variant", "why": "because", "record_id_b": "s"}
    return pd.DataFrame([{**base, **r} for r in rows], columns=ALTERNATIVE_COLUMNS)


MERGE_X = {
    "alternative": "A1",
    "decision": "x",
    "kind": "merge",
    "records": ("x",),
    "to_person": "Ps",
    "record_id_a": "x",
    "probability": 0.3,
}


def verdicts(built: Built, alts: pd.DataFrame) -> dict[tuple[str, str], str]:
    flags = analyse(built.facts).flags
    judged = judge_flags(built.facts, flags, alts)
    return {
        (str(f), str(c)): str(v)
        for f, c, v in zip(judged["family_id"], judged["code"], judged["confidence"], strict=True)
    }


def codes_of(built: Built, code: str) -> str:
    fam = built.facts.persons["family_id"]
    return str(fam["Px"] if code != "LOCATION_SPLIT" else fam["Pa"])


def test_a_flag_that_an_alternative_undoes_is_in_review(make, mkcase) -> None:
    built = family(make, mkcase)
    judged = verdicts(built, alternatives(MERGE_X))
    fid = codes_of(built, "MPP_SPLIT")
    assert judged[(fid, "MPP_SPLIT")] == "review"
    assert judged[(fid, "WIND_DOWN_SPLIT")] == "review"
    assert judged[(codes_of(built, "LOCATION_SPLIT"), "LOCATION_SPLIT")] == "confirmed"


def test_no_alternative_means_every_flag_is_confirmed(make, mkcase) -> None:
    built = family(make, mkcase)
    assert set(verdicts(built, alternatives()).values()) == {"confirmed"}
    assert set(verdicts(built, None).values()) == {"confirmed"}  # type: ignore[arg-type]


def test_exclusive_alternatives_that_together_undo_a_flag_make_it_unlikely(make, mkcase) -> None:
    """x is surely the son or the mother (0.5 each, one decision): the flag probably is false."""
    built = family(make, mkcase)
    to_mother = {**MERGE_X, "alternative": "A2", "to_person": "Pm", "probability": 0.5}
    judged = verdicts(built, alternatives({**MERGE_X, "probability": 0.5}, to_mother))
    assert judged[(codes_of(built, "MPP_SPLIT"), "MPP_SPLIT")] == "unlikely"


def test_worlds_keep_to_their_family_and_leave_the_facts_alone(make, mkcase) -> None:
    built = family(make, mkcase)
    before = built.facts.records.copy()
    world, origin = world_facts(built.facts, alternatives(MERGE_X))
    assert set(world.records["record_id"]) == {"m", "s", "m2", "x", "y"}  # not the sisters
    assert world.records["person_id"].str.endswith("~A1").all()
    assert world.persons.loc["Ps~A1", "n_records"] == 3  # s, y and x
    assert set(origin["family_id"]) == {codes_of(built, "MPP_SPLIT")}
    pd.testing.assert_frame_equal(built.facts.records, before)


def test_the_report_tables_split_by_confidence(make, mkcase) -> None:
    built = family(make, mkcase)
    flags = analyse(built.facts).flags
    evidence = type("E", (), {"alternatives": alternatives(MERGE_X), "decisions": pd.DataFrame()})
    judged = judge(built.facts, flags, evidence())  # type: ignore[arg-type]
    tables = contract_tables(Analyses(built.facts, judged.confirmed))
    review = review_table(judged, contract_tables(Analyses(built.facts, judged.review)))
    assert tables["separated_families"]["codes"].tolist() == ["LOCATION_SPLIT"]
    assert set(review["flag_file"]) == {"separated_families", "joint_reprocessing"}
    row = review[review["flag_file"] == "separated_families"].iloc[0]
    assert (row["codes"], row["record_id_a"], row["probability"]) == ("MPP_SPLIT", "x", "0.3000")
    assert row["record_ids"] == "m;m2;s;x;y"
    assert "Set aside for review" in next(f.reason for f in judged.review)


@pytest.fixture
def two_reports(tmp_path, make, mkcase):
    """The same family written twice: first with x apart (MPP_SPLIT confirmed), then with x
    merged into the son (no flag); the second report is compared with the first."""
    built = family(make, mkcase)
    first = tmp_path / "first"
    first.mkdir()
    tables = contract_tables(analyse(built.facts))
    for stem, frame in tables.items():
        frame.to_csv(first / f"{stem}.csv", index=False)
    (first / "summary.json").write_text('{"options": {"masked": false}}')
    merged = make(
        [
            {"record_id": r, **({"source": "NGO"} if r in ("m2", "x", "y") else {})}
            for r in ("m", "s", "m2", "x", "y", "a", "b")
        ],
        [("U1", "m"), ("U1", "s"), ("N1", "m2"), ("N1", "x"), ("U2", "a"), ("U2", "b")],
        [mkcase("C1", "m"), mkcase("C2", "s")],
        persons={"m": "Pm", "m2": "Pm", "s": "Ps", "x": "Ps", "y": "Ps", "a": "Pa", "b": "Pb"},
    )
    return first, built, contract_tables(analyse(merged.facts))


def test_changes_name_the_flags_gone_and_the_persons_merged(two_reports) -> None:
    first, _, tables = two_reports
    review = pd.DataFrame(columns=["family_id", "flag_file", "codes", "record_ids"])
    changes = report_changes(first, tables["persons"], tables, review)
    frame = changes.frame
    gone = frame[(frame["kind"] == "flag") & (frame["change"] == "gone")]
    assert set(gone["flag_file"]) >= {"separated_families", "joint_reprocessing"}
    merged = frame[frame["kind"] == "person"]
    assert merged["detail"].tolist() == ["merged: Ps;Px are now one person (records s;x;y)"]
    assert changes.counts["persons_merged"] == 1 and changes.counts["flags_new"] == 0


def test_person_changes_see_splits_too() -> None:
    old = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1", "P1", "P3"]})
    new = pd.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1", "P2", "P3"]})
    rows = person_changes(old, new)
    assert rows["detail"].tolist() == ["split: now P1;P2 (records a;b)"]
    assert person_changes(new, new).empty


def test_changes_refuse_a_masked_previous_report(two_reports) -> None:
    first, _, tables = two_reports
    (first / "summary.json").write_text('{"options": {"masked": true}}')
    review = pd.DataFrame(columns=["family_id", "flag_file", "codes", "record_ids"])
    assert report_changes(first, tables["persons"], tables, review).frame.empty


def test_a_merge_by_family_evidence_is_told_in_its_family_s_flags(make, mkcase) -> None:
    built = family(make, mkcase)
    flags = analyse(built.facts).flags
    level = {f"{c}_level": "exact" for c in ("names", "surnames", "dob", "sex")}
    decisions = pd.DataFrame(
        [
            {"record_id_a": "y", "record_id_b": "s", "merged": True, "probability": 0.9, **level},
            {
                "record_id_a": "gone",
                "record_id_b": "a",
                "merged": True,
                "probability": 0.9,
                **level,
            },
            {"record_id_a": "b", "record_id_b": "a", "merged": False, "probability": 0.1, **level},
        ]
    )
    evidence = type("E", (), {"alternatives": alternatives(), "decisions": decisions})
    judged = judge(built.facts, flags, evidence())  # type: ignore[arg-type]
    told = {f.family_id for f in judged.flags if "Family evidence counts record y" in f.reason}
    assert told == {codes_of(built, "MPP_SPLIT")}  # y's family; "gone" is no record
    assert not any("record gone" in f.reason or "record b " in f.reason for f in judged.flags)
