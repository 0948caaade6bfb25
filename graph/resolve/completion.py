"""Family completion: pair the leftover members of two linked family units after clustering.

Two family units from different sources that already share resolved persons (the mother and a
brother matched) describe one family. A member of one unit that matched nobody in the other
(the sparse NGO record "Nelson Torres", one year off on his birth date) and a person of the
other unit that nobody in the first unit claimed ("Nelson Luis Torres Urbina") are then most
likely one child. They are merged when the pairing is unambiguous both ways:

* the units share at least half the persons of the smaller unit;
* given names and surnames both present and agreeing at one of their comparison's levels other
  than *else* (exact after folding and nickname mapping, one name inside the other as "Nelson"
  in "Nelson Luis", or a close spelling; names found swapped are compared swapped);
* birth dates equal, a typo, a year off or missing (any level but *else*); sex and A-number not
  contradicting (level not *else*), and no field vetoing the pair;
* exactly one such candidate on each side (twins, who share names and birth date, stay apart);
* no cannot-link key shared and no vetoed pair between any records of the two persons.

When that last check fails (the NGO record was matched on its name alone to a namesake of
another family, whose other records contradict the partner), the member record alone moves to
the partner if nothing but names ties it to its current person (:func:`_rehome`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

# (il, ir) -> (levels, veto): comparison levels of record pairs and whether a field vetoes them
PairLevels = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Fields:
    """Where the fields completion checks sit among the comparison levels.

    Attributes
    ----------
    columns : dict
        Comparison name -> column index in the levels array.
    else_level : dict
        Comparison name -> index of its *else* (disagreement) level.
    """

    columns: dict[str, int]
    else_level: dict[str, int]


# comparisons whose agreement is evidence beyond a name
EVIDENCE = ("dob", "a_number", "other_id", "phone")


def beyond_names(levels: np.ndarray, fields: Fields) -> np.ndarray:
    """Pairs agreeing on a birth date, A-number, other identifier or phone (any level but
    *null* and *else*): evidence that does not come from a name.

    Examples
    --------
    >>> fields = Fields({"dob": 0, "a_number": 1}, {"dob": 4, "a_number": 3})
    >>> beyond_names(np.array([[0, 0], [2, 0], [4, 3]]), fields).tolist()
    [False, True, False]
    """
    agree = np.zeros(len(levels), dtype=bool)
    for name in EVIDENCE:
        if name in fields.columns:
            level = levels[:, fields.columns[name]]
            agree |= (level != 0) & (level != fields.else_level[name])
    return agree


def cross_pairs(
    groups: Sequence[tuple[Sequence[int], Sequence[int]]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every record pair across each ``(left, right)`` group pair, and the group it came from.

    Returns
    -------
    il, ir : ndarray
        The pairs, ``il < ir`` as ``pair_levels`` expects.
    group : ndarray
        Index of each pair's group, for :func:`any_in_group`.

    Examples
    --------
    >>> [a.tolist() for a in cross_pairs([([3], [1, 2]), ([], [5]), ([4], [0])])]
    [[1, 2, 0], [3, 3, 4], [0, 0, 2]]
    """
    left, right, group = [], [], []
    for k, (xs, ys) in enumerate(groups):
        for x in xs:
            for y in ys:
                left.append(min(x, y))
                right.append(max(x, y))
                group.append(k)
    return (np.asarray(left, np.int64), np.asarray(right, np.int64), np.asarray(group, np.int64))


def any_in_group(flags: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    """Per group of ``n``, whether any of its pairs is flagged.

    Examples
    --------
    >>> any_in_group(np.array([False, True, False]), np.array([0, 0, 2]), 3).tolist()
    [True, False, False]
    """
    out = np.zeros(n, dtype=bool)
    np.logical_or.at(out, group, flags)
    return out


def linked_unit_pairs(
    member: pd.DataFrame, labels: np.ndarray, sources: np.ndarray
) -> pd.DataFrame:
    """Unit pairs of different sources sharing resolved persons.

    Parameters
    ----------
    member : DataFrame
        ``record, unit`` (:func:`.family.memberships`).
    labels : ndarray
        Person label of every record.
    sources : ndarray
        Source of every record.

    Returns
    -------
    DataFrame
        ``lo, hi, shared``: two units (``lo < hi``) and the number of persons they share.

    Examples
    --------
    >>> member = pd.DataFrame({"record": [0, 1, 2, 3], "unit": [0, 0, 1, 1]})
    >>> linked_unit_pairs(member, np.array([0, 1, 0, 3]),
    ...                   np.array(["CBP", "CBP", "NGO", "NGO"])).values.tolist()
    [[0, 1, 1]]
    """
    frame = member.assign(
        label=labels[member["record"].to_numpy()], source=sources[member["record"].to_numpy()]
    )[["unit", "label", "source"]].drop_duplicates(["unit", "label"])
    both = frame.merge(frame, on="label", suffixes=("_l", "_r"))
    both = both[(both["unit_l"] < both["unit_r"]) & (both["source_l"] != both["source_r"])]
    out = both.groupby(["unit_l", "unit_r"]).size().rename("shared").reset_index()
    return out.rename(columns={"unit_l": "lo", "unit_r": "hi"})


def _candidates(member: pd.DataFrame, labels: np.ndarray, linked: pd.DataFrame) -> pd.DataFrame:
    """Record pairs (a person of one unit absent from the other, both ways) of well-linked units."""
    records = member["record"].to_numpy()
    frame = pd.DataFrame(
        {"unit": member["unit"].to_numpy(), "record": records, "label": labels[records]}
    )
    persons = frame.drop_duplicates(["unit", "label"])
    count = persons.groupby("unit").size()
    linked = linked.assign(
        small=np.minimum(
            count.reindex(linked["lo"]).to_numpy(), count.reindex(linked["hi"]).to_numpy()
        )
    )
    # the units must share at least half the persons of the smaller one
    linked = linked[2 * linked["shared"] >= linked["small"]]
    left = linked[["lo", "hi"]].merge(frame.rename(columns={"unit": "lo"}))
    both = left.merge(frame.rename(columns={"unit": "hi"}), on="hi", suffixes=("_a", "_b"))
    # each side's person must be absent from the other unit
    claimed = set(zip(persons["unit"].tolist(), persons["label"].tolist(), strict=True))
    la, lb = both["label_a"].to_numpy(), both["label_b"].to_numpy()
    keep = la != lb
    keep &= ~np.fromiter(
        ((u, x) in claimed for u, x in zip(both["hi"], la, strict=True)),
        dtype=bool,
        count=len(both),
    )
    keep &= ~np.fromiter(
        ((u, x) in claimed for u, x in zip(both["lo"], lb, strict=True)),
        dtype=bool,
        count=len(both),
    )
    return both[keep].reset_index(drop=True)


def _compatible(levels: np.ndarray, veto: np.ndarray, fields: Fields) -> np.ndarray:
    ok = ~veto
    for name in ("given_names", "surnames"):  # both names present and agreeing at some level
        if name not in fields.columns:  # nothing to pair on
            return np.zeros(len(levels), dtype=bool)
        column = levels[:, fields.columns[name]]
        ok &= (column != 0) & (column != fields.else_level[name])
    for name in ("dob", "sex", "a_number"):  # missing or agreeing at some level
        if name in fields.columns:
            ok &= levels[:, fields.columns[name]] != fields.else_level[name]
    return ok


def _unique_pairs(cands: pd.DataFrame) -> pd.DataFrame:
    """Person pairs that are each other's only compatible candidate within their unit pair."""
    persons = cands.drop_duplicates(["lo", "hi", "label_a", "label_b"])
    per_a = persons.groupby(["lo", "hi", "label_a"])["label_b"].transform("size")
    per_b = persons.groupby(["lo", "hi", "label_b"])["label_a"].transform("size")
    unique = persons[(per_a == 1) & (per_b == 1)]
    pairs = unique[["label_a", "label_b"]].drop_duplicates()
    # a person proposed to two different persons (by two unit pairs) is left alone
    lo = np.minimum(pairs["label_a"].to_numpy(), pairs["label_b"].to_numpy())
    hi = np.maximum(pairs["label_a"].to_numpy(), pairs["label_b"].to_numpy())
    pairs = pd.DataFrame({"a": lo, "b": hi}).drop_duplicates()
    seen = pd.concat([pairs["a"], pairs["b"]]).value_counts()
    once = (seen.reindex(pairs["a"]).to_numpy() == 1) & (seen.reindex(pairs["b"]).to_numpy() == 1)
    return pairs[once].reset_index(drop=True)


def complete_families(
    prepared: pd.DataFrame,
    member: pd.DataFrame,
    labels: np.ndarray,
    cannot_link: dict[int, set[str]],
    pair_levels: PairLevels,
    fields: Fields,
    must_link: Iterable[tuple[int, int]] = (),
) -> tuple[np.ndarray, int]:
    """Merge the unambiguous leftover members of linked family units.

    Parameters
    ----------
    prepared : DataFrame
        Output of :func:`.normalize.prepare` (``source`` is used).
    member : DataFrame
        ``record, unit`` (:func:`.family.memberships`).
    labels : ndarray
        Person label of every record (from clustering).
    cannot_link : dict
        Record index -> cannot-link keys (:func:`.family.cannot_link_keys`).
    pair_levels : callable
        ``(il, ir) -> (levels, veto)`` for record pairs.
    fields : Fields
        Where ``dob``, ``sex`` and ``a_number`` sit in the levels.
    must_link : iterable of (int, int)
        Record pairs an analyst declared the same person: such a record is never moved alone.

    Returns
    -------
    labels : ndarray
        The new labels (merged persons take the smaller label).
    merged : int
        Number of person pairs merged plus single records moved.
    """
    labels = np.asarray(labels, dtype=np.int64)
    if member.empty:
        return labels, 0
    sources = prepared["source"].fillna("").to_numpy(dtype=object)
    linked = linked_unit_pairs(member, labels, sources)
    if linked.empty:
        return labels, 0
    cands = _candidates(member, labels, linked)
    if cands.empty:
        return labels, 0
    levels, veto = pair_levels(cands["record_a"].to_numpy(), cands["record_b"].to_numpy())
    cands = cands[_compatible(levels, veto, fields)]
    pairs = _unique_pairs(cands)
    if pairs.empty:
        return labels, 0
    # every record of the two persons: no shared cannot-link key, no vetoed cross pair
    involved = np.isin(labels, np.r_[pairs["a"].to_numpy(), pairs["b"].to_numpy()])
    records_of = pd.Series(np.flatnonzero(involved)).groupby(labels[involved]).agg(list)
    allowed = np.ones(len(pairs), dtype=bool)
    groups: list[tuple[list[int], list[int]]] = []
    for k, (a, b) in enumerate(zip(pairs["a"].tolist(), pairs["b"].tolist(), strict=True)):
        ra, rb = records_of[a], records_of[b]
        keys_a = set().union(*(cannot_link.get(r, set()) for r in ra))
        keys_b = set().union(*(cannot_link.get(r, set()) for r in rb))
        allowed[k] = not keys_a & keys_b
        groups.append((ra, rb) if allowed[k] else ([], []))
    il, ir, group = cross_pairs(groups)
    if len(il):
        allowed &= ~any_in_group(pair_levels(il, ir)[1], group, len(pairs))
    moved = _rehome(
        pairs[~allowed],
        cands,
        labels,
        records_of,
        cannot_link,
        pair_levels,
        fields,
        fixed={r for pair in must_link for r in pair},
    )
    remap = np.arange(int(labels.max()) + 1, dtype=np.int64)
    remap[pairs["b"].to_numpy()[allowed]] = pairs["a"].to_numpy()[allowed]  # a matching: 1 hop
    labels = labels.copy()
    for record, label in moved.items():
        labels[record] = label
    return remap[labels], int(allowed.sum()) + len(moved)


def _rehome(
    blocked: pd.DataFrame,
    cands: pd.DataFrame,
    labels: np.ndarray,
    records_of: pd.Series,
    cannot_link: dict[int, set[str]],
    pair_levels: PairLevels,
    fields: Fields,
    fixed: set[int] | None = None,
) -> dict[int, int]:
    """Move single member records where two persons cannot merge whole.

    The unit record of a blocked pair (the sparse "José Luis Bravo" of an NGO unit, matched on
    its name alone to a namesake of another family) may still be the missing member: it moves
    to the partner person when nothing but names ties it to its current person (no birth date,
    A-number, identifier or phone agreeing with any of its other records) and it agrees with
    every record of the partner (no vetoed pair, no shared cannot-link key). The record of the
    lower-labelled person is tried first, then the other. A record in ``fixed`` (one an analyst
    declared the same as another) never moves.

    Returns
    -------
    dict
        Record index -> the label it moves to.
    """
    if blocked.empty:
        return {}
    lo = np.minimum(cands["label_a"].to_numpy(), cands["label_b"].to_numpy())
    hi = np.maximum(cands["label_a"].to_numpy(), cands["label_b"].to_numpy())
    by_pair = pd.DataFrame(
        {
            "a": lo,
            "b": hi,
            "ra": cands["record_a"].to_numpy(),
            "rb": cands["record_b"].to_numpy(),
            "la": cands["label_a"].to_numpy(),
        }
    )
    by_pair = by_pair.merge(blocked, on=["a", "b"])
    options: list[tuple[int, int, int]] = []  # (record, from label, to label)
    for ra, rb, la, a, b in by_pair[["ra", "rb", "la", "a", "b"]].itertuples(index=False):
        mine, other = (ra, rb) if la == a else (rb, ra)  # the record of person a, of person b
        options += [(int(mine), int(a), int(b)), (int(other), int(b), int(a))]
    # a record an analyst declared the same as another never moves alone
    options = [o for o in dict.fromkeys(options) if o[0] not in (fixed or set())]
    if not options:
        return {}
    # ties to its own person: any other record of it agreeing beyond names
    own = [([r], [y for y in records_of[source] if y != r]) for r, source, _ in options]
    il, ir, group = cross_pairs(own)
    tied = any_in_group(beyond_names(pair_levels(il, ir)[0], fields), group, len(options))
    # fit with the partner: no record of it vetoing the move
    il, ir, group = cross_pairs([([r], records_of[t]) for r, _, t in options])
    misfit = any_in_group(pair_levels(il, ir)[1], group, len(options))
    moved: dict[int, int] = {}
    done: set[tuple[int, int]] = set()
    for k, (record, source, target) in enumerate(options):
        pair = (min(source, target), max(source, target))
        # (a person of one record cannot move: its record is in every pair that blocked it)
        if pair in done or tied[k] or misfit[k]:
            continue
        keys = cannot_link.get(record, set())
        if any(keys & cannot_link.get(y, set()) for y in records_of[target]):
            continue
        moved[record] = target
        done.add(pair)
    log.debug("family completion moved %d single records", len(moved))
    return moved
