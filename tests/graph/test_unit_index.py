"""UnitIndex.boost gives exactly what a pandas join of pairs, units and linked units gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kinlink.graph.resolve.family import UnitIndex, linked_units, unit_pair_codes


def family_boost(member, il, ir, linked, *, bits, is_anchor=None) -> np.ndarray:
    """The reference: join the pairs to their units and to the linked unit pairs with pandas."""
    out = np.zeros(len(il), dtype=np.float32)
    if member.empty or bits == 0 or not len(il) or linked.empty:
        return out
    codes = unit_pair_codes(member, il, ir).merge(linked, on=["lo", "hi"])
    if codes.empty:
        return out
    own = is_anchor[codes["pair"].to_numpy()] if is_anchor is not None else False
    others = codes["anchors"].to_numpy() - np.asarray(own, dtype=int)
    out[codes.loc[others > 0, "pair"].unique()] = bits
    return out


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
