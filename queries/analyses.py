"""Every analysis, registered in one place, and :func:`analyse`, which runs them on the facts.

An analysis is a function of :class:`~kinlink.queries.facts.Facts` (frames built from the bundle
and the resolver's persons) that returns :class:`~kinlink.queries.flags.Flag` objects. Its name is
the ``analysis`` of the rules it raises (:data:`kinlink.queries.flags.RULES`), and, for the three
contract analyses, the stem of its report file.

Examples
--------
>>> [a.name for a in ANALYSES]
['separated_families', 'mixed_nationality_units', 'joint_reprocessing', 'consolidation']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kinlink.memory import paused_gc
from kinlink.queries.consolidation import consolidation_candidates
from kinlink.queries.facts import Facts, reference_date
from kinlink.queries.flags import Flag
from kinlink.queries.joint import joint_reprocessing
from kinlink.queries.mixed import mixed_nationality_units
from kinlink.queries.separated import separated_families

__all__ = ["ANALYSES", "Analyses", "Analysis", "AnalysisOptions", "analyse"]

MppSplitNone = Literal["mpp_case", "any_case"]


@dataclass(frozen=True)
class AnalysisOptions:
    """The choices an analysis may read.

    Attributes
    ----------
    as_of : Timestamp or None
        The date HEARING_SPLIT counts members' current hearings from (``None``: each member's
        latest hearing).
    mpp_split_none : {"mpp_case", "any_case"}
        How MPP_SPLIT reads "has none" (:func:`~kinlink.queries.separated.separated_families`).
    """

    as_of: pd.Timestamp | None = None
    mpp_split_none: MppSplitNone = "mpp_case"


@dataclass(frozen=True)
class Analysis:
    """One registered analysis: its name and how to run it on the facts."""

    name: str
    run: Callable[[Facts, AnalysisOptions], list[Flag]]


#: Every analysis, in report order.
ANALYSES: tuple[Analysis, ...] = (
    Analysis(
        "separated_families",
        lambda f, o: separated_families(f, mpp_split_none=o.mpp_split_none),
    ),
    Analysis("mixed_nationality_units", lambda f, o: mixed_nationality_units(f)),
    Analysis("joint_reprocessing", lambda f, o: joint_reprocessing(f)),
    Analysis("consolidation", lambda f, o: consolidation_candidates(f, as_of=o.as_of)),
)


@dataclass(frozen=True)
class Analyses:
    """The facts and every flag of one run."""

    facts: Facts
    flags: list[Flag]


def analyse(
    facts: Facts,
    *,
    as_of: pd.Timestamp | None = None,
    mpp_split_none: MppSplitNone = "mpp_case",
) -> Analyses:
    """Run every registered analysis on ``facts``; all flags sorted by family, then code.

    ``as_of`` is the date HEARING_SPLIT counts members' current hearings from (default: the latest
    record ``as_of``, :func:`~kinlink.queries.facts.reference_date`).
    """
    options = AnalysisOptions(
        as_of=as_of if as_of is not None else reference_date(facts),
        mpp_split_none=mpp_split_none,
    )
    with paused_gc():
        flags = [flag for analysis in ANALYSES for flag in analysis.run(facts, options)]
    return Analyses(facts, sorted(flags, key=lambda fl: (fl.family_id, fl.code)))
