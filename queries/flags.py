"""What an analysis returns: a :class:`Flag` with its code, evidence, reason and policy source.

Each code of the contract (and each extra code of :mod:`kinlink.queries.consolidation`) is
declared once in :data:`RULES`, with the analysis that raises it and the policy source it
follows. Sources are cited by title and date; the project never copies their sentences.

Examples
--------
>>> RULES["NON_AMENABLE"].source.citation()
'DHS, Guiding Principles for Migrant Protection Protocols (2019-01-28)'
>>> ev = Evidence(records=("R1",), cases=("C1",))
>>> ev.nodes()
('record:R1', 'case:C1')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from kinlink.contract import FLAG_FILES
from kinlink.graph.schema import NodeKind, node_id

__all__ = [
    "GUIDING_PRINCIPLES",
    "KINLINK_EXTRA",
    "RULES",
    "SUPPLEMENTAL_GUIDANCE",
    "WIND_DOWN_LETTER",
    "Evidence",
    "Flag",
    "PolicySource",
    "Rule",
    "make_flag",
]


@dataclass(frozen=True)
class PolicySource:
    """A public document a rule follows (see ``shared/policy/README.md``)."""

    key: str
    issuer: str
    title: str
    date: str  # ISO 8601

    def citation(self) -> str:
        """``"<issuer>, <title> (<date>)"``."""
        return f"{self.issuer}, {self.title} ({self.date})"


GUIDING_PRINCIPLES: Final = PolicySource(
    "dhs-guiding-principles-2019",
    "DHS",
    "Guiding Principles for Migrant Protection Protocols",
    "2019-01-28",
)
SUPPLEMENTAL_GUIDANCE: Final = PolicySource(
    "dhs-supplemental-guidance-2020",
    "DHS",
    "Supplemental Policy Guidance for Implementation of the Migrant Protection Protocols",
    "2020-12-07",
)
WIND_DOWN_LETTER: Final = PolicySource(
    "ngo-letter-wind-down-2021",
    "Legal and humanitarian organisations",
    "Letter on the Wind Down of the Migrant Protection Protocols",
    "2021-05-18",
)
#: Source of the consolidation aids, which are kinlink extras beyond the contract's rules: the
#: wind-down letter asks that families be processed together and cases moved to the court nearest
#: where people live.
KINLINK_EXTRA: Final = WIND_DOWN_LETTER


@dataclass(frozen=True)
class Rule:
    """One flag code: which analysis raises it, what it means and what it follows."""

    code: str
    analysis: str
    summary: str
    source: PolicySource


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.code: r for r in rules}


#: Every code, in report order.
RULES: Final[dict[str, Rule]] = _rules(
    Rule(
        "LOCATION_SPLIT",
        "separated_families",
        "members' latest known locations include both Mexico and the United States",
        SUPPLEMENTAL_GUIDANCE,
    ),
    Rule(
        "COURT_SPLIT",
        "separated_families",
        "members' pending cases sit in two or more courts",
        WIND_DOWN_LETTER,
    ),
    Rule(
        "MPP_SPLIT",
        "separated_families",
        "some members have an MPP case and others have none",
        WIND_DOWN_LETTER,
    ),
    Rule(
        "MIXED",
        "mixed_nationality_units",
        "members have two or more distinct nationalities",
        SUPPLEMENTAL_GUIDANCE,
    ),
    Rule(
        "POSITIVE_FEAR",
        "joint_reprocessing",
        "a member of a family in MPP has a positive fear assessment: the whole unit leaves MPP",
        SUPPLEMENTAL_GUIDANCE,
    ),
    Rule(
        "MEXICAN_MEMBER_FEAR",
        "joint_reprocessing",
        "a Mexican member of a family in MPP claimed fear: the whole unit leaves MPP",
        SUPPLEMENTAL_GUIDANCE,
    ),
    Rule(
        "RELIEF_SPLIT",
        "joint_reprocessing",
        "one member's MPP case was granted relief and another's case was not: the others go to "
        "an ICE custody determination together",
        SUPPLEMENTAL_GUIDANCE,
    ),
    Rule(
        "NON_AMENABLE",
        "joint_reprocessing",
        "an MPP case's respondent is Mexican or an unaccompanied child, who are not amenable",
        GUIDING_PRINCIPLES,
    ),
    Rule(
        "WIND_DOWN_SPLIT",
        "joint_reprocessing",
        "a member has a pending MPP case while another has an in-absentia or terminated MPP "
        "case, or no case: all are processed out together",
        WIND_DOWN_LETTER,
    ),
    Rule(
        "CONSOLIDATE_COURTS",
        "consolidation",
        "the family's open cases sit in two or more courts (consolidation candidate; kinlink "
        "extra, not a contract rule)",
        KINLINK_EXTRA,
    ),
    Rule(
        "CONSOLIDATE_LEAD",
        "consolidation",
        "the family's open cases are not all joined to one lead case (consolidation candidate; "
        "kinlink extra)",
        KINLINK_EXTRA,
    ),
    Rule(
        "HEARING_SPLIT",
        "consolidation",
        "members' current hearings fall on different days at different ports (kinlink extra)",
        KINLINK_EXTRA,
    ),
)

#: The codes whose flags go to each contract flag file (the analysis of a code is its file).
CONTRACT_FILES: Final[dict[str, tuple[str, ...]]] = {
    stem: tuple(code for code, rule in RULES.items() if rule.analysis == stem)
    for stem in FLAG_FILES
}


@dataclass(frozen=True)
class Evidence:
    """What made a flag true: identifiers from the bundle and the values that decided it.

    ``persons``, ``records``, ``cases`` and ``hearings`` are identifiers of graph nodes
    (see :meth:`nodes`); ``locations`` (countries, courts, nationalities) and ``dates``
    (ISO 8601) are the values the rule looked at.
    """

    persons: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    hearings: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()

    def nodes(self) -> tuple[str, ...]:
        """The graph node ids this evidence names."""
        return (
            tuple(node_id(NodeKind.PERSON, p) for p in self.persons)
            + tuple(node_id(NodeKind.RECORD, r) for r in self.records)
            + tuple(node_id(NodeKind.CASE, c) for c in self.cases)
            + tuple(node_id(NodeKind.HEARING, h) for h in self.hearings)
        )


@dataclass(frozen=True)
class Flag:
    """One rule that holds for one family.

    Attributes
    ----------
    family_id : str
        The flagged family.
    code : str
        A key of :data:`RULES`.
    evidence : Evidence
        The records, cases, locations and dates that made the rule hold.
    reason : str
        A sentence an analyst can read and check.
    source : PolicySource
        The policy document the rule follows.
    """

    family_id: str
    code: str
    evidence: Evidence
    reason: str
    source: PolicySource = field(compare=False)

    @property
    def analysis(self) -> str:
        """The analysis (contract file stem, or ``consolidation``) that raised the flag."""
        return RULES[self.code].analysis


def make_flag(family_id: str, code: str, evidence: Evidence, reason: str) -> Flag:
    """A :class:`Flag` citing the source :data:`RULES` declares for ``code``.

    Raises
    ------
    KeyError
        If ``code`` is not a known rule.
    """
    return Flag(family_id, code, evidence, reason, RULES[code].source)
