"""The resolver's parts: name keys, comparison levels, blocking, EM, clustering, ids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinlink.graph.ids import person_id, person_ids
from kinlink.graph.resolve.blocking import candidate_pairs, default_keys, window_pairs
from kinlink.graph.resolve.candidates import CandidatePairs
from kinlink.graph.resolve.cluster import cluster
from kinlink.graph.resolve.compare import Columns, compare_pairs
from kinlink.graph.resolve.comparisons import check, default_comparisons
from kinlink.graph.resolve.model import FSModel
from kinlink.graph.resolve.prepare import name_tokens, phonetic, prepare
from kinlink.unionfind import components, pair_codes


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Pepe", "José"),
        ("Paco", "Francisco"),
        ("Pancho", "Francisco"),
        ("Lupe", "Guadalupe"),
        ("Chuy", "Jesús"),
        ("JOSÉ", "jose"),
    ],
)
def test_nicknames_map_to_the_name(a, b):
    assert name_tokens(a) == name_tokens(b)


def test_particles_are_dropped():
    assert name_tokens("de la Cruz del Río") == ["cruz", "rio"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hernández", "Hernandes"),
        ("Gonzalez", "Gonsales"),
        ("Yesenia", "Llesenia"),
        ("Ximena", "Jimena"),
        ("Vásquez", "Basquez"),
        ("Conceição", "Conseisao"),
        ("Quiñónez", "Kinonez"),
    ],
)
def test_phonetic_keys_absorb_spanish_and_portuguese_spellings(a, b):
    assert phonetic(a) == phonetic(b)


def _levels(rows: list[dict], pairs: list[tuple[int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    if "dob" in frame:
        frame["dob"] = pd.to_datetime(frame["dob"])
    frame.insert(0, "record_id", [f"r{i}" for i in range(len(frame))])
    prepared = prepare(frame)
    comparisons = default_comparisons()
    il = np.array([a for a, _ in pairs])
    ir = np.array([b for _, b in pairs])
    levels, swapped = compare_pairs(comparisons, Columns.from_prepared(prepared), il, ir)
    out = pd.DataFrame(
        {c.name: [c.levels[k].label for k in levels[:, j]] for j, c in enumerate(comparisons)}
    )
    out["swapped"] = swapped
    return out


def test_date_levels():
    dates = [
        "1990-03-04",
        "1990-03-04",
        "1990-04-03",
        "1990-03-07",
        "1989-03-04",
        "1970-01-01",
        None,
    ]
    got = _levels([{"dob": d} for d in dates], [(0, i) for i in range(1, 7)])["dob"].tolist()
    assert got == ["exact", "typo", "typo", "year_off", "else", "null"]


def test_a_number_levels():
    numbers = ["208123456", "208123456", "208123457", "208124356", "208999999", None]
    got = _levels([{"a_number": a} for a in numbers], [(0, i) for i in range(1, 6)])
    assert got["a_number"].tolist() == ["exact", "one_edit", "one_edit", "else", "null"]


def test_surnames_in_either_order_or_one_missing():
    rows = [
        {"surnames": s}
        for s in ["Hernández López", "López Hernández", "HERNANDEZ", "Hernandes Lopes", "Turcios"]
    ]
    got = _levels(rows, [(0, 1), (0, 2), (0, 3), (0, 4)])["surnames"].tolist()
    assert got == ["subset", "subset", "jw>=0.92", "else"]


def test_one_mistyped_surname_against_both_is_a_token_typo():
    rows = [
        {"surnames": s}
        for s in ["Pedro Murillo", "Pedko", "Murilo", "Cárcamo Pérez", "Paz Ruiz", "Pax", "Turcios"]
    ]
    got = _levels(rows, [(0, 1), (0, 2), (3, 0), (4, 5), (0, 6)])["surnames"].tolist()
    # "Pedko" is one substitution from "Pedro", "Murilo" one deletion from "Murillo"; no part
    # of "Cárcamo Pérez" is near either; "Pax" is too short to count a one-letter change
    assert got == ["token_typo", "token_typo", "else", "else", "else"]


def test_given_names_and_surnames_swapped_are_detected():
    rows = [
        {"given_names": "Wilmer Antonio", "surnames": "Zelaya Turcios"},
        {"given_names": "Zelaya Turcios", "surnames": "Wilmer Antonio"},
    ]
    got = _levels(rows, [(0, 1)])
    assert got["swapped"].tolist() == [True]
    assert got["given_names"].tolist() == ["exact"]
    assert got["surnames"].tolist() == ["exact"]


def test_name_rank_is_pythons_string_order_of_surname_then_given():
    # sorted in Arrow (UTF-8 bytes); the rank must follow Python's comparison of the folded
    # text, with the records of one name as written sharing its rank
    frame = pd.DataFrame(
        {
            "record_id": list("abcdefg"),
            "surnames": ["Ñúñez", "Nunez", "Zapata", "Nunez", "de Ávila", "Nu\u0303nez", None],
            "given_names": ["Ana", "Ana", "Eva", "Ana", "Luz", "Ana", "Olga"],
        }
    )
    prepared = prepare(frame)
    text = (prepared["surname"].fillna("") + "|" + prepared["given"].fillna("")).tolist()
    ranks = prepared["name_rank"].tolist()
    assert sorted(range(len(text)), key=lambda i: ranks[i]) == sorted(
        range(len(text)), key=lambda i: (text[i], ranks[i])
    )
    assert ranks[1] == ranks[3]  # one name as written, one rank
    assert text[6] == "|olga" and ranks[6] == max(ranks)  # "|" sorts after the letters


def test_comparisons_are_well_formed():
    assert check(default_comparisons()) == []


def test_window_pairs_never_exceed_rows_times_window():
    n, window = 1000, 5
    codes = window_pairs(np.arange(n), np.zeros(n, dtype=np.int64), np.arange(n), window)
    assert len(codes) <= n * window
    assert ((codes >> 32) < (codes & 0xFFFFFFFF)).all()


def test_blocking_finds_shared_a_number_and_transposed_one():
    frame = pd.DataFrame(
        {
            "record_id": ["a", "b", "c", "d"],
            "a_number": ["208123456", "208123456", "208213456", "777777777"],
            "given_names": ["Ana", "Eva", "Rut", "Luz"],
            "surnames": ["Paz", "Oro", "Sol", "Mar"],
        }
    )
    il, ir, counts = candidate_pairs(prepare(frame), default_keys(3))
    pairs = set(zip(il.tolist(), ir.tolist(), strict=True))
    assert {(0, 1), (0, 2), (1, 2)} <= pairs
    assert counts["a_number"]["pairs"] == 1


def test_blocking_counts_each_keys_pairs_once_and_the_first_key_to_find_each():
    # one sort for every key: a key's "pairs" are its distinct pairs (name_pairs finds a pair
    # once per shared token pair), its "new" the pairs no earlier key found
    rng = np.random.default_rng(7)
    names = ["Ana Paz", "Ana María Paz Oro", "Eva Sol", "Rut Mar Sol", "Luz Oro Paz"]
    n = 300
    frame = pd.DataFrame(
        {
            "record_id": [f"r{i}" for i in range(n)],
            "given_names": [names[i].split()[0] for i in rng.integers(0, 5, n)],
            "surnames": [" ".join(names[i].split()[1:]) for i in rng.integers(0, 5, n)],
            "a_number": [f"2081234{i:02d}" for i in rng.integers(0, 40, n)],
            "dob": pd.to_datetime("1980-01-01") + pd.to_timedelta(rng.integers(0, 30, n), "D"),
        }
    )
    prepared = prepare(frame)
    keys = default_keys(4)
    il, ir, counts = candidate_pairs(prepared, keys)
    seen: set[int] = set()
    for spec in keys:
        codes = window_pairs(*spec.build(prepared), spec.window)
        assert counts[spec.name]["pairs"] == len(codes), spec.name
        assert counts[spec.name]["new"] == len(set(codes.tolist()) - seen), spec.name
        seen |= set(codes.tolist())
    assert set(pair_codes(il.astype(np.int64), ir.astype(np.int64)).tolist()) == seen
    assert len(il) == len(seen) == sum(c["new"] for c in counts.values())
    assert counts["name_pairs"]["pairs"] > 0 and counts["a_number_near"]["pairs"] > 0


def test_em_recovers_m_and_prior():
    rng = np.random.default_rng(0)
    comparisons = default_comparisons()[:3]
    n_match, n_non = 20_000, 80_000
    true_m = [
        np.array([1, 0.8, 0.1, 0.05, 0.03, 0.02]),
        np.array([1, 0.7, 0.1, 0.1, 0.05, 0.05]),
        np.array([1, 0.9, 0.05, 0.03, 0.02]),
    ]
    true_u = [
        np.array([1, 0.01, 0.01, 0.03, 0.05, 0.9]),
        np.array([1, 0.05, 0.02, 0.03, 0.1, 0.8]),
        np.array([1, 0.01, 0.01, 0.02, 0.96]),
    ]
    columns = []
    for m, u in zip(true_m, true_u, strict=True):
        levels_match = rng.choice(len(m) - 1, size=n_match, p=m[1:] / m[1:].sum()) + 1
        levels_non = rng.choice(len(u) - 1, size=n_non, p=u[1:] / u[1:].sum()) + 1
        columns.append(np.r_[levels_match, levels_non])
    levels = np.column_stack(columns).astype(np.int8)
    model = FSModel.from_priors(comparisons)
    model.fit_em(levels, fix_u=False, max_iterations=200)
    assert model.prior == pytest.approx(0.2, abs=0.02)
    assert model.m[0][1] == pytest.approx(0.8, abs=0.05)


def test_cluster_respects_cannot_link_and_conflicts():
    il, ir = np.array([0, 1, 0, 3]), np.array([1, 2, 2, 4])
    p = np.array([0.99, 0.97, 1e-6, 0.95])
    labels, stats = cluster(
        5, il, ir, p, threshold=0.9, conflict=1e-3, cannot_link={3: {"u1|CBP"}, 4: {"u1|CBP"}}
    )
    assert labels[0] == labels[1] != labels[2]
    assert labels[3] != labels[4]
    assert stats.refused_conflict == 1 and stats.refused_cannot_link == 1


def test_components_and_partition():
    labels = components(6, np.array([0, 2, 4]), np.array([1, 3, 5]))
    assert labels.tolist() == [0, 0, 2, 2, 4, 4]


def test_adding_a_larger_record_keeps_the_person_id():
    before = person_ids(pd.Series(["CBP-1", "NGO-7"]), np.array([0, 0]))
    after = person_ids(pd.Series(["CBP-1", "NGO-7", "USCIS-3"]), np.array([0, 0, 0]))
    assert before[0] == after[0] == person_id(["CBP-1"])


def test_person_ids_take_each_clusters_smallest_record_in_python_string_order():
    # the vectorised ids sort with Arrow (UTF-8 bytes); Python orders by code point: the two
    # must agree on accents, other scripts, astral characters and the empty string
    rng = np.random.default_rng(7)
    alphabet = ["a", "B", "é", "É", "ñ", "z", "日", "本", "😀", "-", "0", "9", " "]
    records = pd.Series(
        list({"".join(rng.choice(alphabet, rng.integers(0, 5))) for _ in range(600)})
    )
    labels = rng.integers(-3, 40, len(records)) * 11
    got = person_ids(records, labels)
    for label in set(labels.tolist()):
        members = records[labels == label].tolist()
        assert set(got[labels == label]) == {person_id(members)}
    assert got.name == "person_id" and got.index.equals(pd.RangeIndex(len(records)))


def test_ambiguous_record_is_left_alone():
    # 1 fits 0 (joined first) and 2 almost as well, but 0 and 2 conflict: 1 stands alone
    il, ir = np.array([0, 1, 0]), np.array([1, 2, 2])
    p = np.array([0.99, 0.985, 1e-6])
    labels, stats = cluster(
        3, il, ir, p, threshold=0.9, conflict=1e-3, cannot_link={}, ambiguity=2.0
    )
    assert len(set(labels.tolist())) == 3 and stats.detached_ambiguous == 1
    labels, _ = cluster(3, il, ir, p, threshold=0.9, conflict=1e-3, cannot_link={})
    assert labels[0] == labels[1] != labels[2]


def test_cluster_scores_the_cross_pairs_of_a_component_too_big_to_score_whole():
    """0-1 and 1-2 are strong edges; 0-2 was never blocked and scores 0. With components of
    more than two records left to lazy scoring, the merge of {0, 1} with 2 is refused."""
    asked = []

    def score(il: np.ndarray, ir: np.ndarray) -> np.ndarray:
        asked.extend(zip(il.tolist(), ir.tolist(), strict=True))
        return np.zeros(len(il))

    il, ir, p = np.array([0, 1]), np.array([1, 2]), np.array([0.99, 0.98])
    labels, stats = cluster(
        3, il, ir, p, threshold=0.5, conflict=0.01, cannot_link={}, score=score, max_component=2
    )
    assert labels.tolist() == [0, 0, 2]
    assert asked == [(0, 2)] and stats.extra_pairs_scored == 1 and stats.refused_conflict == 1


def test_prepared_columns_are_read_only_and_compare_the_same_in_parallel_chunks():
    """Columns are filled before threads start: no thread can change them, and comparing in
    chunks of two pairs on two threads gives the levels one chunk gives."""
    given = ["María José", "Maria", "Hernández", "José", "Lupe", "Guadalupe", "Ana", "Pepe"]
    surnames = ["Hernández", "Hernandez", "María José", "Pérez", "Díaz", "Diaz", "Ruiz", "Ruíz"]
    frame = pd.DataFrame(
        {
            "record_id": [f"r{i}" for i in range(8)],
            "given_names": given,
            "surnames": surnames,
            "dob": pd.to_datetime(
                [
                    "1990-03-04",
                    "1990-04-03",
                    None,
                    "1991-03-04",
                    "1985-01-02",
                    "1985-01-20",
                    None,
                    "2001-12-31",
                ]
            ),
            "a_number": ["123456789", "123456798", None, "223456789", None, None, "1", "1"],
        }
    )
    cols = Columns.from_prepared(prepare(frame))
    with pytest.raises(ValueError, match="read-only"):
        cols.codes["given"][0] = 1
    with pytest.raises(TypeError):
        cols.uniques["given"] = np.array([], dtype=object)  # type: ignore[index]
    with pytest.raises(AttributeError):
        cols.digits = None  # type: ignore[misc]
    il, ir = np.triu_indices(8, 1)
    whole = compare_pairs(default_comparisons(), cols, il, ir, workers=1)
    chunked = compare_pairs(default_comparisons(), cols, il, ir, chunk=2, workers=2)
    assert whole[1].any()  # a swapped pair read names across the columns
    assert np.array_equal(whole[0], chunked[0]) and np.array_equal(whole[1], chunked[1])


def test_candidate_pairs_hold_one_row_per_pair_and_cannot_change():
    n = 3
    pairs = CandidatePairs(
        np.arange(n),
        np.arange(n) + 1,
        np.zeros((n, 2), np.int8),
        np.zeros(n, bool),
        np.zeros(n, np.float32),
        np.zeros(n, np.float32),
        np.ones(n, np.float32),
        np.zeros(n, bool),
        np.full(n, 0.5),
    )
    assert len(pairs) == n and pairs.codes().tolist() == [1, (1 << 32) | 2, (2 << 32) | 3]
    with pytest.raises(ValueError, match="read-only"):
        pairs.probability[0] = 1.0
    with pytest.raises(ValueError, match="veto has 2 rows"):
        CandidatePairs(
            *(
                getattr(pairs, f)
                for f in ("il", "ir", "levels", "swapped", "tf", "boost", "weight")
            ),
            np.zeros(2, bool),
            pairs.probability,
        )
