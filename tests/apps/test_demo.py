"""The demo street: its shape, its people, its logins, and that one seed always gives the same street.

Generating the street takes a few seconds, so it is generated once for the module (outside the per-test
transactions) and removed at the end; tests that reset or regenerate it run inside their own transaction,
which rolls back to the module's street. Every test uses the ``db`` fixture (through ``street``) so that
pytest-django keeps them together, before any transactional test empties the database.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F, Q
from django.test import override_settings

from comity.accounts.models import User
from comity.accounts.scope import scope_for
from comity.audit.models import AuditEntry
from comity.demo.accounts import DEMO_PASSWORD, NEWCOMERS
from comity.demo.generator import delete_demo_street
from comity.demo.specs import HIGH_RISE, MIXED, OLD_ESTATE, STREET_CODE
from comity.engine.roles import Role
from comity.structure.models import (
    Area,
    AreaKind,
    Community,
    GovernanceSubject,
    HolderKind,
    Household,
    LegalStatus,
    Membership,
    Ownership,
    Person,
    ResidencyClaim,
    Responsibility,
    Street,
    SubjectKind,
    Tenancy,
    Unit,
    UnitUsage,
)
from comity.structure.selectors import uncovered_matter_categories

#: As ``tests/conftest.py`` sets for every test; the module's street is generated before that applies.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_output(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        out = StringIO()
        call_command("generate_demo", seed=2026, stdout=out)
        yield out.getvalue()
        with transaction.atomic():
            delete_demo_street()


@pytest.fixture
def street(demo_output: str, db: Any) -> Street:
    return Street.objects.get(code=STREET_CODE)


def _community(code: str) -> Community:
    return Community.objects.get(code=code)


def digest() -> str:
    """A fingerprint of the street's content by natural keys (ids differ between runs; content must not)."""
    queries: list[Any] = [
        Unit.objects.values_list(
            "community__code", "building__code", "number", "floor", "exclusive_area", "area_source", "usage"
        ),
        Person.objects.values_list(
            "community__code",
            "full_name",
            "gender",
            "birth_year",
            "phone",
            "is_resident",
            "household__unit__building__code",
            "household__unit__number",
            "household__moved_in_on",
        ),
        Ownership.objects.values_list(
            "unit__building__code",
            "unit__number",
            "holder_kind",
            "person__full_name",
            "holder_name",
            "share_numerator",
            "share_denominator",
            "since",
        ),
        Membership.objects.values_list("subject__name", "person__full_name", "role", "title", "started_on"),
        Responsibility.objects.values_list(
            "community__code",
            "category__code",
            "scope_area__code",
            "lead_subject__name",
            "co_handlers__name",
            "time_limit_hours",
        ),
        Area.objects.values_list("community__code", "kind", "code", "name", "grid_worker__full_name"),
    ]
    rows = [sorted(query, key=repr) for query in queries]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_street_has_three_communities_served_by_every_kind_of_subject(street: Street) -> None:
    assert sorted(street.communities.values_list("code", flat=True)) == sorted([OLD_ESTATE, HIGH_RISE, MIXED])
    kinds = set(GovernanceSubject.objects.filter(street=street).values_list("kind", flat=True))
    assert kinds == set(SubjectKind.values)
    street_level = GovernanceSubject.objects.filter(street=street, community__isnull=True)
    assert sorted(street_level.values_list("kind", flat=True)) == [
        SubjectKind.GOVERNMENT_DEPARTMENT,
        SubjectKind.GOVERNMENT_DEPARTMENT,
        SubjectKind.STREET_OFFICE,
    ]
    for community in street.communities.all():
        subjects = GovernanceSubject.objects.filter(community=community)
        assert subjects.filter(kind=SubjectKind.RESIDENTS_COMMITTEE).count() == 1
        assert subjects.filter(kind=SubjectKind.PROPERTY_MANAGEMENT).exists()
        assert subjects.filter(kind=SubjectKind.VOLUNTEER_TEAM).exists()
        assert subjects.filter(kind=SubjectKind.SELF_GOVERNANCE_GROUP, scope_area__isnull=False).exists()
    for code in (OLD_ESTATE, HIGH_RISE):
        kinds_here = set(
            GovernanceSubject.objects.filter(community__code=code).values_list("kind", flat=True)
        )
        assert {SubjectKind.HOMEOWNERS_ASSEMBLY, SubjectKind.HOMEOWNERS_COMMITTEE} <= kinds_here


def test_the_old_estate_is_a_pre_2000_walk_up_estate_of_about_3000_households(street: Street) -> None:
    old = _community(OLD_ESTATE)
    buildings = Area.objects.filter(community=old, kind=AreaKind.BUILDING)
    assert buildings.count() >= 20
    assert set(buildings.values_list("floors", flat=True)) == {6}
    assert not buildings.filter(has_elevator=True).exists()
    assert not buildings.filter(Q(built_year__isnull=True) | Q(built_year__gte=2000)).exists()
    assert old.built_year is not None
    assert old.built_year < 2000
    assert Area.objects.filter(community=old, kind=AreaKind.STAIRWELL).count() >= 5 * 20
    assert Area.objects.filter(community=old, kind=AreaKind.ZONE).count() >= 2
    assert Area.objects.filter(community=old, kind=AreaKind.COMMON_SPACE).count() >= 3
    assert 2800 <= Household.objects.filter(community=old).count() <= 3200
    units = Unit.objects.filter(community=old)
    assert not units.filter(stairwell__isnull=True).exists()
    assert units.filter(number="2-301").exists()
    areas = list(units.values_list("exclusive_area", flat=True))
    assert min(areas) >= Decimal(45)
    assert max(areas) <= Decimal(95)
    residents = Person.objects.filter(community=old, is_resident=True)
    elderly = residents.filter(birth_year__lte=2026 - 60).count()
    assert 0.25 <= elderly / residents.count() <= 0.35


def test_the_other_communities_are_a_high_rise_and_a_mixed_one_with_shops(street: Street) -> None:
    high_rise = Area.objects.filter(community__code=HIGH_RISE, kind=AreaKind.BUILDING)
    assert all(18 <= (floors or 0) <= 26 for floors in high_rise.values_list("floors", flat=True))
    assert not high_rise.filter(has_elevator=False).exists()
    assert 650 <= Household.objects.filter(community__code=HIGH_RISE).count() <= 850
    assert 850 <= Household.objects.filter(community__code=MIXED).count() <= 1100
    assert Unit.objects.filter(community__code=MIXED, usage=UnitUsage.COMMERCIAL).count() >= 10


def test_grids_group_buildings_of_150_to_200_households_under_a_grid_worker(street: Street) -> None:
    grids = Area.objects.filter(community__street=street, kind=AreaKind.GRID).prefetch_related(
        "grid_buildings"
    )
    assert grids.count() >= 20
    for grid in grids:
        assert grid.grid_worker is not None
        households = Household.objects.filter(unit__building__in=grid.grid_buildings.all()).count()
        assert 140 <= households <= 215, grid


def test_social_organisations_exist_at_each_legal_tier(street: Street) -> None:
    statuses = GovernanceSubject.objects.filter(
        street=street, kind=SubjectKind.SOCIAL_ORGANISATION
    ).values_list("legal_status", flat=True)
    assert set(statuses) == set(LegalStatus.values)


def test_units_are_owned_with_shares_summing_to_one(street: Street) -> None:
    shares: dict[int, Fraction] = defaultdict(Fraction)
    holders: dict[int, int] = defaultdict(int)
    for ownership in Ownership.objects.filter(community__street=street).only(
        "unit_id", "share_numerator", "share_denominator"
    ):
        shares[ownership.unit_id] += ownership.share
        holders[ownership.unit_id] += 1
    assert len(shares) == Unit.objects.filter(community__street=street).count()
    assert set(shares.values()) == {Fraction(1)}
    co_owned = sum(1 for count in holders.values() if count == 2) / len(holders)
    assert 0.10 <= co_owned <= 0.20
    ownerships = Ownership.objects.filter(community__street=street)
    assert ownerships.filter(holder_kind=HolderKind.DEVELOPER, community__code=HIGH_RISE).count() >= 10
    assert (
        ownerships.filter(holder_kind=HolderKind.ORGANISATION, unit__usage=UnitUsage.COMMERCIAL).count() >= 2
    )
    assert ownerships.filter(person__is_resident=False).exists()


def test_about_one_flat_in_eight_is_rented_and_a_few_are_empty(street: Street) -> None:
    old = _community(OLD_ESTATE)
    units = Unit.objects.filter(community=old).count()
    rented = Tenancy.objects.filter(community=old).count()
    assert 0.10 <= rented / units <= 0.16
    empty = Unit.objects.filter(community=old, households__isnull=True).count()
    assert 0 < empty / units < 0.06


EXPECTED_ROLES = [
    ("resident", OLD_ESTATE, {Role.RESIDENT}),
    ("owner", OLD_ESTATE, {Role.RESIDENT, Role.OWNER}),
    ("other-resident", HIGH_RISE, {Role.RESIDENT}),
    ("grid-worker", OLD_ESTATE, {Role.GRID_WORKER}),
    ("committee-staff", OLD_ESTATE, {Role.COMMITTEE_STAFF}),
    ("ngo-staff", OLD_ESTATE, {Role.SUBJECT_STAFF}),
    ("enterprise-staff", OLD_ESTATE, {Role.SUBJECT_STAFF}),
]


@pytest.mark.parametrize(("username", "community_code", "roles"), EXPECTED_ROLES)
def test_each_demo_account_has_the_role_it_is_named_after(
    street: Street, username: str, community_code: str, roles: set[Role]
) -> None:
    user = User.objects.get(username=username)
    assert user.check_password(DEMO_PASSWORD)
    assert user.person.verified_at is not None
    scope = scope_for(user)
    assert scope.community_roles == {_community(community_code).pk: roles}
    assert scope.street_ids == set()


def test_the_demo_resident_rents_and_the_grid_worker_serves_a_grid(street: Street) -> None:
    resident = User.objects.get(username="resident").person
    assert resident.household is not None
    assert Tenancy.objects.filter(household=resident.household).exists()
    grid_worker = User.objects.get(username="grid-worker").person
    assert (
        Area.objects.filter(kind=AreaKind.GRID, grid_worker=grid_worker, community__code=OLD_ESTATE).count()
        == 1
    )
    assert GovernanceSubject.objects.get(
        memberships__person=User.objects.get(username="ngo-staff").person
    ).kind == (SubjectKind.SOCIAL_ORGANISATION)


def test_the_street_official_oversees_the_street_and_admin_runs_the_platform(street: Street) -> None:
    official = scope_for(User.objects.get(username="street-official"))
    assert official.street_ids == {street.pk}
    assert official.community_ids == set()
    admin = User.objects.get(username="admin")
    assert admin.check_password(DEMO_PASSWORD)
    assert admin.is_superuser
    assert admin.is_staff
    assert scope_for(admin).is_platform_staff


def test_newcomers_wait_in_the_old_estates_verification_queue(street: Street) -> None:
    claims = ResidencyClaim.objects.filter(status="pending")
    assert sorted(claims.values_list("user__username", flat=True)) == sorted(NEWCOMERS)
    assert set(claims.values_list("community__code", flat=True)) == {OLD_ESTATE}
    assert not Person.objects.filter(user__username__in=NEWCOMERS).exists()


def test_the_matrix_covers_all_but_two_categories_of_the_old_estate(street: Street) -> None:
    uncovered = {c.code: [x.code for x in uncovered_matter_categories(c)] for c in street.communities.all()}
    assert uncovered == {OLD_ESTATE: ["facilities.lifts", "parking.ev"], HIGH_RISE: [], MIXED: []}
    old_rows = Responsibility.objects.filter(community__code=OLD_ESTATE)
    group_rows = old_rows.filter(lead_subject__kind=SubjectKind.SELF_GOVERNANCE_GROUP)
    assert group_rows.filter(
        category__code="environment.cleaning", scope_area__kind=AreaKind.BUILDING
    ).exists()
    assert old_rows.filter(co_handlers__isnull=False).exists()
    assert old_rows.filter(time_limit_hours__lt=F("category__default_time_limit_hours")).exists()


def test_each_community_records_that_the_demo_was_generated(street: Street) -> None:
    entries = AuditEntry.objects.filter(action="demo.generated", actor__isnull=True)
    assert sorted(entries.values_list("community__code", flat=True)) == sorted([OLD_ESTATE, HIGH_RISE, MIXED])
    assert {entry.changes["seed"] for entry in entries} == {2026}


def test_the_command_prints_one_login_per_role(demo_output: str, street: Street) -> None:
    assert "http://127.0.0.1:8000/" in demo_output
    assert DEMO_PASSWORD in demo_output
    for username in ("resident", "owner", "other-resident", "grid-worker", "committee-staff", "admin"):
        assert f" {username} " in demo_output


def test_running_again_without_reset_changes_nothing(street: Street) -> None:
    before = (Person.objects.count(), Unit.objects.count(), User.objects.count(), street.pk)
    out = StringIO()
    call_command("generate_demo", stdout=out)
    assert (
        Person.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        Street.objects.get().pk,
    ) == before
    assert "already exists" in out.getvalue()
    assert "committee-staff" in out.getvalue()
    assert "seed 2026" in out.getvalue()


def test_reset_with_the_same_seed_regenerates_the_same_street(street: Street) -> None:
    before = digest()
    call_command("generate_demo", seed=2026, reset=True, stdout=StringIO())
    regenerated = Street.objects.get(code=STREET_CODE)
    assert regenerated.pk != street.pk
    assert Street.objects.count() == 1
    assert User.objects.filter(username="owner").count() == 1
    assert digest() == before


def test_another_seed_gives_other_people_in_the_same_buildings(street: Street) -> None:
    before = digest()
    names_before = set(Person.objects.values_list("full_name", flat=True))
    numbers_before = set(Unit.objects.values_list("community__code", "building__code", "number"))
    call_command("generate_demo", seed=7, reset=True, stdout=StringIO())
    assert digest() != before
    assert set(Person.objects.values_list("full_name", flat=True)) != names_before
    assert set(Unit.objects.values_list("community__code", "building__code", "number")) == numbers_before


def test_a_real_account_with_a_demo_username_stops_the_reset(street: Street) -> None:
    User.objects.filter(username="admin").update(email="ops@example.org")
    with pytest.raises(CommandError, match="admin"):
        call_command("generate_demo", reset=True, stdout=StringIO())
    assert Street.objects.get(code=STREET_CODE).pk == street.pk


@pytest.mark.parametrize(
    ("username", "lands_on", "may_open"),
    [
        ("resident", "structure:overview", "structure:matrix"),
        ("owner", "structure:overview", "structure:map"),
        ("other-resident", "structure:overview", "structure:subjects"),
        ("grid-worker", "structure:overview", "structure:map"),
        ("committee-staff", "structure:overview", "structure:claims"),
        ("street-official", "structure:street", "structure:street"),
        ("ngo-staff", "structure:overview", "structure:subjects"),
        ("enterprise-staff", "structure:overview", "structure:matrix"),
    ],
)
def test_every_printed_login_works_and_lands_on_its_home(
    street: Street, client: Any, username: str, lands_on: str, may_open: str
) -> None:
    from django.urls import resolve

    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    match = resolve(home["Location"])
    assert match.view_name == lands_on
    target = home["Location"] if may_open == lands_on else None
    if target is None:
        from django.urls import reverse

        target = reverse(may_open, kwargs=match.kwargs)
    assert client.get(target).status_code == 200


def test_the_printed_admin_login_opens_the_admin(street: Street, client: Any) -> None:
    assert (
        client.post("/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD}).status_code == 302
    )
    assert client.get("/admin/").status_code == 200
