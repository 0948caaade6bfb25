"""Given-name nicknames: the tables, the many-valued ``nickname`` level, and whole resolutions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinlink.graph.resolve import resolve
from kinlink.graph.resolve.compare import Columns, compare_pairs
from kinlink.graph.resolve.comparisons import default_comparisons, given_names
from kinlink.graph.resolve.nicknames import (
    AMBIGUOUS,
    NICKNAMES,
    diminutive_bases,
    names_for,
    nickname_match,
)
from kinlink.graph.resolve.prepare import PARTICLES, fold, name_tokens, prepare

# names no ambiguous nickname stands for
OTHERS = ["carlos", "maria", "pedro", "rosa", "wilmer", "yesenia", "kevin", "sofia", "santiago"]


def _plain(name: str) -> bool:
    return bool(name) and fold(name) == name and " " not in name and name not in PARTICLES


def test_tables_are_folded_without_self_loops_or_chains():
    keys = set(NICKNAMES) | set(AMBIGUOUS)
    assert not set(NICKNAMES) & set(AMBIGUOUS), "a nickname is either one-valued or ambiguous"
    for nickname, name in NICKNAMES.items():
        assert _plain(nickname) and _plain(name), (nickname, name)
        assert nickname != name and name not in keys, (nickname, name)
    for nickname, names in AMBIGUOUS.items():
        assert _plain(nickname) and len(names) >= 2, nickname
        for name in names:
            assert _plain(name) and name != nickname and name not in keys, (nickname, name)


@pytest.mark.parametrize(
    ("written", "tokens"),
    [
        ("Charly Navarro", ["carlos", "navarro"]),
        ("Paquita", ["francisca"]),
        ("Güicho", ["luis"]),
        ("MAGUI", ["margarita"]),
        ("Juanito", ["juan"]),
        ("Chepina", ["josefina"]),
        ("Chago", ["santiago"]),
        ("Chava", ["salvador"]),
        ("Moncho", ["ramon"]),
        ("Beto", ["beto"]),
        ("Álex", ["alex"]),
        ("Dani", ["dani"]),
    ],
)
def test_one_valued_nicknames_map_and_ambiguous_ones_stay(written, tokens):
    assert name_tokens(written) == tokens


@pytest.mark.parametrize("nickname", sorted(AMBIGUOUS))
def test_ambiguous_nickname_passes_its_names_and_fails_others(nickname):
    for name in AMBIGUOUS[nickname]:
        assert nickname_match(nickname, name) and nickname_match(name, nickname), name
        assert nickname_match(nickname, f"{name} jose"), name
    for other in OTHERS:
        if other not in names_for(nickname):
            assert not nickname_match(nickname, other), other


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("beto", "alberto jose", True),
        ("beto", "carlos", False),
        ("beto jose", "roberto", True),
        ("jose beto", "jose carlos", False),
        ("alex", "ale", True),
        ("dani", "fer", False),
        ("betito", "humberto", True),
        ("rosita", "rosa", True),
        ("anita", "ana maria", True),
        ("dieguito", "diego", True),
        ("marquitos", "marcos", True),
        ("carmencita", "carmen", True),
        ("lucita", "luz", True),
        ("paulinho", "paulo", True),
        ("joaozinho", "joao", True),
        ("benito", "ben", False),
        ("margarita", "margara", False),
        ("rosalia", "rosa", False),
        ("jose", "jose maria", False),
    ],
)
def test_nickname_match(a, b, ok):
    assert nickname_match(a, b) is ok


def test_diminutive_rule_is_conservative():
    assert diminutive_bases("carlos") == frozenset()
    assert diminutive_bases("rita") == frozenset()  # a name of its own, and too short a stem
    assert all(len(base) >= 3 for base in diminutive_bases("anita"))


def test_nickname_level_sits_after_exact_and_subset():
    labels = given_names().labels()
    assert labels.index("exact") < labels.index("subset") < labels.index("nickname")
    assert labels.index("nickname") < labels.index("jw>=0.92")


def _given_levels(pairs: list[tuple[str, str]]) -> list[str]:
    """The ``given_names`` level of each pair of written given names, through the engine."""
    names = [name for pair in pairs for name in pair]
    frame = pd.DataFrame({"record_id": [f"r{i}" for i in range(len(names))], "given_names": names})
    comparisons = default_comparisons()
    il = np.arange(0, len(names), 2)
    levels, _ = compare_pairs(comparisons, Columns.from_prepared(prepare(frame)), il, il + 1)
    labels = comparisons[0].labels()
    return [labels[k] for k in levels[:, 0]]


def test_engine_reaches_the_nickname_level():
    got = _given_levels(
        [
            ("Beto", "Alberto José"),
            ("Beto", "Carlos"),
            ("Charly", "Carlos"),
            ("DANI", "Daniela"),
            ("Rosita", "Rosa"),
            ("Beto", "Beto"),
            ("Beto", "Humberto"),
            ("Beto", "Roberto"),
        ]
    )
    assert got[0] == "nickname" and got[1] in ("jw>=0.80", "else")
    assert got[2] == "exact" and got[3] == "nickname" and got[4] == "nickname"
    assert got[5] == "exact" and got[6] == got[7] == "nickname"


FIRST = [
    "Wilmer",
    "Yesenia",
    "Kevin",
    "Dayana",
    "Brayan",
    "Sofía",
    "Mateo",
    "Valentina",
    "Josué",
    "Nohemí",
    "Elvin",
    "Xiomara",
    "Pedro",
    "Carmen",
    "Jesús",
    "Luis",
]
LAST = [
    "Hernández",
    "López",
    "García",
    "Martínez",
    "Pérez",
    "Sánchez",
    "Cruz",
    "Flores",
    "Morales",
    "Reyes",
    "Ortiz",
    "Zelaya",
    "Turcios",
    "Ixcot",
]


def _background(n_people: int = 150, seed: int = 11) -> pd.DataFrame:
    """Unrelated people, one to three records each, so that EM has something to learn from."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n_people):
        given, surnames = str(rng.choice(FIRST)), f"{rng.choice(LAST)} {rng.choice(LAST)}"
        dob = pd.Timestamp("1960-01-01") + pd.Timedelta(days=int(rng.integers(0, 20000)))
        a_number = f"{rng.integers(0, 10**9):09d}"
        for k in range(int(rng.integers(1, 4))):
            rows.append(
                {
                    "record_id": f"BG{p:04d}-{k}",
                    "source": ["CBP", "EOIR", "USCIS"][k],
                    "given_names": given,
                    "surnames": surnames,
                    "dob": dob,
                    "a_number": a_number if k < 2 else None,
                    "sex": "M",
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def resolution():
    people = [
        ("C1", "CBP", "Carlos", "Navarro Pinto", "1966-12-27", "M"),
        ("C2", "NGO", "Charly", "Navarro", "1966-12-27", "M"),
        ("B1", "CBP", "Alberto José", "Ruiz Mejía", "1980-05-02", "M"),
        ("B2", "NGO", "Beto", "Ruiz", "1980-05-02", "M"),
        ("K1", "CBP", "Carlos", "Ruiz Mejía", "1984-11-20", "M"),
        ("K2", "NGO", "Beto", "Ruiz", "1985-03-09", "M"),
        ("R1", "CBP", "Rosa Elena", "Méndez López", "1990-01-15", "F"),
        ("R2", "NGO", "Rosita", "Méndez", "1990-01-15", "F"),
    ]
    extra = pd.DataFrame(
        people, columns=["record_id", "source", "given_names", "surnames", "dob", "sex"]
    )
    frame = pd.concat([_background(), extra], ignore_index=True)
    frame["dob"] = pd.to_datetime(frame["dob"])
    return resolve(frame, None)


def _person(res, record_id: str) -> str:
    return res.persons.set_index("record_id")["person_id"][record_id]


def test_nicknamed_records_join_their_person(resolution):
    assert _person(resolution, "C1") == _person(resolution, "C2")  # Charly = Carlos
    assert _person(resolution, "B1") == _person(resolution, "B2")  # Beto = Alberto
    assert _person(resolution, "R1") == _person(resolution, "R2")  # Rosita = Rosa
    matches = resolution.matches.set_index(["record_id_l", "record_id_r"])
    levels = {
        pair: matches.loc[pair, "given_names_level"]
        for pair in matches.index
        if set(pair) in ({"B1", "B2"}, {"R1", "R2"})
    }
    assert sorted(levels.values()) == ["nickname", "nickname"]


def test_a_nickname_for_other_names_keeps_people_apart(resolution):
    assert _person(resolution, "K1") != _person(resolution, "K2")  # Beto is not Carlos
    assert _person(resolution, "B2") != _person(resolution, "K2")  # namesakes born apart
