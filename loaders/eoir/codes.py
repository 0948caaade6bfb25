"""EOIR codes -> contract values, from the release's lookup tables plus a few documented defaults.

Which codes mean what (see the README's "EOIR release" section for the full table):

- **MPP**: a case is MPP when it has a case identifier ``MP`` or ``RM`` (``A_TblCaseIdentifier``;
  :data:`MPP_CASE_IDS`), or when any of its proceedings or scheduled hearings is at an MPP hearing
  location. MPP hearing locations are those whose ``tblLookupHloc`` name contains the word
  ``MPP`` or "MIGRANT PROTECTION", plus any codes given with ``--mpp-hearing-loc``.
- **Family docket**: case identifier ``FA`` (:data:`FAMILY_CASE_IDS`); kept as ``family_docket``.
- **Decisions** (``DEC_CODE`` of the latest proceeding): the description in
  ``tblLookupCourtDecision`` for the proceeding's case type is classified by keywords
  (:func:`classify_decision`); codes the lookup does not describe fall back to
  :data:`DECISION_DEFAULTS`. ``ABSENTIA = Y`` turns a removal order into ``IN_ABSENTIA``.
- **Hearing type**: ``CAL_TYPE`` ``M`` master, ``I`` individual (or the lookup's description).
- **Nationality**: ``NAT`` through ``tblLookupNationality`` (country name -> ISO alpha-3). EOIR's
  codes are not ISO codes (``ES`` is El Salvador, not Spain), so a code is never read as ISO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kinlink.loaders.countries import country_code

MPP_CASE_IDS = frozenset({"MP", "RM"})
FAMILY_CASE_IDS = frozenset({"FA"})
CAL_TYPES = {"M": "MASTER", "I": "INDIVIDUAL"}
TRUE_FLAGS = frozenset({"Y", "YES", "1", "T", "TRUE"})

# Used only when the lookup table does not describe a code. Conservative: the codes whose meaning
# in removal (RMV) cases is well established.
DECISION_DEFAULTS = {
    "X": "REMOVAL_ORDERED",  # removal ordered
    "D": "REMOVAL_ORDERED",  # deportation ordered (DEP case type)
    "E": "REMOVAL_ORDERED",  # exclusion ordered (EXC case type)
    "V": "VOLUNTARY_DEPARTURE",
    "T": "TERMINATED",
    "G": "RELIEF_GRANTED",
    "C": "CLOSED",
    "W": "CLOSED",  # withdrawal
}

# (pattern, status), tried in order on the upper-cased description.
_DECISION_WORDS: tuple[tuple[str, str], ...] = (
    (r"VOLUNTARY DEPART", "VOLUNTARY_DEPARTURE"),
    (r"TERMINAT|DISMISS", "TERMINATED"),
    (r"DENI|DENY", "REMOVAL_ORDERED"),
    (r"GRANT|RELIEF|ADJUST|CANCELLATION|ASYLUM|WITHHOLD|LEGALIZ", "RELIEF_GRANTED"),
    (r"REMOV|DEPORT|EXCLU|ABSENTIA", "REMOVAL_ORDERED"),
    (r"CLOS|WITHDRAW|OTHER|ADMIN", "CLOSED"),
)
_MPP_NAME = re.compile(r"\bMPP\b|MIGRANT PROTECTION")


def classify_decision(description: str) -> str | None:
    """A contract status for a decision description, or ``None`` when no keyword matches.

    Examples
    --------
    >>> classify_decision("Removal"), classify_decision("Relief Denied")
    ('REMOVAL_ORDERED', 'REMOVAL_ORDERED')
    >>> classify_decision("Voluntary Departure"), classify_decision("Relief Granted")
    ('VOLUNTARY_DEPARTURE', 'RELIEF_GRANTED')
    >>> classify_decision("Other") , classify_decision("??") is None
    ('CLOSED', True)
    """
    text = description.upper()
    for pattern, status in _DECISION_WORDS:
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


@dataclass
class CodeTables:
    """The code maps one import uses, built from the release's lookup tables."""

    nationality: dict[str, str] = field(default_factory=dict)  # NAT -> ISO alpha-3
    nationality_unmapped: set[str] = field(default_factory=set)  # NAT codes with no ISO code
    language: dict[str, str] = field(default_factory=dict)  # LANG -> language name
    base_city: dict[str, str] = field(default_factory=dict)  # BASE_CITY_CODE -> name
    hearing_location: dict[str, str] = field(default_factory=dict)  # HEARING_LOC_CODE -> name
    mpp_locations: set[str] = field(default_factory=set)
    decision: dict[tuple[str, str], str] = field(default_factory=dict)  # (case type, code)
    decision_any: dict[str, str] = field(default_factory=dict)  # code -> status, any case type
    adjournment: dict[str, str] = field(default_factory=dict)  # ADJ_RSN -> description
    cal_type: dict[str, str] = field(default_factory=dict)  # CAL_TYPE -> MASTER / INDIVIDUAL

    def decision_status(self, case_type: str | None, code: str) -> str | None:
        """Status for one decision code (lookup for the case type, any case type, defaults).

        Examples
        --------
        >>> CodeTables().decision_status("", "x")
        'REMOVAL_ORDERED'
        """
        key = code.upper()
        if case_type and (case_type.upper(), key) in self.decision:
            return self.decision[(case_type.upper(), key)]
        return self.decision_any.get(key) or DECISION_DEFAULTS.get(key)


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
        Hearing location codes to treat as MPP locations in addition to those the lookup names.
    """
    tables = CodeTables()
    if "nationality" in lookups:
        frame = lookups["nationality"]
        for code, name, country in frame[["NAT_CODE", "NAT_NAME", "NAT_COUNTRY_NAME"]].itertuples(
            index=False
        ):
            if pd.isna(code):
                continue
            iso = _iso_country(country, name)
            if iso:
                tables.nationality[str(code).upper()] = iso
            else:
                tables.nationality_unmapped.add(str(code).upper())
    if "language" in lookups:
        tables.language = _pairs(lookups["language"], "STRCODE", "STRDESCRIPTION")
    if "base_city" in lookups:
        tables.base_city = _pairs(lookups["base_city"], "BASE_CITY_CODE", "BASE_CITY_NAME")
    if "hearing_location" in lookups:
        tables.hearing_location = _pairs(
            lookups["hearing_location"], "HEARING_LOC_CODE", "HEARING_LOC_NAME"
        )
        tables.mpp_locations = {
            code
            for code, name in tables.hearing_location.items()
            if _MPP_NAME.search(str(name).upper())
        }
    tables.mpp_locations |= {code.strip().upper() for code in mpp_hearing_locs if code.strip()}
    if "decision" in lookups:
        _decisions(lookups["decision"], tables)
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


def _decisions(frame: pd.DataFrame, tables: CodeTables) -> None:
    by_code: dict[str, set[str]] = {}
    for case_type, code, text in frame[
        ["STRCASETYPE", "STRDECCODE", "STRDECDESCRIPTION"]
    ].itertuples(index=False):
        if pd.isna(code) or pd.isna(text):
            continue
        status = classify_decision(str(text))
        if status is None:
            continue
        if not pd.isna(case_type):
            tables.decision[(str(case_type).upper(), str(code).upper())] = status
        by_code.setdefault(str(code).upper(), set()).add(status)
    # a code means the same whatever the case type only when every description agrees
    tables.decision_any = {code: next(iter(s)) for code, s in by_code.items() if len(s) == 1}
