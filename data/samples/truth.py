"""The contract's rules, computed independently on the *true* persons of a generated bundle.

This is a deliberately plain second implementation of ``shared/contract.md`` ("The rules: what
is flagged"), written from the contract text and sharing no code with ``kinlink.queries``, so
that the two can cross-check each other.  It reads only the written tables and the true
record -> person map, never the generator's internal state.

Readings of the contract used here (the contract leaves them open):

- A person is a **UAC** if *any* of its records says ``uac`` is true; a person **claimed fear**
  if any record says ``fear_claimed`` is true; its **fear assessment is POSITIVE** if any record
  says POSITIVE.
- Nationality values are compared after normalising English country names to ISO alpha-3
  (``Honduras`` -> ``HND``); an empty value is not a nationality.  "Latest" compares ``as_of``
  (missing is earliest) and then ``record_id``.
- **MPP_SPLIT**: some member has an MPP case and some member has *no MPP case* (no case at
  all, or only non-MPP cases).
- **WIND_DOWN_SPLIT**: some member has a PENDING MPP case and *another* member has an
  IN_ABSENTIA or TERMINATED MPP case, or no case at all.
- **RELIEF_SPLIT**: some member has an MPP case that is RELIEF_GRANTED and *another* member has
  a case (MPP or not) whose status is not RELIEF_GRANTED.
- **COURT_SPLIT**: the members' PENDING cases (MPP or not) name two or more distinct courts
  (court names compared case-insensitively; an empty court is not a court).
- **NON_AMENABLE**: some MPP case's respondent person is of Mexican nationality or a UAC.
- ``family_id`` is ``"F"`` followed by the smallest member person id without its first
  character (person ``P00000042`` -> family ``F00000042``), so it is the same whether computed
  for a whole bundle or for any set of whole families.

Examples
--------
>>> import pandas as pd
>>> ind = pd.DataFrame({"record_id": ["r1", "r2"], "nationality": ["HND", "Mexico"],
...                     "country_of_location": ["MEX", "USA"], "as_of": ["2019-08-01", ""],
...                     "uac": ["false", ""], "fear_claimed": ["", "yes"],
...                     "fear_assessment": ["", ""]})
>>> fu = pd.DataFrame({"family_unit_id": ["u", "u"], "record_id": ["r1", "r2"]})
>>> cases = pd.DataFrame({"case_id": ["c1"], "record_id": ["r1"], "court": ["El Paso"],
...                       "mpp": ["true"], "status": ["PENDING"]})
>>> persons = pd.DataFrame({"record_id": ["r1", "r2"], "person_id": ["P01", "P02"]})
>>> out = compute_truth(ind, fu, cases, persons)
>>> out["joint_reprocessing"].iloc[0].to_dict()["codes"]
'MEXICAN_MEMBER_FEAR;WIND_DOWN_SPLIT'
>>> out["separated_families"].iloc[0].to_dict()["codes"]
'LOCATION_SPLIT;MPP_SPLIT'
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pandas as pd

from .places import COUNTRY_NAMES

_TRUE = {"true", "1", "yes", "y"}
_NAME_TO_CODE = {name.lower(): code for code, name in COUNTRY_NAMES.items()}
SEPARATED_COLUMNS = ["family_id", "codes", "record_ids"]
MIXED_COLUMNS = ["family_id", "nationalities", "mexican_member", "record_ids"]
JOINT_COLUMNS = ["family_id", "codes", "case_ids", "record_ids"]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _is_true(value: object) -> bool:
    return _text(value).lower() in _TRUE


def _nationality(value: object) -> str:
    text = _text(value)
    if not text:
        return ""
    return _NAME_TO_CODE.get(text.lower(), text.upper())


@dataclass
class _Person:
    records: list[str] = field(default_factory=list)
    nationalities: list[tuple[str, str, str]] = field(default_factory=list)  # as_of, rid, code
    countries: list[tuple[str, str, str]] = field(default_factory=list)  # as_of, rid, country
    uac: bool = False
    fear_claimed: bool = False
    positive: bool = False
    cases: list[tuple[str, str, bool, str]] = field(default_factory=list)  # id, court, mpp, st

    def nationality(self) -> str:
        if not self.nationalities:
            return ""
        counts = Counter(code for _, _, code in self.nationalities)
        top = max(counts.values())
        tied = {code for code, n in counts.items() if n == top}
        return max(item for item in self.nationalities if item[2] in tied)[2]

    def location(self) -> str:
        return max(self.countries)[2] if self.countries else ""

    def mpp_cases(self) -> list[tuple[str, str, bool, str]]:
        return [c for c in self.cases if c[2]]


def _persons(
    individuals: pd.DataFrame, cases: pd.DataFrame, person_of: dict[str, str]
) -> dict[str, _Person]:
    persons: dict[str, _Person] = defaultdict(_Person)
    columns = (
        "record_id",
        "nationality",
        "country_of_location",
        "as_of",
        "uac",
        "fear_claimed",
        "fear_assessment",
    )
    for rid, nat, country, as_of, uac, fear, assessment in zip(
        *(individuals[c] if c in individuals else [""] * len(individuals) for c in columns),
        strict=True,
    ):
        rid = _text(rid)
        person = persons[person_of[rid]]
        person.records.append(rid)
        as_of = _text(as_of)
        if code := _nationality(nat):
            person.nationalities.append((as_of, rid, code))
        if country := _text(country).upper():
            person.countries.append((as_of, rid, country))
        person.uac |= _is_true(uac)
        person.fear_claimed |= _is_true(fear)
        person.positive |= _text(assessment).upper() == "POSITIVE"
    for cid, rid, court, mpp, status in zip(
        cases["case_id"],
        cases["record_id"],
        cases["court"],
        cases["mpp"],
        cases["status"],
        strict=True,
    ):
        person = persons[person_of[_text(rid)]]
        person.cases.append(
            (_text(cid), _text(court).lower(), _is_true(mpp), _text(status).upper())
        )
    return persons


def _families(family_units: pd.DataFrame, person_of: dict[str, str]) -> dict[str, list[str]]:
    """Connected components of persons over shared units (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_of_unit: dict[str, str] = {}
    for unit, rid in zip(family_units["family_unit_id"], family_units["record_id"], strict=True):
        person = person_of[_text(rid)]
        find(person)
        unit = _text(unit)
        if unit in first_of_unit:
            a, b = find(first_of_unit[unit]), find(person)
            if a != b:
                parent[max(a, b)] = min(a, b)
        else:
            first_of_unit[unit] = person
    groups: dict[str, list[str]] = defaultdict(list)
    for person in parent:
        groups[find(person)].append(person)
    return {"F" + min(members)[1:]: sorted(members) for members in groups.values()}


def _separated(members: list[_Person]) -> list[str]:
    codes = []
    if {"MEX", "USA"} <= {p.location() for p in members}:
        codes.append("LOCATION_SPLIT")
    courts = {c[1] for p in members for c in p.cases if c[3] == "PENDING" and c[1]}
    if len(courts) >= 2:
        codes.append("COURT_SPLIT")
    with_mpp = [bool(p.mpp_cases()) for p in members]
    if any(with_mpp) and not all(with_mpp):
        codes.append("MPP_SPLIT")
    return codes


def _joint(members: list[_Person]) -> list[str]:
    codes = []
    has_mpp = any(p.mpp_cases() for p in members)
    if has_mpp and any(p.positive for p in members):
        codes.append("POSITIVE_FEAR")
    if has_mpp and any(p.nationality() == "MEX" and p.fear_claimed for p in members):
        codes.append("MEXICAN_MEMBER_FEAR")
    for i, p in enumerate(members):
        if any(c[3] == "RELIEF_GRANTED" for c in p.mpp_cases()) and any(
            c[3] != "RELIEF_GRANTED" for j, q in enumerate(members) if j != i for c in q.cases
        ):
            codes.append("RELIEF_SPLIT")
            break
    if any(p.mpp_cases() and (p.nationality() == "MEX" or p.uac) for p in members):
        codes.append("NON_AMENABLE")
    for i, p in enumerate(members):
        if any(c[3] == "PENDING" for c in p.mpp_cases()) and any(
            not q.cases or any(c[3] in ("IN_ABSENTIA", "TERMINATED") for c in q.mpp_cases())
            for j, q in enumerate(members)
            if j != i
        ):
            codes.append("WIND_DOWN_SPLIT")
            break
    return sorted(codes)


def compute_truth(
    individuals: pd.DataFrame,
    family_units: pd.DataFrame,
    cases: pd.DataFrame,
    record_person: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """Families and flagged families of a bundle, given the true person of every record.

    Parameters
    ----------
    individuals, family_units, cases : pandas.DataFrame
        The bundle's tables as text (missing values may be empty strings or NA).  Only the
        columns the rules use are read.  Every family and every case must be complete: the
        tables may be a subset of a bundle only if it is closed under families.
    record_person : pandas.DataFrame
        ``record_id, person_id`` for every individuals record.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``families`` (family_id, person_id), ``separated_families``,
        ``mixed_nationality_units`` and ``joint_reprocessing`` with the contract's columns,
        sorted by family_id.  Lists in cells are sorted and joined with ``;``.

    Notes
    -----
    Linear in the number of rows (plus sorting); no pairwise comparisons.
    """
    person_of = dict(
        zip(
            record_person["record_id"].map(_text),
            record_person["person_id"].map(_text),
            strict=True,
        )
    )
    persons = _persons(individuals, cases, person_of)
    families = _families(family_units, person_of)
    fam_rows: list[tuple[str, str]] = []
    sep_rows: list[tuple[str, ...]] = []
    mix_rows: list[tuple[str, ...]] = []
    joint_rows: list[tuple[str, ...]] = []
    for fid in sorted(families):
        member_ids = families[fid]
        fam_rows.extend((fid, pid) for pid in member_ids)
        if len(member_ids) < 2:
            continue
        members = [persons[pid] for pid in member_ids]
        record_ids = ";".join(sorted(r for p in members for r in p.records))
        if codes := _separated(members):
            sep_rows.append((fid, ";".join(sorted(codes)), record_ids))
        nats = sorted({p.nationality() for p in members} - {""})
        if len(nats) >= 2:
            mexican = "true" if "MEX" in nats else "false"
            mix_rows.append((fid, ";".join(nats), mexican, record_ids))
        if codes := _joint(members):
            case_ids = ";".join(sorted(c[0] for p in members for c in p.cases))
            joint_rows.append((fid, ";".join(codes), case_ids, record_ids))
    return {
        "families": pd.DataFrame(fam_rows, columns=["family_id", "person_id"]),
        "separated_families": pd.DataFrame(sep_rows, columns=SEPARATED_COLUMNS),
        "mixed_nationality_units": pd.DataFrame(mix_rows, columns=MIXED_COLUMNS),
        "joint_reprocessing": pd.DataFrame(joint_rows, columns=JOINT_COLUMNS),
    }
