"""EOIR codes -> contract values: the release's lookup tables first, kinlink's packaged lists after.

Which codes mean what (docs/eoir.md has the full table and the source of each):

- **MPP**: a case is MPP when it carries an MPP case identifier (``MP`` MIGRANT PROTECTION
  PROTOCOL, ``RM`` Remain in Mexico; ``A_TblCaseIdentifier``) or when any of its proceedings or
  scheduled hearings is at an MPP hearing location: TRAC counts either, because EOIR's flagging is
  inconsistent. MPP hearing locations are the ``tblLookupHloc`` entries whose name starts with
  ``MPP``, or, without that table, the packaged list (``data/mpp_hearing_locations.csv``). The
  test location ``MPP`` ("TEST HEARING LOC - ECAS MPP") never counts. Credible-fear reviews
  (case type ``CFR``) are never MPP cases, as in TRAC's MPP tools.
- **Family dockets**: case identifiers ``FA`` (Family Units), ``DD`` (Dedicated Docket) and
  ``FM`` (Family Expedited Removal Management), each read into its own column.
- **Decisions**: ``tblLookupCourtDecision`` rows with ``strDecType`` ``C`` decode ``DEC_CODE``,
  rows with ``O`` decode ``OTHER_COMP``, each per case type (the same letter means different
  things in the two columns and in different case types). The description is kept and
  classified into a contract status by keywords (:func:`classify_decision`).
- **Nationality**: ``NAT`` through the release's ``tblLookupNationality`` (country name -> ISO
  alpha-3), else through the packaged ``data/nationality.csv``. EOIR's codes are not ISO codes
  (``ES`` is El Salvador, ``HO`` Honduras), so a code is never read as ISO.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from kinlink.loaders.countries import country_code
from kinlink.loaders.vocabulary import fold

MPP_CASE_IDS = frozenset({"MP", "RM"})
DOCKETS = {"FA": "eoir_family_unit", "DD": "dedicated_docket", "FM": "ferm"}
TEST_LOCATIONS = frozenset({"MPP"})  # "TEST HEARING LOC - ECAS MPP"
CREDIBLE_FEAR_REVIEW = frozenset({"CFR"})
CAL_TYPES = {"M": "MASTER", "I": "INDIVIDUAL"}
TRUE_FLAGS = frozenset({"Y", "YES", "1", "T", "TRUE"})

# DEC_CODE meanings used only when the release has no tblLookupCourtDecision: the codes whose
# meaning in removal, deportation and exclusion cases is long established. Never for OTHER_COMP.
DECISION_DEFAULTS = {
    "X": "REMOVAL_ORDERED",  # removal ordered
    "D": "REMOVAL_ORDERED",  # deportation ordered (DEP case type)
    "E": "REMOVAL_ORDERED",  # exclusion ordered (EXC case type)
    "V": "VOLUNTARY_DEPARTURE",
    "T": "TERMINATED",
    "G": "RELIEF_GRANTED",
}

# (pattern, status), tried in order on the upper-cased description of a DEC_CODE (type C).
_DECISION_WORDS: tuple[tuple[str, str], ...] = (
    (r"VOLUNTARY DEPART", "VOLUNTARY_DEPARTURE"),
    (r"TERMINAT|DISMISS", "TERMINATED"),
    (r"DENI|DENY", "REMOVAL_ORDERED"),
    (r"REMOV|DEPORT|EXCLU|ABSENTIA", "REMOVAL_ORDERED"),
    (r"GRANT|RELIEF|ADJUST|CANCELLATION|ASYLUM|WITHHOLD|LEGALIZ", "RELIEF_GRANTED"),
    (r"CLOS|WITHDRAW|ADMIN", "CLOSED"),
)
# An OTHER_COMP (type O) is a completion without a merits decision: the case left this
# proceeding (venue change, transfer: still pending elsewhere) or was closed.
_OTHER_WORDS: tuple[tuple[str, str], ...] = (
    (r"VENUE|TRANSFER", "PENDING"),
    (r"TERMINAT|DISMISS", "TERMINATED"),
    (r".", "CLOSED"),
)
_MPP_ID_WORDS = re.compile(r"\bmigrant protection\b|\bremain in mexico\b")


def names_mpp(description: object) -> bool:
    """Whether a case-identifier description names the Migrant Protection Protocols or Remain in
    Mexico, however it is spelt (case, accents, hyphens, padding).

    The release's ``tblLookUpCaseIdentifier`` replaces kinlink's own MPP codes, so a description
    that is not recognised loses its code's cases from MPP without a word.

    Examples
    --------
    >>> [names_mpp(t) for t in ("MIGRANT PROTECTION PROTOCOL", "Remain-in-Mexico",
    ...                         "REMAIN IN MÉXICO ", "FAMILY UNITS", None)]
    [True, True, True, False, False]
    """
    return isinstance(description, str) and bool(_MPP_ID_WORDS.search(fold(description)))


def classify_decision(description: str, kind: str = "C") -> str | None:
    """A contract status for a decision description, or ``None`` when no keyword matches.

    ``kind`` is the lookup's ``strDecType``: ``C`` for a ``DEC_CODE``, ``O`` for an
    ``OTHER_COMP``.

    Examples
    --------
    >>> classify_decision("Removal"), classify_decision("Relief Denied")
    ('REMOVAL_ORDERED', 'REMOVAL_ORDERED')
    >>> classify_decision("Voluntary Departure"), classify_decision("Relief Granted")
    ('VOLUNTARY_DEPARTURE', 'RELIEF_GRANTED')
    >>> classify_decision("Abandonment") is None, classify_decision("Change of Venue", "O")
    (True, 'PENDING')
    >>> classify_decision("Administrative Closing", "O")
    'CLOSED'
    """
    text = description.upper()
    for pattern, status in _OTHER_WORDS if kind == "O" else _DECISION_WORDS:
        if re.search(pattern, text):
            return status
    return None


def is_true(values: pd.Series) -> pd.Series:
    """EOIR flag columns (``Y``/``N``, ``1``/``0``, ``True``/``False``) as a boolean Series.

    Examples
    --------
    >>> is_true(pd.Series(["Y", "N", None, "1", "true"])).tolist()
    [True, False, False, True, True]
    """
    found, uniques = pd.factorize(values.astype(object))  # a few distinct flags
    flags = np.array([str(u).strip().upper() in TRUE_FLAGS for u in uniques] + [False])
    return pd.Series(flags[found], index=values.index, dtype=bool)


def packaged_nationalities() -> dict[str, tuple[str, str]]:
    """kinlink's list of EOIR nationality codes: NAT code -> (country name, ISO alpha-3).

    Examples
    --------
    >>> {k: packaged_nationalities()[k] for k in ("HO", "ES", "NU", "MX")}
    {'HO': ('HONDURAS', 'HND'), 'ES': ('EL SALVADOR', 'SLV'), 'NU': ('NICARAGUA', 'NIC'), \
'MX': ('MEXICO', 'MEX')}
    """
    text = resources.files("kinlink.loaders.eoir").joinpath("data/nationality.csv")
    with text.open(encoding="utf-8") as fh:
        return {r["NAT_CODE"]: (r["NAT_COUNTRY_NAME"], r["ISO3"]) for r in csv.DictReader(fh)}


def packaged_mpp_locations() -> frozenset[str]:
    """kinlink's list of MPP hearing location codes (used when the release has no tblLookupHloc).

    Examples
    --------
    >>> sorted(packaged_mpp_locations())
    ['CIX', 'ENP', 'MPB', 'MPL', 'OPP', 'SYP', 'TUM']
    """
    text = resources.files("kinlink.loaders.eoir").joinpath("data/mpp_hearing_locations.csv")
    with text.open(encoding="utf-8") as fh:
        return frozenset(r["HEARING_LOC_CODE"] for r in csv.DictReader(fh))


@dataclass
class CodeTables:
    """The code maps one import uses, and where each came from (``release`` or ``packaged``)."""

    nationality: dict[str, str] = field(default_factory=dict)  # NAT -> ISO alpha-3
    nationality_unmapped: set[str] = field(default_factory=set)  # NAT codes with no ISO code
    language: dict[str, str] = field(default_factory=dict)  # LANG -> language name
    base_city: dict[str, str] = field(default_factory=dict)  # BASE_CITY_CODE -> court city
    hearing_location: dict[str, str] = field(default_factory=dict)  # HEARING_LOC_CODE -> name
    mpp_locations: set[str] = field(default_factory=set)
    mpp_case_ids: set[str] = field(default_factory=lambda: set(MPP_CASE_IDS))
    # (kind C/O, case type, code) -> (description, status or None)
    decision: dict[tuple[str, str, str], tuple[str, str | None]] = field(default_factory=dict)
    adjournment: dict[str, str] = field(default_factory=dict)  # ADJ_RSN -> description
    cal_type: dict[str, str] = field(default_factory=dict)  # CAL_TYPE -> MASTER / INDIVIDUAL
    sources: dict[str, str] = field(default_factory=dict)  # what -> release / packaged

    def decide(
        self, case_type: str | None, dec_code: str | None, other_comp: str | None
    ) -> tuple[str | None, str | None, str]:
        """(description, status, how) for one proceeding's ``DEC_CODE`` / ``OTHER_COMP``.

        ``how`` is ``lookup``, ``default`` (a DEC_CODE decoded without the lookup), ``unknown``
        (a code with no known meaning) or ``none`` (neither code).

        Examples
        --------
        >>> CodeTables().decide("RMV", "x", None)
        (None, 'REMOVAL_ORDERED', 'default')
        >>> CodeTables().decide("RMV", None, "C")
        (None, None, 'unknown')
        """
        kind, code = ("C", dec_code) if dec_code else ("O", other_comp)
        if not code:
            return None, None, "none"
        found = self.decision.get((kind, (case_type or "").upper(), code.upper()))
        if found is not None:
            return found[0], found[1], "lookup"
        if kind == "C" and code.upper() in DECISION_DEFAULTS and "decision" not in self.sources:
            return None, DECISION_DEFAULTS[code.upper()], "default"
        return None, None, "unknown"


def _iso_country(*names: object) -> str | None:
    """ISO alpha-3 for the first name that is a country; ``CHINA, PEOPLE'S REPUBLIC OF`` is
    tried as ``CHINA`` too.

    Examples
    --------
    >>> _iso_country(None, "CHINA, PEOPLE'S REPUBLIC OF"), _iso_country("STATELESS")
    ('CHN', None)
    """
    texts = [str(n) for n in names if isinstance(n, str) and n.strip()]
    for text in texts + [t.split(",")[0] for t in texts if "," in t]:
        iso = country_code(text)
        if iso:
            return iso
    return None


def _pairs(frame: pd.DataFrame, code: str, value: str) -> dict[str, str]:
    rows = frame[[code, value]].dropna()
    return dict(zip(rows[code].str.upper(), rows[value], strict=True))


def build_code_tables(
    lookups: dict[str, pd.DataFrame], *, mpp_hearing_locs: tuple[str, ...] = ()
) -> CodeTables:
    """Build the code maps from the lookup frames that were found (any may be missing).

    Parameters
    ----------
    lookups : dict
        Lookup key (``nationality``, ``language``, ...) -> frame as read by the reader.
    mpp_hearing_locs : tuple of str
        Hearing location codes to treat as MPP locations in addition to the others.
    """
    tables = CodeTables()
    _nationalities(lookups.get("nationality"), tables)
    if "language" in lookups:
        tables.language = _pairs(lookups["language"], "STRCODE", "STRDESCRIPTION")
    if "base_city" in lookups:
        frame = lookups["base_city"]
        # BASE_CITY_NAME is "IMMIGRATION COURT" for nearly every court; the city is BASE_CITY
        city = frame["BASE_CITY"].fillna(frame["BASE_CITY_NAME"])
        place = (city + ", " + frame["BASE_STATE"]).fillna(city)
        tables.base_city = _pairs(frame.assign(_place=place), "BASE_CITY_CODE", "_place")
    if "hearing_location" in lookups:
        tables.hearing_location = _pairs(
            lookups["hearing_location"], "HEARING_LOC_CODE", "HEARING_LOC_NAME"
        )
        tables.mpp_locations = {
            code
            for code, name in tables.hearing_location.items()
            if str(name).upper().startswith("MPP") and "TEST" not in str(name).upper()
        }
        tables.sources["mpp_locations"] = "release"
    else:
        tables.mpp_locations = set(packaged_mpp_locations())
        tables.sources["mpp_locations"] = "packaged"
    tables.mpp_locations |= {code.strip().upper() for code in mpp_hearing_locs if code.strip()}
    tables.mpp_locations -= TEST_LOCATIONS
    if "case_identifier_codes" in lookups:
        described = _pairs(lookups["case_identifier_codes"], "STRCODE", "STRDESCRIPTION")
        named = {c for c, text in described.items() if names_mpp(text)}
        if named:
            tables.mpp_case_ids = named
            tables.sources["mpp_case_ids"] = "release"
    if "decision" in lookups:
        _decisions(lookups["decision"], tables)
        tables.sources["decision"] = "release"
    if "adjournment" in lookups:
        tables.adjournment = _pairs(lookups["adjournment"], "STRCODE", "STRDESCRIPTION")
    tables.cal_type = dict(CAL_TYPES)
    if "cal_type" in lookups:
        for code, text in _pairs(
            lookups["cal_type"], "STRCALTYPECODE", "STRCALTYPEDESCRIPTION"
        ).items():
            upper = str(text).upper()
            for kind in ("MASTER", "INDIVIDUAL"):
                if kind in upper:
                    tables.cal_type[code] = kind
    return tables


def _nationalities(frame: pd.DataFrame | None, tables: CodeTables) -> None:
    """The release's table when present; kinlink's packaged list for the codes it lacks."""
    described: set[str] = set()
    if frame is not None:
        tables.sources["nationality"] = "release"
        for code, name, country in frame[["NAT_CODE", "NAT_NAME", "NAT_COUNTRY_NAME"]].itertuples(
            index=False
        ):
            if pd.isna(code):
                continue
            key = str(code).upper()
            described.add(key)
            iso = _iso_country(country, name)
            if iso:
                tables.nationality[key] = iso
            else:
                tables.nationality_unmapped.add(key)
    else:
        tables.sources["nationality"] = "packaged"
    for code, (_, iso) in packaged_nationalities().items():
        if code not in described:
            tables.nationality.setdefault(code, iso)


def _decisions(frame: pd.DataFrame, tables: CodeTables) -> None:
    """(kind, case type, code) -> (description, status); an active row beats an inactive one."""
    active = is_true(frame["BLNACTIVE"]) if frame["BLNACTIVE"].notna().any() else None
    rows = frame.assign(_active=active if active is not None else True)
    rows = rows.sort_values("_active", kind="stable")  # active rows last: they win
    for case_type, code, text, kind in rows[
        ["STRCASETYPE", "STRDECCODE", "STRDECDESCRIPTION", "STRDECTYPE"]
    ].itertuples(index=False):
        if pd.isna(code) or pd.isna(text):
            continue
        k = "O" if str(kind).strip().upper() == "O" else "C"
        ctype = "" if pd.isna(case_type) else str(case_type).upper()
        tables.decision[(k, ctype, str(code).upper())] = (
            str(text),
            classify_decision(str(text), k),
        )
