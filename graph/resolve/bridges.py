"""Weak bridges: a person whose records are the only link between two families, on names alone.

Families are the connected parts of the graph of family units and the persons in them. A person
whose removal cuts that graph in two (an *articulation point*), with other persons on each side,
joins two families that share no one else. That is what a false match does: the sparse NGO
record "María Figueroa" (no birth date, no A-number), registered with Karla Oliva's children,
matched on its name to a María Figueroa Hernández of another family, and the two families became
one, mixed in nationality and separated across three courts.

A true person can sit in two families' units (an aunt who travelled once with her sister's
children, once with her own), but then her records on the two sides share more than a name.
So each side of a bridge other than the one holding most of the person's records is *detached*
(its records become a person of their own) unless some record on it and some other record of
the person agree on a birth date, an A-number, another identifier or a phone (any level of
those comparisons but *null* and *else*), or an analyst said "same" across them.

Detached records are then free for family completion (:mod:`.completion`) to pair with the
person their own unit is missing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd

from kinlink.graph.resolve.completion import (
    Fields,
    PairLevels,
    any_in_group,
    beyond_names,
    cross_pairs,
)
from kinlink.unionfind import UnionFind

log = logging.getLogger(__name__)


def bridge_sides(member: pd.DataFrame, labels: np.ndarray) -> dict[int, list[list[int]]]:
    """Persons that bridge families, with the units on each side of them.

    Parameters
    ----------
    member : DataFrame
        ``record, unit`` (:func:`.family.memberships`).
    labels : ndarray
        Person label of every record.

    Returns
    -------
    dict
        Person label -> its units grouped by side, for persons with two or more sides that
        hold another person (a unit where the person is alone is no side).

    Examples
    --------
    Person 9 is in unit 0 with person 1 and in unit 1 with person 2; each of those is also in a
    unit of their own (2 and 3), and nothing else joins the two families:

    >>> member = pd.DataFrame({"record": [0, 1, 2, 3, 4, 5], "unit": [0, 0, 1, 1, 2, 3]})
    >>> bridge_sides(member, np.array([9, 1, 9, 2, 1, 2]))
    {9: [[0], [1]]}

    A unit whose other member matched no one else is unresolved records, not a family:

    >>> bridge_sides(member.iloc[:5], np.array([9, 1, 9, 2, 1]))
    {}

    Once person 1 is in unit 1 too, the two units are joined without person 9:

    >>> member = pd.DataFrame({"record": [0, 1, 2, 3, 4, 5], "unit": [0, 0, 1, 1, 1, 2]})
    >>> bridge_sides(member, np.array([9, 1, 9, 2, 1, 2]))
    {}

    Notes
    -----
    The sides of a person are its blocks (biconnected components) in the graph of crowded
    units and the persons in them: two units of a person lie in one block exactly when they
    stay connected once the person is taken out. Most persons in two units are a family
    registered twice, whose units share other members, so a look at the persons shared by the
    person's own units settles them; only the rest need a search of their family without them.
    """
    if member.empty:
        return {}
    edges = pd.DataFrame(
        {"unit": member["unit"].to_numpy(), "person": labels[member["record"].to_numpy()]}
    ).drop_duplicates()
    per_person = edges.groupby("person").size()
    # a side is another family only if someone else on it is confirmed by a second unit: a
    # unit whose other members matched no one is unresolved records, not a family
    confirmed = set(per_person.index[per_person >= 2].tolist())
    edges = edges[edges.groupby("unit")["person"].transform("size").to_numpy() >= 2]  # crowded
    in_crowded = edges.groupby("person").size()
    # only a person in two crowded units can have two sides
    candidates = in_crowded.index[in_crowded >= 2].tolist()
    if not candidates:
        return {}
    units_of: dict[int, list[int]] = defaultdict(list)
    persons_of: dict[int, list[int]] = defaultdict(list)
    for u, q in zip(edges["unit"].tolist(), edges["person"].tolist(), strict=True):
        units_of[q].append(u)
        persons_of[u].append(q)
    out: dict[int, list[list[int]]] = {}
    for p in sorted(candidates):
        groups = _side_groups(p, units_of, persons_of)
        sides = [
            units
            for units in groups
            if any(q != p and q in confirmed for u in units for q in persons_of[u])
        ]
        if len(sides) >= 2:
            out[p] = sorted(sides)
    return out


def _side_groups(
    p: int, units_of: dict[int, list[int]], persons_of: dict[int, list[int]]
) -> list[list[int]]:
    """The units of person ``p`` grouped by what stays connected without ``p`` (its blocks)."""
    own = units_of[p]
    where = {u: i for i, u in enumerate(own)}
    groups_of = UnionFind(len(own))
    find = groups_of.find

    # first the persons the units share (a family registered twice): one group, done
    for i, u in enumerate(own):
        for q in persons_of[u]:
            if q == p:
                continue
            for w in units_of[q]:
                j = where.get(w)
                if j is not None:
                    groups_of.union(i, j)
    if len({find(i) for i in range(len(own))}) > 1:
        # then a search of the family without p joins the groups linked further away
        reached: dict[int, int] = {}
        for i, u in enumerate(own):
            if u in reached:
                continue
            reached[u] = i
            stack = [u]
            while stack:
                x = stack.pop()
                for q in persons_of[x]:
                    if q == p:
                        continue
                    for w in units_of[q]:
                        if w not in reached:
                            reached[w] = i
                            stack.append(w)
            for j, w in enumerate(own):
                if reached.get(w) == i:
                    groups_of.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, u in enumerate(own):
        groups[find(i)].append(u)
    return [sorted(units) for units in groups.values()]


def detach_weak_bridges(
    member: pd.DataFrame,
    labels: np.ndarray,
    pair_levels: PairLevels,
    fields: Fields,
    must_link: Iterable[tuple[int, int]] = (),
) -> tuple[np.ndarray, int]:
    """Detach the sides of bridging persons that nothing but names ties to the rest.

    Parameters
    ----------
    member : DataFrame
        ``record, unit`` (:func:`.family.memberships`).
    labels : ndarray
        Person label of every record (from clustering).
    pair_levels : callable
        ``(il, ir) -> (levels, veto)`` for record pairs.
    fields : Fields
        Where the evidence comparisons sit in the levels, and their *else* levels.
    must_link : iterable of (int, int)
        Record pairs an analyst declared the same person: never cut.

    Returns
    -------
    labels : ndarray
        New labels: the part of a cut person that holds most of its records keeps its label,
        each detached side takes a new one (above every label given).
    detached : int
        Number of sides detached.
    """
    labels = np.asarray(labels, dtype=np.int64).copy()
    sides = bridge_sides(member, labels)
    if not sides:
        return labels, 0
    # the records of the units on some side (row order, as a groupby would list them)
    wanted = np.fromiter({u for groups in sides.values() for g in groups for u in g}, np.int64)
    units, records = member["unit"].to_numpy(), member["record"].to_numpy()
    near = np.isin(units, wanted)
    unit_records: dict[int, list[int]] = defaultdict(list)
    for u, r in zip(units[near].tolist(), records[near].tolist(), strict=True):
        unit_records[u].append(r)
    involved = np.flatnonzero(np.isin(labels, np.fromiter(sides, dtype=np.int64)))
    records_of = pd.Series(involved).groupby(labels[involved]).agg(list).to_dict()
    parts: list[tuple[int, list[int], list[int]]] = []  # (person, side to detach, the rest)
    for p, groups in sides.items():
        on_side = [
            sorted({r for u in g for r in unit_records[u] if labels[r] == p}) for g in groups
        ]
        keep = max(range(len(on_side)), key=lambda k: (len(on_side[k]), -k))
        kept = set(on_side[keep])
        elsewhere = {r for k, side in enumerate(on_side) if k != keep for r in side} - kept
        # each side is judged against what stays: the kept side and the records in no side
        rest = [r for r in records_of[p] if r not in elsewhere]
        for k, side in enumerate(on_side):
            side = [r for r in side if r not in kept]  # a record also in a kept-side unit stays
            if k != keep and side:
                parts.append((p, side, rest))
    if not parts:
        return labels, 0
    strong = _strong([(side, rest) for _, side, rest in parts], pair_levels, fields, must_link)
    cut: set[int] = set()
    first = int(labels.max()) + 1
    detached = 0
    for (_, side, _), tied in zip(parts, strong, strict=True):
        side = [r for r in side if r not in cut]  # a record in units on two detached sides
        if tied or not side:
            continue
        labels[side] = first + detached  # the kept part keeps the person's label
        detached += 1
        cut.update(side)
    log.debug("detached %d weakly bridged sides", detached)
    return labels, detached


def _strong(
    parts: list[tuple[list[int], list[int]]],
    pair_levels: PairLevels,
    fields: Fields,
    must_link: Iterable[tuple[int, int]],
) -> np.ndarray:
    """Whether each (side, rest) has a cross pair agreeing beyond names, or an analyst's "same"."""
    same = {(min(a, b), max(a, b)) for a, b in must_link}
    il, ir, group = cross_pairs(parts)
    agree = beyond_names(pair_levels(il, ir)[0], fields)
    if same:
        pairs = zip(il.tolist(), ir.tolist(), strict=True)
        agree |= np.fromiter((pair in same for pair in pairs), dtype=bool, count=len(il))
    return any_in_group(agree, group, len(parts))
