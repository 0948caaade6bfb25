"""UnitIndex.boost gives exactly what family_boost gives, on any memberships and pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kinlink.graph.resolve.family import UnitIndex, family_boost, linked_units

N = 12


@st.composite
def _case(draw):
    rows = draw(st.lists(st.tuples(st.integers(0, N - 1), st.integers(0, 5)), max_size=25))
    member = pd.DataFrame(rows, columns=["record", "unit"]).drop_duplicates()
    member = member.reset_index(drop=True).astype(np.int64)
    pairs = draw(st.lists(st.tuples(st.integers(0, N - 1), st.integers(0, N - 1)), max_size=20))
    pairs = [(min(a, b), max(a, b)) for a, b in pairs if a != b]
    il = np.array([a for a, _ in pairs], dtype=np.int64)
    ir = np.array([b for _, b in pairs], dtype=np.int64)
    probability = np.array(draw(st.lists(st.floats(0, 1), min_size=len(il), max_size=len(il))))
    return member, il, ir, probability


@settings(max_examples=300, deadline=None)
@given(case=_case(), with_anchors=st.booleans())
def test_index_boost_equals_family_boost(case, with_anchors: bool) -> None:
    member, il, ir, probability = case
    linked, anchor = linked_units(member, il, ir, probability, anchor=0.5)
    is_anchor = anchor if with_anchors else None
    want = family_boost(member, il, ir, linked, bits=3.0, is_anchor=is_anchor)
    got = UnitIndex.build(member, linked, N).boost(il, ir, 3.0, is_anchor)
    assert got.tolist() == want.tolist()
