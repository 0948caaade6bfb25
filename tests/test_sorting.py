"""kinlink.sorting: Arrow's order of strings is pandas' (Python's) order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kinlink.sorting import sort_order, sorted_by, stable_ranks

ALPHABET = ["a", "B", "é", "É", "ñ", "z", "日", "😀", "-", "0", " ", "ß", "\u0301"]


def _words(rng: np.random.Generator, n: int) -> list[str]:
    return ["".join(rng.choice(ALPHABET, rng.integers(0, 4))) for _ in range(n)]


def test_sorted_by_orders_rows_as_pandas_does() -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": _words(rng, 3000), "b": _words(rng, 3000), "n": range(3000)})
    frame = frame.drop_duplicates(["a", "b"]).reset_index(drop=True)
    frame.loc[[1, 5, 9], "a"] = None
    frame.loc[[2, 6], "b"] = np.nan
    expected = frame.sort_values(["a", "b"], ignore_index=True)
    got = sorted_by(frame, ["a", "b"])
    pd.testing.assert_frame_equal(got, expected)
    one = frame.drop_duplicates("a")
    pd.testing.assert_frame_equal(sorted_by(one, ["a"]), one.sort_values("a", ignore_index=True))


def test_a_column_of_other_values_falls_back_to_pandas() -> None:
    assert sort_order(pd.Series([3, "a"], dtype=object)) is None
    frame = pd.DataFrame({"a": [3, 1, 2]})
    assert sorted_by(frame, ["a"])["a"].tolist() == [1, 2, 3]


def test_integer_keys_sort_beside_strings_as_pandas_sorts_them() -> None:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {"a": _words(rng, 2000), "n": rng.integers(-(2**62), 2**62, 2000), "i": range(2000)}
    )
    frame.loc[::7, "n"] = np.iinfo(np.int64).min  # how latest_order writes a missing date
    expected = frame.sort_values(["a", "n"], kind="mergesort", ignore_index=True)  # stable
    order = sort_order(frame["a"], frame["n"].to_numpy())
    assert order is not None
    pd.testing.assert_frame_equal(frame.take(order).reset_index(drop=True), expected)


def test_stable_ranks_are_numpys_stable_sort_with_or_without_arrow() -> None:
    rng = np.random.default_rng(9)
    words = np.array(_words(rng, 2000), dtype=object)  # with repeats: ties keep their order
    lone = words.copy()
    lone[3] = "a\ud800"  # a lone surrogate: Arrow refuses the column, numpy sorts it
    for values in (words, lone):
        order, rank = stable_ranks(values)
        expected = np.argsort(values, kind="stable")
        assert order.tolist() == expected.tolist()
        assert (rank[expected] == np.arange(len(values))).all()
