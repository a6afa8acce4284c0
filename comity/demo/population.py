"""The people of a demo community: households, residents, owners and tenants.

Most flats hold one household of one to four people; a share are rented (the owner then lives elsewhere and
is recorded as a non-resident owner), a few stand empty, and in the high-rise the developer still holds some
unsold flats. About one flat in seven is co-owned by two people. Household types are weighted per
community so that the 1990s estate has many elderly residents (about 30% aged 60 or more, as in estates
of public housing bought by its tenants in the 1998 reform) and the 2010s high-rise has young families.

Objects are built unsaved; :func:`comity.demo.generator.generate_demo_street` saves them in bulk.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from comity.demo.layout import Estate
from comity.demo.names import AGE_YEAR, NameBook, random_date
from comity.structure.models import HolderKind, Household, Ownership, Person, Tenancy, Unit, UnitUsage

#: The last day of recorded history: dates never depend on when the generator runs.
LAST_DAY = date(2025, 12, 31)

#: Who rents: young people, couples and small families.
TENANT_HOUSEHOLDS: tuple[tuple[str, int], ...] = (
    ("family_of_three", 30),
    ("couple", 25),
    ("single_adult", 30),
    ("roommates", 15),
)

ORGANISATION_HOLDERS = ("金水区供销合作社", "郑州槐荫商贸有限公司")

HALF = Fraction(1, 2)
SPLITS = ((HALF, HALF), (HALF, HALF), (HALF, HALF), (Fraction(3, 5), Fraction(2, 5)))


@dataclass(frozen=True, slots=True)
class Member:
    relation: str
    gender: str
    age: int


def _couple(rng: random.Random, low: int, high: int) -> tuple[Member, Member]:
    husband = rng.randint(low, high)
    return Member("head", "m", husband), Member("spouse", "f", max(low - 3, husband - rng.randint(0, 5)))


def _children(rng: random.Random, mother_age: int, count: int, oldest: int) -> list[Member]:
    ages = sorted((rng.randint(0, max(0, min(oldest, mother_age - 23))) for _ in range(count)), reverse=True)
    return [Member("child", "f" if rng.random() < 0.48 else "m", age) for age in ages]


def _elderly_single(rng: random.Random) -> list[Member]:
    return [Member("head", "f" if rng.random() < 0.68 else "m", rng.randint(66, 92))]


def _elderly_couple(rng: random.Random) -> list[Member]:
    return list(_couple(rng, 63, 88))


def _couple_only(rng: random.Random) -> list[Member]:
    return list(_couple(rng, 25, 46))


def _single_adult(rng: random.Random) -> list[Member]:
    return [Member("head", "f" if rng.random() < 0.5 else "m", rng.randint(22, 58))]


def _family(rng: random.Random, children: int) -> list[Member]:
    head, spouse = _couple(rng, 32, 52)
    return [head, spouse, *_children(rng, spouse.age, children, 22)]


def _three_generations(rng: random.Random) -> list[Member]:
    head, spouse = _couple(rng, 33, 50)
    grandparent = Member(
        "parent", "f" if rng.random() < 0.6 else "m", min(92, head.age + rng.randint(24, 32))
    )
    return [head, spouse, *_children(rng, spouse.age, 1, 16), grandparent]


def _parent_and_adult_child(rng: random.Random) -> list[Member]:
    parent = Member("head", "f" if rng.random() < 0.6 else "m", rng.randint(62, 85))
    return [
        parent,
        Member("child", "f" if rng.random() < 0.5 else "m", max(25, parent.age - rng.randint(24, 32))),
    ]


def _roommates(rng: random.Random) -> list[Member]:
    return [
        Member("head" if i == 0 else "roommate", "f" if rng.random() < 0.5 else "m", rng.randint(22, 32))
        for i in range(rng.choice((2, 2, 3)))
    ]


HOUSEHOLD_TYPES: dict[str, Callable[[random.Random], list[Member]]] = {
    "elderly_single": _elderly_single,
    "elderly_couple": _elderly_couple,
    "couple": _couple_only,
    "single_adult": _single_adult,
    "family_of_three": lambda rng: _family(rng, 1),
    "family_of_four": lambda rng: _family(rng, 2),
    "three_generations": _three_generations,
    "parent_and_adult_child": _parent_and_adult_child,
    "roommates": _roommates,
}


@dataclass
class Population:
    """The unsaved people of one community, plus the lists the subjects and demo accounts are drawn from."""

    households: list[Household] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    ownerships: list[Ownership] = field(default_factory=list)
    tenancies: list[Tenancy] = field(default_factory=list)
    #: Adult residents per building code, for self-governance groups and volunteers.
    adults_by_building: dict[str, list[Person]] = field(default_factory=dict)
    #: Resident owners aged 35–70 who hold their flat alone (homeowners' committee, the demo owner).
    owner_occupiers: list[Person] = field(default_factory=list)
    #: Heads of tenant households (the demo resident).
    tenant_heads: list[Person] = field(default_factory=list)
    vacant_units: list[Unit] = field(default_factory=list)
    rented_units: list[Unit] = field(default_factory=list)


class _Builder:
    def __init__(self, rng: random.Random, names: NameBook, estate: Estate) -> None:
        self.rng = rng
        self.names = names
        self.estate = estate
        self.spec = estate.spec
        self.community = estate.community
        self.pop = Population()
        kinds, weights = zip(*self.spec.households, strict=True)
        self.kinds: list[str] = list(kinds)
        self.weights: list[int] = list(weights)
        tenant_kinds, tenant_weights = zip(*TENANT_HOUSEHOLDS, strict=True)
        self.tenant_kinds: list[str] = list(tenant_kinds)
        self.tenant_weights: list[int] = list(tenant_weights)

    def person(
        self, gender: str, age: int, *, surname: str | None = None, household: Household | None
    ) -> Person:
        birth_year = AGE_YEAR - age
        person = Person(
            community=self.community,
            household=household,
            full_name=self.names.full_name(gender, birth_year, surname),
            gender=gender,
            birth_year=birth_year,
            phone=self.names.phone_for(birth_year),
            is_resident=household is not None,
        )
        self.pop.persons.append(person)
        return person

    def non_resident_owner(self) -> Person:
        gender = self.names.gender()
        return self.person(gender, self.rng.randint(34, 78), household=None)

    def household(
        self, unit: Unit, kind: str, moved_in: date
    ) -> tuple[Household, list[tuple[Member, Person]]]:
        household = Household(community=self.community, unit=unit, moved_in_on=moved_in)
        self.pop.households.append(household)
        family = self.names.surname()
        people: list[tuple[Member, Person]] = []
        for member in HOUSEHOLD_TYPES[kind](self.rng):
            same_name = member.relation in {"head", "child"} or (
                member.relation == "parent" and member.gender == "m"
            )
            surname = family if same_name and kind != "roommates" else None
            people.append(
                (member, self.person(member.gender, member.age, surname=surname, household=household))
            )
        adults = [person for member, person in people if member.age >= 18]
        self.pop.adults_by_building.setdefault(unit.building.code, []).extend(adults)
        return household, people

    def purchase_dates(self, unit: Unit, head_age: int | None) -> tuple[date, date]:
        """(owner since, moved in): original buyers took their flats when the building was finished (in the
        old estate they were public tenants who bought in the 1998 housing reform); others bought later."""
        built = self.estate.building_specs[unit.building.code].built_year
        adult_when_built = head_age is None or AGE_YEAR - head_age <= built - 22
        if adult_when_built and self.rng.random() < self.spec.original_share:
            moved_in = random_date(self.rng, date(built, 7, 1), date(built + 1, 12, 31))
            if built < 1999:
                return random_date(self.rng, date(1998, 7, 1), date(2001, 12, 31)), moved_in
            return moved_in - timedelta(days=self.rng.randint(60, 300)), moved_in
        earliest = date(built + 3, 1, 1)
        if head_age is not None:
            earliest = max(earliest, date(AGE_YEAR - head_age + 22, 1, 1))
        since = random_date(self.rng, min(earliest, LAST_DAY - timedelta(days=365)), LAST_DAY)
        return since, min(LAST_DAY, since + timedelta(days=self.rng.randint(0, 150)))

    def certificate(self, since: date) -> str:
        if since.year >= 2016:
            return f"豫({since.year})郑州市不动产权第{self.rng.randrange(10**7):07d}号"
        return f"郑房权字第{since.year % 100:02d}{self.rng.randrange(10**8):08d}号"

    def own(self, unit: Unit, owners: list[Person], since: date) -> None:
        shares = self.rng.choice(SPLITS) if len(owners) == 2 else (Fraction(1),)
        certificate = self.certificate(since)
        for person, share in zip(owners, shares, strict=True):
            self.pop.ownerships.append(
                Ownership(
                    community=self.community,
                    unit=unit,
                    person=person,
                    share_numerator=share.numerator,
                    share_denominator=share.denominator,
                    certificate_number=certificate,
                    since=since,
                )
            )

    def absent_owners(self, unit: Unit) -> date:
        """Owners who live elsewhere; returns the day they became owners."""
        owners = [self.non_resident_owner()]
        if self.rng.random() < self.spec.co_owned_share:
            owners.append(self.non_resident_owner())
        since, _ = self.purchase_dates(unit, None)
        self.own(unit, owners, since)
        return since

    def commercial(self, unit: Unit, index: int) -> None:
        if index % 8 == 3:
            holder = ORGANISATION_HOLDERS[(index // 8) % len(ORGANISATION_HOLDERS)]
            since = random_date(self.rng, date(2008, 1, 1), date(2020, 12, 31))
            self.pop.ownerships.append(
                Ownership(
                    community=self.community,
                    unit=unit,
                    holder_kind=HolderKind.ORGANISATION,
                    holder_name=holder,
                    certificate_number=self.certificate(since),
                    since=since,
                )
            )
        else:
            self.absent_owners(unit)

    def rented(self, unit: Unit) -> None:
        owned_since = self.absent_owners(unit)
        since = random_date(self.rng, max(owned_since, date(2019, 1, 1)), LAST_DAY)
        kind = self.rng.choices(self.tenant_kinds, weights=self.tenant_weights)[0]
        household, people = self.household(unit, kind, since)
        self.pop.tenancies.append(
            Tenancy(community=self.community, unit=unit, household=household, since=since)
        )
        self.pop.tenant_heads.append(people[0][1])
        self.pop.rented_units.append(unit)

    def occupied(self, unit: Unit) -> None:
        kind = self.rng.choices(self.kinds, weights=self.weights)[0]
        household, people = self.household(unit, kind, LAST_DAY)
        head_member, head = people[0]
        since, household.moved_in_on = self.purchase_dates(unit, head_member.age)
        owners = [head]
        if self.rng.random() < self.spec.co_owned_share:
            spouse = next((p for m, p in people if m.relation == "spouse"), None)
            owners.append(spouse if spouse is not None else self.non_resident_owner())
        elif 35 <= head_member.age <= 70:
            self.pop.owner_occupiers.append(head)
        self.own(unit, owners, since)

    def developer(self, unit: Unit) -> None:
        built = self.estate.building_specs[unit.building.code].built_year
        self.pop.ownerships.append(
            Ownership(
                community=self.community,
                unit=unit,
                holder_kind=HolderKind.DEVELOPER,
                holder_name=self.spec.developer,
                since=date(built, 9, 30),
            )
        )
        self.pop.vacant_units.append(unit)

    def build(self) -> Population:
        units = self.estate.units
        held_back = self._developer_flats(units)
        commercial_index = 0
        for index, unit in enumerate(units):
            if unit.usage != UnitUsage.RESIDENTIAL:
                self.commercial(unit, commercial_index)
                commercial_index += 1
            elif index in held_back:
                self.developer(unit)
            else:
                draw = self.rng.random()
                if draw < self.spec.vacant_share:
                    self.absent_owners(unit)
                    self.pop.vacant_units.append(unit)
                elif draw < self.spec.vacant_share + self.spec.rented_share:
                    self.rented(unit)
                else:
                    self.occupied(unit)
        return self.pop

    def _developer_flats(self, units: list[Unit]) -> frozenset[int]:
        """Unsold flats are the high floors of the last phase, as developers usually keep them."""
        if not self.spec.developer_flats:
            return frozenset()
        last_year = max(b.built_year for b in self.spec.buildings)
        candidates = [
            i
            for i, unit in enumerate(units)
            if unit.usage == UnitUsage.RESIDENTIAL
            and unit.floor >= 15
            and self.estate.building_specs[unit.building.code].built_year == last_year
        ]
        return frozenset(self.rng.sample(candidates, self.spec.developer_flats))


def build_population(rng: random.Random, names: NameBook, estate: Estate) -> Population:
    """Households, persons, ownerships and tenancies for every unit of ``estate`` (unsaved)."""
    return _Builder(rng, names, estate).build()
