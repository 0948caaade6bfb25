"""Travel groups of MPP asylum seekers: who travels together, their names, ages and nationalities.

A *household* is a group that crossed and was encountered together.  It holds one or two
*subunits* (nuclear families; two when, say, two sisters travel with their children) whose heads
lead their own CBP family unit and EOIR case group.  Members carry their true identity; the
record sources later write it down with their own noise (:mod:`kinlink.samples.records`).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from . import names as N
from . import places as P

if TYPE_CHECKING:
    from .proceedings import Case, Fear

# Relation of a member to the head of its subunit.
HEAD, SPOUSE, CHILD, SIBLING, GRANDPARENT, RELATIVE = (
    "HEAD",
    "SPOUSE",
    "CHILD",
    "SIBLING",
    "GRANDPARENT",
    "RELATIVE",
)

#: Nationalities whose households follow the family-heavy Central American pattern.
FAMILY_HEAVY = frozenset({"HND", "GTM", "SLV", "NIC", "ECU"})


class Weighted:
    """Draw items with given relative weights, fast (one ``random()`` and a bisection)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs: Iterable[tuple[object, float]]) -> None:
        self.items: list = []
        self.cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight > 0:
                total += weight
                self.items.append(item)
                self.cum.append(total)
        self.total = total

    def draw(self, rng: random.Random) -> Any:
        """One item."""
        return self.items[bisect_right(self.cum, rng.random() * self.total)]


@dataclass(slots=True, eq=False)
class Member:
    """One real person, with the truth the sources will garble."""

    pid: int
    sex: str
    dob: date
    nat: str
    given: str
    pat: str  # father's line surname (written first by Hispanic sources)
    mat: str  # mother's line surname ("" when the person has one surname)
    lang: str
    rel: str
    sub: int = 0
    bra: bool = False  # Brazilian naming: written mother's surname first
    encountered: bool = True  # encountered by CBP with the household
    anum: str = ""
    uac_at: date | None = None  # recorded as an unaccompanied child from this date
    us_at: date | None = None  # in the United States from this date
    us_city: str = ""
    case: Case | None = None
    fear: Fear | None = None
    mex_fear: bool = False  # a Mexican national who stated a fear of return to Mexico

    @property
    def surnames(self) -> tuple[str, ...]:
        """Surnames in written order."""
        if not self.mat:
            return (self.pat,)
        return (self.mat, self.pat) if self.bra else (self.pat, self.mat)

    def age_on(self, when: date) -> int:
        """Completed years on ``when``."""
        years = when.year - self.dob.year
        return years - ((when.month, when.day) < (self.dob.month, self.dob.day))


@dataclass(slots=True, eq=False)
class Household:
    """A travel group and the facts shared by its members."""

    hid: int
    kind: str
    members: list[Member]
    nat: str
    sector: str
    mex_city: str
    court: str
    encounter: date
    dest_city: str
    dest_court: str
    mpp: bool = True
    caretaker: str = ""  # GRANDPARENT or RELATIVE when the head is not the children's parent
    caretaker_separated: bool = False  # children taken from a non-parent relative as UACs
    phone: str = ""
    wind_down: date | None = None
    reprocessed: date | None = None  # left MPP after a positive fear assessment


class Namer:
    """Frequency-weighted name samplers per nationality."""

    def __init__(self) -> None:
        common = N.SURNAMES_COMMON + N.SURNAMES_PARTICLE
        self.surnames = {
            nat: Weighted(common + N.SURNAMES_REGIONAL.get(nat, ()))
            for nat in (*P.NATIONALITY_SHARES, "MEX")
        }
        self.maya = Weighted(N.SURNAMES_MAYA)
        self.bra_surnames = Weighted(N.SURNAMES_BRA)
        self.given = {
            ("M", False): Weighted(N.GIVEN_MALE_ADULT),
            ("F", False): Weighted(N.GIVEN_FEMALE_ADULT),
            ("M", True): Weighted(N.GIVEN_MALE_MINOR),
            ("F", True): Weighted(N.GIVEN_FEMALE_MINOR),
        }
        self.second = {"M": Weighted(N.GIVEN_MALE_SECOND), "F": Weighted(N.GIVEN_FEMALE_SECOND)}
        self.compound = {
            "M": Weighted(N.GIVEN_COMPOUND_MALE),
            "F": Weighted(N.GIVEN_COMPOUND_FEMALE),
        }
        self.bra_given = {"M": Weighted(N.GIVEN_MALE_BRA), "F": Weighted(N.GIVEN_FEMALE_BRA)}

    def surname(self, rng: random.Random, nat: str, indigenous: bool = False) -> str:
        """One surname as written (with its particle, if any)."""
        if nat == "BRA":
            name = self.bra_surnames.draw(rng)
            particle = N.PARTICLES_BRA.get(name)
            if particle and rng.random() < particle[1]:
                return f"{particle[0]} {name}"
            return name
        if indigenous and nat == "GTM" and rng.random() < 0.55:
            return self.maya.draw(rng)
        return self.surnames.get(nat, self.surnames["HND"]).draw(rng)

    def given_names(self, rng: random.Random, sex: str, born: int, nat: str) -> str:
        """Given names for a person of ``sex`` born in year ``born``."""
        if nat == "BRA":
            return self.bra_given[sex].draw(rng)
        young = born >= 2001
        r = rng.random()
        p_compound = 0.45 if young else 0.38
        if r < p_compound * 0.35:
            return self.compound[sex].draw(rng)
        first = self.given[(sex, young)].draw(rng)
        if r < p_compound:
            second = self.second[sex].draw(rng)
            if second != first:
                return f"{first} {second}"
        return first


#: Relative weights of household kinds, by nationality pattern.
KINDS = {
    True: Weighted(
        (
            ("solo", 0.56),
            ("parent_children", 0.21),
            ("two_parents", 0.095),
            ("couple", 0.05),
            ("siblings", 0.035),
            ("caretaker", 0.025),
            ("joint", 0.025),
        )
    ),
    False: Weighted(
        (
            ("solo", 0.62),
            ("parent_children", 0.11),
            ("two_parents", 0.09),
            ("couple", 0.14),
            ("siblings", 0.02),
            ("caretaker", 0.01),
            ("joint", 0.01),
        )
    ),
}

#: Expected persons per household under each pattern (measured; used to weight nationalities
#: so that the *person* shares match ``places.NATIONALITY_SHARES``).
MEAN_SIZE = {True: 1.88, False: 1.68}

N_CHILDREN = Weighted(((1, 52.0), (2, 31.0), (3, 12.0), (4, 5.0)))
_MIXED_PARTNER = {
    "HND": ("SLV", "GTM", "NIC"),
    "GTM": ("HND", "SLV"),
    "SLV": ("HND", "GTM"),
    "NIC": ("HND", "SLV"),
    "ECU": ("COL", "PER"),
    "CUB": ("VEN",),
    "VEN": ("COL", "CUB"),
    "COL": ("VEN", "ECU"),
    "PER": ("ECU", "VEN"),
    "BRA": ("BRA",),
}


def household_nationalities() -> Weighted:
    """Household base nationality, weighted so person shares match the published mix."""
    return Weighted(
        (nat, share / MEAN_SIZE[nat in FAMILY_HEAVY]) for nat, share in P.NATIONALITY_SHARES.items()
    )


class Context:
    """Chunk-wide generation state: samplers and counters (one per chunk, never global)."""

    def __init__(self, rng: random.Random, first_pid: int, a_base: int) -> None:
        self.rng = rng
        self.namer = NAMER
        self.next_pid = first_pid
        self.next_anum = a_base
        self.namesakes: list[tuple[str, str, str, int]] = []

    def pid(self) -> int:
        """A new person number."""
        self.next_pid += 1
        return self.next_pid


NAMER = Namer()
NATIONALITIES = household_nationalities()
_SECTORS = Weighted((key, spec[0]) for key, spec in P.SECTORS.items())
_SECTOR_CITIES = {key: Weighted(spec[1]) for key, spec in P.SECTORS.items()}
_DESTINATIONS = Weighted(((city, court), w) for city, court, w in P.US_DESTINATIONS)
_MAYAN = Weighted(P.MAYAN_LANGUAGES)
_OTHER_INDIGENOUS = {"ECU": "Kichwa", "PER": "Quechua", "HND": "Garífuna"}
_MONTHS = Weighted(((y, m), w) for y, m, w in P.ENROLLMENT_MONTHS)


def destination(rng: random.Random) -> tuple[str, str]:
    """An interior U.S. city and its immigration court."""
    return _DESTINATIONS.draw(rng)


def _encounter_date(rng: random.Random) -> date:
    year, month = _MONTHS.draw(rng)
    first = date(year, month, 1).toordinal()
    last = date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
    lo = max(first, P.MPP_START.toordinal())
    hi = min(last, P.MPP_LAST_ENROLLMENT.toordinal())
    return date.fromordinal(rng.randint(lo, hi))


def _tri(rng: random.Random, low: float, high: float, mode: float) -> int:
    return int(rng.triangular(low, high + 0.999, mode))


class _Builder:
    """Creates the members of one household."""

    def __init__(self, ctx: Context, nat: str, encounter: date) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.nat = nat
        self.encounter = encounter
        self.enc_ord = encounter.toordinal()
        self.indigenous = self.rng.random() < P.INDIGENOUS_SHARE.get(nat, 0.0)
        self.lang = self._language(nat)
        self.members: list[Member] = []

    def _language(self, nat: str) -> str:
        if nat == "BRA":
            return "Portuguese"
        if self.indigenous:
            return _MAYAN.draw(self.rng) if nat == "GTM" else _OTHER_INDIGENOUS[nat]
        return "Spanish"

    def dob(self, age: int) -> date:
        """A birth date for someone ``age`` full years old at the encounter."""
        days = int((age + self.rng.random()) * 365.2425)
        return date.fromordinal(self.enc_ord - max(days, 1))

    def person(
        self,
        rel: str,
        sex: str,
        age: int,
        *,
        pat: str | None = None,
        mat: str | None = None,
        nat: str | None = None,
        sub: int = 0,
        dob: date | None = None,
    ) -> Member:
        """Add a member; missing surnames are drawn for its nationality."""
        rng, namer = self.rng, self.ctx.namer
        free_name = pat is None and mat is None
        nat = nat or self.nat
        indigenous = self.indigenous and nat == self.nat
        dob = dob or self.dob(age)
        given = namer.given_names(rng, sex, dob.year, nat)
        pat = pat if pat is not None else namer.surname(rng, nat, indigenous)
        if mat is None:
            mat = "" if rng.random() < 0.015 else namer.surname(rng, nat, indigenous)
        lang = self.lang if nat == self.nat else ("Portuguese" if nat == "BRA" else "Spanish")
        member = Member(
            pid=self.ctx.pid(),
            sex=sex,
            dob=dob,
            nat=nat,
            given=given,
            pat=pat,
            mat=mat,
            lang=lang,
            rel=rel,
            sub=sub,
            bra=nat == "BRA",
        )
        if rel == HEAD and age >= 18 and free_name:
            self._maybe_namesake(member)
        self.members.append(member)
        return member

    def _maybe_namesake(self, member: Member) -> None:
        """Now and then an unrelated adult shares the full name of an earlier one."""
        pool, rng = self.ctx.namesakes, self.rng
        if pool and rng.random() < 0.006:
            given, pat, mat, year = pool[rng.randrange(len(pool))]
            if given.split()[0] in _SEX_OF_FIRST.get(member.sex, ()):
                member.given, member.pat, member.mat = given, pat, mat
                if rng.random() < 0.3 and abs(year - member.dob.year) <= 2:
                    member.dob = member.dob.replace(year=year, day=min(member.dob.day, 28))
                return
        if member.pat in _COMMON_SURNAMES and member.nat != "BRA" and len(pool) < 400:
            pool.append((member.given, member.pat, member.mat, member.dob.year))

    def children(
        self,
        n: int,
        mother_age: int,
        *,
        father: Member | None,
        mother: Member | None,
        nat: str | None = None,
        sub: int = 0,
        max_age: int = 17,
    ) -> list[Member]:
        """Up to ``n`` children (fewer if the mother is young), eldest first; twins sometimes."""
        rng = self.rng
        top = min(max_age, mother_age - 16)
        if top < 0:
            return []
        ages = sorted(rng.sample(range(top + 1), min(n, top + 1)), reverse=True)
        twins = len(ages) >= 2 and rng.random() < 0.04
        if twins:
            ages[-1] = ages[-2]
        kids: list[Member] = []
        for i, age in enumerate(ages):
            pat, mat = self._child_surnames(father, mother)
            dob = kids[-1].dob if twins and i == len(ages) - 1 else None
            kid_nat = nat or (mother.nat if mother else father.nat if father else self.nat)
            sex = "M" if rng.random() < 0.51 else "F"
            kid = self.person(CHILD, sex, age, pat=pat, mat=mat, nat=kid_nat, sub=sub, dob=dob)
            if dob is not None:
                _twin_names(rng, kids[-1], kid)
            kids.append(kid)
        return kids

    def _child_surnames(self, father: Member | None, mother: Member | None) -> tuple[str, str]:
        rng, namer = self.rng, self.ctx.namer
        if father and mother:
            return father.pat, mother.pat
        if mother:
            if rng.random() < 0.3 and mother.mat:
                return mother.pat, mother.mat  # recognised by the mother only
            return namer.surname(rng, mother.nat, self.indigenous), mother.pat
        if father:
            return father.pat, namer.surname(rng, father.nat, self.indigenous)
        return namer.surname(rng, self.nat, self.indigenous), namer.surname(rng, self.nat)


_SEX_OF_FIRST = {
    "M": frozenset(n.split()[0] for n, _ in N.GIVEN_MALE_ADULT + N.GIVEN_COMPOUND_MALE),
    "F": frozenset(n.split()[0] for n, _ in N.GIVEN_FEMALE_ADULT + N.GIVEN_COMPOUND_FEMALE),
}
_COMMON_SURNAMES = frozenset(n for n, w in N.SURNAMES_COMMON if w >= 80)
_TWIN_PAIRS = {
    "Ángel": "Ángela",
    "Daniel": "Daniela",
    "Gabriel": "Gabriela",
    "Fernando": "Fernanda",
    "Alexander": "Alexandra",
    "Andrés": "Andrea",
    "Luis": "Luisa",
    "Kevin": "Kelvin",
    "Brayan": "Bryan",
    "Jefferson": "Jeferson",
    "Génesis": "Génesis Abigail",
}


def _twin_names(rng: random.Random, first: Member, second: Member) -> None:
    """Twins often get matching names: a pair (Daniel/Daniela) or a shared first name."""
    if rng.random() > 0.45 or first.nat == "BRA":
        return
    head = first.given.split()[0]
    pair = _TWIN_PAIRS.get(head)
    if pair and rng.random() < 0.6:
        second.given = pair
        second.sex = "F" if pair.endswith("a") and pair != "Bryan" else first.sex
        return
    other = NAMER.second[second.sex].draw(rng)
    if second.sex == first.sex and other not in first.given:
        second.given = f"{head} {other}"


# --- household kinds -----------------------------------------------------------------------


def _solo(b: _Builder) -> None:
    sex = "M" if b.rng.random() < 0.68 else "F"
    b.person(HEAD, sex, _tri(b.rng, 18, 58, 26))


def _parent_children(b: _Builder, sub: int = 0, sibling_of: Member | None = None) -> None:
    rng = b.rng
    mother_led = rng.random() < 0.78
    age = _tri(rng, 18, 46, 28)
    pat = sibling_of.pat if sibling_of else None
    mat = sibling_of.mat if sibling_of else None
    sex = "F" if mother_led else "M"
    head = b.person(HEAD, sex, age, pat=pat, mat=mat, sub=sub)
    n = N_CHILDREN.draw(rng)
    mother_age = age if mother_led else max(18, age - _tri(rng, -2, 10, 3))
    father = None if mother_led else head
    mother = head if mother_led else None
    _mexican_children(b, b.children(n, mother_age, father=father, mother=mother, sub=sub))


def _two_parents(b: _Builder) -> None:
    rng = b.rng
    mother_age = _tri(rng, 18, 46, 29)
    father_age = min(70, max(18, mother_age + _tri(rng, -3, 14, 3)))
    spouse_nat = _spouse_nationality(b)
    father_first = rng.random() < 0.65
    if father_first:
        father = b.person(HEAD, "M", father_age)
        mother = b.person(SPOUSE, "F", mother_age, nat=spouse_nat)
    else:
        mother = b.person(HEAD, "F", mother_age)
        father = b.person(SPOUSE, "M", father_age, nat=spouse_nat)
    kids_nat = None if rng.random() < 0.7 else father.nat
    if mother.nat == "MEX" or father.nat == "MEX":
        kids_nat = b.nat
    max_age = 20 if rng.random() < 0.12 else 17
    kids = b.children(
        N_CHILDREN.draw(rng),
        mother_age,
        father=father,
        mother=mother,
        nat=kids_nat,
        max_age=max_age,
    )
    sons = [k for k in kids if k.sex == "M"]
    if sons and rng.random() < 0.08:
        sons[0].given = father.given  # named after his father
    _mexican_children(b, kids)


def _couple(b: _Builder) -> None:
    rng = b.rng
    age = _tri(rng, 18, 55, 27)
    head = b.person(HEAD, "M" if rng.random() < 0.6 else "F", age)
    other = "F" if head.sex == "M" else "M"
    b.person(SPOUSE, other, max(18, age + _tri(rng, -6, 6, 0)), nat=_spouse_nationality(b))


def _siblings(b: _Builder) -> None:
    rng = b.rng
    head = b.person(HEAD, "M" if rng.random() < 0.55 else "F", _tri(rng, 18, 26, 19))
    for _ in range(1 if rng.random() < 0.7 else 2):
        minor = rng.random() < 0.7
        age = _tri(rng, 12, 17, 15) if minor else _tri(rng, 18, 25, 20)
        full = rng.random() < 0.85
        mat = head.mat if full else None
        b.person(SIBLING, "M" if rng.random() < 0.5 else "F", age, pat=head.pat, mat=mat)


def _caretaker(b: _Builder) -> str:
    """A grandparent or an aunt/uncle with children whose parents are not there.

    The children carry their absent parents' surnames; they share one with the head only when
    the head is their grandfather or the absent parent's sibling.  Returns the head's relation.
    """
    rng = b.rng
    grand = rng.random() < 0.55
    age = _tri(rng, 45, 70, 54) if grand else _tri(rng, 19, 45, 27)
    head = b.person(HEAD, "F" if rng.random() < 0.7 else "M", age)
    shares = not grand or head.sex == "M"
    through_father = rng.random() < 0.5
    n = 1 if rng.random() < 0.6 else (2 if rng.random() < 0.7 else 3)
    namer = b.ctx.namer
    linked = head.pat if shares else namer.surname(rng, b.nat, b.indigenous)
    for age_k in sorted(rng.sample(range(17), n), reverse=True):
        other = namer.surname(rng, b.nat, b.indigenous)
        pat, mat = (linked, other) if through_father else (other, linked)
        b.person(CHILD, "M" if rng.random() < 0.5 else "F", age_k, pat=pat, mat=mat)
    return GRANDPARENT if grand else RELATIVE


def _joint(b: _Builder) -> None:
    """Two siblings, each with children, encountered together."""
    _parent_children(b, sub=0)
    head0 = b.members[0]
    _parent_children(b, sub=1, sibling_of=head0)


def _spouse_nationality(b: _Builder) -> str:
    r = b.rng.random()
    if r < 0.035 and b.nat != "BRA":
        return "MEX"
    if r < 0.075:
        return b.rng.choice(_MIXED_PARTNER.get(b.nat, (b.nat,)))
    return b.nat


def _mexican_children(b: _Builder, kids: Sequence[Member]) -> None:
    """Sometimes the youngest children were born in Mexico (or, rarely, in the U.S.)."""
    rng = b.rng
    young = [k for k in kids if k.age_on(b.encounter) < 7]
    if not young:
        return
    r = rng.random()
    if r < 0.025:
        for kid in young[-(1 + (rng.random() < 0.3)) :]:
            kid.nat = "MEX"
    elif r < 0.029:
        young[-1].nat = "USA"


def build_household(ctx: Context, hid: int, *, kind: str | None = None) -> Household:
    """One travel group, members and shared facts, before any proceedings are planned.

    ``kind`` forces the household kind (and then no baby is born while waiting).
    """
    rng = ctx.rng
    nat = NATIONALITIES.draw(rng)
    encounter = _encounter_date(rng)
    b = _Builder(ctx, nat, encounter)
    forced = kind is not None
    kind = kind or KINDS[nat in FAMILY_HEAVY].draw(rng)
    caretaker = ""
    if kind == "caretaker":
        caretaker = _caretaker(b)
    else:
        {
            "solo": _solo,
            "parent_children": _parent_children,
            "two_parents": _two_parents,
            "couple": _couple,
            "siblings": _siblings,
            "joint": _joint,
        }[kind](b)
    sector = _SECTORS.draw(rng)
    courts = P.SECTORS[sector][2]
    court = courts[0] if len(courts) == 1 or rng.random() < 0.7 else courts[1]
    dest_city, dest_court = destination(rng)
    hh = Household(
        hid=hid,
        kind=kind,
        members=b.members,
        nat=nat,
        sector=sector,
        mex_city=_SECTOR_CITIES[sector].draw(rng),
        court=court,
        encounter=encounter,
        dest_city=dest_city,
        dest_court=dest_court,
        caretaker=caretaker,
    )
    hh.caretaker_separated = kind == "caretaker" and rng.random() < 0.5
    hh.mpp = forced or rng.random() < 0.96
    if not forced:
        _maybe_baby(b, hh)
    _assign_anumbers(ctx, hh)
    if len(hh.members) > 1 or rng.random() < 0.5:
        hh.phone = _phone(rng, hh.mex_city)
    return hh


def _maybe_baby(b: _Builder, hh: Household) -> None:
    """A baby born in Mexico while the family waited (a Mexican national, never encountered)."""
    rng = b.rng
    mothers = [
        m
        for m in hh.members
        if m.sex == "F" and 17 <= m.age_on(hh.encounter) <= 40 and m.rel in (HEAD, SPOUSE)
    ]
    if not mothers or not hh.mpp or rng.random() > 0.035:
        return
    mother = mothers[0]
    fathers = [m for m in hh.members if m.sex == "M" and m.rel in (HEAD, SPOUSE)]
    father = fathers[0] if fathers else None
    born = date.fromordinal(hh.encounter.toordinal() + rng.randint(60, 330))
    if born >= P.SNAPSHOT:
        return
    pat, mat = b._child_surnames(father, mother)
    baby = b.person(
        CHILD,
        "M" if rng.random() < 0.5 else "F",
        0,
        pat=pat,
        mat=mat,
        nat="MEX",
        sub=mother.sub,
        dob=born,
    )
    baby.encountered = False


def _assign_anumbers(ctx: Context, hh: Household) -> None:
    """Consecutive A-numbers for a family processed together; some adults have an old one."""
    rng = ctx.rng
    ctx.next_anum += rng.randint(1, 40)
    for m in hh.members:
        if not m.encountered or m.nat == "USA":
            continue
        if m.age_on(hh.encounter) >= 20 and rng.random() < 0.06:
            m.anum = f"0{70_000_000 + (m.pid * 7919) % 29_000_000:08d}"
        else:
            m.anum = f"{ctx.next_anum:09d}"
            ctx.next_anum += 1


def _phone(rng: random.Random, city: str) -> str:
    area = P.AREA_CODES.get(city, "664")
    digits = "".join(rng.choice("0123456789") for _ in range(10 - len(area)))
    return area + digits
