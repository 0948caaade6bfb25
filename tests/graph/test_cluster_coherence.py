"""A person hangs together: no two confirmed birth dates, no record joined through one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinlink.errors import SettingsError
from kinlink.graph.resolve import ResolverSettings, resolve
from kinlink.graph.resolve.cluster import Corroboration, cluster


def _differ(codes: np.ndarray):
    """Outright disagreement of one field: the two records' codes differ (both known)."""

    def outright(il: np.ndarray, ir: np.ndarray) -> np.ndarray:
        a, b = codes[il], codes[ir]
        return ((a >= 0) & (b >= 0) & (a != b))[:, None]

    return outright


def _corroborated(il: np.ndarray, ir: np.ndarray, p: np.ndarray, codes: np.ndarray | None):
    """Cluster scored pairs (any other pair 0.99) with birth dates ``codes`` (None: no check)."""
    check = None if codes is None else Corroboration([codes], _differ(codes))
    return cluster(
        int(max(il.max(), ir.max())) + 1,
        il,
        ir,
        p,
        threshold=0.9,
        conflict=0.001,
        cannot_link={},
        score=lambda a, b: np.full(len(a), 0.99),
        corroboration=check,
    )


def _cluster(dobs: list[int], corroborate: bool) -> list[int]:
    """Cluster records whose every pair is a strong name match (0.99, 0.999 with the same
    birth date)."""
    il, ir = np.triu_indices(len(dobs), 1)
    codes = np.array(dobs)
    p = np.where(codes[il] == codes[ir], 0.999, 0.99)
    return _corroborated(il, ir, p, codes if corroborate else None)[0].tolist()


def test_two_confirmed_birth_dates_keep_two_clusters_apart() -> None:
    # records 0-1 agree on one date, 2-3 on another: without the check one person
    assert len(set(_cluster([7, 7, 9, 9], corroborate=False))) == 1
    labels = _cluster([7, 7, 9, 9], corroborate=True)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]


@pytest.mark.parametrize("dobs", [[7, 7, 9], [7, 7, -1, -1], [7, 8, 9, 7]])
def test_one_record_with_another_date_still_joins(dobs: list[int]) -> None:
    # a single record's date (or missing dates) is no confirmed disagreement
    assert len(set(_cluster(dobs, corroborate=True))) == 1


def _namesakes() -> pd.DataFrame:
    """150 persons of three records (a third of them with one birth date written wrong), and
    two Xiomara Quintanilla Zelaya of three records each, born 18 years apart."""
    rng = np.random.default_rng(3)
    given = [
        "ana",
        "maria",
        "jose",
        "luis",
        "carmen",
        "rosa",
        "pedro",
        "juan",
        "elena",
        "sofia",
        "diego",
        "lucia",
        "mateo",
        "valeria",
        "andres",
        "camila",
        "jorge",
        "paula",
        "raul",
        "ines",
    ]
    surnames = [
        "garcia",
        "lopez",
        "perez",
        "gomez",
        "diaz",
        "ruiz",
        "torres",
        "flores",
        "rivera",
        "cruz",
        "morales",
        "ortiz",
        "castro",
        "vargas",
        "rojas",
        "mendoza",
        "silva",
        "reyes",
        "romero",
        "herrera",
        "navarro",
        "aguilar",
        "medina",
        "vega",
        "campos",
    ]
    start = pd.Timestamp("1950-01-01")
    rows = []
    for p in range(150):
        g, s = rng.choice(given), f"{rng.choice(surnames)} {rng.choice(surnames)}"
        dob = start + pd.Timedelta(days=int(rng.integers(0, 20000)))
        for k in range(3):
            wrong = k == 2 and rng.random() < 0.3
            d = start + pd.Timedelta(days=int(rng.integers(0, 20000))) if wrong else dob
            rows.append({"record_id": f"p{p}-{k}", "given_names": g, "surnames": s, "dob": d})
    for who, dob in (("x", "1980-03-23"), ("y", "1998-08-16")):
        for k in range(3):
            rows.append(
                {
                    "record_id": f"{who}-{k}",
                    "given_names": "Xiomara",
                    "surnames": "Quintanilla Zelaya",
                    "dob": pd.Timestamp(dob),
                }
            )
    frame = pd.DataFrame(rows)
    frame["source"] = "NGO"
    return frame


def test_namesakes_with_confirmed_birth_dates_stay_two_persons() -> None:
    frame = _namesakes()
    # the model learns that a birth date is often written wrong: the names alone merge them
    off = resolve(frame, settings=ResolverSettings(corroborated_fields=()))
    person = off.persons.set_index("record_id")["person_id"]
    assert person["x-0"] == person["y-0"]
    on = resolve(frame).persons.set_index("record_id")["person_id"]
    assert on[["x-0", "x-1", "x-2"]].nunique() == 1 and on[["y-0", "y-1", "y-2"]].nunique() == 1
    assert on["x-0"] != on["y-0"]


def test_corroborated_fields_must_name_comparisons() -> None:
    frame = _namesakes().head(6)
    with pytest.raises(SettingsError, match="corroborated_fields names no comparison: dbo"):
        resolve(frame, settings=ResolverSettings(corroborated_fields=("dbo",)))


def test_a_cluster_never_comes_to_confirm_two_birth_dates() -> None:
    # 0-1 confirm date 7; 2 (date 9) may join them (one record's date can be wrong), but a
    # second record of date 9 would make the person confirm two dates
    il, ir = np.array([0, 0, 1, 0, 1, 2]), np.array([1, 2, 2, 3, 3, 3])
    p = np.array([0.999, 0.995, 0.995, 0.99, 0.99, 0.99])
    labels, stats = _corroborated(il, ir, p, np.array([7, 7, 9, 9]))
    assert labels.tolist() == [0, 0, 0, 3] and stats.refused_corroborated == 3


@pytest.mark.parametrize("coherence", [0.0, 0.5])
def test_a_record_joins_a_person_by_agreeing_with_most_of_its_records(coherence: float) -> None:
    # 0-1-2 match each other; 3 matches record 0 only (they share a rare birth date) and is
    # less likely than not the same person as 1 and 2
    il, ir = np.array([0, 0, 1, 0, 1, 2]), np.array([1, 2, 2, 3, 3, 3])
    p = np.array([0.999, 0.999, 0.999, 0.95, 0.2, 0.2])
    labels, stats = cluster(
        4, il, ir, p, threshold=0.9, conflict=0.001, cannot_link={}, coherence=coherence
    )
    if coherence:
        assert labels.tolist() == [0, 0, 0, 3] and stats.refused_incoherent == 1
    else:
        assert labels.tolist() == [0, 0, 0, 0]
    # a record that is likely the same person as most of them joins
    p[4] = 0.6
    labels, _ = cluster(
        4, il, ir, p, threshold=0.9, conflict=0.001, cannot_link={}, coherence=coherence
    )
    assert labels.tolist() == [0, 0, 0, 0]
