"""The facts' and the sections' fast paths give what the plain pandas forms give (ordering, row
values, next hearings)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kinlink.queries.facts import Facts, RowsBy, latest_order
from kinlink.queries.sections import _next_hearings, _text
from kinlink.queries.text import iso

# ids with non-ASCII letters, digits and case (UTF-8 byte order must equal Python's str order)
IDS = st.text(alphabet="Rr_1aZÄéñ日", min_size=0, max_size=4)
DATES = st.one_of(st.none(), st.sampled_from(["2019-05-05", "2020-01-01", "2020-01-01 10:00"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["P1", "P2", "P10", "Pé", "p3"]), IDS, DATES)))
def test_latest_order_is_the_stable_pandas_sort(rows):
    frame = pd.DataFrame(
        {
            "person_id": [r[0] for r in rows],
            "record_id": [r[1] for r in rows],  # repeats: ties on every key keep frame order
            "as_of": pd.to_datetime([r[2] for r in rows], format="mixed"),
            "position": range(len(rows)),
        },
        index=np.arange(len(rows))[::-1] * 7,
    )
    expected = frame.sort_values(
        ["person_id", "as_of", "record_id"], na_position="first", kind="mergesort"
    )
    pd.testing.assert_frame_equal(latest_order(frame), expected)


def test_latest_order_with_a_missing_id_sorts_as_pandas_does():
    frame = pd.DataFrame(
        {
            "person_id": ["P2", None, "P1"],
            "record_id": ["b", "a", None],
            "as_of": pd.to_datetime(["2020-01-01", None, "2020-01-01"]),
        }
    )
    expected = frame.sort_values(
        ["person_id", "as_of", "record_id"], na_position="first", kind="mergesort"
    )
    pd.testing.assert_frame_equal(latest_order(frame), expected)


def test_rows_by_key_give_the_values_tolist_gives():
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "when": pd.to_datetime(["2020-01-02", None, "2021-03-04 05:06"], format="mixed"),
            "n": [1, 2, 3],
        }
    )
    rows = RowsBy(frame, "id")
    for i, key in enumerate(frame["id"]):
        row = rows[key]
        for column in frame.columns:
            value, expected = getattr(row, column), frame[column].tolist()[i]
            assert type(value) is type(expected)
            assert value is expected or value == expected


def _plain_next_hearings(hearings, ref):
    """What sections._next_hearings gave before its Arrow sort (pandas' sort, a cell at a time)."""
    h = hearings[hearings["date"].notna()].sort_values(["case_id", "date", "hearing_id"])
    last = h.drop_duplicates("case_id", keep="last")
    out = {
        c: (f"{iso(d)} (last)", _text(court))
        for c, d, court in zip(last["case_id"], last["date"], last["court"], strict=True)
    }
    if ref is not None:
        nxt = h[h["date"] >= ref].drop_duplicates("case_id", keep="first")
        out.update(
            (c, (iso(d), _text(court)))
            for c, d, court in zip(nxt["case_id"], nxt["date"], nxt["court"], strict=True)
        )
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["C1", "C2", "C10", "Cé", None]),
            DATES,
            st.sampled_from(["Court A", "Court B", None, float("nan")]),
        )
    ),
    st.sampled_from([None, "2019-06-01", "2020-01-01"]),
)
def test_next_hearings_are_what_the_pandas_sort_gives(rows, ref):
    hearings = pd.DataFrame(
        {
            "hearing_id": [f"H{i}é"[::-1] for i in range(len(rows))],  # unique, not in order
            "case_id": pd.Series([r[0] for r in rows], dtype=object),
            "date": pd.to_datetime([r[1] for r in rows], format="mixed"),
            "court": pd.Series([r[2] for r in rows], dtype=object),
        }
    )
    facts = SimpleNamespace(hearings=hearings)
    when = None if ref is None else pd.Timestamp(ref)
    assert _next_hearings(facts, when) == _plain_next_hearings(hearings, when)


def _plain_members(persons, cases):
    """What Facts.members gave before its bincounts (an isin, a group-by and a merge)."""
    people = persons[persons["family_size"] >= 2].reset_index()
    c = cases[cases["person_id"].isin(people["person_id"])]
    status, mpp = c["status"], c["mpp"].astype(bool)
    flags = {
        "has_mpp": mpp,
        "has_pending_mpp": mpp & status.eq("PENDING"),
        "has_ended_mpp": mpp & status.isin(["IN_ABSENTIA", "TERMINATED"]),
        "has_relief_mpp": mpp & status.eq("RELIEF_GRANTED"),
        "has_non_relief": ~status.eq("RELIEF_GRANTED"),
    }
    per_case = pd.DataFrame({"person_id": c["person_id"], "n_cases": 1, **flags})
    agg = per_case.groupby("person_id").agg(
        n_cases=("n_cases", "sum"), **{col: (col, "any") for col in flags}
    )
    out = people.merge(agg, left_on="person_id", right_index=True, how="left")
    out["n_cases"] = out["n_cases"].fillna(0).astype(int)
    for col in flags:
        out[col] = out[col].eq(True)
    out["mexican"] = out["nationality"].eq("MEX")
    return out


PERSONS = ["P1", "P2", "P10", "Pé", "p3"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 3), st.sampled_from(["MEX", "HND", None])), max_size=5),
    st.lists(
        st.tuples(
            st.sampled_from([*PERSONS, "P9", None]),  # P9: no such person
            st.sampled_from(["PENDING", "IN_ABSENTIA", "TERMINATED", "RELIEF_GRANTED", None]),
            st.booleans(),
        )
    ),
)
def test_members_case_facts_are_the_group_by_s(people, cases):
    persons = pd.DataFrame(
        {
            "family_size": [p[0] for p in people],
            "nationality": pd.Series([p[1] for p in people], dtype=object),
        },
        index=pd.Index(PERSONS[: len(people)], dtype=object, name="person_id"),
    )
    frame = pd.DataFrame(
        {
            "person_id": pd.Series([c[0] for c in cases], dtype=object),
            "status": pd.Series([c[1] for c in cases], dtype=object),
            "mpp": pd.Series([c[2] for c in cases], dtype=bool),
        }
    )
    facts = Facts(None, persons, None, frame, None, None)
    pd.testing.assert_frame_equal(facts.members, _plain_members(persons, frame))
