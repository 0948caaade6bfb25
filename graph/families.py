"""Persons and families: every loaded record gets a person, and families are connected components.

A family is a connected group of persons linked by membership of the same recorded family unit
(units from different sources join through the persons they share); persons in no unit belong
to no family (docs/DESIGN.md, "Families").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kinlink.graph.ids import person_id, smallest_ids
from kinlink.sorting import sorted_by
from kinlink.unionfind import components

log = logging.getLogger(__name__)

__all__ = ["LinkedBundle", "complete_persons", "compute_families", "link"]


@dataclass(frozen=True)
class LinkedBundle:
    """A bundle's tables with the resolver's persons and the families they form.

    Everything the analyses, the report, the graph and the dashboard are computed from
    (docs/DESIGN.md, "The path of kinlink report"). Frames as :class:`kinlink.loaders.Bundle`
    holds them; ``persons`` has one row per loaded record; ``families`` one per person in a
    family; ``matches`` is the resolver's scored pairs (empty for the exact resolver);
    ``scorer`` the resolver's fitted scorer when it was kept (to explain pairs without refitting);
    ``evidence`` the family evidence (``kinlink.graph.family_evidence``) the persons come from;
    ``model`` the fitted model as ``model.json`` holds it; ``resolution`` what the report says
    about the resolution (:func:`kinlink.graph.resolve.resolution_summary`); ``gaps`` what the
    data cannot show (:meth:`kinlink.loaders.Bundle.gaps`); ``unit_links`` the family-unit pairs
    the resolver's family boost stands on (``lo, hi, anchors``, unit codes of
    :func:`kinlink.graph.resolve.family.memberships`), so that a report's saved model explains
    pairs as the resolution scored them.
    """

    individuals: pd.DataFrame
    family_units: pd.DataFrame
    cases: pd.DataFrame | None
    hearings: pd.DataFrame | None
    persons: pd.DataFrame
    families: pd.DataFrame
    rejects: pd.DataFrame | None = None
    quality: pd.DataFrame | None = None
    unparsed: pd.DataFrame | None = None
    matches: pd.DataFrame | None = None
    path: Path | None = None
    scorer: Any = None
    evidence: Any = None
    model: dict[str, Any] | None = None
    resolution: dict[str, Any] = field(default_factory=dict)
    gaps: tuple[str, ...] = ()
    unit_links: pd.DataFrame | None = None

    def replace(self, **changes: Any) -> LinkedBundle:
        """A copy with some frames replaced."""
        return replace(self, **changes)


def link(
    bundle: Any, resolution: Any, *, evidence: Any = None, unit_links: pd.DataFrame | None = None
) -> LinkedBundle:
    """The :class:`LinkedBundle` of a loaded bundle and the resolver's result (a
    :class:`~kinlink.graph.resolve.Resolution`, or a frame of ``record_id, person_id``).

    With ``evidence`` (the family evidence applied to the resolution), its persons are used. A
    record left out becomes a person of its own (:func:`complete_persons`); the families are the
    connected components of :func:`compute_families`. ``unit_links``: the family boost's unit
    pairs, when the resolution no longer holds its scorer.
    """
    from kinlink.graph.resolve import resolution_summary

    given = resolution if isinstance(resolution, pd.DataFrame) else resolution.persons
    if evidence is not None:
        given = evidence.persons
    persons = complete_persons(bundle.individuals, given)
    is_frame = isinstance(resolution, pd.DataFrame)
    return LinkedBundle(
        individuals=bundle.individuals,
        family_units=bundle.family_units,
        cases=getattr(bundle, "cases", None),
        hearings=getattr(bundle, "hearings", None),
        persons=persons,
        families=compute_families(persons, bundle.family_units),
        rejects=getattr(bundle, "rejects", None),
        quality=getattr(bundle, "quality", None),
        unparsed=getattr(bundle, "unparsed", None),
        matches=None if is_frame else resolution.matches,
        path=getattr(bundle, "path", None),
        scorer=None if is_frame else resolution.scorer,
        evidence=evidence,
        model=None if is_frame else (resolution.model or None),
        resolution={} if is_frame else resolution_summary(resolution),
        gaps=tuple(bundle.gaps()) if hasattr(bundle, "gaps") else (),
        unit_links=unit_links if unit_links is not None or is_frame else _links(resolution),
    )


def _links(resolution: Any) -> pd.DataFrame | None:
    """The unit pairs of the resolution's kept scorer (``None`` when it kept none)."""
    scorer = getattr(resolution, "scorer", None)
    return getattr(scorer, "linked", None)


def complete_persons(individuals: pd.DataFrame, persons: pd.DataFrame) -> pd.DataFrame:
    """``persons`` restricted to loaded records, with a singleton person for any record missing.

    The resolver gives one row per loaded record; if it left a record out, the record becomes a
    person of its own (logged as a warning) so that no record is lost from the graph.

    Examples
    --------
    >>> ind = pd.DataFrame({"record_id": ["R1", "R2"]})
    >>> out = complete_persons(ind, pd.DataFrame({"record_id": ["R1"], "person_id": ["PX"]}))
    >>> out["person_id"].tolist() == ["PX", person_id(["R2"])]
    True
    """
    persons = persons[["record_id", "person_id"]].astype({"record_id": str, "person_id": str})
    records = individuals["record_id"].astype(str)
    if len(persons) == len(records) and records.is_unique:
        given = persons["record_id"].to_numpy()
        if (given == records.to_numpy()).all():  # the resolver's own order: nothing to do
            return persons.reset_index(drop=True)
    persons = persons.drop_duplicates("record_id")
    known = persons[persons["record_id"].isin(records)]
    missing = records[~records.isin(known["record_id"])]
    if len(missing):
        log.warning("%d records have no person; each becomes a person of its own", len(missing))
        extra = pd.DataFrame(
            {"record_id": missing.tolist(), "person_id": [person_id([r]) for r in missing]}
        )
        known = pd.concat([known, extra], ignore_index=True)
    return known.reset_index(drop=True)


def compute_families(persons: pd.DataFrame, family_units: pd.DataFrame) -> pd.DataFrame:
    """Families: connected components of persons over shared recorded family units.

    Parameters
    ----------
    persons : DataFrame
        ``record_id, person_id``: one row per record.
    family_units : DataFrame
        ``family_unit_id, record_id``: who each source recorded as travelling together.

    Returns
    -------
    DataFrame
        ``family_id, person_id`` sorted by both, one row per person in a family. Persons in no
        unit are absent. Family ids are :func:`kinlink.graph.ids.family_id` of the members
        (``"F"`` + a digest of the smallest person id), lengthened on a collision.

    Notes
    -----
    Near-linear in the number of memberships: vectorised components of the person–unit graph
    (:func:`kinlink.unionfind.components`), no Python object per node.

    Examples
    --------
    >>> persons = pd.DataFrame({"record_id": ["a", "b", "c", "d"],
    ...                         "person_id": ["P1", "P2", "P2", "P4"]})
    >>> units = pd.DataFrame({"family_unit_id": ["U1", "U1", "U2"], "record_id": ["a", "b", "c"]})
    >>> fam = compute_families(persons, units)
    >>> fam["person_id"].tolist(), fam["family_id"].nunique()
    (['P1', 'P2'], 1)
    """
    members = family_units[["family_unit_id", "record_id"]].merge(
        persons[["record_id", "person_id"]], on="record_id", how="inner"
    )
    pairs = members[["family_unit_id", "person_id"]].drop_duplicates()
    # persons 0..P-1 and units P..P+U-1 of the person–unit graph, joined by its links
    person, people = pd.factorize(pairs["person_id"].astype(str))
    unit, units = pd.factorize(pairs["family_unit_id"].astype(str))
    comp = components(len(people) + len(units), person, len(people) + unit)
    # family_id(people) is "F" + digest(min(people)); smallest_ids also guards against collisions
    ids = np.asarray(people, dtype=object)
    out = pd.DataFrame(
        {"family_id": smallest_ids("F", ids, comp[: len(ids)]), "person_id": ids},
        dtype=object,
    )
    return sorted_by(out, ["family_id", "person_id"])
