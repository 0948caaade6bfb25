"""Pseudonymous reports: keyed-hash ids, no identifying values, no line numbers, dates by month.

``kinlink report --mask``, ``kinlink cypher --mask`` and the dashboard's masked downloads pass
what they write through this module:

* every record, person, family, unit, case and hearing id becomes a pseudonym: a prefix and the
  first 16 hex digits of HMAC-SHA256 over ``"<kind>:<id>"`` with the secret key from the
  environment variable ``KINLINK_MASK_KEY``. The same id gets the same pseudonym in every run
  with the same key, and nobody without the key can recompute or reverse it. A rejected row's
  line number becomes a pseudonym too (``L-…``, over ``"<file>:<line>"``);
* record, case and hearing nodes keep only the columns :data:`KEEP` derives from the one column
  vocabulary (:mod:`kinlink.contract`): no column flagged ``identifying`` (names, A-numbers,
  dates of birth, phone, address, other ids, raw ids, the row's line) and no free text but the
  court (:data:`KEPT_TEXT`): the city (``location``), the language and every column kinlink does
  not know are dropped;
* dates stay whole while the analyses run (the rules compare them), and every date written is
  cut to its month (:func:`month_text`, :func:`coarsen_flags`, :func:`coarsen_section`,
  :func:`coarsen_graph`, :func:`coarsen_linked`);
* free text is rebuilt from masked values: the flags' reasons are written from the masked frames
  (report, :func:`mask_linked`) or have their names and ids replaced (:func:`mask_reasons`,
  dashboard); a rejected row's reason is rewritten from a known pattern or withheld
  (:func:`mask_rejects`).

The contract files keep their columns; their ids are pseudonyms. A masked report therefore cannot
be scored against ground truth (``kinlink evaluate``): evaluate an unmasked run instead.
SECURITY.md says what a masked report still reveals.

Examples
--------
>>> key = b"not-a-real-secret"
>>> pseudonym("record", "R1", key)
'R-ab18960514df391a'
>>> pseudonym("record", "R1", key) == pseudonym("record", "R1", key)
True
>>> pseudonym("record", "R1", key) != pseudonym("case", "R1", key)
True
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from typing import Any, Final

import networkx as nx
import pandas as pd

from kinlink.contract import CASES, FAMILY_UNITS, HEARINGS, INDIVIDUALS, TABLES, Table
from kinlink.errors import SettingsError
from kinlink.graph.families import LinkedBundle
from kinlink.graph.family_evidence import FamilyEvidence, alternatives_of, reason_sentence
from kinlink.graph.schema import N_RECORDS, SIZE, NodeKind
from kinlink.queries.facts import Facts
from kinlink.queries.flags import Flag
from kinlink.queries.sections import FamilySection

__all__ = [
    "DATE_COLUMNS",
    "ID_COLUMNS",
    "KEEP",
    "MASK_KEY_ENV",
    "MaskedLog",
    "coarsen_flags",
    "coarsen_graph",
    "coarsen_linked",
    "coarsen_section",
    "coarsen_sections",
    "line_pseudonym",
    "mask_key",
    "mask_linked",
    "mask_logs",
    "mask_matches",
    "mask_message",
    "mask_reasons",
    "mask_rejects",
    "mask_table",
    "mask_unparsed",
    "month_text",
    "pseudonym",
]

#: The environment variable that holds the secret key of the pseudonyms.
MASK_KEY_ENV: Final = "KINLINK_MASK_KEY"

#: Pseudonym prefix of each node kind whose ids are masked (courts keep their names).
PREFIX: Final[dict[str, str]] = {
    NodeKind.RECORD: "R",
    NodeKind.PERSON: "P",
    NodeKind.FAMILY: "F",
    NodeKind.UNIT: "U",
    NodeKind.CASE: "C",
    NodeKind.HEARING: "H",
    "line": "L",  # a rejected row's line in its file (over "<file>:<line>")
}

_TABLE_OF: Final[dict[str, Table]] = {
    NodeKind.RECORD: INDIVIDUALS,
    NodeKind.CASE: CASES,
    NodeKind.HEARING: HEARINGS,
}


#: Column kinds a masked output keeps (codes, categories, flags and dates, which are cut to the
#: month when written): none of them names anyone.
KEPT_KINDS: Final = frozenset({"label", "sex", "nationality", "bool", "code", "date"})
#: Free-text columns a masked output keeps: the court (COURT_SPLIT and the queues are about
#: courts; there are a few dozen). The city (``location``) and the language are left out.
KEPT_TEXT: Final = frozenset({"court"})
#: Every date column of the input tables.
DATE_COLUMNS: Final = frozenset(c for t in TABLES for c in t.of_kind("date"))


def _kept(t: Table) -> frozenset[str]:
    return frozenset(
        c.name
        for c in t.loaded_columns
        if not c.identifying and (c.kind in KEPT_KINDS or c.name in KEPT_TEXT)
    )


#: Attributes kept on masked nodes, by kind (everything else is dropped, the row's line too):
#: the columns the one vocabulary does not flag ``identifying``, of a :data:`KEPT_KINDS` kind
#: or in :data:`KEPT_TEXT`.
KEEP: Final[dict[str, frozenset[str]]] = {
    **{kind: _kept(t) for kind, t in _TABLE_OF.items()},
    NodeKind.PERSON: frozenset({N_RECORDS}),
    NodeKind.FAMILY: frozenset({SIZE}),
    NodeKind.UNIT: frozenset({SIZE}),
    NodeKind.COURT: frozenset(),
}

#: Attributes that hold another node's id: (node kind, attribute) -> kind of the id.
ID_ATTRS: Final[dict[tuple[str, str], str]] = {
    (kind, c.name): NodeKind(c.refers_to)
    for kind, t in _TABLE_OF.items()
    for c in t.columns
    if c.refers_to is not None and c.name != t.key
}


def mask_key() -> bytes:
    """The secret key of the pseudonyms, from the environment variable ``KINLINK_MASK_KEY``.

    Raises
    ------
    SettingsError
        If the variable is unset or empty.
    """
    value = os.environ.get(MASK_KEY_ENV, "")
    if not value:
        raise SettingsError(
            f"--mask needs a secret key in the environment variable {MASK_KEY_ENV} "
            "(keep the same key to get the same pseudonyms across runs)"
        )
    return value.encode("utf-8")


def pseudonym(kind: str, value: str, key: bytes) -> str:
    """The pseudonym of the id ``value`` of a ``kind`` node: ``<prefix>-<16 hex digits>``.

    Notes
    -----
    HMAC-SHA256 over ``"<kind>:<value>"``; 64 bits of the digest, so collisions are negligible
    below billions of ids.
    """
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{PREFIX.get(kind, 'X')}-{digest[:16]}"


def _pseudonyms(kind: str, values: pd.Series, key: bytes) -> pd.Series:
    """``values`` (ids of ``kind``) as pseudonyms, one HMAC per distinct value; missing stays
    missing."""
    present = values.notna()
    text = values[present].astype(str)
    distinct = pd.unique(text.to_numpy())
    lookup = dict(zip(distinct, (pseudonym(kind, v, key) for v in distinct), strict=True))
    out = pd.Series(None, index=values.index, dtype=object)
    out[present] = text.map(lookup)
    return out


def _mask_frame(frame: pd.DataFrame | None, kind: str, key: bytes) -> pd.DataFrame | None:
    """A table with its ids pseudonymised and only the columns :data:`KEEP` lists for ``kind``."""
    if frame is None:
        return None
    table = _TABLE_OF.get(kind, FAMILY_UNITS)
    declared = {c.name: c for c in table.loaded_columns}
    keep = KEEP.get(kind, frozenset()) | ({"role"} if table is FAMILY_UNITS else set())
    out: dict[str, Any] = {}
    for name in frame.columns:
        column = declared.get(str(name))
        if column is not None and column.refers_to is not None:
            out[name] = _pseudonyms(column.refers_to, frame[name], key)
        elif name in keep:
            out[name] = frame[name].to_numpy()
    return pd.DataFrame(out, index=frame.index)


def mask_linked(linked: LinkedBundle, key: bytes) -> LinkedBundle:
    """A copy of ``linked`` with pseudonymous ids and no identifying values.

    Every record, person, family, unit, case and hearing id becomes its :func:`pseudonym`;
    record, case and hearing tables keep only the columns :data:`KEEP` lists (no line numbers);
    the resolver's matches keep only their numeric and level columns (:func:`mask_matches`);
    rejects and unparsed values get :func:`mask_rejects` and :func:`mask_unparsed`; the fitted
    scorer, which holds the records, is dropped (the model's weights and counts are kept).
    Dates stay whole (the analyses compare them): :func:`coarsen_linked` cuts them to the month
    for what is written.

    Notes
    -----
    One HMAC per distinct id; O(rows) otherwise.
    """
    persons = pd.DataFrame(
        {
            "record_id": _pseudonyms(NodeKind.RECORD, linked.persons["record_id"], key),
            "person_id": _pseudonyms(NodeKind.PERSON, linked.persons["person_id"], key),
        }
    )
    families = pd.DataFrame(
        {
            "family_id": _pseudonyms(NodeKind.FAMILY, linked.families["family_id"], key),
            "person_id": _pseudonyms(NodeKind.PERSON, linked.families["person_id"], key),
        }
    )
    matches, rejects, unparsed = linked.matches, linked.rejects, linked.unparsed
    return linked.replace(
        individuals=_mask_frame(linked.individuals, NodeKind.RECORD, key),
        family_units=_mask_frame(linked.family_units, NodeKind.UNIT, key),
        cases=_mask_frame(linked.cases, NodeKind.CASE, key),
        hearings=_mask_frame(linked.hearings, NodeKind.HEARING, key),
        persons=persons,
        families=families,
        matches=mask_matches(matches, key) if matches is not None else None,
        rejects=mask_rejects(rejects, key) if rejects is not None else None,
        unparsed=mask_unparsed(unparsed, key) if unparsed is not None else None,
        scorer=None,
        evidence=mask_evidence(linked.evidence, key) if linked.evidence is not None else None,
    )


def mask_evidence(evidence: FamilyEvidence, key: bytes) -> FamilyEvidence:
    """The family evidence with pseudonymous record and person ids (:func:`pseudonym`), its
    sentences written again."""

    def rec(value: str) -> str:
        return pseudonym(NodeKind.RECORD, str(value), key)

    def per(value: str) -> str:
        return pseudonym(NodeKind.PERSON, str(value), key)

    persons = pd.DataFrame(
        {
            "record_id": [rec(r) for r in evidence.persons["record_id"]],
            "person_id": [per(p) for p in evidence.persons["person_id"]],
        }
    )
    decisions = evidence.decisions.copy()
    for col, fn in (
        ("person_a", per),
        ("person_b", per),
        ("record_id_a", rec),
        ("record_id_b", rec),
    ):
        decisions[col] = [fn(v) for v in decisions[col]]
    for col in ("records", "records_b"):
        decisions[col] = [tuple(sorted(rec(r) for r in rs)) for rs in decisions[col]]
    if evidence.model is not None and len(decisions):
        decisions["reason"] = [
            reason_sentence(r, evidence.model) for r in decisions.itertuples(index=False)
        ]
    plausible = float(evidence.stats.get("plausible", 0.1))
    alternatives = (
        alternatives_of(decisions, persons, plausible)
        if len(decisions)
        else (evidence.alternatives.iloc[0:0])
    )
    return FamilyEvidence(persons, decisions, alternatives, evidence.model, dict(evidence.stats))


def coarsen_linked(linked: LinkedBundle) -> LinkedBundle:
    """``linked`` with every date of its tables cut to its month, as text (``"2020-03"``): what a
    masked report writes in ``data/``. Like :func:`coarsen_graph`'s dates, the dashboard reads
    them as the first day of their month."""

    def month(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None:
            return None
        out = frame.copy()
        for name in DATE_COLUMNS.intersection(map(str, out.columns)):
            values = out[name]
            if pd.api.types.is_datetime64_any_dtype(values.dtype):
                text = values.dt.strftime("%Y-%m")
                out[name] = text.astype(object).where(values.notna(), None)
        return out

    return linked.replace(
        individuals=month(linked.individuals),
        cases=month(linked.cases),
        hearings=month(linked.hearings),
    )


def mask_matches(matches: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """The resolver's scored pairs with pseudonymous record ids and no free-text columns.

    ``record_id*`` columns are pseudonymised; numeric, boolean and categorical (comparison level)
    columns are kept; any other text column is dropped.
    """
    out = pd.DataFrame(index=matches.index)
    for col in matches.columns:
        series = matches[col]
        if str(col).startswith("record_id"):
            out[col] = [pseudonym(NodeKind.RECORD, str(v), key) for v in series]
        elif series.dtype != object and not pd.api.types.is_string_dtype(series.dtype):
            out[col] = series
    return out


# -- dates, free text and rejects ---------------------------------------------------------------

_DATE_IN_TEXT: Final = re.compile(
    r"\b(\d{4})-(\d{2})-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\b"
)


def month_text(text: str) -> str:
    """``text`` with every ISO date (and date-time) in it cut to its month.

    Examples
    --------
    >>> month_text("hearing on 2020-03-04 at El Paso; as of 2021-11-30T10:00:00")
    'hearing on 2020-03 at El Paso; as of 2021-11'
    """
    return _DATE_IN_TEXT.sub(r"\1-\2", text)


def coarsen_flags(flags: Iterable[Flag]) -> list[Flag]:
    """``flags`` with every date in their reasons and evidence cut to the month."""
    out = []
    for fl in flags:
        months = tuple(sorted({month_text(d) for d in fl.evidence.dates}))
        evidence = replace(fl.evidence, dates=months)
        out.append(replace(fl, evidence=evidence, reason=month_text(fl.reason)))
    return out


def _month_cells(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: month_text(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]


def coarsen_section(section: FamilySection) -> FamilySection:
    """A human report's family section with every date cut to the month."""
    return replace(
        section,
        flags=tuple(coarsen_flags(section.flags)),
        members=_month_cells(section.members),
        records=_month_cells(section.records),
        cases=_month_cells(section.cases),
    )


def coarsen_sections(sections: Iterable[FamilySection]) -> list[FamilySection]:
    """The human report's family sections with every date cut to the month."""
    return [coarsen_section(s) for s in sections]


def coarsen_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` whose date attributes are their month, as text (``"2020-03"``).

    For a masked report's saved graph. The dashboard reads such a date as the first day of its
    month, so its analyses of a masked report can differ from the report's (which ran on whole
    dates) where a rule compares days: HEARING_SPLIT, and which record is the latest.
    """
    H = G.copy()
    for _, attrs in H.nodes(data=True):
        for name in DATE_COLUMNS.intersection(attrs):
            value = attrs[name]
            if isinstance(value, pd.Timestamp) and value is not pd.NaT:
                attrs[name] = f"{value.year:04d}-{value.month:02d}"
            elif isinstance(value, str):
                attrs[name] = month_text(value)
    return H


def line_pseudonym(file: str, line: Any, key: bytes) -> str:
    """The pseudonym of line ``line`` of ``file`` (``L-<16 hex digits>``)."""
    return pseudonym("line", f"{file}:{line}", key)


#: Reasons the loaders give for rejecting a row, as patterns; a named group ``line`` is a line
#: number (pseudonymised). A reason that matches none is withheld from a masked output.
REJECT_REASONS: Final = tuple(
    re.compile(p)
    for p in (
        r"missing required value",
        r"duplicate [a-z_]+ \(first at line (?P<line>\d+)\)",
        r"unknown [a-z_]+ \(not in [\w.\-]+\)",
        r"duplicate membership of the same family unit",
        r"expected \d+ fields, found \d+",
        r"the row held only NUL bytes",
    )
)
WITHHELD: Final = "rejected (reason withheld in a masked output)"


def _masked_reason(reason: str, file: str, key: bytes) -> str:
    for pattern in REJECT_REASONS:
        match = pattern.fullmatch(reason)
        if match:
            line = match.groupdict().get("line")
            if line is None:
                return reason
            start, end = match.span("line")
            return reason[:start] + line_pseudonym(file, line, key) + reason[end:]
    return WITHHELD


def mask_rejects(rejects: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """``rejects.csv`` for a masked output: each line number a pseudonym, each reason rewritten
    from a known pattern (:data:`REJECT_REASONS`) or withheld; file and column kept.

    Examples
    --------
    >>> r = pd.DataFrame({"file": ["individuals.csv"], "line": [7], "column": ["record_id"],
    ...                   "reason": ["duplicate record_id (first at line 3)"]})
    >>> out = mask_rejects(r, b"k")
    >>> out["line"].str.fullmatch(r"L-[0-9a-f]{16}").tolist(), "line 3" in out["reason"][0]
    ([True], False)
    """
    out = rejects.copy()
    if not len(out):
        out["line"] = out["line"].astype(object)
        return out
    files = out["file"].astype(str).tolist()
    out["line"] = [line_pseudonym(f, ln, key) for f, ln in zip(files, out["line"], strict=True)]
    out["reason"] = [
        _masked_reason(str(r), f, key) for f, r in zip(files, out["reason"], strict=True)
    ]
    return out


def mask_unparsed(unparsed: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """``unparsed_values.csv`` for a masked output: without the values (a name, a date of birth
    can be among them) and with each line number a pseudonym (as in :func:`mask_rejects`)."""
    out = unparsed.drop(columns=[c for c in ("value",) if c in unparsed.columns])
    lines = [
        line_pseudonym(str(f), ln, key) for f, ln in zip(out["file"], out["line"], strict=True)
    ]
    return out.assign(line=pd.Series(lines, index=out.index, dtype=object))


_LINE_IN_TEXT: Final = re.compile(r"\b(lines?) \d+(?:\s*(?:-|to|and)\s*\d+)?")
_QUOTED_WITH_DIGIT: Final = re.compile(r"'[^'\n]*\d[^'\n]*'")


def mask_message(text: str) -> str:
    """An error message as a masked run prints it: no line numbers, and no quoted value that
    holds a digit (a date of birth, an A-number, an id), which kinlink's errors quote to help
    (``dates like '03/04/2012' (line 2)``). Quoted headers and words stay.

    Examples
    --------
    >>> mask_message("individuals.csv, column dob: dates like '03/04/2012' (line 2) read ...")
    "individuals.csv, column dob: dates like '…' (line (masked)) read ..."
    >>> mask_message("no column 'First Name'")
    "no column 'First Name'"
    """
    text = _LINE_IN_TEXT.sub(lambda m: f"{m.group(1)} (masked)", text)
    return _QUOTED_WITH_DIGIT.sub("'…'", text)


class MaskedLog(logging.Filter):
    """A log filter for masked runs: every "line N" in a message becomes "line (masked)".

    kinlink's logs never hold names, A-numbers or dates of birth; they do name the lines of
    rejected rows, which map a pseudonym back to its row. ``kinlink report --mask`` and
    ``kinlink cypher --mask`` put this filter on kinlink's log handlers.

    Examples
    --------
    >>> record = logging.LogRecord("kinlink", logging.WARNING, "", 0, "%s, line %d: bad", ("f", 7),
    ...                            None)
    >>> MaskedLog().filter(record), record.getMessage()
    (True, 'f, line (masked): bad')
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _LINE_IN_TEXT.sub(lambda m: f"{m.group(1)} (masked)", message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def mask_logs(logger: logging.Logger) -> None:
    """Put :class:`MaskedLog` on every handler of ``logger`` (kinlink's, in the CLI)."""
    for handler in logger.handlers:
        if not any(isinstance(f, MaskedLog) for f in handler.filters):
            handler.addFilter(MaskedLog())


# -- tables a masked output writes (the dashboard's downloads) ----------------------------------

#: Columns that hold ids (a ``;``-joined list, or one id), with the kind of id.
ID_COLUMNS: Final[dict[str, str]] = {
    **{c.name: c.refers_to for t in TABLES for c in t.columns if c.refers_to is not None},
    "record_ids": NodeKind.RECORD,
    "record_id_a": NodeKind.RECORD,
    "record_id_b": NodeKind.RECORD,
    "record_id_l": NodeKind.RECORD,
    "record_id_r": NodeKind.RECORD,
    "records": NodeKind.RECORD,
    "person_id": NodeKind.PERSON,
    "person_ids": NodeKind.PERSON,
    "persons": NodeKind.PERSON,
    "family_id": NodeKind.FAMILY,
    "case_ids": NodeKind.CASE,
    "cases": NodeKind.CASE,
    "hearing_ids": NodeKind.HEARING,
    "hearings": NodeKind.HEARING,
}
#: Text columns whose every value is a code, a category, a court or a policy source: kept.
SAFE_COLUMNS: Final = frozenset(
    {c.name for t in TABLES for c in t.columns if c.name in _kept(t) and c.name not in DATE_COLUMNS}
    | {
        "code",
        "codes",
        "analysis",
        "rule",
        "source",
        "sources",
        "nationalities",
        "courts",
        "mexican_member",
        "field",
        "links",
        "is_self",
        "decision",
        "file",
        "column",
        "problem",
        "table",
        "level",
        "how",
    }
)
#: Columns of dates (or lists of dates): cut to the month.
MONTH_COLUMNS: Final = DATE_COLUMNS - {"dob"} | {"dates", "next_hearing", "reference_date"}
#: Columns whose items are kept only when they are a 3-letter country or nationality code
#: (a queue's ``locations`` mixes countries and cities; ``values`` of ``disagreeing_records``
#: mixes nationalities and dates of birth).
CODE_ITEM_COLUMNS: Final = frozenset({"locations", "values"})
_CODE: Final = re.compile(r"[A-Z]{3}")
#: Columns that hold line numbers: always dropped (rejects get :func:`mask_rejects` first).
LINE_COLUMNS: Final = frozenset({"line", "_line", "lines"})
#: Labels of the graph's nodes in a Cypher path (``"Person:P…"``), to their id kinds.
_LABEL_KIND: Final = {kind.value.capitalize(): kind.value for kind in NodeKind}


def _pseudonymise_items(value: Any, kind: str, key: bytes) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return value
    return ";".join(pseudonym(kind, item, key) for item in str(value).split(";"))


def _chain(value: Any, key: bytes) -> Any:
    if not isinstance(value, str) or not value:
        return value
    out = []
    for item in value.split(";"):
        label, _, raw = item.partition(":")
        kind = _LABEL_KIND.get(label)
        out.append(f"{label}:{pseudonym(kind, raw, key)}" if kind and kind in PREFIX else label)
    return ";".join(out)


def mask_table(frame: pd.DataFrame, key: bytes, *, rebuilt: Iterable[str] = ()) -> pd.DataFrame:
    """``frame`` as a masked output may write it; what the policy does not know is dropped.

    - id columns (:data:`ID_COLUMNS`) become pseudonyms, item by item (numbers, such as a
      queue's count of ``records``, are counts and stay);
    - code, category, court and source columns (:data:`SAFE_COLUMNS`), numbers and booleans
      stay, except line numbers (:data:`LINE_COLUMNS`), which go;
    - date columns (:data:`MONTH_COLUMNS`) are cut to the month;
    - ``locations`` and ``values`` keep only their 3-letter country codes;
    - a Cypher path (``chain``) keeps its labels with pseudonymous keys;
    - the free-text columns named in ``rebuilt`` (already written from masked values, such as
      the reasons of :func:`mask_reasons`) stay; every other column is dropped.

    Examples
    --------
    >>> f = pd.DataFrame({"record_ids": ["r1;r2"], "court": ["El Paso"], "name": ["Ana"],
    ...                   "locations": ["MEX;Tijuana"], "dates": ["2020-03-04"], "records": [2]})
    >>> out = mask_table(f, b"k")
    >>> list(out.columns), out["locations"][0], out["dates"][0], int(out["records"][0])
    (['record_ids', 'court', 'locations', 'dates', 'records'], 'MEX', '2020-03', 2)
    """
    keep_text = set(rebuilt)
    out = pd.DataFrame(index=frame.index)
    for i, column in enumerate(frame.columns):
        name = str(column)
        lower = name.lower()
        series = frame.iloc[:, i]
        numeric = pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(
            series.dtype
        )
        if name in keep_text:
            out[name] = series
        elif lower in LINE_COLUMNS:
            continue
        elif lower in ID_COLUMNS and not numeric:
            kind = ID_COLUMNS[lower]
            out[name] = series.map(lambda v, kind=kind: _pseudonymise_items(v, kind, key))
        elif lower in MONTH_COLUMNS:
            out[name] = series.map(lambda v: month_text(v) if isinstance(v, str) else v)
        elif lower in CODE_ITEM_COLUMNS:
            out[name] = series.map(
                lambda v: (
                    ";".join(x for x in v.split(";") if _CODE.fullmatch(x))
                    if isinstance(v, str)
                    else v
                )
            )
        elif lower == "chain":
            out[name] = series.map(lambda v: _chain(v, key))
        elif numeric or lower in SAFE_COLUMNS or lower.endswith("_level"):
            out[name] = series
    return out


def mask_reasons(flags: Iterable[Flag], facts: Facts, key: bytes) -> list[Flag]:
    """``flags`` with their reasons rewritten from masked values (for a masked download).

    In each reason, every person's label (``"Name (P…)"``) and every record, case, hearing and
    person id of the family becomes its pseudonym, and dates are cut to the month; the evidence
    keeps the ids (:func:`mask_table` pseudonymises those columns with the same key, so reason
    and evidence agree) with its dates cut to the month.
    """
    out = []
    cache: dict[str, tuple[list[tuple[str, str]], re.Pattern[str] | None, dict[str, str]]] = {}
    for fl in coarsen_flags(flags):
        if fl.family_id not in cache:
            cache[fl.family_id] = _family_substitutions(fl.family_id, facts, key)
        labels, ids, names = cache[fl.family_id]
        reason = fl.reason
        for label, masked in labels:
            reason = reason.replace(label, masked)
        if ids is not None:
            reason = ids.sub(partial(_named, names), reason)
        out.append(replace(fl, reason=reason))
    return out


def _named(names: dict[str, str], match: re.Match[str]) -> str:
    return names[match.group(0)]


def _family_substitutions(
    family_id: str, facts: Facts, key: bytes
) -> tuple[list[tuple[str, str]], re.Pattern[str] | None, dict[str, str]]:
    persons = list(facts.family_members.get(family_id, []))
    labels = sorted(
        ((facts.label(p), pseudonym(NodeKind.PERSON, p, key)) for p in persons),
        key=lambda item: -len(item[0]),
    )
    names: dict[str, str] = {p: pseudonym(NodeKind.PERSON, p, key) for p in persons}
    names[family_id] = pseudonym(NodeKind.FAMILY, family_id, key)
    for p in persons:
        for r in facts.person_records.get(p, []):
            names[r] = pseudonym(NodeKind.RECORD, r, key)
        for c in facts.person_cases.get(p, []):
            names[c] = pseudonym(NodeKind.CASE, c, key)
            lead = getattr(facts.case_rows[c], "lead_case_id", None)
            if isinstance(lead, str) and lead:
                names[lead] = pseudonym(NodeKind.CASE, lead, key)
    hearings = facts.hearings
    if len(hearings):
        mine = hearings[hearings["case_id"].isin(names)]
        for h in mine["hearing_id"]:
            names[str(h)] = pseudonym(NodeKind.HEARING, str(h), key)
    if not names:
        return labels, None, names
    alternatives = "|".join(re.escape(i) for i in sorted(names, key=len, reverse=True))
    return labels, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), names
