"""Weak bridges, single member records moved by family completion, and the fields that veto.

:func:`bridge_sides`, :func:`detach_weak_bridges` and the single-record move of
:func:`complete_families` are pinned down on hand-built memberships with a fake ``pair_levels``
(the test chooses every comparison level); small families in a background population (so EM has
something to fit) check the three behaviours end to end through :func:`resolve`.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinlink.errors import InputError, SettingsError
from kinlink.graph.families import compute_families
from kinlink.graph.resolve import (
    Resolution,
    ResolverSettings,
    completion,
    decision,
    family,
    resolve,
)
from kinlink.graph.resolve.bridges import bridge_sides, detach_weak_bridges
from kinlink.graph.resolve.comparisons import default_comparisons
from kinlink.graph.resolve.completion import Fields, complete_families
from kinlink.graph.resolve.model import FSModel

from .names import GIVEN, SURNAMES

# ---------------------------------------------------------------------------------------------
# hand-built memberships


def _member(*units: list[int]) -> pd.DataFrame:
    """``record, unit`` memberships: the k-th argument lists the records of unit k."""
    return pd.DataFrame(
        {
            "record": np.array([r for records in units for r in records], dtype=np.int64),
            "unit": np.array(
                [k for k, records in enumerate(units) for _ in records], dtype=np.int64
            ),
        }
    )


def _labels(n: int, *persons: list[int]) -> np.ndarray:
    """Labels as clustering gives them: each person labelled by its smallest record index."""
    labels = np.arange(n, dtype=np.int64)
    for records in persons:
        labels[records] = min(records)
    return labels


def _parts(labels: np.ndarray) -> set[frozenset[int]]:
    """The partition of record indexes that labels describe."""
    groups: dict[int, set[int]] = {}
    for record, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(record)
    return {frozenset(g) for g in groups.values()}


def _assert_only_splits(before: np.ndarray, after: np.ndarray) -> None:
    """Every part after lies inside one person before; a part keeping no old label took a new
    one, above every label before."""
    old_labels = set(before.tolist())
    for part in _parts(after):
        assert len({int(before[r]) for r in part}) == 1, f"records {sorted(part)} were merged"
        (label,) = {int(after[r]) for r in part}
        assert label == int(before[min(part)]) or label > max(old_labels)
    assert len(_parts(after)) >= len(_parts(before))


@pytest.mark.parametrize(
    ("units", "labels", "expected"),
    [
        pytest.param(  # the docstring's first example
            [[0, 1], [2, 3], [4], [5]],
            [9, 1, 9, 2, 1, 2],
            {9: [[0], [1]]},
            id="two-families",
        ),
        pytest.param(  # person 2 is in no second unit: unit 1 is unresolved records
            [[0, 1], [2, 3], [4]],
            [9, 1, 9, 2, 1],
            {},
            id="unconfirmed-side",
        ),
        pytest.param(  # person 1 is in unit 1 too: the units are joined without person 9
            [[0, 1], [2, 3, 4], [5]],
            [9, 1, 9, 2, 1, 2],
            {},
            id="joined-elsewhere",
        ),
        pytest.param(
            [[0, 1], [2, 3], [4, 5], [6], [7], [8]],
            [9, 1, 9, 2, 9, 3, 1, 2, 3],
            {9: [[0], [1], [2]]},
            id="three-families",
        ),
        pytest.param(  # person 3 only in unit 2: two sides are left
            [[0, 1], [2, 3], [4, 5], [6], [7]],
            [9, 1, 9, 2, 9, 3, 1, 2],
            {9: [[0], [1]]},
            id="three-families-one-unconfirmed",
        ),
        pytest.param(  # 9 joins units 0 and 1, 8 joins units 2 and 3: a cycle, no cut
            [[0, 1], [2, 3], [4, 5], [6, 7]],
            [9, 1, 9, 2, 8, 1, 8, 2],
            {},
            id="cycle",
        ),
        pytest.param(  # units 0 and 1 are one family (person 1 in both): one side
            [[0, 1], [2, 3], [4, 5], [6]],
            [9, 1, 9, 1, 9, 2, 2],
            {9: [[0, 1], [2]]},
            id="two-units-one-side",
        ),
        pytest.param(  # unit 2 holds person 9 alone: no side
            [[0, 1], [2, 3], [4], [5], [6]],
            [9, 1, 9, 2, 9, 1, 2],
            {9: [[0], [1]]},
            id="alone-in-a-unit",
        ),
    ],
)
def test_bridge_sides(units, labels, expected) -> None:
    assert bridge_sides(_member(*units), np.array(labels)) == expected


def test_bridge_sides_of_no_membership_is_empty() -> None:
    assert bridge_sides(_member(), np.arange(3)) == {}


def _sides_from_blocks(member: pd.DataFrame, labels: np.ndarray) -> dict[int, list[list[int]]]:
    """The definition, with networkx: a person's sides are its biconnected blocks in the graph
    of crowded units (two persons or more) and their persons, keeping the blocks whose units
    hold another person seen in two units; persons with two such sides."""
    persons = labels[member["record"].to_numpy()].tolist()
    edges = set(zip(member["unit"].tolist(), persons, strict=True))
    people: dict[int, set[int]] = {}
    units_of: dict[int, set[int]] = {}
    for u, p in edges:
        people.setdefault(u, set()).add(p)
        units_of.setdefault(p, set()).add(u)
    graph = nx.Graph(((-1 - u, p) for u, p in edges if len(people[u]) >= 2))
    sides: dict[int, list[list[int]]] = {}
    for block in nx.biconnected_components(graph):
        for p in (x for x in block if x >= 0):
            units = sorted(-1 - x for x in block if x < 0 and graph.has_edge(p, x))
            if any(q != p and len(units_of[q]) >= 2 for u in units for q in people[u]):
                sides.setdefault(p, []).append(units)
    return {p: sorted(s) for p, s in sorted(sides.items()) if len(s) >= 2}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 14)), max_size=45),
)
def test_bridge_sides_are_the_blocks_of_the_unit_graph(rows) -> None:
    # each row is one record: (its unit, its person)
    member = pd.DataFrame(
        {
            "record": np.arange(len(rows), dtype=np.int64),
            "unit": np.array([u for u, _ in rows], dtype=np.int64),
        }
    )
    labels = np.array([p for _, p in rows], dtype=np.int64)
    assert bridge_sides(member, labels) == _sides_from_blocks(member, labels)


# Person P (records 0, 3, 5 and 7) bridges family X (unit 0, with Karla: records 1 and 2, record 2
# alone in unit 3) and family Y (units 1 and 2, with a child: records 4 and 6). Record 7 of P is
# in no unit. P holds one record on X's side and two on Y's.
BRIDGE = _member([0, 1], [3, 4], [5, 6], [2])
BRIDGE_LABELS = _labels(8, [0, 3, 5, 7], [1, 2], [4, 6])
# the X side cut off; Y's side and the unit-less record keep together, labelled 3
BRIDGE_CUT = [0, 1, 1, 3, 4, 3, 4, 3]
FIELDS = Fields({"dob": 0, "a_number": 1}, {"dob": 4, "a_number": 3})


class FakeLevels:
    """A ``pair_levels`` whose (dob, a_number) levels are chosen: null unless listed."""

    def __init__(self, levels: dict[tuple[int, int], tuple[int, int]] | None = None) -> None:
        self.levels = levels or {}

    def __call__(self, il: np.ndarray, ir: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert (il < ir).all()
        pairs = zip(il.tolist(), ir.tolist(), strict=True)
        rows = [self.levels.get(pair, (0, 0)) for pair in pairs]
        return np.array(rows, dtype=np.int64).reshape(-1, 2), np.zeros(len(il), dtype=bool)


def test_bridge_fixture_is_a_bridge() -> None:
    assert bridge_sides(BRIDGE, BRIDGE_LABELS) == {0: [[0], [1, 2]]}


def test_name_only_side_is_cut_and_the_larger_side_keeps_the_rest() -> None:
    labels, detached = detach_weak_bridges(BRIDGE, BRIDGE_LABELS, FakeLevels(), FIELDS)
    assert _parts(labels) == _parts(np.array(BRIDGE_CUT))
    assert labels[3] == BRIDGE_LABELS[3]  # the larger side keeps the person's label
    assert detached == 1
    assert BRIDGE_LABELS.tolist() == [0, 1, 1, 0, 4, 0, 4, 0]  # the input is left alone


@pytest.mark.parametrize(
    "levels",
    [
        pytest.param({(0, 5): (1, 0)}, id="dob-exact"),
        pytest.param({(0, 3): (2, 0)}, id="dob-typo"),
        pytest.param({(0, 3): (0, 2)}, id="a-number-one-edit"),
        pytest.param({(0, 7): (1, 0)}, id="dob-with-the-unitless-record"),
    ],
)
def test_side_agreeing_beyond_names_is_kept(levels) -> None:
    labels, detached = detach_weak_bridges(BRIDGE, BRIDGE_LABELS, FakeLevels(levels), FIELDS)
    assert labels.tolist() == BRIDGE_LABELS.tolist()
    assert detached == 0


@pytest.mark.parametrize(
    "levels",
    [
        pytest.param({(0, 5): (4, 0)}, id="dob-else"),
        pytest.param({(0, 3): (0, 3)}, id="a-number-else"),
        pytest.param({(3, 5): (1, 1)}, id="agreement-within-the-kept-side"),
    ],
)
def test_disagreement_is_no_tie(levels) -> None:
    labels, _ = detach_weak_bridges(BRIDGE, BRIDGE_LABELS, FakeLevels(levels), FIELDS)
    assert _parts(labels) == _parts(np.array(BRIDGE_CUT))
    assert labels[3] == BRIDGE_LABELS[3]  # the larger side keeps the person's label


def test_must_link_across_keeps_the_side() -> None:
    labels, detached = detach_weak_bridges(
        BRIDGE, BRIDGE_LABELS, FakeLevels(), FIELDS, must_link=[(5, 0)]
    )
    assert labels.tolist() == BRIDGE_LABELS.tolist()
    assert detached == 0


def test_must_link_within_one_side_does_not_keep_another() -> None:
    labels, _ = detach_weak_bridges(
        BRIDGE, BRIDGE_LABELS, FakeLevels(), FIELDS, must_link=[(3, 5), (1, 2)]
    )
    assert _parts(labels) == _parts(np.array(BRIDGE_CUT))
    assert labels[3] == BRIDGE_LABELS[3]  # the larger side keeps the person's label


def test_each_side_is_judged_on_its_own() -> None:
    """P (records 2, 5, 6, 9, 10) in four families: X (unit 0, record 9), Y (units 1 and 2,
    records 5 and 6), Z (unit 3, record 2) and W (unit 6, record 10). Y, with most records,
    keeps; Z stays for its birth date agreeing with Y's record 5; X and W are cut."""
    member = _member([9, 0], [5, 1], [6, 1], [2, 3], [0], [4], [10, 7], [8])
    labels = _labels(11, [2, 5, 6, 9, 10], [0], [1], [3, 4], [7, 8])
    sides = bridge_sides(member, labels)
    assert sides == {2: [[0], [1, 2], [3], [6]]}
    labels_after, detached = detach_weak_bridges(
        member, labels, FakeLevels({(2, 5): (1, 0)}), FIELDS
    )
    expected = labels.copy()
    expected[[9]] = 9
    expected[[10]] = 10
    assert _parts(labels_after) == _parts(expected)
    assert detached == 2
    _assert_only_splits(labels, labels_after)


def test_two_weak_sides_tied_only_to_each_other_are_both_cut() -> None:
    """Sides B (record 2) and C (record 3) agree on a birth date with each other, with nothing
    that stays: each is judged against the kept side and the records in no side (review)."""
    member = _member([0, 4], [1, 5], [2, 6], [7], [3, 8], [9])
    labels = _labels(10, [0, 1, 2, 3], [4, 5], [6, 7], [8, 9])
    assert bridge_sides(member, labels) == {0: [[0, 1], [2], [4]]}
    after, detached = detach_weak_bridges(member, labels, FakeLevels({(2, 3): (1, 0)}), FIELDS)
    assert detached == 2
    assert {frozenset({0, 1}), frozenset({2}), frozenset({3})} <= _parts(after)


@st.composite
def _layouts(draw):
    """Families of two units each (a person in both confirms it), persons with records in units
    of several families or in none, and chosen birth date agreements. A record is in one unit
    at most (see test_record_listed_in_two_units_does_not_crash)."""
    n_families = draw(st.integers(1, 3))
    person: list[int] = []
    unit: list[int | None] = []
    for f in range(n_families):  # person f holds a record in each of its family's units
        person += [f, f]
        unit += [2 * f, 2 * f + 1]
    units = st.one_of(st.none(), st.integers(0, 2 * n_families - 1))
    for b in range(n_families, n_families + draw(st.integers(1, 2))):  # likely bridges
        bridging = draw(st.lists(units, min_size=2, max_size=4))
        person += [b] * len(bridging)
        unit += bridging
    extra = draw(st.lists(st.tuples(st.integers(0, n_families + 2), units), max_size=5))
    person += [p for p, _ in extra]
    unit += [u for _, u in extra]
    n = len(person)
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).map(sorted).map(tuple)
    agree = draw(st.sets(pairs, max_size=3))
    member = pd.DataFrame(
        [(r, u) for r, u in enumerate(unit) if u is not None], columns=["record", "unit"]
    ).astype(np.int64)
    groups: dict[int, list[int]] = {}
    for record, p in enumerate(person):
        groups.setdefault(p, []).append(record)
    return member, _labels(n, *groups.values()), {pair: (1, 0) for pair in agree}


@settings(max_examples=200, deadline=None)
@given(_layouts())
def test_detaching_only_splits_bridging_persons(layout) -> None:
    member, labels, agree = layout
    after, detached = detach_weak_bridges(member, labels, FakeLevels(agree), FIELDS)
    _assert_only_splits(labels, after)
    assert len(_parts(after)) == len(_parts(labels)) + detached
    bridging = set(bridge_sides(member, labels))
    for part in _parts(labels):
        if int(labels[min(part)]) not in bridging:
            assert len({int(after[r]) for r in part}) == 1
    # when every pair agrees on its birth date nothing is cut
    everything = {(a, b): (1, 0) for a in range(len(labels)) for b in range(a + 1, len(labels))}
    same, cut = detach_weak_bridges(member, labels, FakeLevels(everything), FIELDS)
    assert same.tolist() == labels.tolist() and cut == 0


def test_record_listed_in_two_units_does_not_crash() -> None:
    # P (records 0, 1): units 0 and 1 (with x, who is in both) form P's largest side; record 0
    # is also in unit 2 (with y), record 1 in unit 4 (with z). y and z are confirmed.
    member = _member([0, 2], [1, 3], [0, 4], [5], [1, 6], [7])
    labels = _labels(8, [0, 1], [2, 3], [4, 5], [6, 7])
    assert bridge_sides(member, labels) == {0: [[0, 1], [2], [4]]}
    after, _ = detach_weak_bridges(member, labels, FakeLevels(), FIELDS)
    _assert_only_splits(labels, after)


def test_arbitrary_labels_are_never_merged() -> None:
    member = _member([0, 1], [2, 3], [4], [5])
    labels = np.array([9, 1, 9, 2, 1, 2])
    after, detached = detach_weak_bridges(member, labels, FakeLevels(), FIELDS)
    assert detached == 1
    assert _parts(after) == {frozenset({0}), frozenset({2}), frozenset({1, 4}), frozenset({3, 5})}


# ---------------------------------------------------------------------------------------------
# family completion moving one member record (hand-built, fake levels)

# A mother (records 0 CBP, 1 NGO) in CBP unit 0 with her child (record 2) and in NGO unit 1 with
# a sparse "José Luis Bravo" (record 3), whom clustering put with a namesake (records 4 and 5,
# in no unit). The namesake's records and the child's disagree on the birth date (vetoed).
MOVE_SOURCES = np.array(["CBP", "NGO", "CBP", "NGO", "CBP", "EOIR", "EOIR"], dtype=object)
MOVE_MEMBER = _member([0, 2], [1, 3])
MOVE_FIELDS = Fields(
    {"given_names": 0, "surnames": 1, "dob": 2, "a_number": 3, "sex": 4, "phone": 5},
    {"given_names": 6, "surnames": 5, "dob": 4, "a_number": 3, "sex": 2, "phone": 3},
)


class FakeCompletionLevels:
    """Pairs agree on names (given exact, surnames one inside the other) and sex, nothing else is
    known; the pairs in ``veto`` are vetoed, those in ``phone`` share a phone."""

    def __init__(self, veto=(), phone=()) -> None:
        self.veto, self.phone = set(veto), set(phone)

    def __call__(self, il: np.ndarray, ir: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pairs = list(zip(il.tolist(), ir.tolist(), strict=True))
        levels = np.tile(np.array([1, 2, 0, 0, 1, 0], dtype=np.int64), (len(pairs), 1))
        levels[:, 5] = [1 if pair in self.phone else 0 for pair in pairs]
        return levels, np.array([pair in self.veto for pair in pairs], dtype=bool)


def _complete(labels, veto=((2, 4), (2, 5)), phone=(), different=(), same=()):
    n = len(labels)
    prepared = pd.DataFrame({"source": MOVE_SOURCES[:n]})
    keys = family.cannot_link_keys(MOVE_SOURCES[:n], MOVE_MEMBER, different=list(different))
    new, merged = complete_families(
        prepared,
        MOVE_MEMBER,
        np.array(labels),
        keys,
        FakeCompletionLevels(veto, phone),
        MOVE_FIELDS,
        must_link=list(same),
    )
    return new.tolist(), merged


def test_a_record_an_analyst_joined_stays_and_the_other_move_is_made() -> None:
    """The child's records 2 and 6 were declared the same: record 2 may not move to the
    namesake, so the sparse record 3 moves to the child instead (review finding)."""
    labels = [0, 0, 2, 3, 3, 3, 2]
    assert _complete(labels, veto=[(4, 6)], same=[(2, 6)]) == ([0, 0, 2, 2, 3, 3, 2], 1)


def test_name_only_member_record_moves_to_the_unit_partner() -> None:
    assert _complete([0, 0, 2, 3, 3, 3]) == ([0, 0, 2, 2, 3, 3], 1)


def test_persons_merge_whole_when_nothing_blocks() -> None:
    assert _complete([0, 0, 2, 3, 3, 3], veto=()) == ([0, 0, 2, 2, 2, 2], 1)


@pytest.mark.parametrize(
    ("labels", "kwargs"),
    [
        pytest.param([0, 0, 2, 3, 3, 3], {"phone": [(3, 4)]}, id="tied-by-a-phone"),
        # the child has a second record (6, EOIR) that vetoes the sparse record
        pytest.param([0, 0, 2, 3, 3, 3, 2], {"veto": [(2, 4), (3, 6)]}, id="misfit"),
        pytest.param([0, 0, 2, 3, 3, 3], {"different": [(2, 3)]}, id="cannot-link"),
    ],
)
def test_member_record_that_cannot_move_stays(labels, kwargs) -> None:
    assert _complete(labels, **kwargs) == (labels, 0)


# ---------------------------------------------------------------------------------------------
# end to end through resolve

NATIONALITIES = ["HND", "GTM", "SLV"]


def _record(
    rid: str,
    source: str,
    given: str,
    surnames: str,
    dob: str | None = None,
    a_number: str | None = None,
    *,
    sex: str = "F",
    nationality: str | None = None,
    unit: str | None = None,
    phone: str | None = None,
) -> dict:
    return {
        "record_id": rid,
        "source": source,
        "given_names": given,
        "surnames": surnames,
        "dob": dob,
        "a_number": a_number,
        "sex": sex,
        "nationality": nationality,
        "phone": phone,
        "unit": unit,
    }


def _background(n_people: int = 150, seed: int = 11) -> list[dict]:
    """Unrelated people in no unit, with a CBP and an EOIR record (and an NGO one for some)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_people):
        given = str(rng.choice(GIVEN))
        surnames = f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        dob = f"{rng.integers(1960, 2015)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
        nationality = str(rng.choice(NATIONALITIES))
        for source in ("CBP", "EOIR"):
            rows.append(
                _record(
                    f"B{source}{i}",
                    source,
                    given,
                    surnames,
                    dob,
                    f"{300000000 + i}",
                    nationality=nationality,
                )
            )
        if i % 3 == 0:  # NGO: one surname, no A-number, every other birth year off by one
            dob = f"{int(dob[:4]) + i % 2}{dob[4:]}"
            rows.append(
                _record(
                    f"BNGO{i}", "NGO", given, surnames.split(" ")[0], dob, nationality=nationality
                )
            )
    return rows


def _family(
    prefix: str, people: list[tuple[str, str, str, str]], nationality: str, a_number: int
) -> list[dict]:
    """People ``(given, surnames, dob, sex)`` in a CBP and an EOIR unit, with A-numbers."""
    return [
        _record(
            f"{prefix}{source}{k}",
            source,
            given,
            surnames,
            dob,
            str(a_number + k),
            sex=sex,
            nationality=nationality,
            unit=f"{prefix}-{source}",
        )
        for source in ("CBP", "EOIR")
        for k, (given, surnames, dob, sex) in enumerate(people)
    ]


def _frames(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``individuals`` and ``family_units`` frames from records with their unit."""
    frame = pd.DataFrame(rows)
    units = frame.loc[frame["unit"].notna(), ["unit", "record_id"]]
    individuals = frame.drop(columns="unit")
    individuals["dob"] = pd.to_datetime(individuals["dob"])
    return individuals, units.rename(columns={"unit": "family_unit_id"}).reset_index(drop=True)


def _persons(res: Resolution) -> pd.Series:
    return res.persons.set_index("record_id")["person_id"]


def _family_of(res: Resolution, units: pd.DataFrame) -> pd.Series:
    """Family id of every record in a unit."""
    families = compute_families(res.persons, units).set_index("person_id")["family_id"]
    return _persons(res).map(families)


def _bridge_rows() -> list[dict]:
    """Two pairs of families.

    * Y (María Figueroa Hernández and her children) and X (Karla Oliva and her children), whose
      NGO unit also holds a sparse "María Figueroa": no birth date, no A-number (XNGO3).
    * V (Gloria Pineda Solís and her children) and W (Wendy Caal Pop and her children), whose NGO
      unit also holds Gloria with her birth date and A-number: she travelled with both (WNGO3).
    """
    maria = ("María", "Figueroa Hernández", "1985-04-12", "F")
    gloria = ("Gloria", "Pineda Solís", "1980-08-17", "F")
    rows = _background()
    rows += _family(
        "Y",
        [
            maria,
            ("Brenda", "Lara Figueroa", "2010-02-03", "F"),
            ("Óscar", "Lara Figueroa", "2013-06-07", "M"),
        ],
        "HND",
        400001000,
    )
    rows += [
        _record("YNGO0", "NGO", "María", "Figueroa", maria[2], nationality="HND", unit="Y-NGO")
    ]
    rows += _family(
        "X",
        [
            ("Karla", "Oliva Pineda", "1992-09-30", "F"),
            ("Dilan", "Cáceres Oliva", "2012-01-15", "M"),
            ("Génesis", "Cáceres Oliva", "2016-11-20", "F"),
        ],
        "SLV",
        400002000,
    )
    rows += [
        _record("XNGO0", "NGO", "Karla", "Oliva", "1992-09-30", nationality="SLV", unit="X-NGO"),
        _record(
            "XNGO1",
            "NGO",
            "Dilan",
            "Cáceres",
            "2012-01-15",
            sex="M",
            nationality="SLV",
            unit="X-NGO",
        ),
        _record(
            "XNGO2", "NGO", "Génesis", "Cáceres", "2016-11-20", nationality="SLV", unit="X-NGO"
        ),
        _record("XNGO3", "NGO", "María", "Figueroa", unit="X-NGO"),
    ]
    rows += _family("V", [gloria, ("Ariel", "Mendoza Pineda", "2008-03-22", "M")], "GTM", 400003000)
    rows += _family(
        "W",
        [("Wendy", "Caal Pop", "1994-12-01", "F"), ("Iris", "Coc Caal", "2015-05-05", "F")],
        "GTM",
        400004000,
    )
    rows += [
        _record("WNGO0", "NGO", "Wendy", "Caal", "1994-12-01", nationality="GTM", unit="W-NGO"),
        _record("WNGO1", "NGO", "Iris", "Coc", "2015-05-05", nationality="GTM", unit="W-NGO"),
        _record("WNGO3", "NGO", *gloria[:3], "400003000", nationality="GTM", unit="W-NGO"),
    ]
    return rows


@pytest.fixture(scope="module")
def bridge_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _frames(_bridge_rows())


@pytest.fixture(scope="module")
def bridged(bridge_frames) -> Resolution:
    return resolve(*bridge_frames)


def test_sparse_namesake_is_cut_from_the_other_family(bridge_frames, bridged) -> None:
    persons, families = _persons(bridged), _family_of(bridged, bridge_frames[1])
    assert persons["XNGO3"] != persons["YCBP0"]
    assert persons["YCBP0"] == persons["YEOIR0"] == persons["YNGO0"]
    assert families["XCBP0"] != families["YCBP0"]
    assert families["XNGO3"] == families["XCBP0"]
    assert bridged.stats["bridges_detached"] >= 1


def test_person_in_both_families_with_the_same_identifiers_stays_one(
    bridge_frames, bridged
) -> None:
    persons, families = _persons(bridged), _family_of(bridged, bridge_frames[1])
    assert persons["WNGO3"] == persons["VCBP0"] == persons["VEOIR0"]
    assert families["VCBP1"] == families["WCBP1"]


def test_without_detaching_the_namesake_joins_the_families(bridge_frames) -> None:
    """The scenario above is a real bridge: clustering alone puts the namesakes together."""
    res = resolve(*bridge_frames, settings=ResolverSettings(detach_weak_bridges=False))
    persons, families = _persons(res), _family_of(res, bridge_frames[1])
    assert persons["XNGO3"] == persons["YCBP0"]
    assert families["XCBP0"] == families["YCBP0"]
    assert "bridges_detached" not in res.stats


def test_analyst_same_across_the_bridge_keeps_it(bridge_frames) -> None:
    reviews = pd.DataFrame(
        {"record_id_a": ["XNGO3"], "record_id_b": ["YCBP0"], "decision": ["same"]}
    )
    res = resolve(*bridge_frames, reviews=reviews)
    persons = _persons(res)
    assert persons["XNGO3"] == persons["YCBP0"] == persons["YEOIR0"]


def _rehome_rows(phone: str | None = None) -> list[dict]:
    """An NGO unit {mother, sparse "José Luis Bravo"} linked through the mother to a CBP unit
    {mother, José Luis Bravo Mateo b. 2014}; a namesake José Luis Bravo Morales b. 1990 in no
    unit has a CBP and an EOIR record and an NGO record "José Luis Bravo" (with ``phone``, given
    to the sparse record too)."""
    namesake = ("José Luis", "Bravo Morales", "1990-10-02")
    return [
        *_background(),
        _record(
            "JCBP0",
            "CBP",
            "Lesly",
            "Mateo Chávez",
            "1989-03-08",
            "400005001",
            nationality="GTM",
            unit="J-CBP",
        ),
        _record(
            "JCBP1",
            "CBP",
            "José Luis",
            "Bravo Mateo",
            "2014-05-19",
            "400005002",
            sex="M",
            nationality="GTM",
            unit="J-CBP",
        ),
        _record("JNGO0", "NGO", "Lesly", "Mateo", "1989-03-08", nationality="GTM", unit="J-NGO"),
        _record("JNGO1", "NGO", "José Luis", "Bravo", sex="M", unit="J-NGO", phone=phone),
        _record("NCBP", "CBP", *namesake, "400005099", sex="M", nationality="GTM"),
        _record("NEOIR", "EOIR", *namesake, "400005099", sex="M", nationality="GTM"),
        _record(
            "NNGO",
            "NGO",
            "José Luis",
            "Bravo",
            namesake[2],
            sex="M",
            nationality="GTM",
            phone=phone,
        ),
    ]


@pytest.fixture(scope="module")
def rehome_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _frames(_rehome_rows())


def test_sparse_member_record_moves_to_its_unit_partner(rehome_frames) -> None:
    res = resolve(*rehome_frames)
    persons = _persons(res)
    assert persons["JNGO1"] == persons["JCBP1"]
    assert persons["NCBP"] == persons["NEOIR"] == persons["NNGO"] != persons["JNGO1"]
    assert res.stats["family_completed"] >= 1


def test_without_moving_the_sparse_record_stays_with_the_namesake(rehome_frames, monkeypatch):
    """The scenario above reaches the move: clustering puts the sparse record with the namesake,
    and the two persons cannot merge whole."""
    monkeypatch.setattr(completion, "_rehome", lambda *args, **kwargs: {})
    persons = _persons(resolve(*rehome_frames))
    assert persons["JNGO1"] == persons["NNGO"]
    assert persons["JNGO1"] != persons["JCBP1"]


def test_member_record_tied_by_a_phone_stays() -> None:
    persons = _persons(resolve(*_frames(_rehome_rows(phone="+50255501234"))))
    assert persons["JNGO1"] == persons["NNGO"] == persons["NCBP"]
    assert persons["JNGO1"] != persons["JCBP1"]


# ---------------------------------------------------------------------------------------------
# which fields veto

IDENTIFIERS = ("dob", "a_number", "other_id")


@pytest.mark.parametrize("name", [c.name for c in default_comparisons()])
def test_only_identifiers_veto_by_default(name) -> None:
    comparisons = default_comparisons()
    model = FSModel.from_priors(comparisons)
    for m in model.m:
        m[-1] = 1e-6  # every field's disagreement weighs about -19 bits
    levels = np.ones((1, len(comparisons)), dtype=np.int64)  # all exact ...
    j = [c.name for c in comparisons].index(name)
    levels[0, j] = len(comparisons[j].levels) - 1  # ... but this field: else
    veto = model.veto(levels, 10.0, ResolverSettings().veto_fields)
    assert veto.tolist() == [name in IDENTIFIERS]
    assert model.veto(levels, 10.0).tolist() == [True]  # no fields: any field vetoes
    assert model.veto(levels, 10.0, ()).tolist() == [False]


def _nationality_rows() -> list[dict]:
    """Two records equal on names, birth date and A-number; HND on one, MEX on the other."""
    person = ("Ingrid Sarai", "Portillo Ventura", "1995-07-21", "400006001")
    return [
        *_background(),
        _record("ICBP", "CBP", *person, nationality="HND"),
        _record("IEOIR", "EOIR", *person, nationality="MEX"),
    ]


@pytest.fixture(scope="module")
def nationality_frame() -> pd.DataFrame:
    return _frames(_nationality_rows())[0]


def _pair(res: Resolution) -> pd.Series:
    m = res.matches
    rows = m[(m["record_id_l"] == "ICBP") & (m["record_id_r"] == "IEOIR")]
    assert len(rows) == 1
    return rows.iloc[0]


def _nationality_else_weight(res: Resolution) -> float:
    (row,) = [
        r for r in res.stats["model"] if r["comparison"] == "nationality" and r["level"] == "else"
    ]
    return float(row["weight"])


@pytest.mark.parametrize("veto_bits", [10.0, 5.0])
def test_nationality_disagreement_does_not_veto(nationality_frame, veto_bits) -> None:
    """By default the pair is one person and not vetoed. On this small background the fitted
    nationality disagreement weighs about -7.4 bits, so at 5 bits it would veto if it could."""
    res = resolve(nationality_frame, settings=ResolverSettings(veto_bits=veto_bits))
    pair = _pair(res)
    assert pair["nationality_level"] == "else"
    assert not pair["veto"]
    persons = _persons(res)
    assert persons["ICBP"] == persons["IEOIR"]
    if veto_bits == 5.0:  # at 5 bits the nationality's disagreement would veto if it could
        assert _nationality_else_weight(res) <= -veto_bits


def test_nationality_vetoes_when_listed(nationality_frame) -> None:
    fields = (*IDENTIFIERS, "nationality")
    res = resolve(nationality_frame, settings=ResolverSettings(veto_bits=5.0, veto_fields=fields))
    assert _nationality_else_weight(res) <= -5.0
    pair = _pair(res)
    assert pair["veto"]
    assert pair["dob_level"] == "exact" and pair["a_number_level"] == "exact"


def test_veto_fields_must_be_a_tuple_of_names() -> None:
    with pytest.raises(SettingsError, match="veto_fields must be a tuple of names"):
        ResolverSettings(veto_fields="dob")


def test_veto_fields_naming_no_comparison_stop_the_run() -> None:
    frame = pd.DataFrame(
        {
            "record_id": ["a", "b"],
            "source": ["CBP", "NGO"],
            "given_names": ["Ana", "Ana"],
            "surnames": ["Paz", "Paz"],
        }
    )
    with pytest.raises(SettingsError, match="veto_fields names no comparison: nationalty"):
        resolve(frame, settings=ResolverSettings(veto_fields=("dob", "nationalty")))


# ---------------------------------------------------------------------------------------------
# explain.decision: which step put two records together or apart


@pytest.fixture(scope="module")
def bridged_kept(bridge_frames) -> Resolution:
    return resolve(*bridge_frames, keep_scorer=True)


def test_decision_names_clustering_for_records_it_joined(bridged_kept) -> None:
    assert decision(bridged_kept, "YCBP0", "YEOIR0").startswith("One person: clustering")


def test_decision_names_the_cut_between_families(bridged_kept) -> None:
    assert bridged_kept.steps["clustering"] is not None
    text = decision(bridged_kept, "XNGO3", "YCBP0")
    assert text.startswith("Two persons: clustering joined them") and "cut between" in text


def test_decision_names_the_moved_record(rehome_frames) -> None:
    res = resolve(*rehome_frames, keep_scorer=True)
    assert "moved one record" in decision(res, "JNGO1", "NNGO")
    assert decision(res, "JNGO1", "JCBP1").startswith("One person: family completion")


def test_decision_of_records_never_joined_gives_the_probability(bridged_kept) -> None:
    assert "under the threshold" in decision(bridged_kept, "XCBP0", "YCBP0")


def test_decision_needs_the_steps(bridged) -> None:
    with pytest.raises(InputError, match="keep_scorer"):
        decision(bridged, "XCBP0", "YCBP0")


def test_analyst_same_keeps_a_member_record_from_moving(rehome_frames) -> None:
    reviews = pd.DataFrame(
        {"record_id_a": ["JNGO1"], "record_id_b": ["NNGO"], "decision": ["same"]}
    )
    persons = _persons(resolve(*rehome_frames, reviews=reviews))
    assert persons["JNGO1"] == persons["NNGO"]
