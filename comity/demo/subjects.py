"""The governance subjects of the demo street and the people in them.

Every kind of subject the paper names (§2, §4.1, §4.3) is present: the street office and two district
departments for the whole street; in each community a residents' committee with its chair, staff and grid
workers, owners' bodies, a property-management company, service enterprises, social organisations at each
of the three legal tiers (registered, filed, community-guided — 民发〔2017〕191号), self-governance groups
for a courtyard or a building, and volunteer teams. Paid staff are recorded as non-residents so that their
roles come from their memberships only; owners' committees, groups and volunteers are drawn from the
residents themselves, as they are in practice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from comity.demo.layout import Estate
from comity.demo.names import AGE_YEAR, NameBook, random_date
from comity.demo.population import Population
from comity.demo.subject_specs import AREA_GROUPS, STREET_SUBJECTS, SubjectSpec, community_subject_specs
from comity.structure.models import (
    Area,
    Community,
    GovernanceSubject,
    Membership,
    MembershipRole,
    Person,
    Street,
    SubjectKind,
)

#: First day of the current term of elected bodies: residents' committees were elected across Henan in
#: 2021, and the owners' committees' term runs 2023–2028.
TERM_STARTS: dict[str, date] = {
    SubjectKind.RESIDENTS_COMMITTEE: date(2021, 6, 15),
    SubjectKind.HOMEOWNERS_COMMITTEE: date(2023, 5, 20),
}

#: The key of the street-level subjects in :attr:`Subjects.by_key`.
STREET = ""


@dataclass
class Subjects:
    """Unsaved subjects, the staff persons created for them, and their memberships."""

    subjects: list[GovernanceSubject] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    #: Subjects by community code (:data:`STREET` for the street level) and key.
    by_key: dict[str, dict[str, GovernanceSubject]] = field(default_factory=dict)
    #: Paid staff by community code and subject key, in the order of the spec's titles.
    staff: dict[tuple[str, str], list[Person]] = field(default_factory=dict)
    #: Self-governance groups and the area each acts for, by community code.
    area_groups: dict[str, list[tuple[GovernanceSubject, Area]]] = field(default_factory=dict)
    grid_workers: dict[str, list[Person]] = field(default_factory=dict)


class _Builder:
    def __init__(self, rng: random.Random, names: NameBook, street: Street, exclude: set[int]) -> None:
        self.rng = rng
        self.names = names
        self.street = street
        self.exclude = exclude
        self.out = Subjects()

    def staff_person(self, community: Community) -> Person:
        gender = self.names.gender()
        birth_year = AGE_YEAR - self.rng.randint(24, 58)
        person = Person(
            community=community,
            full_name=self.names.full_name(gender, birth_year),
            gender=gender,
            birth_year=birth_year,
            phone=self.names.phone(),
            is_resident=False,
        )
        self.out.persons.append(person)
        return person

    def join(self, subject: GovernanceSubject, person: Person, role: str, title: str = "") -> None:
        """Add a membership. Elected chairs and members of committees start with their term; everyone
        else joined on some day after the subject was founded."""
        term = (
            TERM_STARTS.get(subject.kind) if role in {MembershipRole.CHAIR, MembershipRole.MEMBER} else None
        )
        founded = subject.established_on or date(2016, 1, 1)
        since = term or random_date(self.rng, max(founded, date(2016, 1, 1)), date(2025, 6, 30))
        self.out.memberships.append(
            Membership(
                community=subject.community,
                street_id=subject.street_id,
                subject=subject,
                person=person,
                role=role,
                title=title,
                started_on=since,
            )
        )

    def residents(
        self, pool: list[Person], count: int, *, oldest: int = 80, youngest: int = 25
    ) -> list[Person]:
        """``count`` residents of ``pool`` in an age range, never a demo account (whose roles stay clean)."""
        fitting = [
            p
            for p in pool
            if id(p) not in self.exclude and p.birth_year and youngest <= AGE_YEAR - p.birth_year <= oldest
        ]
        return self.rng.sample(fitting, min(count, len(fitting)))

    def subject(
        self, spec: SubjectSpec, community: Community | None, scope_area: Area | None = None
    ) -> GovernanceSubject:
        subject = GovernanceSubject(
            street=self.street,
            community=community,
            kind=spec.kind,
            name=spec.name,
            legal_status=spec.legal_status,
            scope_area=scope_area,
            description=spec.description,
            phone=f"0371-6{self.rng.randrange(10**6):06d}",
            address=community.address if community else "郑州市金水区和平路1号",
            established_on=date(spec.established, self.rng.randint(1, 12), self.rng.randint(1, 28)),
        )
        self.out.subjects.append(subject)
        return subject

    def add(
        self, spec: SubjectSpec, community: Community | None, home: list[Community], pool: list[Person]
    ) -> None:
        key = community.code if community else STREET
        subject = self.subject(spec, community)
        self.out.by_key.setdefault(key, {})[spec.key] = subject
        staff: list[Person] = []
        for index, title in enumerate(spec.staff):
            person = self.staff_person(community or home[index % len(home)])
            role = MembershipRole.CHAIR if index == 0 and spec.chair_is_staff else MembershipRole.STAFF
            self.join(subject, person, role, title)
            if role == MembershipRole.STAFF:
                staff.append(person)
        self.out.staff[(key, spec.key)] = staff
        members = self.residents(pool, spec.resident_members, oldest=75)
        for index, person in enumerate(members):
            self.join(subject, person, MembershipRole.CHAIR if index == 0 else MembershipRole.MEMBER)
        volunteers = self.residents(pool, spec.volunteers, oldest=76, youngest=18)
        for person in volunteers:
            self.join(subject, person, MembershipRole.VOLUNTEER)
        if spec.volunteers and not spec.staff and volunteers:
            self.join(subject, volunteers[0], MembershipRole.CHAIR, "队长")

    def community(self, estate: Estate, population: Population) -> None:
        community = estate.community
        short = community.name.removesuffix("社区")
        residents = [p for adults in population.adults_by_building.values() for p in adults]
        for spec in community_subject_specs(short, estate.spec.estate_name, community.code):
            pool = population.owner_occupiers if spec.kind == SubjectKind.HOMEOWNERS_COMMITTEE else residents
            self.add(spec, community, [community], pool)
        rc = self.out.by_key[community.code]["rc"]
        workers = [self.staff_person(community) for _ in estate.grids]
        for index, person in enumerate(workers, start=1):
            self.join(rc, person, MembershipRole.GRID_WORKER, f"第{index}网格网格员")
        self.out.grid_workers[community.code] = workers
        for grid, worker in zip(estate.grids, workers, strict=True):
            grid[0].grid_worker = worker
        groups = self.out.area_groups.setdefault(community.code, [])
        for code, kind, area_code, size in AREA_GROUPS:
            if code != community.code:
                continue
            area = estate.zones[area_code] if kind == "zone" else estate.buildings[area_code]
            name = f"{area.name}院落议事会" if kind == "zone" else f"{area.name}楼栋自治小组"
            spec = SubjectSpec(
                f"group:{area_code}",
                SubjectKind.SELF_GOVERNANCE_GROUP,
                name,
                resident_members=size,
                established=2020,
                description="居民推选的楼院自治组织，议定本楼院的公共事务。",
            )
            building_codes = (
                [b.code for b in estate.spec.buildings if b.zone == area_code]
                if kind == "zone"
                else [area_code]
            )
            pool = [p for c in building_codes for p in population.adults_by_building.get(c, [])]
            subject = self.subject(spec, community, scope_area=area)
            self.out.by_key[community.code][spec.key] = subject
            for index, person in enumerate(self.residents(pool, size, oldest=75)):
                self.join(subject, person, MembershipRole.CHAIR if index == 0 else MembershipRole.MEMBER)
            groups.append((subject, area))


def build_subjects(
    rng: random.Random,
    names: NameBook,
    street: Street,
    estates: list[tuple[Estate, Population]],
    *,
    exclude: set[int],
) -> Subjects:
    """Every subject of the street, unsaved, with staff persons and memberships.

    ``exclude`` holds ``id()`` of the persons kept for the demo accounts, who join no subject by chance.
    Grid workers are set on the (unsaved) grids of each estate.
    """
    builder = _Builder(rng, names, street, exclude)
    home = [estate.community for estate, _ in estates]
    for spec in STREET_SUBJECTS:
        builder.add(spec, None, home, [])
    for estate, population in estates:
        builder.community(estate, population)
    return builder.out
