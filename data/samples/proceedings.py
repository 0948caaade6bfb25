"""What happened to a household after the encounter: cases, hearings, fear claims, moves.

The story of each household is planned here in the order things happened: MPP enrolment and
NTAs (one lead case per subunit, the other members riding on it), fear claims and USCIS
assessments, hearings up to the March 2020 suspension, the odd member who left for the U.S.
(parole, a child crossing alone), the 2021 wind-down for active cases and grants of relief.
Rates are set so that the published MPP outcome shares come out (see the package README).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import places as P
from .population import CHILD, HEAD, SPOUSE, Household, Member, Weighted, destination

PENDING, IN_ABSENTIA, TERMINATED, RELIEF = "PENDING", "IN_ABSENTIA", "TERMINATED", "RELIEF_GRANTED"
REMOVAL, VOLUNTARY, CLOSED = "REMOVAL_ORDERED", "VOLUNTARY_DEPARTURE", "CLOSED"
MASTER, INDIVIDUAL = "MASTER", "INDIVIDUAL"
HELD, ADJOURNED, ABSENT, CANCELLED = "HELD", "ADJOURNED", "IN_ABSENTIA", "CANCELLED"

#: Target outcome of an MPP case group before the 2020 suspension cuts it short.
_MPP_OUTCOME = {
    False: Weighted(
        (
            (PENDING, 9.0),
            (IN_ABSENTIA, 56.0),
            (REMOVAL, 19.0),
            (TERMINATED, 4.0),
            (VOLUNTARY, 3.0),
            (RELIEF, 1.2),
            (CLOSED, 3.0),
        )
    ),
    True: Weighted(
        (
            (PENDING, 9.0),
            (IN_ABSENTIA, 54.0),
            (REMOVAL, 19.0),
            (TERMINATED, 4.0),
            (VOLUNTARY, 3.0),
            (RELIEF, 3.6),
            (CLOSED, 3.0),
        )
    ),
}
_INTERIOR_OUTCOME = Weighted(
    (
        (PENDING, 62.0),
        (IN_ABSENTIA, 14.0),
        (TERMINATED, 9.0),
        (RELIEF, 6.0),
        (REMOVAL, 7.0),
        (CLOSED, 2.0),
    )
)
_DIVERGENT = Weighted(((REMOVAL, 40.0), (PENDING, 35.0), (IN_ABSENTIA, 10.0), (TERMINATED, 15.0)))
_ASSESSMENT = Weighted((("NEGATIVE", 88.0), ("POSITIVE", 5.0), ("PENDING", 4.0), ("NONE", 3.0)))


@dataclass(slots=True, eq=False)
class Hearing:
    """One scheduled hearing."""

    when: date
    court: str
    type: str
    result: str


@dataclass(slots=True, eq=False)
class Case:
    """A removal case (INA 240) of one respondent."""

    key: int
    lead: int | None
    court: str
    mpp: bool
    status: str
    status_date: date
    nta_date: date
    hearings: list[Hearing] = field(default_factory=list)

    def last_activity(self) -> date:
        """The latest date the court record shows for this case."""
        last = max((h.when for h in self.hearings), default=self.nta_date)
        return min(max(last, self.status_date), P.SNAPSHOT)


@dataclass(slots=True, eq=False)
class Fear:
    """A stated fear of return to Mexico and its USCIS assessment."""

    claimed: date
    assessment: str
    assessed: date


class CaseCounter:
    """Case numbers, unique across the bundle."""

    def __init__(self, start: int) -> None:
        self.next = start

    def new(self) -> int:
        """A fresh case number."""
        self.next += 1
        return self.next


def _days(d: date, lo: int, hi: int, rng: random.Random) -> date:
    return d + timedelta(days=rng.randint(lo, hi))


# --- schedules -----------------------------------------------------------------------------


def mpp_schedule(
    nta: date, court: str, rng: random.Random, *, multi: bool, until: date | None = None
) -> tuple[str, date, list[Hearing]]:
    """Status, status date and hearings of an MPP case group at an MPP court.

    Hearings on or after the March 2020 suspension (or ``until``, when the family left MPP)
    never took place: the case stays PENDING with those hearings CANCELLED.
    """
    target = _MPP_OUTCOME[multi].draw(rng)
    stop = min(P.MPP_HEARINGS_SUSPENDED, until) if until else P.MPP_HEARINGS_SUSPENDED
    n_master = {IN_ABSENTIA: (1, 1, 1, 2, 2, 3), PENDING: (1, 2, 3)}.get(target, (1, 2, 2, 3))
    n = rng.choice(n_master)
    dates = [_days(nta, 21, 80, rng)]
    for _ in range(n - 1):
        dates.append(_days(dates[-1], 28, 75, rng))
    hearings = [Hearing(d, court, MASTER, HELD if rng.random() < 0.8 else ADJOURNED) for d in dates]
    if target in (REMOVAL, RELIEF):
        hearings.append(Hearing(_days(dates[-1], 45, 150, rng), court, INDIVIDUAL, HELD))
    if target == IN_ABSENTIA:
        hearings[-1].result = ABSENT
    elif target != PENDING:
        hearings[-1].result = HELD
    held = [h for h in hearings if h.when < stop]
    if len(held) == len(hearings):
        return target, hearings[-1].when, hearings
    # cut short: later hearings postponed
    cancelled = hearings[len(held) :][:2]
    for h in cancelled:
        h.result, h.type = CANCELLED, MASTER
    for h in held:
        if h.result == ABSENT:
            h.result = ADJOURNED
    last = held[-1].when if held else nta
    return PENDING, last, held + cancelled


def interior_schedule(
    start: date, court: str, rng: random.Random, *, outcome: str | None = None
) -> tuple[str, date, list[Hearing]]:
    """Status, status date and 1-3 hearings at an interior court from ``start`` on."""
    status = outcome or _INTERIOR_OUTCOME.draw(rng)
    hearings: list[Hearing] = []
    when = _days(start, 40, 240, rng)
    for _ in range(rng.choice((1, 1, 2, 3))):
        if when > P.SNAPSHOT:
            break
        hearings.append(Hearing(when, court, MASTER, ADJOURNED if rng.random() < 0.5 else HELD))
        when = _days(when, 60, 300, rng)
    if not hearings:
        return PENDING, start, hearings
    last = hearings[-1]
    if status in (RELIEF, REMOVAL):
        last.type = INDIVIDUAL
    if status == IN_ABSENTIA:
        last.result = ABSENT
    elif status != PENDING:
        last.result = HELD
    return status, last.when, hearings


def cap(hearings: list[Hearing], most: int = 6) -> list[Hearing]:
    """At most ``most`` hearings: the first one and the latest others."""
    if len(hearings) <= most:
        return hearings
    return [hearings[0], *hearings[len(hearings) - most + 1 :]]


# --- planning ------------------------------------------------------------------------------


def plan(hh: Household, rng: random.Random, cases: CaseCounter) -> None:
    """Plan proceedings and moves for every member of ``hh`` (mutates the members)."""
    if not hh.mpp:
        _released(hh, rng, cases)
        return
    _separated_children(hh, rng, cases)
    _fear(hh, rng)
    groups = _case_groups(hh, rng)
    for lead, riders in groups:
        _open_group(hh, lead, riders, rng, cases)
    if hh.reprocessed:
        _leave_together(hh, hh.reprocessed)
    _mexican_fear(hh, rng)
    _parole_one(hh, rng)
    _child_crosses(hh, rng)
    _relief_moves(hh, rng)
    _wind_down(hh, rng)


def open_case(hh: Household, member: Member, rng: random.Random, cases: CaseCounter) -> None:
    """Give ``member`` an MPP case of its own (used for filler single adults)."""
    _open_group(hh, member, [], rng, cases)


def _released(hh: Household, rng: random.Random, cases: CaseCounter) -> None:
    """Not placed in MPP: released into the U.S. with an NTA to an interior court."""
    arrive = _days(hh.encounter, 1, 6, rng)
    nta = _days(hh.encounter, 2, 40, rng)
    status, status_date, hearings = interior_schedule(nta, hh.dest_court, rng)
    lead_key = None
    for m in hh.members:
        m.us_at, m.us_city = arrive, hh.dest_city
        if m.nat in ("USA", "MEX") or not m.encountered:
            continue
        key = cases.new()
        copies = [Hearing(h.when, h.court, h.type, h.result) for h in hearings]
        m.case = Case(key, lead_key, hh.dest_court, False, status, status_date, nta, copies)
        if lead_key is None:
            lead_key = key


def _separated_children(hh: Household, rng: random.Random, cases: CaseCounter) -> None:
    """Children with a non-parent relative are classified UAC and sent to ORR (sometimes the
    paperwork still puts them in MPP with the relative)."""
    if not hh.caretaker_separated:
        return
    for m in hh.members:
        if m.rel != CHILD or not m.encountered:
            continue
        m.uac_at = hh.encounter
        if rng.random() < 0.2:
            continue  # recorded as a UAC but left in the relative's MPP case group
        m.us_at, m.us_city = _days(hh.encounter, 2, 10, rng), hh.dest_city
        nta = _days(hh.encounter, 5, 60, rng)
        status, when, hearings = interior_schedule(nta, hh.dest_court, rng)
        m.case = Case(cases.new(), None, hh.dest_court, False, status, when, nta, hearings)


def _fear(hh: Household, rng: random.Random) -> None:
    """A fear claim by the head (often for the whole family) and its USCIS assessment."""
    p = 0.36 if len(hh.members) > 1 else 0.25
    if rng.random() > p:
        return
    at_encounter = rng.random() < 0.45
    claimed = hh.encounter if at_encounter else _days(hh.encounter, 25, 140, rng)
    if claimed >= P.MPP_HEARINGS_SUSPENDED:
        claimed = hh.encounter
    assessment = _ASSESSMENT.draw(rng)
    assessed = _days(claimed, 1, 12, rng)
    claimants = [
        m
        for m in hh.members
        if m.encountered and m.nat not in ("MEX", "USA") and m.case is None and m.uac_at is None
    ]
    whole = rng.random() < 0.4
    claimed_any = False
    for m in claimants:
        if m.rel == HEAD or whole or (m.rel == SPOUSE and rng.random() < 0.5):
            m.fear = Fear(claimed, assessment, assessed)
            claimed_any = True
    if claimed_any and assessment == "POSITIVE":
        hh.reprocessed = _days(assessed, 1, 6, rng)


def _leave_together(hh: Household, when: date) -> None:
    """The whole unit is taken out of MPP and waits in the U.S. (a baby born later is a U.S.
    citizen)."""
    for m in hh.members:
        if m.us_at is None:
            m.us_at, m.us_city = max(when, m.dob), hh.dest_city
            if m.dob >= when:
                m.nat = "USA"


def _case_groups(hh: Household, rng: random.Random) -> list[tuple[Member, list[Member]]]:
    """Lead respondents and their riders; some members get no case or a case of their own."""
    groups: dict[int, tuple[Member, list[Member]]] = {}
    singles: list[tuple[Member, list[Member]]] = []
    for m in hh.members:
        if m.case is not None or not m.encountered or m.nat == "USA":
            continue
        if m.nat == "MEX" and rng.random() < 0.72:
            continue  # returned voluntarily (I-275), never placed in proceedings
        if m.rel == CHILD and m.age_on(hh.encounter) < 18 and rng.random() < 0.015:
            continue  # child not placed in proceedings
        if m.sub not in groups:
            groups[m.sub] = (m, [])
            continue
        adult = m.age_on(hh.encounter) >= 18
        p_own = 0.7 if adult and m.rel not in (SPOUSE, HEAD) else 0.12 if adult else 0.015
        if rng.random() < p_own:
            singles.append((m, []))
        else:
            groups[m.sub][1].append(m)
    return [*groups.values(), *singles]


def _open_group(
    hh: Household, lead: Member, riders: list[Member], rng: random.Random, cases: CaseCounter
) -> None:
    nta = _days(hh.encounter, 0, 9, rng)
    multi = len(hh.members) > 1
    if hh.reprocessed:
        status, when, hearings = mpp_schedule(nta, hh.court, rng, multi=multi, until=hh.reprocessed)
        if status == PENDING:
            court = hh.dest_court
            status, when2, later = interior_schedule(hh.reprocessed, court, rng)
            hearings = cap(hearings + later)
            when = max(when, when2)
        else:
            court = hh.court
    else:
        court = hh.court
        status, when, hearings = mpp_schedule(nta, court, rng, multi=multi)
    lead_key = cases.new()
    lead.case = Case(lead_key, None, court, True, status, when, nta, hearings)
    diverge = status == RELIEF and riders and rng.random() < 0.85
    odd = rng.choice(riders) if diverge else None
    for m in riders:
        copies = [Hearing(h.when, h.court, h.type, h.result) for h in hearings]
        if m is odd:
            other, other_when, own = _divergent(nta, court, rng, hearings)
            m.case = Case(cases.new(), None, court, True, other, other_when, nta, own)
        else:
            m.case = Case(cases.new(), lead_key, court, True, status, when, nta, copies)


def _divergent(
    nta: date, court: str, rng: random.Random, lead_hearings: list[Hearing]
) -> tuple[str, date, list[Hearing]]:
    """A member's own case that did not end in the relief the rest of the family got."""
    status = _DIVERGENT.draw(rng)
    own = [Hearing(h.when, h.court, h.type, h.result) for h in lead_hearings[:-1]]
    last = own[-1].when if own else nta
    when = _days(last, 20, 120, rng)
    result = {PENDING: ADJOURNED, IN_ABSENTIA: ABSENT}.get(status, HELD)
    own.append(Hearing(when, court, INDIVIDUAL if status == REMOVAL else MASTER, result))
    return status, when, own


def _mexican_fear(hh: Household, rng: random.Random) -> None:
    """A Mexican member (or a parent for a Mexican child) says they fear return to Mexico."""
    mexicans = [m for m in hh.members if m.nat == "MEX"]
    if mexicans and rng.random() < 0.6:
        for m in mexicans:
            m.mex_fear = True


def _parole_one(hh: Household, rng: random.Random) -> None:
    """One member is paroled into the U.S. (medical reasons); the case follows to the interior."""
    movable = [m for m in hh.members if m.encountered and m.us_at is None]
    if len(hh.members) < 2 or hh.reprocessed or not movable or rng.random() > 0.02:
        return
    m = rng.choice(movable)
    when = _days(hh.encounter, 15, 320, rng)
    m.us_at, m.us_city = when, _other_city(hh, rng)
    _transfer(m, when, rng)


def _child_crosses(hh: Household, rng: random.Random) -> None:
    """A child waiting in Mexico crosses alone and is taken in as an unaccompanied child."""
    kids = [
        m
        for m in hh.members
        if m.rel == CHILD
        and m.encountered
        and m.us_at is None
        and 6 <= m.age_on(hh.encounter) <= 16
        and m.nat != "USA"
    ]
    if hh.reprocessed or not kids or rng.random() > 0.03:
        return
    m = rng.choice(kids)
    when = min(_days(hh.encounter, 60, 540, rng), date(2021, 6, 30))
    m.us_at, m.us_city, m.uac_at = when, _other_city(hh, rng), when
    if m.case is not None and rng.random() < 0.6:
        _transfer(m, when, rng)


def _other_city(hh: Household, rng: random.Random) -> str:
    return hh.dest_city if rng.random() < 0.6 else destination(rng)[0]


def _transfer(m: Member, when: date, rng: random.Random) -> None:
    """Sever ``m``'s case from the group and move it to the court nearest the new home."""
    case = m.case
    if case is None or (case.status != PENDING and case.status_date < when):
        return
    court = next(c for city, c, _ in P.US_DESTINATIONS if city == m.us_city)
    kept = [h for h in case.hearings if h.when < when]
    status, status_date, later = interior_schedule(when, court, rng, outcome=PENDING)
    case.lead, case.court, case.status = None, court, status
    case.status_date, case.hearings = max(status_date, when), cap(kept + later)


def _relief_moves(hh: Household, rng: random.Random) -> None:
    """Members granted relief come to the U.S.; others not granted may be taken into custody."""
    granted = {id(m): m.case.status_date for m in hh.members if m.case and m.case.status == RELIEF}
    if not granted:
        return
    when = _days(max(granted.values()), 1, 25, rng)
    custody = rng.random() < 0.5
    for m in hh.members:
        if m.us_at is not None or not m.encountered:
            continue
        if id(m) in granted or (custody and m.case is not None):
            m.us_at, m.us_city = when, hh.dest_city


def _wind_down(hh: Household, rng: random.Random) -> None:
    """2021: people with active MPP cases are processed into the U.S., often with their family."""
    active = [
        m
        for m in hh.members
        if m.case
        and m.case.lead is None
        and m.case.mpp
        and m.case.status == PENDING
        and m.us_at is None
    ]
    if hh.reprocessed or not active or rng.random() > 0.6:
        return
    when = date.fromordinal(rng.randint(P.WIND_DOWN_START.toordinal(), P.WIND_DOWN_END.toordinal()))
    hh.wind_down = when
    terminate = rng.random() < 0.12
    elsewhere = _settle_apart(hh, rng)
    schedules: dict[int, tuple[str, date, list[Hearing]]] = {}  # one per case group
    for m in hh.members:
        if m.us_at is not None or m.dob >= when:
            continue
        case = m.case
        if case is not None and case.mpp and case.status == PENDING:
            city, court = elsewhere.get(id(m), (hh.dest_city, hh.dest_court))
            if id(m) in elsewhere:
                case.lead = None  # a change of venue severs the case from the group
            m.us_at, m.us_city = when, city
            group = case.lead or case.key
            if group not in schedules:
                outcome = TERMINATED if terminate else PENDING
                schedules[group] = interior_schedule(when, court, rng, outcome=outcome)
            status, status_date, later = schedules[group]
            kept = [h for h in case.hearings if h.when < when]
            copies = [Hearing(h.when, h.court, h.type, h.result) for h in later]
            case.court, case.status, case.hearings = court, status, cap(kept + copies)
            case.status_date = max(status_date, case.status_date)
        elif case is None and rng.random() < (0.5 if m.nat == "MEX" else 0.8):
            m.us_at, m.us_city = when, hh.dest_city


def _settle_apart(hh: Household, rng: random.Random) -> dict[int, tuple[str, str]]:
    """Who goes to live elsewhere after the wind-down (and so to another court): an adult
    relative with a case of their own, or sometimes a parent with some of the children."""
    apart: dict[int, tuple[str, str]] = {}
    for m in hh.members:
        if m.case and m.case.lead is None and m.rel not in (HEAD, SPOUSE) and rng.random() < 0.5:
            apart[id(m)] = destination(rng)
    spouses = [m for m in hh.members if m.rel == SPOUSE]
    if spouses and rng.random() < 0.15:
        place = destination(rng)
        apart[id(spouses[0])] = place
        for kid in hh.members:
            if kid.rel == CHILD and rng.random() < 0.4:
                apart[id(kid)] = place
    return apart
