"""The shared union-find and pair codes (kinlink/unionfind.py) against networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kinlink.unionfind import UnionFind, pair_codes, split_codes

pairs = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60)
    )
)


def expected_labels(n: int, links: list[tuple[int, int]]) -> list[int]:
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(links)
    out = [0] * n
    for comp in nx.connected_components(G):
        for x in comp:
            out[x] = min(comp)
    return out


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_vectorised_unions_give_the_components_labelled_by_their_smallest_item(drawn) -> None:
    n, links = drawn
    uf = UnionFind(n)
    a = np.array([x for x, _ in links], dtype=np.int64)
    b = np.array([y for _, y in links], dtype=np.int64)
    uf.union_pairs(a, b)
    assert uf.labels().tolist() == expected_labels(n, links)


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_one_by_one_unions_agree(drawn) -> None:
    n, links = drawn
    uf = UnionFind(n)
    for x, y in links:
        root = uf.union(x, y)
        assert root == min(uf.find(x), uf.find(y)) == uf.find(x) == uf.find(y)
    assert uf.labels().tolist() == expected_labels(n, links)


def test_pair_codes_are_unordered_and_split_back() -> None:
    a = np.array([5, 0, 2**31 - 1])
    b = np.array([3, 7, 2**31 - 2])
    codes = pair_codes(a, b)
    assert codes.tolist() == pair_codes(b, a).tolist()
    lo, hi = split_codes(codes)
    assert lo.tolist() == np.minimum(a, b).tolist() and hi.tolist() == np.maximum(a, b).tolist()


def test_pair_codes_split_back_as_int32_without_changing_a_value() -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2**31 - 1, size=1000)
    b = rng.integers(0, 2**31 - 1, size=1000)
    codes = pair_codes(a, b)
    wide, narrow = split_codes(codes), split_codes(codes, np.int32)
    assert [side.dtype.name for side in narrow] == ["int32", "int32"]
    assert all(w.tolist() == n.tolist() for w, n in zip(wide, narrow, strict=True))
    assert [side.tolist() for side in split_codes(codes[:0], np.int32)] == [[], []]
