"""The contract's four tables, declared as data: columns, which are required, and their kinds.

A *kind* names the normaliser a column goes through (see :mod:`kinlink.loaders.normalize`).
Columns that a table does not declare are kept as text attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal[
    "id", "text", "label", "name", "a_number", "date", "bool", "nationality", "sex", "code"
]

ROLES = ("HEAD", "SPOUSE", "PARENT", "CHILD", "SIBLING", "GRANDPARENT", "GUARDIAN",
         "OTHER_RELATIVE")  # fmt: skip
FEAR_ASSESSMENTS = ("NONE", "PENDING", "POSITIVE", "NEGATIVE")
CASE_STATUSES = ("PENDING", "IN_ABSENTIA", "TERMINATED", "RELIEF_GRANTED", "REMOVAL_ORDERED",
                 "VOLUNTARY_DEPARTURE", "CLOSED")  # fmt: skip
HEARING_TYPES = ("MASTER", "INDIVIDUAL")
HEARING_RESULTS = ("HELD", "ADJOURNED", "IN_ABSENTIA", "CANCELLED")


@dataclass(frozen=True)
class Column:
    """One declared column: its kind, whether a row is unusable without it, allowed codes."""

    name: str
    kind: Kind
    required: bool = False
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One table of a bundle: its file stem, primary key and declared columns."""

    stem: str
    key: str | None
    columns: tuple[Column, ...]
    required_table: bool = False
    references: dict[str, str] = field(default_factory=dict)  # column -> referenced table stem

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


INDIVIDUALS = Table(
    stem="individuals",
    key="record_id",
    required_table=True,
    columns=(
        Column("record_id", "id", required=True),
        Column("source", "label", required=True),
        Column("a_number", "a_number"),
        Column("given_names", "name"),
        Column("surnames", "name"),
        Column("dob", "date"),
        Column("sex", "sex"),
        Column("nationality", "nationality"),
        Column("language", "text"),
        Column("country_of_location", "nationality"),
        Column("location", "text"),
        Column("as_of", "date"),
        Column("uac", "bool"),
        Column("fear_claimed", "bool"),
        Column("fear_assessment", "code", codes=FEAR_ASSESSMENTS),
        Column("other_id", "text"),
        Column("phone", "text"),
        Column("address", "text"),
    ),
)

FAMILY_UNITS = Table(
    stem="family_units",
    key=None,
    required_table=True,
    references={"record_id": "individuals"},
    columns=(
        Column("family_unit_id", "id", required=True),
        Column("record_id", "id", required=True),
        Column("role", "code", codes=ROLES),
    ),
)

CASES = Table(
    stem="cases",
    key="case_id",
    references={"record_id": "individuals"},
    columns=(
        Column("case_id", "id", required=True),
        Column("record_id", "id", required=True),
        Column("lead_case_id", "id"),
        Column("court", "text"),
        Column("mpp", "bool"),
        Column("status", "code", codes=CASE_STATUSES),
        Column("status_date", "date"),
        Column("nta_date", "date"),
    ),
)

HEARINGS = Table(
    stem="hearings",
    key="hearing_id",
    references={"case_id": "cases"},
    columns=(
        Column("hearing_id", "id", required=True),
        Column("case_id", "id", required=True),
        Column("date", "date"),
        Column("court", "text"),
        Column("type", "code", codes=HEARING_TYPES),
        Column("result", "code", codes=HEARING_RESULTS),
    ),
)

TABLES: tuple[Table, ...] = (INDIVIDUALS, FAMILY_UNITS, CASES, HEARINGS)
