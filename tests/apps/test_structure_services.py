"""Writes to the registry: validation, permission checks and the audit entry each one leaves."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from comity.audit.models import AuditEntry
from comity.engine.roles import Role
from comity.structure import services
from comity.structure.models import (
    ClaimStatus,
    MatterCategory,
    Ownership,
    Person,
    ResidencyClaim,
    Responsibility,
    SubjectKind,
    Tenancy,
)
from comity.structure.scope import scope_for

from ..factories import PersonFactory, SubjectFactory, UnitFactory, UserFactory


def lifts(world):
    return Responsibility.objects.get(community=world.harmony, category__code="facilities.lifts")


def test_updating_a_responsibility_records_before_and_after(world):
    staff = world.user("committee_staff")
    row = services.update_responsibility(
        staff,
        lifts(world),
        lead_subject=world.committee,
        co_handlers=[world.property_company],
        time_limit_hours=12,
    )
    assert row.lead_subject == world.committee
    assert list(row.co_handlers.all()) == [world.property_company]
    entry = AuditEntry.objects.get(action="responsibility.update")
    assert entry.actor == staff
    assert entry.community == world.harmony
    assert entry.street == world.street
    assert entry.object_id == str(row.pk)
    assert entry.changes["lead"] == {"before": "Evergreen Property", "after": "Harmony RC"}
    assert entry.changes["time_limit_hours"] == {"before": 24, "after": 12}
    assert "notes" not in entry.changes


def test_a_subject_of_another_community_cannot_lead(world):
    with pytest.raises(ValidationError) as error:
        services.update_responsibility(
            world.user("committee_staff"),
            lifts(world),
            lead_subject=world.riverside_committee,
            co_handlers=[],
            time_limit_hours=24,
        )
    assert "lead_subject" in error.value.message_dict
    assert lifts(world).lead_subject == world.property_company
    assert not AuditEntry.objects.exists()


def test_street_level_subjects_may_lead_in_every_community_of_the_street(world):
    row = services.update_responsibility(
        world.user("committee_staff"),
        lifts(world),
        lead_subject=world.street_office,
        co_handlers=[],
        time_limit_hours=24,
    )
    assert row.lead_subject == world.street_office


def test_lead_cannot_also_co_handle(world):
    with pytest.raises(ValidationError) as error:
        services.update_responsibility(
            world.user("committee_staff"),
            lifts(world),
            lead_subject=world.committee,
            co_handlers=[world.committee],
            time_limit_hours=24,
        )
    assert "co_handlers" in error.value.message_dict


def test_only_committee_staff_may_change_the_matrix(world):
    for role in ["resident", "owner", "grid_worker", "street_official", "ngo_staff", "enterprise_staff"]:
        with pytest.raises(PermissionDenied):
            services.update_responsibility(
                world.user(role),
                lifts(world),
                lead_subject=world.committee,
                co_handlers=[],
                time_limit_hours=1,
            )
    assert lifts(world).lead_subject == world.property_company


def test_creating_a_row_uses_the_category_default_time_limit(world):
    category = MatterCategory.objects.get(code="facilities.gas")
    row = services.create_responsibility(
        world.user("committee_staff"),
        world.harmony,
        category=category,
        scope_area=None,
        lead_subject=world.property_company,
    )
    assert row.time_limit_hours == 2
    assert AuditEntry.objects.filter(action="responsibility.create", object_id=str(row.pk)).exists()


def test_a_category_has_one_row_per_scope(world):
    category = MatterCategory.objects.get(code="facilities.lifts")
    with pytest.raises(ValidationError):
        services.create_responsibility(
            world.user("committee_staff"),
            world.harmony,
            category=category,
            scope_area=None,
            lead_subject=world.committee,
        )
    row = services.create_responsibility(
        world.user("committee_staff"),
        world.harmony,
        category=category,
        scope_area=world.building,
        lead_subject=world.committee,
    )
    assert row.scope_area == world.building


def test_deleting_a_row_is_audited(world):
    services.delete_responsibility(world.user("committee_staff"), lifts(world))
    assert not Responsibility.objects.filter(community=world.harmony).exists()
    entry = AuditEntry.objects.get(action="responsibility.delete")
    assert entry.changes["before"]["lead"] == "Evergreen Property"


def claim(world, *, relation="family", full_name="Wang Fang", unit=None):
    user = UserFactory(username=f"claimant-{ResidencyClaim.objects.count()}")
    return services.submit_residency_claim(user, unit or world.unit, relation=relation, full_name=full_name)


def test_a_confirmed_family_claim_makes_a_verified_resident(world):
    submitted = claim(world)
    person = services.confirm_residency_claim(world.user("committee_staff"), submitted)
    submitted.refresh_from_db()
    assert submitted.status == ClaimStatus.CONFIRMED
    assert submitted.decided_by == world.user("committee_staff")
    assert person.user == submitted.user
    assert person.household.unit == world.unit
    assert person.verified_at is not None
    assert scope_for(submitted.user).roles_in(world.harmony.pk) == {Role.RESIDENT}
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("id")) == [
        "claim.submit",
        "claim.confirm",
    ]


def test_an_owner_claim_links_the_registered_owner(world):
    unit = UnitFactory(building=world.building, number="201", floor=2)
    registered = PersonFactory(community=world.harmony, full_name="Li Na", verified_at=None)
    Ownership.objects.create(community=world.harmony, unit=unit, person=registered)
    submitted = claim(world, relation="owner", full_name="Li Na", unit=unit)
    person = services.confirm_residency_claim(world.user("committee_staff"), submitted)
    assert person.pk == registered.pk
    assert scope_for(submitted.user).roles_in(world.harmony.pk) == {Role.RESIDENT, Role.OWNER}


def test_an_owner_claim_without_a_registered_owner_is_refused(world):
    submitted = claim(world, relation="owner", full_name="Nobody Registered")
    persons = Person.objects.count()
    with pytest.raises(ValidationError, match="No owner named Nobody Registered"):
        services.confirm_residency_claim(world.user("committee_staff"), submitted)
    submitted.refresh_from_db()
    assert submitted.status == ClaimStatus.PENDING
    assert Person.objects.count() == persons


def test_a_tenant_claim_records_the_tenancy(world):
    submitted = claim(world, relation="tenant", full_name="Zhao Lei")
    person = services.confirm_residency_claim(world.user("committee_staff"), submitted)
    assert Tenancy.objects.filter(unit=world.unit, household=person.household).exists()


def test_rejection_needs_a_reason_the_claimant_reads(world):
    submitted = claim(world)
    with pytest.raises(ValidationError):
        services.reject_residency_claim(world.user("committee_staff"), submitted, reason="  ")
    services.reject_residency_claim(
        world.user("committee_staff"), submitted, reason="Not on the household register"
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reason) == (ClaimStatus.REJECTED, "Not on the household register")
    with pytest.raises(ValidationError, match="already been decided"):
        services.confirm_residency_claim(world.user("committee_staff"), submitted)


def test_one_pending_claim_per_unit_and_account(world):
    submitted = claim(world)
    with pytest.raises(ValidationError, match="already have a claim"):
        services.submit_residency_claim(submitted.user, world.unit, relation="family", full_name="Again")


def test_staff_of_another_community_cannot_decide(world):
    outsider = UserFactory(username="riverside-staff")
    PersonFactory(user=outsider, community=world.riverside, is_resident=False)
    from ..factories import MembershipFactory

    MembershipFactory(subject=world.riverside_committee, person=outsider.person, role="staff")
    submitted = claim(world)
    with pytest.raises(PermissionDenied):
        services.confirm_residency_claim(outsider, submitted)
    submitted.refresh_from_db()
    assert submitted.status == ClaimStatus.PENDING


def test_social_organisations_must_state_their_legal_status(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectFactory(community=world.harmony, kind=SubjectKind.SOCIAL_ORGANISATION, legal_status="")


def test_a_worker_claiming_their_home_keeps_their_role_and_gains_the_ownership(world):
    """The account's person and the registry's owner record are one human: they are merged, nothing is lost."""
    chen = world.user("committee_staff")
    unit = UnitFactory(building=world.building, number="601", floor=6)
    registered = PersonFactory(community=world.harmony, full_name="Chen", verified_at=None)
    Ownership.objects.create(community=world.harmony, unit=unit, person=registered)
    submitted = services.submit_residency_claim(chen, unit, relation="owner", full_name="Chen")
    person = services.confirm_residency_claim(world.user("platform_staff"), submitted)
    assert person == chen.person
    assert not Person.objects.filter(pk=registered.pk).exists()
    assert Ownership.objects.get(unit=unit).person == person
    chen = type(chen).objects.get(pk=chen.pk)
    assert scope_for(chen).roles_in(world.harmony.pk) == {Role.RESIDENT, Role.OWNER, Role.COMMITTEE_STAFF}
