"""The cast shared by the Django tests (after healthchecks' Alice, Bob and Charlie).

Two communities on one street, Harmony (ours) and Riverside (another), and one person per role:

========================  ==================================================================
fixture                    who
========================  ==================================================================
``resident``               Rui, a verified resident (tenant household) of Harmony
``owner``                  Olga, a verified resident who owns unit 1-101 of Harmony
``other_resident``         Otto, a verified resident of Riverside
``grid_worker``            Gao, grid worker of Harmony's residents' committee
``committee_staff``        Chen, staff of Harmony's residents' committee
``street_official``        Shu, staff of the street office
``ngo_staff``              Nia, staff of a social organisation serving Harmony
``enterprise_staff``       Eli, staff of Harmony's property-management company
``anonymous``              a visitor who is not logged in (``None``)
``platform_staff``         Pat, a superuser who runs the platform
========================  ==================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from comity.structure.models import AreaKind, LegalStatus, MatterCategory, SubjectKind

from .factories import (
    PASSWORD,
    AreaFactory,
    CommunityFactory,
    HouseholdFactory,
    MembershipFactory,
    OwnershipFactory,
    PersonFactory,
    ResponsibilityFactory,
    StreetFactory,
    SubjectFactory,
    UnitFactory,
    UserFactory,
)


@dataclass
class World:
    street: Any
    harmony: Any
    riverside: Any
    building: Any
    stairwell: Any
    unit: Any
    committee: Any
    street_office: Any
    property_company: Any
    ngo: Any
    riverside_committee: Any
    users: dict[str, Any]
    password: str = PASSWORD

    def user(self, role: str) -> Any:
        return self.users[role]


def _person_with_user(username: str, community: Any, **person_kwargs: Any) -> Any:
    user = UserFactory(username=username)
    PersonFactory(user=user, community=community, full_name=username.title(), **person_kwargs)
    return user


@pytest.fixture
def world(db: Any) -> World:
    street = StreetFactory(name="Peace Street", code="peace")
    harmony = CommunityFactory(street=street, name="Harmony", code="harmony", built_year=1996)
    riverside = CommunityFactory(street=street, name="Riverside", code="riverside", built_year=2008)
    building = AreaFactory(community=harmony, kind=AreaKind.BUILDING, code="1", name="Building 1")
    stairwell = AreaFactory(
        community=harmony, kind=AreaKind.STAIRWELL, code="1-1", name="Stairwell 1-1", parent=building
    )
    unit = UnitFactory(building=building, stairwell=stairwell, number="101", floor=1)
    committee = SubjectFactory(community=harmony, kind=SubjectKind.RESIDENTS_COMMITTEE, name="Harmony RC")
    street_office = SubjectFactory(
        community=None, street=street, kind=SubjectKind.STREET_OFFICE, name="Peace Street Office"
    )
    property_company = SubjectFactory(
        community=harmony, kind=SubjectKind.PROPERTY_MANAGEMENT, name="Evergreen Property"
    )
    ngo = SubjectFactory(
        community=harmony,
        kind=SubjectKind.SOCIAL_ORGANISATION,
        name="Silver Age Care",
        legal_status=LegalStatus.REGISTERED,
    )
    riverside_committee = SubjectFactory(
        community=riverside, kind=SubjectKind.RESIDENTS_COMMITTEE, name="Riverside RC"
    )

    users: dict[str, Any] = {"anonymous": None}
    tenant_household = HouseholdFactory(
        unit=UnitFactory(building=building, stairwell=stairwell, number="102", floor=1)
    )
    users["resident"] = _person_with_user("rui", harmony, household=tenant_household)
    users["owner"] = _person_with_user("olga", harmony, household=HouseholdFactory(unit=unit))
    OwnershipFactory(unit=unit, person=users["owner"].person)
    users["other_resident"] = _person_with_user("otto", riverside)
    for role, username, subject, membership_role in [
        ("grid_worker", "gao", committee, "grid_worker"),
        ("committee_staff", "chen", committee, "staff"),
        ("street_official", "shu", street_office, "staff"),
        ("ngo_staff", "nia", ngo, "staff"),
        ("enterprise_staff", "eli", property_company, "staff"),
    ]:
        user = _person_with_user(username, harmony, is_resident=False)
        MembershipFactory(subject=subject, person=user.person, role=membership_role)
        users[role] = user
    users["platform_staff"] = UserFactory(username="pat", is_staff=True, is_superuser=True)
    ResponsibilityFactory(
        community=harmony,
        category=MatterCategory.objects.get(code="facilities.lifts"),
        lead_subject=property_company,
        time_limit_hours=24,
    )
    return World(
        street=street,
        harmony=harmony,
        riverside=riverside,
        building=building,
        stairwell=stairwell,
        unit=unit,
        committee=committee,
        street_office=street_office,
        property_company=property_company,
        ngo=ngo,
        riverside_committee=riverside_committee,
        users=users,
    )


@pytest.fixture
def client_for(client: Any, world: World) -> Any:
    """``client_for("committee_staff")`` returns the test client logged in as that member of the cast."""

    def login(role: str) -> Any:
        client.logout()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests create many accounts; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default() -> Any:
    """Each test starts in English: a request in Chinese must not leave its language active for the next test."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Each test starts with an empty cache: ids repeat between tests, so a cached report must not outlive one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
