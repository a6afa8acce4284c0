"""Registering governance subjects and giving people roles in them: how permissions are granted and taken."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from comity.audit.models import AuditEntry
from comity.engine.roles import Role
from comity.structure import services as subject_services
from comity.structure.models import GovernanceSubject, Membership, Person, SubjectKind
from comity.structure.scope import scope_for

from ..factories import AreaFactory, PersonFactory, UserFactory


def test_committee_staff_register_a_volunteer_team(world):
    team = subject_services.create_subject(
        world.user("committee_staff"), world.harmony, kind=SubjectKind.VOLUNTEER_TEAM, name="Night Patrol"
    )
    assert (team.community, team.street) == (world.harmony, world.street)
    entry = AuditEntry.objects.get(action="subject.create")
    assert entry.changes["after"]["name"] == "Night Patrol"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": SubjectKind.SOCIAL_ORGANISATION, "name": "Care"}, "legal_status"),
        ({"kind": SubjectKind.VOLUNTEER_TEAM, "name": "Team", "legal_status": "filed"}, "legal_status"),
        ({"kind": SubjectKind.SELF_GOVERNANCE_GROUP, "name": "Group"}, "scope_area"),
        ({"kind": SubjectKind.STREET_OFFICE, "name": "Another office"}, "kind"),
        ({"kind": SubjectKind.VOLUNTEER_TEAM, "name": "  "}, "name"),
    ],
)
def test_invalid_subjects_are_refused_with_a_reason(world, data, field):
    before = GovernanceSubject.objects.count()
    with pytest.raises(ValidationError) as error:
        subject_services.create_subject(world.user("committee_staff"), world.harmony, **data)
    assert field in error.value.message_dict
    assert GovernanceSubject.objects.count() == before


def test_a_self_governance_group_acts_for_an_area_of_its_community(world):
    group = subject_services.create_subject(
        world.user("committee_staff"),
        world.harmony,
        kind=SubjectKind.SELF_GOVERNANCE_GROUP,
        name="Building 1 group",
        scope_area=world.building,
    )
    assert group.scope_area == world.building
    foreign = AreaFactory(community=world.riverside, code="R9")
    with pytest.raises(ValidationError):
        subject_services.create_subject(
            world.user("committee_staff"),
            world.harmony,
            kind=SubjectKind.SELF_GOVERNANCE_GROUP,
            name="Wrong",
            scope_area=foreign,
        )


def test_adding_a_member_gives_the_role_and_ending_it_takes_it_away(world):
    staff = world.user("committee_staff")
    newcomer = UserFactory(username="li")
    PersonFactory(user=newcomer, community=world.harmony, full_name="Li Ming", phone="13800000000")
    membership = subject_services.add_membership(staff, world.committee, full_name="Li Ming", role="staff")
    assert scope_for(newcomer).roles_in(world.harmony.pk) == {Role.RESIDENT, Role.COMMITTEE_STAFF}
    assert newcomer.has_perm("structure.edit_matrix", world.harmony)
    subject_services.end_membership(staff, membership)
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)
    assert scope_for(newcomer).roles_in(world.harmony.pk) == {Role.RESIDENT}
    assert not newcomer.has_perm("structure.edit_matrix", world.harmony)
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("id")) == [
        "membership.add",
        "membership.end",
    ]


def test_a_person_not_in_the_registry_is_recorded_as_a_non_resident(world):
    membership = subject_services.add_membership(
        world.user("committee_staff"),
        world.property_company,
        full_name="Zhou Gong",
        phone="13511112222",
        role="staff",
    )
    person = membership.person
    assert (person.community, person.is_resident, person.phone) == (world.harmony, False, "13511112222")


def test_namesakes_need_a_phone_number(world):
    PersonFactory(community=world.harmony, full_name="Wang Fang", phone="13900000001")
    PersonFactory(community=world.harmony, full_name="Wang Fang", phone="13900000002")
    with pytest.raises(ValidationError) as error:
        subject_services.add_membership(
            world.user("committee_staff"), world.ngo, full_name="Wang Fang", role="volunteer"
        )
    assert "phone" in error.value.message_dict
    membership = subject_services.add_membership(
        world.user("committee_staff"),
        world.ngo,
        full_name="Wang Fang",
        phone="139 0000 0002",
        role="volunteer",
    )
    assert membership.person.phone == "13900000002"


def test_the_same_role_twice_is_refused(world):
    with pytest.raises(ValidationError, match="already has this role"):
        subject_services.add_membership(
            world.user("committee_staff"), world.committee, full_name="Chen", role="staff"
        )


def test_street_officials_manage_street_level_subjects_only(world):
    official = world.user("street_official")
    subject_services.update_subject(official, world.street_office, phone="0371-1234567")
    with pytest.raises(PermissionDenied):
        subject_services.update_subject(official, world.property_company, phone="x")
    with pytest.raises(PermissionDenied):
        subject_services.add_membership(official, world.committee, full_name="Someone", role="staff")
    assert Person.objects.filter(full_name="Someone").count() == 0


def test_editing_records_what_changed(world):
    subject_services.update_subject(
        world.user("committee_staff"), world.ngo, phone="(0371) 555 0000", is_active=False
    )
    world.ngo.refresh_from_db()
    assert (world.ngo.phone, world.ngo.is_active) == ("0371-5550000", False)
    entry = AuditEntry.objects.get(action="subject.update")
    assert entry.changes == {"phone": {"before": "", "after": "0371-5550000"}}


def test_subject_page_lets_staff_add_a_member_and_shows_errors(world, client_for):
    client = client_for("committee_staff")
    url = reverse("structure:membership_add", args=[world.ngo.pk])
    bad = client.post(url, {"full_name": "", "role": "volunteer"})
    assert bad.status_code == 400
    assert "full_name" in bad.context["membership_form"].errors
    good = client.post(url, {"full_name": "Xu Li", "role": "volunteer", "title": "Coordinator"})
    assert good.status_code == 302
    assert Membership.objects.filter(
        subject=world.ngo, person__full_name="Xu Li", title="Coordinator"
    ).exists()
    page = client.get(reverse("structure:subject", args=[world.ngo.pk]))
    assert "Xu Li" in page.content.decode()
    assert "End role" in page.content.decode()
    resident_page = client_for("resident").get(reverse("structure:subject", args=[world.ngo.pk]))
    assert "End role" not in resident_page.content.decode()
    assert "Add a member" not in resident_page.content.decode()


def test_registering_through_the_page(world, client_for):
    response = client_for("committee_staff").post(
        reverse("structure:subject_new", args=[world.harmony.pk]),
        {"kind": "social_organisation", "name": "Reading Club", "legal_status": "community_guided"},
    )
    subject = GovernanceSubject.objects.get(name="Reading Club")
    assert response["Location"] == reverse("structure:subject", args=[subject.pk])
    form_page = client_for("committee_staff").get(reverse("structure:subject_new", args=[world.harmony.pk]))
    kinds = [value for value, _ in form_page.context["form"].fields["kind"].choices]
    assert "street_office" not in kinds
    assert "volunteer_team" in kinds


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("+86 139-1234-5678", "13912345678"), ("010 1234 5678转8", "010-12345678-8"), ("", "")],
)
def test_subject_phones_are_stored_normalised(world, typed, stored):
    subject_services.update_subject(world.user("committee_staff"), world.ngo, phone=typed)
    world.ngo.refresh_from_db()
    assert world.ngo.phone == stored


@pytest.mark.parametrize("typed", ["12345", "call me", "010-1234567", "+1 415 555 0100"])
def test_a_subject_phone_that_is_no_mainland_number_is_an_error_on_the_field(world, client_for, typed):
    response = client_for("committee_staff").post(
        reverse("structure:subject_edit", args=[world.ngo.pk]),
        {
            "kind": world.ngo.kind,
            "name": world.ngo.name,
            "legal_status": world.ngo.legal_status,
            "phone": typed,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        f"“{typed}” is not a phone number. Enter a mobile number such as 139 1234 5678, or a landline with "
        "its area code such as 010-12345678."
    ]
    world.ngo.refresh_from_db()
    assert world.ngo.phone == ""
