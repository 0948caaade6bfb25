"""How each source writes a household down: records, family units, cases and hearings.

Sources record independently and each has its own habits:

- **CBP** records everyone at the encounter (one family unit per subunit), near-clean: an
  A-number almost always, names from documents, sometimes upper-cased without accents.
- **EOIR** has one record per respondent (the case's record), a unit per lead case and its
  riders; names mostly upper case, double surnames sometimes hyphenated, the odd A-number typo
  and day/month swap in the birth date.
- **USCIS** writes only people who claimed fear, with the assessment outcome.
- **NGO** intake (shelters, legal services, wind-down registration) registers the members who
  are present: the noisiest source (nicknames, missing A-numbers written in any form, dropped
  maternal surnames and accents, swapped name fields, typos, missing or wrong birth dates).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from kinlink import contract

from . import names as N
from . import noise
from . import places as P
from .population import CHILD, GRANDPARENT, HEAD, SIBLING, SPOUSE, Household, Member
from .proceedings import Case, CaseCounter, open_case
from .regime import Regime

# The contract's columns, in its order: the generator writes every declared column.
INDIVIDUAL_COLUMNS = contract.INDIVIDUALS.names
FAMILY_UNIT_COLUMNS = contract.FAMILY_UNITS.names
CASE_COLUMNS = contract.CASES.names
HEARING_COLUMNS = contract.HEARINGS.names

_MAYAN = frozenset(lang for lang, _ in P.MAYAN_LANGUAGES)


@dataclass(slots=True)
class ChunkTables:
    """Rows of one chunk, before record ids are assigned.

    Records are referenced by their index in ``records``; units by a chunk-local key.
    """

    records: list[list[str]] = field(default_factory=list)
    persons: list[int] = field(default_factory=list)
    units: list[tuple[str, int, int, str]] = field(default_factory=list)  # src, key, rec, role
    cases: list[tuple[Case, int]] = field(default_factory=list)  # case, respondent record
    order: list[int] = field(default_factory=list)  # output order of the records
    unit_keys: int = 0

    def unit(self) -> int:
        """A new chunk-local unit key."""
        self.unit_keys += 1
        return self.unit_keys


class Recorder:
    """Writes households into a :class:`ChunkTables` with each source's noise."""

    def __init__(
        self, rng: random.Random, tables: ChunkTables, regime: Regime | None = None
    ) -> None:
        self.rng = rng
        self.t = tables
        self.regime = regime or Regime()
        self.p = self.regime.rate  # an error's probability under the regime's typo rate

    # -- sources ---------------------------------------------------------------------------

    def household(self, hh: Household) -> None:
        """All records of one household, from every source."""
        if self.rng.random() > 0.03:
            self._cbp(hh)
        self._cbp_second(hh)
        self._eoir(hh)
        self._uscis(hh)
        self._ngo(hh)

    def _cbp(self, hh: Household) -> None:
        rng = self.rng
        upper = rng.random() < 0.45
        by_sub: dict[int, list[tuple[int, Member]]] = {}
        for m in hh.members:
            if not m.encountered:
                continue
            released = m.us_at is not None and m.us_at <= hh.encounter + timedelta(days=10)
            place = ("USA", P.SECTOR_US_CITY[hh.sector]) if released else ("MEX", hh.mex_city)
            claimed = m.mex_fear or (m.fear is not None and m.fear.claimed == hh.encounter)
            row = self._base(m, "CBP", hh.encounter, place)
            form = rng.choice((0, 0, 0, 0, 0, 0, 0, 0, 4, 2))
            row[2] = noise.anumber_form(m.anum, form) if m.anum and rng.random() > 0.01 else ""
            row[3], row[4] = self._cbp_names(m, upper)
            row[5] = self._dob(m, swap=self.p(0.005))
            row[7] = m.nat
            row[8] = "Spanish" if m.lang in _MAYAN and rng.random() < 0.5 else m.lang
            row[12] = "true" if m.uac_at == hh.encounter else "false"
            row[13] = "true" if claimed else "false"
            row[15] = f"FIN{(m.pid * 104729) % 10**10:010d}"
            by_sub.setdefault(m.sub, []).append((self._add(row, m), m))
        for members in by_sub.values():
            if len(members) > 1 or rng.random() < 0.1:
                key = self.t.unit()
                for rec, m in members:
                    self.t.units.append(("CBP", key, rec, self._role(m, hh, "CBP")))

    def _cbp_second(self, hh: Household) -> None:
        """A child who crossed alone is encountered again as an unaccompanied child."""
        for m in hh.members:
            if m.uac_at is None or m.uac_at == hh.encounter:
                continue
            row = self._base(m, "CBP", m.uac_at, ("USA", P.SECTOR_US_CITY[hh.sector]))
            row[2] = noise.anumber_form(m.anum, 0) if m.anum and self.rng.random() < 0.9 else ""
            row[3], row[4] = self._cbp_names(m, self.rng.random() < 0.45)
            row[5] = self._dob(m, swap=self.p(0.01))
            row[7], row[8], row[12], row[13] = m.nat, m.lang, "true", "false"
            row[15] = f"FIN{(m.pid * 104729) % 10**10:010d}"
            self._add(row, m)

    def _eoir(self, hh: Household) -> None:
        rng = self.rng
        groups: dict[int, list[tuple[int, Member]]] = {}
        for m in hh.members:
            case = m.case
            if case is None:
                continue
            when = case.last_activity()
            place = self._where(m, hh, when)
            if rng.random() < (0.25 if place[0] == "MEX" else 0.05):
                place = ("", "")
            row = self._base(m, "EOIR", when, place)
            a9 = self._anumber_typo(m.anum, 0.02)
            form = rng.choice((2, 2, 2, 2, 2, 0, 0, 0, 4, 4))
            row[2] = noise.anumber_form(a9, form) if a9 else ""
            row[3], row[4] = self._eoir_names(m)
            row[5] = self._dob(m, swap=self.p(0.03), missing=0.01)
            row[7] = P.COUNTRY_NAMES[m.nat] if rng.random() < 0.55 else m.nat
            row[8] = m.lang
            row[12] = "Y" if m.uac_at is not None else ""
            rec = self._add(row, m)
            self.t.cases.append((case, rec))
            groups.setdefault(case.lead or case.key, []).append((rec, m))
        for members in groups.values():
            if len(members) > 1:
                key = self.t.unit()
                for rec, m in members:
                    role = "HEAD" if m.case and m.case.lead is None else self._role(m, hh, "EOIR")
                    self.t.units.append(("EOIR", key, rec, role))

    def _uscis(self, hh: Household) -> None:
        rng = self.rng
        for m in hh.members:
            fear = m.fear
            if fear is None:
                continue
            positive = fear.assessment == "POSITIVE"
            place = ("USA", P.SECTOR_US_CITY[hh.sector]) if positive else ("MEX", hh.mex_city)
            row = self._base(m, "USCIS", fear.assessed, place)
            a9 = self._anumber_typo(m.anum, 0.01)
            row[2] = noise.anumber_form(a9, 0) if a9 and rng.random() < 0.98 else ""
            given, sur = m.given, " ".join(m.surnames)
            if rng.random() < self.p(0.02):
                given = noise.typo(given, rng)
            if rng.random() < 0.15:
                given, sur = noise.upper_ascii(given), noise.upper_ascii(sur)
            row[3], row[4] = given, sur
            row[5] = self._dob(m, swap=self.p(0.005), digit=self.p(0.005))
            row[7], row[8] = m.nat, m.lang
            row[12], row[13], row[14] = "false", "true", fear.assessment
            self._add(row, m)

    def _ngo(self, hh: Household) -> None:
        rng = self.rng
        for when, place in _ngo_events(hh, rng):
            present = [
                m
                for m in hh.members
                if m.dob < when
                and self._where(m, hh, when)[0] == place
                and (m.rel == HEAD or rng.random() > 0.04)  # a member may be out
            ]
            if not present:
                continue
            together = rng.random() < 0.85
            recs = [(self._ngo_record(m, hh, when, place), m) for m in present]
            subs = {0: recs} if together else _by_sub(recs)
            for members in subs.values():
                if len(members) > 1 or rng.random() < 0.3:
                    key = self.t.unit()
                    for rec, m in members:
                        self.t.units.append(("NGO", key, rec, self._role(m, hh, "NGO")))

    def _ngo_record(self, m: Member, hh: Household, when: date, place: str) -> int:
        rng = self.rng
        city = hh.mex_city if place == "MEX" else m.us_city
        row = self._base(m, "NGO", when, (place, city))
        if m.anum and rng.random() < 0.5:
            a9 = noise.anumber_typo(m.anum, rng) if rng.random() < self.p(0.03) else m.anum
            row[2] = noise.anumber_form(a9, rng.randrange(6))
        row[3], row[4] = self._ngo_names(m)
        row[5] = self._ngo_dob(m)
        if rng.random() < 0.04:
            row[6] = ""
        row[7] = self._ngo_nationality(m, hh)
        row[8] = self._ngo_language(m.lang)
        yes, no = ("yes", "no") if rng.random() < 0.5 else ("true", "false")
        row[12] = (yes if m.uac_at and m.uac_at <= when else no) if rng.random() < 0.5 else ""
        claimed = m.mex_fear or (m.fear is not None and m.fear.claimed <= when)
        p_written = 0.85 if m.mex_fear else 0.6
        row[13] = (
            yes if claimed and rng.random() < p_written else (no if rng.random() < 0.3 else "")
        )
        if place == "MEX":
            row[16] = _phone_form(hh.phone, rng) if hh.phone and rng.random() < 0.7 else ""
            row[17] = f"{rng.choice(P.SHELTERS[hh.mex_city])}, {hh.mex_city}"
        return self._add(row, m)

    def filler(self, hh: Household, k: int, cases: CaseCounter) -> None:
        """Exactly ``k`` (1-3) records of a single adult: CBP, then EOIR, then NGO."""
        m = hh.members[0]
        if k >= 2:
            open_case(hh, m, self.rng, cases)
        self._cbp(hh)
        if k >= 2:
            self._eoir(hh)
        if k >= 3:
            when = min(_days(hh.encounter, 3, 420, self.rng), date(2021, 1, 31))
            self._ngo_record(m, hh, when, "MEX")

    # -- fields ----------------------------------------------------------------------------

    def _base(self, m: Member, source: str, when: date, place: tuple[str, str]) -> list[str]:
        return [
            "",
            source,
            "",
            "",
            "",
            "",
            m.sex,
            "",
            "",
            place[0],
            place[1],
            when.isoformat(),
            "",
            "",
            "",
            "",
            "",
            "",
        ]

    def _add(self, row: list[str], m: Member) -> int:
        self.t.records.append(row)
        self.t.persons.append(m.pid)
        return len(self.t.records) - 1

    @staticmethod
    def _where(m: Member, hh: Household, when: date) -> tuple[str, str]:
        if m.us_at is not None and when >= m.us_at:
            return "USA", m.us_city
        return "MEX", hh.mex_city

    def _anumber_typo(self, a9: str | None, p: float) -> str | None:
        """``a9`` with a typo with probability ``p`` (times the typo rate), when there is one."""
        if a9 and self.rng.random() < self.p(p):
            return noise.anumber_typo(a9, self.rng)
        return a9

    def _dob(
        self, m: Member, *, swap: float = 0.0, digit: float = 0.0, missing: float = 0.0
    ) -> str:
        rng, dob = self.rng, m.dob.isoformat()
        r = rng.random()
        if r < missing:
            return ""
        if r < missing + swap:
            return noise.swap_day_month(dob)
        if r < missing + swap + digit:
            return noise.digit_off(dob, rng)
        return dob

    def _ngo_dob(self, m: Member) -> str:
        rng, dob = self.rng, m.dob.isoformat()
        r = rng.random()
        if self.regime.typo_rate == 1.0:
            year, digit, swap = 0.19, 0.22, 0.24
        else:
            year = 0.15 + self.p(0.04)
            digit = year + self.p(0.03)
            swap = digit + self.p(0.02)
        if r < 0.15:
            return ""
        if r < year:
            return noise.year_off(dob, rng)
        if r < digit:
            return noise.digit_off(dob, rng)
        if r < swap:
            return noise.swap_day_month(dob)
        return dob

    def _cbp_names(self, m: Member, upper: bool) -> tuple[str, str]:
        rng = self.rng
        given, sur = m.given, " ".join(m.surnames)
        if rng.random() < 0.02:
            given = given.split()[0]
        if rng.random() < self.p(0.01):
            sur = noise.typo(sur, rng)
        if upper:
            return noise.upper_ascii(given), noise.upper_ascii(sur)
        return given, sur

    def _eoir_names(self, m: Member) -> tuple[str, str]:
        rng = self.rng
        given, parts = m.given, m.surnames
        sur = "-".join(parts) if len(parts) == 2 and rng.random() < 0.2 else " ".join(parts)
        if rng.random() < 0.03:
            given = given.split()[0]
        if rng.random() < self.p(0.02):
            given = noise.typo(given, rng)
        if rng.random() < 0.8:
            return noise.upper_ascii(given), noise.upper_ascii(sur)
        return given, sur

    def _ngo_names(self, m: Member) -> tuple[str, str]:
        rng = self.rng
        given, parts = m.given, m.surnames
        first = given.split()[0]
        nicknames = N.NICKNAMES.get(given) or N.NICKNAMES.get(first)
        if nicknames and rng.random() < 0.2:
            given = rng.choice(nicknames)
        elif " " in given and rng.random() < 0.25:
            given = first
        main = parts[-1] if m.bra else parts[0]
        sur = main if len(parts) > 1 and rng.random() < 0.25 else " ".join(parts)
        if rng.random() < self.p(0.08):
            if rng.random() < 0.5:
                given = noise.typo(given, rng)
            else:
                sur = noise.typo(sur, rng)
        if rng.random() < 0.35:
            given, sur = noise.fold(given), noise.fold(sur)
        r = rng.random()
        if r < 0.15:
            given, sur = given.upper(), sur.upper()
        elif r < 0.18:
            given, sur = given.lower(), sur.lower()
        if rng.random() < 0.03:
            given, sur = sur, given
        return given, sur

    def _ngo_nationality(self, m: Member, hh: Household) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.05:
            return ""
        nat = m.nat
        if nat in ("MEX", "USA") and rng.random() < 0.25:
            nat = hh.nat  # registered with the family's nationality
        elif rng.random() < 0.003:
            nat = rng.choice(("HND", "GTM", "SLV"))
        return P.COUNTRY_NAMES[nat] if rng.random() < 0.4 else nat

    def _ngo_language(self, lang: str) -> str:
        rng = self.rng
        if rng.random() < 0.08:
            return ""
        variants = P.LANGUAGE_VARIANTS.get(lang)
        if variants and rng.random() < 0.3:
            return rng.choice(variants)
        return lang

    def _role(self, m: Member, hh: Household, source: str) -> str:
        """The role a source writes for ``m`` in a unit."""
        rng = self.rng
        if source == "NGO" and rng.random() < 0.1:
            return ""
        if m.sub and m.rel == HEAD:
            return "SIBLING" if source == "NGO" else "HEAD"
        if hh.caretaker:
            if m.rel == HEAD:
                if source == "CBP" and not hh.caretaker_separated:
                    return "GUARDIAN"
                kin = "GRANDPARENT" if hh.caretaker == GRANDPARENT else "OTHER_RELATIVE"
                return kin if rng.random() < 0.6 else "GUARDIAN"
            return "CHILD" if rng.random() < 0.5 else "OTHER_RELATIVE"
        if m.rel in (HEAD, SPOUSE):
            has_kids = any(k.rel == CHILD for k in hh.members)
            if source == "NGO" and has_kids and rng.random() < 0.3:
                return "PARENT"
            return m.rel
        if m.rel == CHILD:
            return "CHILD" if not (source == "NGO" and m.sub) else "OTHER_RELATIVE"
        if m.rel == SIBLING:
            return "SIBLING"
        return "OTHER_RELATIVE"


def _by_sub(recs: list[tuple[int, Member]]) -> dict[int, list[tuple[int, Member]]]:
    subs: dict[int, list[tuple[int, Member]]] = {}
    for rec, m in recs:
        subs.setdefault(m.sub, []).append((rec, m))
    return subs


def _days(d: date, lo: int, hi: int, rng: random.Random) -> date:
    return d + timedelta(days=rng.randint(lo, hi))


def _ngo_events(hh: Household, rng: random.Random) -> list[tuple[date, str]]:
    """Dates and countries where an NGO registered (part of) the household."""
    events: list[tuple[date, str]] = []
    multi = len(hh.members) > 1
    if hh.mpp and rng.random() < (0.5 if multi else 0.35):
        events.append((min(_days(hh.encounter, 3, 420, rng), date(2021, 1, 31)), "MEX"))
    if hh.wind_down and rng.random() < 0.75:
        events.append(
            (max(hh.wind_down - timedelta(days=rng.randint(7, 90)), date(2021, 2, 1)), "MEX")
        )
    entered = [m.us_at for m in hh.members if m.us_at is not None]
    if entered and rng.random() < 0.25:
        when = min(_days(max(entered), 10, 400, rng), P.SNAPSHOT)
        events.append((when, "USA"))
    babies = [m for m in hh.members if not m.encountered]
    if babies and not any(when > babies[0].dob for when, _ in events):
        baby = babies[0]
        when = min(_days(baby.dob, 15, 150, rng), P.SNAPSHOT)
        if baby.us_at is not None and when >= baby.us_at:
            events.append((when, "USA"))
        else:
            events.append((when, "MEX"))
    return events


def _phone_form(phone: str, rng: random.Random) -> str:
    form = rng.randrange(4)
    if form == 0:
        return phone
    if form == 1:
        return f"+52 {phone[:3]} {phone[3:6]} {phone[6:]}"
    if form == 2:
        return f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"
    return f"52{phone}"
