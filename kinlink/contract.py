"""The data contract as data: every column kinlink reads or writes, and every report file.

One vocabulary, declared once; every other list of columns in kinlink derives from it
(docs/DESIGN.md, "The column vocabulary"). The input tables (:data:`TABLES`) declare each
column's kind (the normaliser it goes through), whether a row is unusable without it, its codes,
and three flags:

- ``identifying``: the value identifies a person or points back at an input row (names,
  A-numbers, dates of birth, raw ids, line numbers, phone, address, other ids). A masked output
  never carries it as is (:data:`IDENTIFYING`);
- ``refers_to``: the column holds an id of that kind (``record``, ``case``, ...), so masking
  replaces it with a pseudonym rather than dropping it;
- ``contract``: the contract names the column (``False``: kinlink adds it, like ``_line``);
- ``facts``: the analyses, the human reports or the dashboard read it, so the frames they share
  (``kinlink.queries.facts.Facts``) carry it.

The report files (:data:`REPORT_FILES`) declare their columns in file order, and which of them
the contract fixes.

Examples
--------
>>> INDIVIDUALS.column("a_number").identifying, INDIVIDUALS.column("nationality").identifying
(True, False)
>>> REPORT_FILES["joint_reprocessing"].columns
('family_id', 'codes', 'case_ids', 'record_ids', 'person_ids', 'sources')
>>> "given_names_orig" in IDENTIFYING and "sex" not in IDENTIFYING
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = [
    "CASES",
    "CASE_STATUSES",
    "FAMILY_UNITS",
    "FEAR_ASSESSMENTS",
    "FLAG_FILES",
    "HEARINGS",
    "HEARING_RESULTS",
    "HEARING_TYPES",
    "IDENTIFYING",
    "INDIVIDUALS",
    "LINE",
    "NEEDED_BY",
    "ORIGINAL",
    "QUALITY_COLUMNS",
    "REJECT_COLUMNS",
    "REPORT_FILES",
    "ROLES",
    "TABLES",
    "UNPARSED_COLUMNS",
    "WRITTEN",
    "Column",
    "Kind",
    "ReportFile",
    "Table",
    "identifying",
    "table",
]

Kind = Literal[
    "id", "text", "label", "name", "a_number", "date", "bool", "nationality", "sex", "code", "role"
]

ROLES = (
    "HEAD",
    "SPOUSE",
    "PARENT",
    "CHILD",
    "SIBLING",
    "GRANDPARENT",
    "GUARDIAN",
    "OTHER_RELATIVE",
)
FEAR_ASSESSMENTS = ("NONE", "PENDING", "POSITIVE", "NEGATIVE")
CASE_STATUSES = (
    "PENDING",
    "IN_ABSENTIA",
    "TERMINATED",
    "RELIEF_GRANTED",
    "REMOVAL_ORDERED",
    "VOLUNTARY_DEPARTURE",
    "CLOSED",
)
HEARING_TYPES = ("MASTER", "INDIVIDUAL")
HEARING_RESULTS = ("HELD", "ADJOURNED", "IN_ABSENTIA", "CANCELLED")

#: The column the loaders add to every table: the row's line in its file (header = 1).
LINE: Final = "_line"

#: The suffix of the column that keeps a name cell as it was written (``given_names_orig``).
ORIGINAL: Final = "_orig"

#: The suffix of the column that keeps a date of birth as written, as digits (``dob_raw``).
WRITTEN: Final = "_raw"


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    Attributes
    ----------
    name : str
        The column's name in the bundle.
    kind : Kind
        The normaliser it goes through (:mod:`kinlink.loaders.normalize`).
    required : bool
        A row without a value is rejected.
    codes : tuple of str
        The allowed codes of a ``code`` column.
    identifying : bool
        The value identifies a person or points back at an input row.
    refers_to : str or None
        The kind of id the column holds (``record``, ``case``, ``hearing``, ``unit``), if any.
    contract : bool
        The contract names the column (``False`` for the columns kinlink adds).
    facts : bool
        The analyses, the human reports or the dashboard read it.
    not_after : str or None
        A date column of the same row that this date cannot be later than (a birth date after
        the record's own date is not a birth date).
    written : bool
        The loaded frame keeps the cell as written beside it, in ``<name>_raw`` (for dates:
        ``YYYYMMDD`` digits where the cell is date-like, even an impossible or out-of-range
        one, so the resolver can still compare it).
    """

    name: str
    kind: Kind
    required: bool = False
    codes: tuple[str, ...] = ()
    identifying: bool = False
    refers_to: str | None = None
    contract: bool = True
    facts: bool = True
    not_after: str | None = None
    written: bool = False

    @property
    def raw_name(self) -> str:
        """The column that keeps the cell as written, when :attr:`written` is set."""
        return self.name + WRITTEN


@dataclass(frozen=True)
class Table:
    """One table of a bundle: its file stem, primary key and declared columns.

    ``columns`` are the columns the contract declares, in the contract's order. A loaded frame
    also has, for each ``name`` column, its cell as written (:attr:`loaded_columns`) and
    :data:`LINE`.
    """

    stem: str
    key: str | None
    columns: tuple[Column, ...]
    required_table: bool = False
    references: dict[str, str] = field(default_factory=dict)  # column -> referenced table stem

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        """The declared columns' names, in order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The declared column ``name``, or one kinlink adds to the loaded frame.

        Raises
        ------
        KeyError
            If the table has no such column.
        """
        for c in self.loaded_columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.stem} has no column {name!r}")

    @property
    def loaded_columns(self) -> tuple[Column, ...]:
        """Every column of the loaded frame, in its order (extra input columns aside).

        Each ``name`` column is followed by its cell as written (``<name>_orig``), each
        ``written`` column by its cell as written (``<name>_raw``), and :data:`LINE` comes last.
        """
        out: list[Column] = []
        for c in self.columns:
            out.append(c)
            if c.kind == "name":
                out.append(
                    Column(c.name + ORIGINAL, "text", identifying=True, contract=False, facts=False)
                )
            if c.written:
                out.append(
                    Column(c.raw_name, "text", identifying=True, contract=False, facts=False)
                )
        out.append(Column(LINE, "id", identifying=True, contract=False))
        return tuple(out)

    @property
    def facts_columns(self) -> tuple[str, ...]:
        """The loaded columns the analyses, human reports and dashboard read, key aside."""
        return tuple(c.name for c in self.loaded_columns if c.facts and c.name != self.key)

    def of_kind(self, *kinds: Kind) -> tuple[str, ...]:
        """The declared columns of these kinds."""
        return tuple(c.name for c in self.columns if c.kind in kinds)

    @property
    def attribute_columns(self) -> tuple[str, ...]:
        """The columns that describe a row, in order: every loaded column but the key."""
        return tuple(c.name for c in self.loaded_columns if c.name != self.key)


INDIVIDUALS = Table(
    stem="individuals",
    key="record_id",
    required_table=True,
    columns=(
        Column("record_id", "id", required=True, identifying=True, refers_to="record"),
        Column("source", "label", required=True),
        Column("a_number", "a_number", identifying=True),
        Column("given_names", "name", identifying=True),
        Column("surnames", "name", identifying=True),
        Column("dob", "date", identifying=True, not_after="as_of", written=True),
        Column("sex", "sex"),
        Column("nationality", "nationality"),
        Column("language", "text", facts=False),
        Column("country_of_location", "nationality"),
        Column("location", "text"),
        Column("as_of", "date"),
        Column("uac", "bool"),
        Column("fear_claimed", "bool"),
        Column("fear_assessment", "code", codes=FEAR_ASSESSMENTS),
        Column("other_id", "text", identifying=True, facts=False),
        Column("phone", "text", identifying=True, facts=False),
        Column("address", "text", identifying=True, facts=False),
    ),
)

FAMILY_UNITS = Table(
    stem="family_units",
    key=None,
    required_table=True,
    references={"record_id": "individuals"},
    columns=(
        Column("family_unit_id", "id", required=True, identifying=True, refers_to="unit"),
        Column("record_id", "id", required=True, identifying=True, refers_to="record"),
        Column("role", "role", codes=ROLES),
    ),
)

CASES = Table(
    stem="cases",
    key="case_id",
    references={"record_id": "individuals"},
    columns=(
        Column("case_id", "id", required=True, identifying=True, refers_to="case"),
        Column("record_id", "id", required=True, identifying=True, refers_to="record"),
        Column("lead_case_id", "id", identifying=True, refers_to="case"),
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
        Column("hearing_id", "id", required=True, identifying=True, refers_to="hearing"),
        Column("case_id", "id", required=True, identifying=True, refers_to="case"),
        Column("date", "date"),
        Column("court", "text"),
        Column("type", "code", codes=HEARING_TYPES),
        Column("result", "code", codes=HEARING_RESULTS),
    ),
)

TABLES: Final[tuple[Table, ...]] = (INDIVIDUALS, FAMILY_UNITS, CASES, HEARINGS)


def table(stem: str) -> Table:
    """The input table whose file stem is ``stem``.

    Raises
    ------
    KeyError
        If the contract has no such table.
    """
    for t in TABLES:
        if t.stem == stem:
            return t
    raise KeyError(f"no input table {stem!r}")


#: What cannot be found without any value in a column (``(table, column)``). The report and the
#: dashboard say so at the top when a loaded bundle has none, so that a zero count of a flag is
#: not read as a finding. A table's key stands for the whole table being absent or empty.
NEEDED_BY: Final[dict[tuple[str, str], str]] = {
    ("family_units", "family_unit_id"): "families, and so every family flag",
    ("individuals", "country_of_location"): "LOCATION_SPLIT (members in Mexico and the U.S.)",
    ("individuals", "nationality"): "mixed-nationality units, MEXICAN_MEMBER_FEAR and the "
    "NON_AMENABLE check of Mexican nationals",
    ("individuals", "given_names"): "given-name comparisons in identity resolution",
    ("individuals", "surnames"): "surname comparisons in identity resolution",
    ("individuals", "dob"): "birth-date comparisons in identity resolution",
    ("individuals", "fear_assessment"): "POSITIVE_FEAR",
    ("individuals", "fear_claimed"): "MEXICAN_MEMBER_FEAR",
    ("cases", "case_id"): "COURT_SPLIT, MPP_SPLIT and every joint-reprocessing code",
    ("cases", "court"): "COURT_SPLIT",
    ("cases", "mpp"): "MPP_SPLIT and every joint-reprocessing code",
    ("cases", "status"): "COURT_SPLIT, RELIEF_SPLIT and WIND_DOWN_SPLIT",
}

#: Every identifying column of every input table (names as loaded, ``_orig`` and ``_line`` too).
IDENTIFYING: Final[frozenset[str]] = frozenset(
    c.name for t in TABLES for c in t.loaded_columns if c.identifying
)


def identifying(stem: str, name: str) -> bool:
    """Whether column ``name`` of table ``stem`` identifies a person or points at a row.

    A column the contract does not declare (an input's extra column) counts as identifying:
    kinlink cannot tell what it holds.

    Examples
    --------
    >>> identifying("individuals", "phone"), identifying("cases", "court")
    (True, False)
    >>> identifying("individuals", "notes")
    True
    """
    try:
        return table(stem).column(name).identifying
    except KeyError:
        return True


# -- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFile:
    """One file of the batch linkage report.

    Attributes
    ----------
    stem : str
        File name without ``.csv``.
    one_row_per : str
        What a row is.
    columns : tuple of str
        Every column, in file order.
    contract_columns : tuple of str
        The columns the contract fixes (all of them among ``columns``).
    contract : bool
        The contract names the file (outside tests read it).
    """

    stem: str
    one_row_per: str
    columns: tuple[str, ...]
    contract_columns: tuple[str, ...] = ()
    contract: bool = True

    @property
    def file(self) -> str:
        return f"{self.stem}.csv"


REJECT_COLUMNS: Final = ("file", "line", "column", "reason")
QUALITY_COLUMNS: Final = ("file", "column", "problem", "count")
UNPARSED_COLUMNS: Final = ("file", "line", "column", "problem", "value")


def _files(*files: ReportFile) -> dict[str, ReportFile]:
    for f in files:
        missing = set(f.contract_columns) - set(f.columns)
        if missing:
            raise ValueError(f"{f.stem}: contract columns {sorted(missing)} not among its columns")
    return {f.stem: f for f in files}


#: The report's CSV files, keyed by stem, in the order the report writes them.
REPORT_FILES: Final[dict[str, ReportFile]] = _files(
    ReportFile(
        "persons",
        "loaded record",
        ("record_id", "person_id", "family_id"),
        ("record_id", "person_id"),
    ),
    ReportFile(
        "families",
        "person in a family",
        ("family_id", "person_id"),
        ("family_id", "person_id"),
    ),
    ReportFile(
        "separated_families",
        "flagged family",
        ("family_id", "codes", "record_ids", "person_ids", "sources"),
        ("family_id", "codes", "record_ids"),
    ),
    ReportFile(
        "mixed_nationality_units",
        "flagged family",
        ("family_id", "nationalities", "mexican_member", "record_ids", "person_ids", "sources"),
        ("family_id", "nationalities", "mexican_member", "record_ids"),
    ),
    ReportFile(
        "joint_reprocessing",
        "flagged family",
        ("family_id", "codes", "case_ids", "record_ids", "person_ids", "sources"),
        ("family_id", "codes", "case_ids", "record_ids"),
    ),
    ReportFile("rejects", "input row not used", REJECT_COLUMNS, REJECT_COLUMNS),
    ReportFile(
        "quality",
        "kind of unparseable optional value, per file and column",
        QUALITY_COLUMNS,
        contract=False,
    ),
    ReportFile(
        "unparsed_values",
        "optional value counted in quality.csv, with its line (no value column when masked)",
        UNPARSED_COLUMNS,
        contract=False,
    ),
    ReportFile(
        "flags",
        "flag of any analysis, with its evidence",
        (
            "family_id",
            "analysis",
            "code",
            "reason",
            "source",
            "persons",
            "records",
            "cases",
            "hearings",
            "locations",
            "dates",
            "confidence",
            "holds",
            "record_id_a",
            "record_id_b",
            "probability",
        ),
        contract=False,
    ),
    ReportFile(
        "review_flags",
        "flag set aside for review (family and flag file)",
        (
            "family_id",
            "flag_file",
            "codes",
            "record_ids",
            "record_id_a",
            "record_id_b",
            "probability",
            "why",
            "kind",
            "levels",
            "case_ids",
            "nationalities",
            "mexican_member",
            "person_ids",
            "sources",
        ),
        (
            "family_id",
            "flag_file",
            "codes",
            "record_ids",
            "record_id_a",
            "record_id_b",
            "probability",
            "why",
        ),
    ),
    ReportFile(
        "changes",
        "change since the previous report",
        ("kind", "id", "change", "detail", "flag_file"),
        ("kind", "id", "change", "detail"),
    ),
)

#: The three flag files of the contract (their stems are also the analyses' names).
FLAG_FILES: Final = ("separated_families", "mixed_nationality_units", "joint_reprocessing")
