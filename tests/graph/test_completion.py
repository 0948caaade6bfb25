"""Family completion: leftover members of linked family units are paired when unambiguous."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from kinlink.graph.resolve import ResolverSettings, family, resolve
from kinlink.graph.resolve.completion import complete_families
from kinlink.graph.resolve.resolver import _fields, fit

from .names import GIVEN, SURNAMES


def _background(n_people: int = 150, seed: int = 11) -> list[dict]:
    """Unrelated people with a CBP and an EOIR record each (and an NGO record for some)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_people):
        given = str(rng.choice(GIVEN))
        surnames = f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        dob = f"{rng.integers(1960, 2015)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
        a_number = f"{300000000 + i}"
        for source in ("CBP", "EOIR"):
            rows.append(_record(f"B{source}{i}", source, given, surnames, dob, a_number, "F"))
        if i % 3 == 0:  # NGO: one surname, no A-number, every other birth year off by one
            year = int(dob[:4]) + (i % 2)
            rows.append(
                _record(
                    f"BNGO{i}", "NGO", given, surnames.split(" ")[0], f"{year}{dob[4:]}", None, "F"
                )
            )
    return rows


def _record(
    rid: str,
    source: str,
    given: str,
    surnames: str,
    dob: str | None,
    a_number: str | None = None,
    sex: str = "M",
) -> dict:
    return {
        "record_id": rid,
        "source": source,
        "given_names": given,
        "surnames": surnames,
        "dob": dob,
        "a_number": a_number,
        "sex": sex,
    }


def _family(
    prefix: str,
    mother: tuple[str, str, str],
    children: list[tuple[str, str, str]],
    ngo: list[dict],
) -> list[dict]:
    """A mother and children recorded by CBP and EOIR (with A-numbers), plus NGO records."""
    base = 400000000 + 1000 * ord(prefix[0])
    people = [(*mother, "F")] + [(given, surnames, dob, "M") for given, surnames, dob in children]
    rows = []
    for source in ("CBP", "EOIR"):
        for k, (given, surnames, dob, sex) in enumerate(people):
            rows.append(
                _record(f"{prefix}{source}{k}", source, given, surnames, dob, str(base + k), sex)
            )
    rows.append(_record(f"{prefix}NGO0", "NGO", *mother, sex="F"))
    return rows + ngo


def _units(rows: list[dict]) -> pd.DataFrame:
    """One unit per family prefix and source (background records have none)."""
    ids = [r["record_id"] for r in rows if not r["record_id"].startswith("B")]
    unit = [f"{rid[0]}-{rid[1:].rstrip('0123456789')}" for rid in ids]
    return pd.DataFrame({"family_unit_id": unit, "record_id": ids})


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["dob"] = pd.to_datetime(frame["dob"])
    return frame


@pytest.fixture(scope="module")
def families() -> list[dict]:
    nelson = _family(
        "T",
        ("Ana", "Urbina Paz", "1990-01-02"),
        [
            ("Anthony", "Torres Urbina", "2015-03-04"),
            ("Nelson Luis", "Torres Urbina", "2017-07-26"),
        ],
        [
            _record("TNGO1", "NGO", "Anthony", "Torres", "2015-03-04"),
            _record("TNGO2", "NGO", "Nelson", "Torres", "2018-07-26"),
        ],
    )
    twins = _family(
        "Q",
        ("Marleny", "Ixcot Say", "1988-11-12"),
        [("Kevin", "Quiroa Ixcot", "2016-05-01"), ("Brayan", "Quiroa Ixcot", "2016-05-01")],
        [
            _record("QNGO1", "NGO", "Kevin", "Quiroa", None),
            _record("QNGO2", "NGO", "Brayan", "Quiroa", None),
        ],
    )
    ambiguous = _family(
        "J",
        ("Glenda", "Tum Batz", "1985-06-07"),
        [("Juan José", "Ixchop Tum", "2012-02-03"), ("Juan Carlos", "Ixchop Tum", "2014-08-09")],
        [_record("JNGO1", "NGO", "Juan", "Ixchop", None)],
    )
    other_a = _family(
        "M",
        ("Floridalma", "Ajanel Chen", "1979-03-30"),
        [("Elmer", "Mux Ajanel", "2011-04-05"), ("Ronaldo", "Mux Ajanel", "2013-09-10")],
        [
            _record("MNGO1", "NGO", "Elmer", "Mux", "2011-04-05"),
            _record("MNGO2", "NGO", "Ronaldo", "Mux", "2014-09-10", a_number="499999999"),
        ],
    )
    return _background() + nelson + twins + ambiguous + other_a


@pytest.fixture(scope="module")
def completed(families) -> tuple[pd.Series, int]:
    """Complete hand-made clusters: every record with its person except the leftovers."""
    frame, units = _frame(families), _units(families)
    scorer, _, _ = fit(frame, units, ResolverSettings())
    ids = scorer.prepared["record_id"]
    position = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    labels = np.arange(len(ids))
    for rid in ids:
        if rid.startswith("B"):  # background: CBP i, EOIR i and NGO i are one person
            labels[position[rid]] = position["BCBP" + re.sub(r"\D", "", rid)]
        elif rid not in LEFTOVERS:
            labels[position[rid]] = position[f"{rid[0]}CBP{rid[-1]}"]
    keys = family.cannot_link_keys(scorer.prepared["source"].to_numpy(dtype=object), scorer.member)
    new, merged = complete_families(
        scorer.prepared, scorer.member, labels, keys, scorer.pair_levels, _fields(scorer)
    )
    return pd.Series(new, index=ids.to_numpy()), merged


LEFTOVERS = {"TNGO2", "QNGO2", "JNGO1", "MNGO2"}


def test_leftover_child_joins_its_unclaimed_person(completed):
    labels, merged = completed
    assert labels["TNGO2"] == labels["TCBP2"] == labels["TEOIR2"]
    assert labels["TNGO2"] != labels["TCBP1"]
    assert merged == 2  # Nelson and the second twin


def test_leftover_twin_joins_the_unclaimed_twin_only(completed):
    labels, _ = completed
    assert labels["QNGO2"] == labels["QCBP2"]
    assert labels["QCBP1"] != labels["QCBP2"] and labels["QNGO1"] != labels["QNGO2"]


def test_ambiguous_leftover_stays_alone(completed):
    labels, _ = completed
    assert labels["JNGO1"] not in {labels["JCBP1"], labels["JCBP2"]}
    assert (labels == labels["JNGO1"]).sum() == 1


def test_leftover_with_another_a_number_stays_apart(completed):
    labels, _ = completed
    assert (labels == labels["MNGO2"]).sum() == 1


def test_resolve_records_the_completions(families):
    res = resolve(_frame(families), _units(families))
    assert isinstance(res.stats["family_completed"], int)
    persons = res.persons.set_index("record_id")["person_id"]
    assert persons["QCBP1"] != persons["QCBP2"] and persons["QNGO1"] != persons["QNGO2"]
    assert persons["TNGO2"] == persons["TCBP2"]
