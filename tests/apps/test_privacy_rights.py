"""Consent and the rights to correct, delete and have an automatic step reviewed: the services (PIPL Arts. 14–15,
24, 29, 31, 46–47, 50)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comity.appeals.services import submit_appeal
from comity.audit.models import AuditEntry
from comity.notifications.models import Notification
from comity.privacy.models import Channel, Consent, NoticeVersion, RequestKind, RequestStatus, RightsRequest
from comity.privacy.register import purposes_fingerprint
from comity.privacy.selectors.consent import asked_again, consent_rows
from comity.privacy.selectors.requests import due_after, own_appeals, request_queue
from comity.privacy.services.consent import give_consent, record_consent, withdraw_consent
from comity.privacy.services.requests import (
    answer_review,
    ask,
    carry_out_correction,
    carry_out_deletion,
    record_request,
    refuse,
    withdraw_request,
)
from comity.structure.models import MatterCategory
from comity.structure.services import correct_person
from tests.cast import World
from tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _person(world: World, role: str) -> Any:
    return world.user(role).person


def _family(world: World) -> tuple[Any, Any]:
    """A child under 14 and their parent in one household of Harmony, neither with an account."""
    household = HouseholdFactory(unit=world.unit)
    this_year = timezone.localdate().year
    parent = PersonFactory(community=world.harmony, household=household, full_name="Parent", birth_year=1985)
    child = PersonFactory(
        community=world.harmony, household=household, full_name="Child", birth_year=this_year - 8
    )
    return child, parent


# --- Consent -------------------------------------------------------------------------------------------------------


def test_a_resident_consents_online_under_the_current_notice(world: World) -> None:
    rui = world.user("resident")
    consent = give_consent(rui, rui.person, "contact")
    notice = NoticeVersion.objects.order_by("-number").first()
    assert consent.notice == notice
    assert consent.channel == Channel.ONLINE
    assert consent.fingerprint == purposes_fingerprint("contact")
    assert consent.withdrawn_at is None
    assert AuditEntry.objects.filter(action="privacy.give_consent", object_id=str(consent.pk)).count() == 1


def test_consenting_twice_keeps_one_standing_consent(world: World) -> None:
    rui = world.user("resident")
    first = give_consent(rui, rui.person, "contact")
    second = give_consent(rui, rui.person, "contact")
    assert first.pk == second.pk
    assert Consent.objects.filter(person=rui.person).count() == 1


def test_only_consent_based_categories_can_be_consented_to(world: World) -> None:
    rui = world.user("resident")
    with pytest.raises(ValidationError) as error:
        give_consent(rui, rui.person, "identity_home")
    assert "category" in error.value.message_dict
    with pytest.raises(ValidationError):
        give_consent(rui, rui.person, "no_such_thing")
    assert not Consent.objects.exists()


def test_nobody_consents_for_someone_else_online(world: World) -> None:
    with pytest.raises(PermissionDenied):
        give_consent(world.user("committee_staff"), _person(world, "resident"), "contact")
    assert not Consent.objects.exists()


def test_each_sensitive_category_needs_its_own_consent(world: World) -> None:
    rui = world.user("resident")
    give_consent(rui, rui.person, "contact")
    rows = {row.code: row for row in consent_rows(rui.person)}
    assert rows["contact"].given
    assert not rows["care_needs"].given
    give_consent(rui, rui.person, "care_needs")
    assert set(Consent.objects.filter(person=rui.person).values_list("category", flat=True)) == {
        "contact",
        "care_needs",
    }


def test_a_minor_cannot_consent_themself(world: World) -> None:
    child, _parent = _family(world)
    with pytest.raises(ValidationError) as error:
        record_consent(world.user("committee_staff"), child, "activities", Channel.ASSISTED)
    assert "guardian" in error.value.message_dict
    assert not Consent.objects.exists()


def test_a_guardian_of_the_household_consents_for_a_child(world: World) -> None:
    child, parent = _family(world)
    consent = record_consent(
        world.user("grid_worker"), child, "minors", Channel.PAPER, document="F-2026-17", guardian=parent
    )
    assert consent.guardian == parent
    assert consent.document == "F-2026-17"
    assert consent.recorded_by == world.user("grid_worker")
    assert AuditEntry.objects.filter(action="privacy.record_consent").count() == 1


def test_a_guardian_from_another_household_or_a_child_is_refused(world: World) -> None:
    child, _parent = _family(world)
    stranger = PersonFactory(
        community=world.harmony, household=HouseholdFactory(unit=world.unit), birth_year=1970
    )
    sibling = PersonFactory(
        community=world.harmony, household=child.household, birth_year=timezone.localdate().year - 10
    )
    for guardian in (stranger, sibling, child):
        with pytest.raises(ValidationError) as error:
            record_consent(
                world.user("committee_staff"), child, "minors", Channel.ASSISTED, guardian=guardian
            )
        assert "guardian" in error.value.message_dict
    assert not Consent.objects.exists()


def test_the_minors_category_is_only_for_a_child(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        record_consent(world.user("committee_staff"), _person(world, "resident"), "minors", Channel.ASSISTED)
    assert "category" in error.value.message_dict


def test_paper_consent_needs_the_form_and_staff_channels_only(world: World) -> None:
    staff, rui = world.user("committee_staff"), _person(world, "resident")
    with pytest.raises(ValidationError) as error:
        record_consent(staff, rui, "contact", Channel.PAPER)
    assert "document" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        record_consent(staff, rui, "contact", Channel.ONLINE)
    assert "channel" in error.value.message_dict
    assert not Consent.objects.exists()


@pytest.mark.parametrize("role", ["resident", "owner", "other_resident", "street_official", "ngo_staff"])
def test_only_serving_staff_record_consent(world: World, role: str) -> None:
    with pytest.raises(PermissionDenied):
        record_consent(world.user(role), _person(world, "resident"), "contact", Channel.ASSISTED)
    assert not Consent.objects.exists()


def test_withdrawing_contact_consent_blanks_the_phone(world: World) -> None:
    rui = world.user("resident")
    rui.person.phone = "13912345678"
    rui.person.save()
    consent = give_consent(rui, rui.person, "contact")
    withdraw_consent(rui, consent)
    consent.refresh_from_db()
    rui.person.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by == rui
    assert rui.person.phone == ""
    entry = AuditEntry.objects.get(action="privacy.withdraw_consent")
    assert entry.changes == {"phone": ["139****5678", ""]}
    with pytest.raises(ValidationError):
        withdraw_consent(rui, consent)


def test_staff_may_withdraw_for_a_person_and_a_neighbour_may_not(world: World) -> None:
    rui = world.user("resident")
    consent = give_consent(rui, rui.person, "activities")
    with pytest.raises(PermissionDenied):
        withdraw_consent(world.user("owner"), consent)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    withdraw_consent(world.user("committee_staff"), consent)
    consent.refresh_from_db()
    assert consent.withdrawn_by == world.user("committee_staff")


def test_a_consent_to_changed_purposes_is_asked_again(world: World) -> None:
    rui = world.user("resident")
    consent = give_consent(rui, rui.person, "contact")
    assert asked_again(rui.person) == []
    Consent.objects.filter(pk=consent.pk).update(fingerprint="0" * 64)
    assert [item.pk for item in asked_again(rui.person)] == [consent.pk]
    assert {row.code: row.asked_again for row in consent_rows(rui.person)}["contact"] is True
    renewed = give_consent(rui, rui.person, "contact")
    consent.refresh_from_db()
    assert renewed.pk != consent.pk
    assert consent.withdrawn_at is not None
    assert asked_again(rui.person) == []


# --- Requests ------------------------------------------------------------------------------------------------------


def test_asking_for_a_correction_is_due_in_fifteen_working_days(world: World) -> None:
    rui = world.user("resident")
    # Monday 9:00 in Shanghai: three weeks of working days (9:00–17:30 by default), due on the third Friday.
    with time_machine.travel(datetime(2026, 3, 2, 1, 0, tzinfo=UTC), tick=False):
        request = ask(rui, RequestKind.CORRECTION, "phone", "139 1234 5678", "A digit is wrong.")
    assert request.status == RequestStatus.OPEN
    assert request.proposed == "13912345678"
    assert request.person == rui.person
    assert request.community == world.harmony
    assert timezone.localtime(request.due_at).replace(tzinfo=None) == datetime(2026, 3, 20, 17, 30)
    assert AuditEntry.objects.filter(action="privacy.ask", object_id=str(request.pk)).count() == 1


def test_the_due_date_skips_weekends(world: World) -> None:
    friday_evening = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai, after work
    due = due_after(world.harmony, friday_evening)
    assert timezone.localtime(due).replace(tzinfo=None) == datetime(2026, 3, 27, 17, 30)


def test_a_new_request_tells_the_committee(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(world.user("resident"), RequestKind.DELETION, "activities")
    told = set(
        Notification.objects.filter(kind="privacy.request").values_list("recipient__username", flat=True)
    )
    assert told == {"chen"}
    assert Notification.objects.get(recipient__username="chen").url.endswith(f"/requests/{request.pk}/")


def test_a_bad_correction_is_refused_on_its_field(world: World) -> None:
    rui = world.user("resident")
    with pytest.raises(ValidationError) as error:
        ask(rui, RequestKind.CORRECTION, "phone", "12345")
    assert "proposed" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ask(rui, RequestKind.CORRECTION, "birth_year", "1850")
    assert "proposed" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ask(rui, RequestKind.CORRECTION, "household", "x")
    assert "target" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ask(rui, RequestKind.REVIEW, "", "", "")
    assert "details" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ask(rui, RequestKind.REVIEW, "appeal:999999", "", "wrong")
    assert "target" in error.value.message_dict
    assert not RightsRequest.objects.exists()


def test_the_same_open_request_is_not_made_twice(world: World) -> None:
    rui = world.user("resident")
    ask(rui, RequestKind.DELETION, "all")
    with pytest.raises(ValidationError):
        ask(rui, RequestKind.DELETION, "all")
    assert RightsRequest.objects.count() == 1


def test_an_account_without_a_person_cannot_ask(world: World) -> None:
    with pytest.raises(ValidationError):
        ask(world.user("platform_staff"), RequestKind.DELETION, "all")


def test_carrying_out_a_correction_changes_the_register_and_tells_the_requester(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    rui = world.user("resident")
    request = ask(rui, RequestKind.CORRECTION, "full_name", "Rui Wang")
    with django_capture_on_commit_callbacks(execute=True):
        carry_out_correction(world.user("committee_staff"), request, "Rui Wang", "Corrected, thank you.")
    rui.person.refresh_from_db()
    request.refresh_from_db()
    assert rui.person.full_name == "Rui Wang"
    assert request.status == RequestStatus.DONE
    assert request.answered_by == world.user("committee_staff")
    assert request.answer == "Corrected, thank you."
    entry = AuditEntry.objects.get(action="person.correct")
    assert entry.changes == {"full_name": ["Rui", "Rui Wang"]}
    assert Notification.objects.filter(recipient=rui, kind="privacy.answer").count() == 1


def test_a_correction_with_a_bad_value_changes_nothing(world: World) -> None:
    rui = world.user("resident")
    request = ask(rui, RequestKind.CORRECTION, "phone", "13912345678")
    with pytest.raises(ValidationError) as error:
        carry_out_correction(world.user("committee_staff"), request, "not a phone")
    assert "value" in error.value.message_dict
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert not AuditEntry.objects.filter(action="person.correct").exists()


@pytest.mark.parametrize("role", ["resident", "grid_worker", "street_official", "ngo_staff"])
def test_only_the_committee_answers_requests(world: World, role: str) -> None:
    request = ask(world.user("resident"), RequestKind.CORRECTION, "full_name", "Rui Wang")
    with pytest.raises(PermissionDenied):
        carry_out_correction(world.user(role), request, "Rui Wang")
    with pytest.raises(PermissionDenied):
        refuse(world.user(role), request, "No.")
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert _person(world, "resident").full_name == "Rui"


def test_refusing_needs_reasons(world: World) -> None:
    request = ask(world.user("resident"), RequestKind.DELETION, "ballots")
    with pytest.raises(ValidationError) as error:
        refuse(world.user("committee_staff"), request, "   ")
    assert "reasons" in error.value.message_dict
    refuse(world.user("committee_staff"), request, "A legal record of the decision.")
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert request.answer == "A legal record of the decision."
    with pytest.raises(ValidationError):
        refuse(world.user("committee_staff"), request, "Again.")


def test_a_review_is_answered_by_a_person(world: World) -> None:
    request = ask(world.user("resident"), RequestKind.REVIEW, "", "", "My appeal went to the wrong office.")
    with pytest.raises(ValidationError) as error:
        answer_review(world.user("committee_staff"), request, "")
    assert "answer" in error.value.message_dict
    answer_review(
        world.user("committee_staff"), request, "We looked again: it is now with the property company."
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE


def test_the_requester_withdraws_an_open_request_only(world: World) -> None:
    rui = world.user("resident")
    request = ask(rui, RequestKind.DELETION, "all")
    with pytest.raises(PermissionDenied):
        withdraw_request(world.user("committee_staff"), request)
    withdraw_request(rui, request)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        withdraw_request(rui, request)


def test_staff_record_a_request_made_in_person(world: World) -> None:
    _child, parent = _family(world)
    request = record_request(world.user("grid_worker"), parent, RequestKind.CORRECTION, "birth_year", "1984")
    assert request.user is None
    assert request.recorded_by == world.user("grid_worker")
    assert request.proposed == "1984"
    with pytest.raises(PermissionDenied):
        record_request(world.user("resident"), parent, RequestKind.DELETION, "all")


def test_carrying_out_a_deletion_erases_through_the_declarations(world: World) -> None:
    rui = world.user("resident")
    rui.person.phone = "13912345678"
    rui.person.save()
    consent = give_consent(rui, rui.person, "contact")
    request = ask(rui, RequestKind.DELETION, "contact")
    carry_out_deletion(world.user("committee_staff"), request)
    request.refresh_from_db()
    consent.refresh_from_db()
    rui.person.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert request.outcome["privacy.Consent"]["withdraw"] == 1
    assert consent.withdrawn_at is not None
    assert rui.person.phone == ""
    assert request.answered_at is not None
    assert AuditEntry.objects.filter(action="privacy.carry_out", object_id=str(request.pk)).count() == 1


def test_a_deletion_that_keeps_a_legal_record_is_partly_done_with_reasons(world: World) -> None:
    rui = world.user("resident")
    request = ask(rui, RequestKind.DELETION, "all")
    carry_out_deletion(world.user("committee_staff"), request)
    request.refresh_from_db()
    kept_elsewhere = any(
        counts.get("keep") for label, counts in request.outcome.items() if not label.startswith("privacy.")
    )
    if kept_elsewhere:
        assert request.status == RequestStatus.PARTLY
        assert "Kept, because:" in request.answer
    else:
        assert request.status == RequestStatus.DONE


def test_a_request_past_its_due_date_is_overdue_and_first_in_the_queue(world: World) -> None:
    rui = world.user("resident")
    later = ask(rui, RequestKind.DELETION, "activities")
    earlier = ask(rui, RequestKind.DELETION, "appeal_photos")
    RightsRequest.objects.filter(pk=earlier.pk).update(due_at=timezone.now() - timedelta(hours=1))
    answered = ask(rui, RequestKind.DELETION, "all")
    refuse(world.user("committee_staff"), answered, "Not now.")
    rows = list(request_queue(world.harmony))
    assert [row.pk for row in rows] == [earlier.pk, later.pk, answered.pk]
    assert [row.is_overdue for row in rows] == [True, False, False]
    assert [row.pk for row in request_queue(world.harmony, RequestStatus.REFUSED)] == [answered.pk]


# --- Correcting a person ---------------------------------------------------------------------------------------------


def test_correct_person_bounds_and_audits(world: World) -> None:
    staff, rui = world.user("committee_staff"), _person(world, "resident")
    correct_person(staff, rui, "phone", "+86 139-1234-5678")
    correct_person(staff, rui, "gender", "f")
    rui.refresh_from_db()
    assert (rui.phone, rui.gender) == ("13912345678", "f")
    assert AuditEntry.objects.filter(action="person.correct").count() == 2
    for field, value in [
        ("birth_year", "3000"),
        ("full_name", ""),
        ("full_name", "x" * 121),
        ("gender", "z"),
    ]:
        with pytest.raises(ValidationError) as error:
            correct_person(staff, rui, field, value)
        assert field in error.value.message_dict
    with pytest.raises(ValidationError):
        correct_person(staff, rui, "is_resident", False)
    with pytest.raises(PermissionDenied):
        correct_person(world.user("grid_worker"), rui, "full_name", "Someone")
    correct_person(staff, rui, "gender", "f")  # the same value: nothing to record
    assert AuditEntry.objects.filter(action="person.correct").count() == 2


def test_a_review_may_name_one_of_ones_own_appeals_only(world: World) -> None:
    appeal = submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift is stuck.",
        unit=world.unit,
    )
    assert [item.pk for item in own_appeals(_person(world, "resident"), world.user("resident"))] == [
        appeal.pk
    ]
    assert own_appeals(_person(world, "owner"), world.user("owner")) == []
    with pytest.raises(ValidationError) as error:
        ask(world.user("owner"), RequestKind.REVIEW, f"appeal:{appeal.pk}", "", "Routed wrongly.")
    assert "target" in error.value.message_dict
    request = ask(world.user("resident"), RequestKind.REVIEW, f"appeal:{appeal.pk}", "", "Routed wrongly.")
    assert request.target == f"appeal:{appeal.pk}"
