"""Sources that hold each person once: mutual best candidates are joined below the threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinlink.graph.resolve import ResolverSettings, resolve
from kinlink.graph.resolve.one_to_one import join_mutual_best

SOURCES = np.array(["A", "A", "B", "B", "B"], dtype=object)


def _join(il, ir, p, *, unique=None, keys=None, score=None):
    unique = np.ones(5, dtype=bool) if unique is None else unique
    score = score or (lambda a, b: np.full(len(a), 0.6))
    return join_mutual_best(
        np.arange(5),
        np.array(il),
        np.array(ir),
        np.array(p),
        SOURCES,
        unique,
        keys or {},
        score,
        low=0.5,
        high=0.9,
        conflict=0.001,
    )


def test_mutual_best_pairs_join_and_one_sided_preferences_do_not() -> None:
    # 0 prefers 2, 2 prefers 0: joined. 1 prefers 2 too, but 2 does not prefer 1.
    labels, joined = _join([0, 1, 1], [2, 2, 3], [0.8, 0.7, 0.6])
    assert joined == 1 and labels[0] == labels[2]
    assert labels[1] != labels[2] and labels[1] != labels[3]


def test_only_between_once_only_sources_and_inside_the_band() -> None:
    _, joined = _join([0], [2], [0.8], unique=np.array([True, True, False, True, True]))
    assert joined == 0
    assert _join([0], [2], [0.4])[1] == 0  # below low
    assert _join([0], [2], [0.95])[1] == 0  # clustering's to decide
    assert _join([0], [1], [0.8])[1] == 0  # same source


def test_cannot_link_and_conflicts_are_respected() -> None:
    assert _join([0], [2], [0.8], keys={0: {"review:0"}, 2: {"review:0"}})[1] == 0
    assert _join([0], [2], [0.8], score=lambda a, b: np.full(len(a), 0.0001))[1] == 0


def test_a_tie_is_no_choice() -> None:
    _, joined = _join([0, 0], [2, 3], [0.7, 0.7])
    assert joined == 0


def test_linking_two_files_joins_each_others_best() -> None:
    # the same three people in two files; in file B their given names are written differently
    a = pd.DataFrame(
        {
            "record_id": ["a1", "a2", "a3"],
            "source": "A",
            "given_names": ["Wilmer Josué", "Dayana", "Kevin"],
            "surnames": ["Portillo Ventura", "Rivas Mejía", "Orellana Cruz"],
            "dob": pd.to_datetime(["1990-03-04", "1985-07-21", "2001-11-30"]),
        }
    )
    b = a.assign(record_id=["b1", "b2", "b3"], source="B", given_names=["Josue", "Daiana", "Kebin"])
    frame = pd.concat([a, b, _background("A"), _background("B", shift=7)], ignore_index=True)
    # a threshold so high that no pair reaches it: only the mutual best can join them (the
    # weights it was set against leave the term-frequency adjustment uncapped: capped at the
    # default 7 bits, a1/b1's negative adjustment shrinks and the pair passes it on its own)
    high = {"link_type": "link_only", "match_threshold": 0.9999999, "tf_max_bits": 64.0}
    strict = ResolverSettings(**high, unique_best_probability=0.99999999)  # type: ignore[arg-type]
    linked = resolve(frame, settings=ResolverSettings(**high))  # type: ignore[arg-type]
    persons = linked.persons.set_index("record_id")["person_id"]
    for x, y in (("a1", "b1"), ("a2", "b2"), ("a3", "b3")):
        assert persons[x] == persons[y]
    assert linked.stats["unique_best_joined"] >= 1
    before = resolve(frame, settings=strict).persons.set_index("record_id")["person_id"]
    assert before["a1"] != before["b1"]  # without the mutual best, the threshold keeps them apart


def _background(source: str, n: int = 60, shift: int = 0) -> pd.DataFrame:
    """Distinct people in one file, so that the model has chance agreement to learn from."""
    given = ["Luis", "Rosa", "Pedro", "Carmen", "Yesenia", "Elvin", "Marta", "Jorge", "Iris"]
    surnames = ["Soto", "Vega", "Lara", "Mejía", "Rivas", "Flores", "Andrade", "Zelaya"]
    return pd.DataFrame(
        {
            "record_id": [f"{source}x{i}" for i in range(n)],
            "source": source,
            "given_names": [given[(i + shift) % 9] for i in range(n)],
            "surnames": [f"{surnames[i % 8]} {surnames[(i // 8 + shift) % 8]}" for i in range(n)],
            "dob": pd.to_datetime(
                [f"19{60 + (i + shift) % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)]
            ),
        }
    )
