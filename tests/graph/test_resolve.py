"""The identity resolver: invariants, Latin American names, family constraints, reviews."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinlink.errors import InputError, SettingsError
from kinlink.graph.ids import person_id
from kinlink.graph.resolve import ResolverSettings, blocking_recall, explain_pair, resolve

GIVEN = [
    "José",
    "María",
    "Juan Carlos",
    "Ana Lucía",
    "Francisco",
    "Guadalupe",
    "Jesús",
    "Luis",
    "Rosa",
    "Pedro",
    "Carmen",
    "Wilmer",
    "Yesenia",
    "Kevin",
    "Dayana",
    "Brayan",
    "Sofía",
    "Mateo",
    "Valentina",
    "Santiago",
    "Camila",
    "Josué",
    "Nohemí",
    "Elvin",
    "Xiomara",
]
SURNAMES = [
    "Hernández",
    "López",
    "García",
    "Martínez",
    "Rodríguez",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Reyes",
    "Castillo",
    "Ortiz",
    "Mejía",
    "Aguilar",
    "Zelaya",
    "Turcios",
    "Villatoro",
    "Oliveira",
    "Souza",
    "Barrios",
    "Mazariegos",
    "Ixcot",
]


def _noisy(rng: np.random.Generator, text: str) -> str:
    """A typo: drop, double or swap one letter, or lose the accents."""
    roll = rng.random()
    if roll < 0.3:
        return text.replace("á", "a").replace("é", "e").replace("í", "i").replace("ó", "o")
    i = int(rng.integers(1, max(2, len(text) - 1)))
    if roll < 0.55:
        return text[:i] + text[i + 1 :]
    if roll < 0.8:
        return text[:i] + text[i] + text[i:]
    return text.upper()


def synthetic(n_people: int = 400, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A small noisy bundle: 1-4 records per person from several sources, with truth."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n_people):
        given = str(rng.choice(GIVEN))
        sur = f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        dob = pd.Timestamp("1960-01-01") + pd.Timedelta(days=int(rng.integers(0, 20000)))
        a_number = f"{rng.integers(0, 10**9):09d}" if rng.random() < 0.8 else None
        sex = str(rng.choice(["M", "F"]))
        for k in range(int(rng.integers(1, 5))):
            g, s, d, a = given, sur, dob, a_number
            if rng.random() < 0.3:
                g = _noisy(rng, g)
            if rng.random() < 0.3:
                s = _noisy(rng, s)
            if rng.random() < 0.15:
                s = s.split(" ")[0]
            if rng.random() < 0.1 and d.day <= 12:
                d = pd.Timestamp(year=d.year, month=d.day, day=d.month)
            if a is not None and rng.random() < 0.1:
                a = a[:3] + a[4] + a[3] + a[5:]
            if rng.random() < 0.2:
                a = None
            rows.append(
                {
                    "record_id": f"R{p:05d}-{k}",
                    "source": ["CBP", "EOIR", "USCIS", "NGO"][k],
                    "a_number": a,
                    "given_names": g,
                    "surnames": s,
                    "dob": d,
                    "sex": sex,
                    "nationality": "HND",
                    "person": f"T{p}",
                }
            )
    frame = pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    frame["dob"] = pd.to_datetime(frame["dob"])
    truth = frame[["record_id", "person"]].rename(columns={"person": "person_id"})
    return frame.drop(columns="person"), truth


def pairwise_f1(persons: pd.DataFrame, truth: pd.DataFrame) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 of a clustering against the truth."""

    def pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
        joined = frame.merge(frame, on="person_id")
        keep = joined["record_id_x"] < joined["record_id_y"]
        return set(
            zip(joined.loc[keep, "record_id_x"], joined.loc[keep, "record_id_y"], strict=True)
        )

    found, true = pairs(persons), pairs(truth)
    tp = len(found & true)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(true) if true else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def bundle() -> tuple[pd.DataFrame, pd.DataFrame]:
    return synthetic()


@pytest.fixture(scope="module")
def resolution(bundle):
    return resolve(bundle[0], None)


def test_persons_partition_every_record(bundle, resolution):
    persons = resolution.persons
    assert sorted(persons["record_id"]) == sorted(bundle[0]["record_id"])
    assert persons["record_id"].is_unique
    assert persons["person_id"].notna().all()


def test_person_id_is_the_hash_of_the_smallest_record(resolution):
    for pid, group in resolution.persons.groupby("person_id"):
        assert pid == person_id(group["record_id"])


def test_quality_on_noisy_names(bundle, resolution):
    precision, recall, f1 = pairwise_f1(resolution.persons, bundle[1])
    assert precision > 0.97 and recall > 0.95, (precision, recall, f1)


def test_ids_stable_under_row_order(bundle, resolution):
    shuffled = bundle[0].sample(frac=1.0, random_state=1).reset_index(drop=True)
    again = resolve(shuffled, None).persons.set_index("record_id")["person_id"]
    first = resolution.persons.set_index("record_id")["person_id"]
    agree = (again.reindex(first.index) == first).mean()
    assert agree > 0.995


def test_matches_have_levels_and_probabilities(resolution):
    matches = resolution.matches
    for column in (
        "record_id_l",
        "record_id_r",
        "probability",
        "given_names_level",
        "surnames_level",
        "dob_level",
        "a_number_level",
    ):
        assert column in matches.columns
    assert matches["probability"].between(0, 1).all()
    assert resolution.stats["blocking"]["name_pairs"]["pairs"] > 0


def _with(extra: list[dict]) -> pd.DataFrame:
    frame, _ = synthetic(200, seed=3)
    add = pd.DataFrame(extra)
    add["dob"] = pd.to_datetime(add["dob"])
    return pd.concat([frame, add], ignore_index=True)


def _person(res, record_id: str) -> str:
    persons = res.persons.set_index("record_id")["person_id"]
    return persons[record_id]


def test_nicknames_accents_and_surname_order_match():
    frame = _with(
        [
            {
                "record_id": "X1",
                "source": "CBP",
                "given_names": "José Francisco",
                "surnames": "Villanueva Ixchop",
                "dob": "1990-03-04",
                "a_number": None,
                "sex": "M",
            },
            {
                "record_id": "X2",
                "source": "NGO",
                "given_names": "PEPE FRANCISCO",
                "surnames": "IXCHOP VILLANUEVA",
                "dob": "1990-03-04",
                "a_number": None,
                "sex": "M",
            },
            {
                "record_id": "X3",
                "source": "EOIR",
                "given_names": "Villanueva",
                "surnames": "José Francisco",
                "dob": "1990-04-03",
                "a_number": None,
                "sex": "M",
            },
        ]
    )
    res = resolve(frame, None)
    assert _person(res, "X1") == _person(res, "X2") == _person(res, "X3")


def test_twins_in_one_unit_stay_apart():
    twins = [
        {
            "record_id": f"TW{i}",
            "source": "CBP",
            "given_names": name,
            "surnames": "Quiroa Ixcot",
            "dob": "2015-06-01",
            "a_number": None,
            "sex": "M",
        }
        for i, name in enumerate(["Juan José", "Juan Josué"])
    ]
    frame = _with(twins)
    units = pd.DataFrame({"family_unit_id": ["U1", "U1"], "record_id": ["TW0", "TW1"]})
    assert _person(resolve(frame, units), "TW0") != _person(resolve(frame, units), "TW1")
    free = resolve(frame, None)
    assert _person(free, "TW0") == _person(free, "TW1")


def test_no_namesake_chaining():
    frame = _with(
        [
            {
                "record_id": "N1",
                "source": "CBP",
                "given_names": "Wendy",
                "surnames": "Tzul Ajpop",
                "dob": "1980-01-01",
                "a_number": "111222333",
                "sex": "F",
            },
            {
                "record_id": "N2",
                "source": "NGO",
                "given_names": "Wendy",
                "surnames": "Tzul Ajpop",
                "dob": None,
                "a_number": None,
                "sex": "F",
            },
            {
                "record_id": "N3",
                "source": "EOIR",
                "given_names": "Wendy",
                "surnames": "Tzul Ajpop",
                "dob": "1999-09-09",
                "a_number": "999888777",
                "sex": "F",
            },
        ]
    )
    res = resolve(frame, None)
    assert _person(res, "N1") != _person(res, "N3")


def test_reviews_are_must_and_cannot_links(bundle, resolution):
    persons = resolution.persons
    sizes = persons.groupby("person_id")["record_id"].agg(list)
    pair = next(ids for ids in sizes if len(ids) >= 2)
    singles = [ids[0] for ids in sizes if len(ids) == 1][:2]
    reviews = pd.DataFrame(
        {
            "record_id_a": [pair[0], singles[0]],
            "record_id_b": [pair[1], singles[1]],
            "decision": ["different", "same"],
        }
    )
    res = resolve(bundle[0], None, reviews=reviews)
    assert _person(res, pair[0]) != _person(res, pair[1])
    assert _person(res, singles[0]) == _person(res, singles[1])


def test_explain_pair_lists_fields_and_probability(bundle, resolution):
    row = resolution.matches.sort_values("probability").iloc[-1]
    table = explain_pair(bundle[0], None, row["record_id_l"], row["record_id_r"])
    assert {"given_names", "surnames", "dob", "a_number", "total"} <= set(table["field"])
    total = table.set_index("field").loc["total"]
    assert total["probability"] == pytest.approx(row["probability"], abs=1e-6)
    with pytest.raises(InputError):
        explain_pair(bundle[0], None, "nope", row["record_id_r"])


def test_settings_validation_names_every_problem():
    with pytest.raises(SettingsError) as caught:
        ResolverSettings(match_threshold=1.5, window=0, link_type="sideways")
    message = str(caught.value)
    assert "match_threshold" in message and "window" in message and "link_type" in message


def test_repeated_record_ids_are_refused(bundle):
    frame = pd.concat([bundle[0], bundle[0].head(1)], ignore_index=True)
    with pytest.raises(InputError):
        resolve(frame, None)


def test_blocking_recall_on_truth(bundle, resolution):
    pairs = resolution.matches[["record_id_l", "record_id_r"]]
    result = blocking_recall(pairs, bundle[1])
    assert 0.9 < result["recall"] <= 1.0


@pytest.mark.parametrize("size", [0, 1, 2])
def test_tiny_inputs(size):
    frame = pd.DataFrame(
        {
            "record_id": [f"r{i}" for i in range(size)],
            "source": "CBP",
            "given_names": "Ana",
            "surnames": "Paz",
            "dob": pd.to_datetime(["2000-01-01"] * size),
        }
    )
    persons = resolve(frame, None).persons
    assert sorted(persons["record_id"]) == sorted(frame["record_id"])


def test_link_only_keeps_sources_apart(bundle):
    frame = bundle[0]
    res = resolve(frame, None, settings=ResolverSettings(link_type="link_only"))
    merged = res.persons.merge(frame[["record_id", "source"]], on="record_id")
    assert not merged.duplicated(["person_id", "source"]).any()
