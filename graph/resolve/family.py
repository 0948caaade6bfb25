"""Family evidence: cannot-link keys and boosts from matched relatives.

* Two records that one source put in the same family unit are different people (twins, a son
  named after his father): they share a *cannot-link key* and never end up in one person.
* When two family units (usually from two sources) hold records already matched with high
  confidence (the parents), the other pairs across the same two units (the children) earn a
  boost: their relatives are evidence that they are the same family.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinlink.unionfind import pair_codes


def memberships(record_ids: pd.Series, family_units: pd.DataFrame | None) -> pd.DataFrame:
    """``(record, unit)`` integer codes for every recorded membership.

    Examples
    --------
    >>> units = pd.DataFrame({"family_unit_id": ["u1", "u1", "u2"],
    ...                       "record_id": ["b", "c", "zz"]})
    >>> memberships(pd.Series(["a", "b", "c"]), units).values.tolist()
    [[1, 0], [2, 0]]
    """
    if family_units is None or family_units.empty:
        return pd.DataFrame({"record": np.empty(0, np.int64), "unit": np.empty(0, np.int64)})
    position = pd.Series(np.arange(len(record_ids)), index=record_ids.astype(str).to_numpy())
    record = family_units["record_id"].astype(str).map(position)
    known = record.notna().to_numpy()
    unit = pd.factorize(family_units["family_unit_id"].astype(str).to_numpy()[known])[0]
    frame = pd.DataFrame({"record": record[known].astype(np.int64).to_numpy(), "unit": unit})
    return frame.drop_duplicates().reset_index(drop=True)


def cannot_link_keys(
    sources: np.ndarray,
    member: pd.DataFrame,
    *,
    unique: np.ndarray | None = None,
    different: list[tuple[int, int]] | None = None,
) -> dict[int, set[str]]:
    """Per record index, the keys it shares with the records it must not join.

    Parameters
    ----------
    sources : ndarray
        Source of every record.
    member : DataFrame
        Output of :func:`memberships`.
    unique : ndarray of bool, optional
        Records whose source holds each person once: two of them from one source are always
        different people (the key is the source).
    different : list of (int, int)
        Record index pairs an analyst declared different.

    Examples
    --------
    >>> member = pd.DataFrame({"record": [0, 1], "unit": [7, 7]})
    >>> keys = cannot_link_keys(np.array(["CBP", "CBP", "NGO"]), member)
    >>> keys[0] & keys[1], 2 in keys
    ({'unit:7|CBP'}, False)
    """
    keys: dict[int, set[str]] = {}
    for record, unit in zip(member["record"].tolist(), member["unit"].tolist(), strict=True):
        keys.setdefault(record, set()).add(f"unit:{unit}|{sources[record]}")
    if unique is not None:
        for record in np.flatnonzero(unique).tolist():
            keys.setdefault(record, set()).add(f"source:{sources[record]}")
    for i, (a, b) in enumerate(different or []):
        keys.setdefault(a, set()).add(f"review:{i}")
        keys.setdefault(b, set()).add(f"review:{i}")
    return keys


def unit_pair_codes(member: pd.DataFrame, il: np.ndarray, ir: np.ndarray) -> pd.DataFrame:
    """Every ``(pair, unit_lo, unit_hi)`` for pairs whose two records sit in different units."""
    pairs = pd.DataFrame({"pair": np.arange(len(il)), "l": il, "r": ir})
    left = pairs.merge(member.rename(columns={"record": "l", "unit": "ul"}), on="l")
    both = left.merge(member.rename(columns={"record": "r", "unit": "ur"}), on="r")
    both = both[both["ul"] != both["ur"]]
    lo = np.minimum(both["ul"].to_numpy(), both["ur"].to_numpy())
    hi = np.maximum(both["ul"].to_numpy(), both["ur"].to_numpy())
    return pd.DataFrame({"pair": both["pair"].to_numpy(), "lo": lo, "hi": hi})


def linked_units(
    member: pd.DataFrame, il: np.ndarray, ir: np.ndarray, probability: np.ndarray, *, anchor: float
) -> tuple[pd.DataFrame, np.ndarray]:
    """Unit pairs linked by confident pairs, and which pairs are such anchors.

    Returns
    -------
    linked : DataFrame
        ``lo, hi, anchors``: two units and the number of anchor pairs across them.
    is_anchor : ndarray
        Per pair, whether it is an anchor (probability >= ``anchor``).
    """
    is_anchor = probability >= anchor
    codes = unit_pair_codes(member, il[is_anchor], ir[is_anchor])
    linked = codes.groupby(["lo", "hi"]).size().rename("anchors").reset_index()
    return linked, is_anchor


@dataclass(frozen=True)
class UnitIndex:
    """Every record's units and the linked unit pairs as sorted arrays, for small batches.

    A pair whose two units are linked by *another* confident pair (an anchor) gets ``bits`` of
    log2-odds: its relatives are evidence that the two records are the same family. Joining
    pairs to the memberships with pandas costs a pass over every membership per call, slow for
    the few cross pairs clustering scores at each merge in a big component; this index answers
    with array lookups (``tests/graph/test_unit_index.py`` checks it against the pandas join).

    Examples
    --------
    >>> member = pd.DataFrame({"record": [0, 1, 2, 3], "unit": [0, 0, 1, 1]})
    >>> il, ir, p = np.array([0, 1]), np.array([2, 3]), np.array([0.99, 0.4])
    >>> linked, anchor = linked_units(member, il, ir, p, anchor=0.95)
    >>> UnitIndex.build(member, linked, 4).boost(il, ir, 3.0, anchor).tolist()
    [0.0, 3.0]
    """

    starts: np.ndarray  # record r's units are units[starts[r]:starts[r + 1]]
    units: np.ndarray
    linked: np.ndarray  # sorted pair codes (kinlink.unionfind) of linked unit pairs
    anchors: np.ndarray  # anchor pairs across each linked unit pair

    @classmethod
    def build(cls, member: pd.DataFrame, linked: pd.DataFrame, n: int) -> UnitIndex:
        """Index ``member`` (:func:`memberships`) of ``n`` records and ``linked``."""
        records = member["record"].to_numpy(dtype=np.int64)
        order = np.argsort(records, kind="stable")
        counts = np.bincount(records, minlength=n)
        codes = pair_codes(linked["lo"].to_numpy(), linked["hi"].to_numpy(), ordered=True)
        sort = np.argsort(codes)
        return cls(
            np.r_[0, np.cumsum(counts)],
            member["unit"].to_numpy(dtype=np.int64)[order],
            codes[sort],
            linked["anchors"].to_numpy(dtype=np.int64)[sort],
        )

    def boost(
        self, il: np.ndarray, ir: np.ndarray, bits: float, is_anchor: np.ndarray | None = None
    ) -> np.ndarray:
        """Extra log2-odds for pairs whose two units are linked by another confident pair.

        ``is_anchor`` says which of these pairs are anchors themselves (their own link does
        not count).
        """
        out = np.zeros(len(il), dtype=np.float32)
        if not len(il) or not len(self.linked) or bits == 0:
            return out
        cl = self.starts[il + 1] - self.starts[il]
        cr = self.starts[ir + 1] - self.starts[ir]
        k = cl * cr  # unit combinations of each pair
        pair = np.repeat(np.arange(len(il)), k)
        within = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
        ul = self.units[self.starts[il[pair]] + within // cr[pair]]
        ur = self.units[self.starts[ir[pair]] + within % cr[pair]]
        keep = ul != ur
        pair, ul, ur = pair[keep], ul[keep], ur[keep]
        code = pair_codes(ul, ur)
        at = np.minimum(np.searchsorted(self.linked, code), len(self.linked) - 1)
        hit = self.linked[at] == code
        own = is_anchor[pair[hit]].astype(np.int64) if is_anchor is not None else 0
        others = self.anchors[at[hit]] - own
        out[np.unique(pair[hit][others > 0])] = bits
        return out


def pairs_across_linked_units(member: pd.DataFrame, linked: pd.DataFrame) -> np.ndarray:
    """Pair codes (:func:`kinlink.unionfind.pair_codes`) of every two records in two linked units.

    Once two units are known to describe one family (their parents matched), each of their
    members is a candidate for each member of the other: this finds the sparse records (a
    child with no birth date or A-number) that name-based blocking ranks too far apart.

    Examples
    --------
    >>> member = pd.DataFrame({"record": [0, 1, 2, 3], "unit": [0, 0, 1, 1]})
    >>> codes = pairs_across_linked_units(member, pd.DataFrame({"lo": [0], "hi": [1]}))
    >>> from kinlink.unionfind import split_codes
    >>> [tuple(side.tolist()) for side in split_codes(codes)]
    [(0, 0, 1, 1), (2, 3, 2, 3)]
    """
    if linked.empty or member.empty:
        return np.empty(0, dtype=np.int64)
    left = linked[["lo", "hi"]].merge(member.rename(columns={"unit": "lo", "record": "a"}))
    both = left.merge(member.rename(columns={"unit": "hi", "record": "b"}))
    a, b = both["a"].to_numpy(np.int64), both["b"].to_numpy(np.int64)
    keep = a != b
    codes = pair_codes(a[keep], b[keep])
    return np.unique(codes)
