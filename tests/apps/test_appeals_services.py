"""The appeal services: intake and dispatch through the matrix, the closed loop, and every refusal.

Every denial asserts that nothing changed: the status, the timeline and the audit log stay as they were.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from comity.appeals import services
from comity.appeals.models import Appeal, AppealEvent, Dispatch, DispatchEnd, DispatchRole, Rating
from comity.audit.models import AuditEntry
from comity.structure.models import Area, AreaKind, MatterCategory

from ..cast import World

#: 12:00 in Beijing. Memberships start on the real today, so steps taken by staff run unfrozen.
NOON = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


def _lifts() -> MatterCategory:
    return MatterCategory.objects.get(code="facilities.lifts")


def _submit(world: World, role: str = "resident", **kwargs: Any) -> Appeal:
    options: dict[str, Any] = {
        "kind": "help_request",
        "category": _lifts(),
        "description": "The lift in stairwell 1-1 is stuck between floors.",
        "unit": world.unit,
    }
    options.update(kwargs)
    return services.submit_appeal(world.user(role), world.harmony, **options)


def _state(appeal: Appeal) -> tuple[str, int, int, int]:
    appeal.refresh_from_db()
    return (
        appeal.status,
        AppealEvent.objects.filter(appeal=appeal).count(),
        AuditEntry.objects.count(),
        Dispatch.objects.filter(appeal=appeal).count(),
    )


def _kinds(appeal: Appeal) -> list[str]:
    return list(appeal.events.order_by("seq").values_list("kind", flat=True))


@time_machine.travel(NOON, tick=False)
def test_resident_appeal_goes_to_the_matrix_lead_due_in_24_hours(world: World) -> None:
    appeal = _submit(world)

    assert appeal.status == "dispatched"
    assert appeal.lead_subject == world.property_company
    assert appeal.responsibility is not None
    assert appeal.requester_user == world.user("resident")
    assert appeal.contact_name == "Rui"
    assert appeal.area == world.stairwell
    assert appeal.received_at == NOON
    assert appeal.time_limit_hours == 24
    assert appeal.due_at == NOON + timedelta(hours=24)
    assert _kinds(appeal) == ["received", "dispatched"]
    lead = Dispatch.objects.get(appeal=appeal)
    assert (lead.subject, lead.role, lead.due_at) == (
        world.property_company,
        DispatchRole.LEAD,
        appeal.due_at,
    )
    assert AuditEntry.objects.filter(action="appeal.submit").count() == 1


@time_machine.travel(NOON, tick=False)
def test_a_matter_outside_the_matrix_stays_with_the_residents_committee(world: World) -> None:
    noise = MatterCategory.objects.get(code="noise.renovation")

    appeal = _submit(world, category=noise, kind="complaint")

    assert appeal.lead_subject == world.committee
    assert appeal.responsibility is None
    assert appeal.time_limit_hours == noise.default_time_limit_hours == 168
    assert appeal.due_at == NOON + timedelta(hours=168)


def test_a_building_row_covers_its_stairwells_but_the_category_comes_first(world: World) -> None:
    from tests.factories import ResponsibilityFactory

    ResponsibilityFactory(
        community=world.harmony,
        category=MatterCategory.objects.get(code="facilities"),
        scope_area=world.building,
        lead_subject=world.ngo,
        time_limit_hours=48,
    )
    water = _submit(world, category=MatterCategory.objects.get(code="facilities.water"))
    lift = _submit(world)

    assert (water.lead_subject, water.time_limit_hours) == (world.ngo, 48)
    assert lift.lead_subject == world.property_company


def test_assisted_entry_needs_the_residents_consent(world: World) -> None:
    resident = world.user("resident").person
    before = (Appeal.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationError) as refused:
        _submit(world, "grid_worker", on_behalf_of=resident)

    assert set(refused.value.message_dict) == {"consent_note"}
    assert (Appeal.objects.count(), AuditEntry.objects.count()) == before
    appeal = _submit(world, "grid_worker", on_behalf_of=resident, consent_note="Asked at the door, agreed.")
    assert appeal.channel == "assisted"
    assert appeal.requester == resident
    assert appeal.requester_user == world.user("resident")
    assert appeal.recorded_by == world.user("grid_worker")
    assert appeal.consent_at is not None


def test_residents_cannot_record_appeals_for_others(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _submit(world, "owner", on_behalf_of=world.user("resident").person, consent_note="yes")
    assert Appeal.objects.count() == 0


def test_a_place_in_another_community_is_refused_and_nothing_is_written(world: World) -> None:
    elsewhere = Area.objects.create(community=world.riverside, kind=AreaKind.BUILDING, code="9", name="B9")
    before = (Appeal.objects.count(), AppealEvent.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationError) as refused:
        _submit(world, area=elsewhere, unit=None)

    assert refused.value.message_dict == {"area": ["This place is not part of the community."]}
    assert (Appeal.objects.count(), AppealEvent.objects.count(), AuditEntry.objects.count()) == before


def test_outsiders_cannot_appeal_to_the_community(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _submit(world, "other_resident", unit=None)
    assert Appeal.objects.count() == 0


def test_numbers_run_per_community_and_year(world: World) -> None:
    with time_machine.travel(NOON, tick=False):
        numbers = [_submit(world).number for _ in range(3)]
        other = services.submit_appeal(
            world.user("other_resident"),
            world.riverside,
            kind="suggestion",
            category=_lifts(),
            description="More benches, please.",
        )

    assert numbers == ["2026-000001", "2026-000002", "2026-000003"]
    assert other.number == "2026-000001"
    assert other.lead_subject == world.riverside_committee


def test_the_full_loop_each_step_by_the_right_person(world: World) -> None:
    with time_machine.travel(NOON, tick=False):
        appeal = _submit(world)
    eli, chen, rui = world.user("enterprise_staff"), world.user("committee_staff"), world.user("resident")

    appeal = services.sign_for(eli, appeal)
    appeal = services.start(eli, appeal)
    appeal = services.reply(eli, appeal, text="The lift was repaired and inspected.")
    appeal = services.close(chen, appeal)
    rating = services.rate(rui, appeal, contacted=True, resolved="yes", satisfaction="satisfied")

    appeal.refresh_from_db()
    assert appeal.status == "rated"
    assert appeal.signed_for_at is not None
    assert appeal.replied_at is not None
    assert appeal.closed_at is not None
    assert (rating.method, rating.resolved, rating.satisfaction) == ("self", "yes", "satisfied")
    assert _kinds(appeal) == [
        "received", "dispatched", "signed_for", "started", "replied", "closed", "rated",
    ]  # fmt: skip
    events = list(appeal.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, 8))
    assert events[2].acting_subject == world.property_company
    assert events[4].note == "The lift was repaired and inspected."
    assert events[5].acting_subject == world.committee
    lead = Dispatch.objects.get(appeal=appeal)
    assert (lead.signed_for_by, lead.end_reason) == (eli, DispatchEnd.DONE)


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("resident", ValidationError),
        ("committee_staff", ValidationError),
        ("ngo_staff", PermissionDenied),
        ("other_resident", PermissionDenied),
        ("owner", PermissionDenied),
    ],
)
def test_only_the_leads_staff_may_sign_for(world: World, role: str, error: type[Exception]) -> None:
    appeal = _submit(world)
    before = _state(appeal)

    with pytest.raises(error):
        services.sign_for(world.user(role), appeal)

    assert _state(appeal) == before


def test_a_reply_needs_text(world: World) -> None:
    eli = world.user("enterprise_staff")
    appeal = services.sign_for(eli, _submit(world))
    before = _state(appeal)

    with pytest.raises(ValidationError) as refused:
        services.reply(eli, appeal, text="  ")

    assert refused.value.message_dict == {"text": ["This field cannot be empty."]}
    assert _state(appeal) == before


def test_the_requester_cannot_close_their_own_appeal(world: World) -> None:
    eli = world.user("enterprise_staff")
    appeal = services.reply(eli, services.sign_for(eli, _submit(world)), text="Fixed.")
    before = _state(appeal)

    with pytest.raises(ValidationError, match="You cannot do this"):
        services.close(world.user("resident"), appeal)

    assert _state(appeal) == before


def test_a_disputed_dispatch_is_redispatched_by_the_committee(world: World) -> None:
    eli, chen = world.user("enterprise_staff"), world.user("committee_staff")
    appeal = services.dispute(eli, _submit(world), reason="The lift belongs to the owners, not to us.")
    assert appeal.status == "disputed"

    appeal = services.redispatch(chen, appeal, lead_subject=world.ngo, reason="The NGO runs this lift.")

    assert appeal.status == "dispatched"
    assert appeal.lead_subject == world.ngo
    assert _kinds(appeal)[-2:] == ["disputed", "redispatched"]
    dispatches = list(Dispatch.objects.filter(appeal=appeal).order_by("pk"))
    assert [(d.subject, d.end_reason) for d in dispatches] == [
        (world.property_company, DispatchEnd.DISPUTE_UPHELD),
        (world.ngo, ""),
    ]
    assert dispatches[1].dispatched_by == chen
    services.sign_for(world.user("ngo_staff"), appeal)
    with pytest.raises(PermissionDenied):
        services.start(eli, appeal)


def test_the_committee_leaves_street_level_leads_to_the_street_office(world: World) -> None:
    appeal = _submit(world)
    before = _state(appeal)

    with pytest.raises(ValidationError, match="street office decides"):
        services.redispatch(
            world.user("committee_staff"), appeal, lead_subject=world.street_office, reason="Street matter."
        )
    assert _state(appeal) == before

    appeal = services.redispatch(
        world.user("street_official"), appeal, lead_subject=world.street_office, reason="Street matter."
    )
    assert appeal.lead_subject == world.street_office


def test_redispatch_to_the_same_lead_or_a_stranger_is_refused(world: World) -> None:
    appeal = _submit(world)
    before = _state(appeal)
    chen = world.user("committee_staff")

    with pytest.raises(ValidationError, match="already dispatched"):
        services.redispatch(chen, appeal, lead_subject=world.property_company, reason="again")
    with pytest.raises(ValidationError) as refused:
        services.redispatch(chen, appeal, lead_subject=world.riverside_committee, reason="elsewhere")

    assert set(refused.value.message_dict) == {"lead_subject"}
    assert _state(appeal) == before


def test_the_requester_withdraws_and_nothing_more_happens(world: World) -> None:
    appeal = services.withdraw(world.user("resident"), _submit(world))

    assert appeal.status == "withdrawn"
    assert Dispatch.objects.get(appeal=appeal).end_reason == DispatchEnd.WITHDRAWN
    before = _state(appeal)
    with pytest.raises(ValidationError, match="withdrawn or merged"):
        services.sign_for(world.user("enterprise_staff"), appeal)
    assert _state(appeal) == before


def test_an_unsatisfied_requester_reopens_and_the_lead_handles_again(world: World) -> None:
    eli, rui = world.user("enterprise_staff"), world.user("resident")
    appeal = services.reply(eli, services.sign_for(eli, _submit(world)), text="Fixed.")
    appeal = services.close(world.user("committee_staff"), appeal)
    services.rate(rui, appeal, contacted=True, resolved="no", satisfaction="unsatisfied")

    appeal = services.reopen(rui, appeal, reason="It broke again the next day.")

    assert appeal.status == "reopened"
    assert appeal.closed_at is None
    assert Dispatch.objects.filter(appeal=appeal, role="lead", ended_at__isnull=True).count() == 1
    assert services.start(eli, appeal).status == "in_progress"


def test_a_satisfied_rating_cannot_be_reopened(world: World) -> None:
    eli, rui = world.user("enterprise_staff"), world.user("resident")
    appeal = services.reply(eli, services.sign_for(eli, _submit(world)), text="Fixed.")
    appeal = services.close(world.user("committee_staff"), appeal)
    services.rate(rui, appeal, contacted=True, resolved="yes", satisfaction="satisfied")
    before = _state(appeal)

    with pytest.raises(ValidationError, match="Only an unsatisfied rating"):
        services.reopen(rui, appeal, reason="Changed my mind.")

    assert _state(appeal) == before
    assert Rating.objects.get(appeal=appeal).satisfaction == "satisfied"


def test_every_service_writes_exactly_one_audit_entry(world: World) -> None:
    eli, chen, rui = world.user("enterprise_staff"), world.user("committee_staff"), world.user("resident")
    steps = [
        lambda a: services.dispute(eli, a, reason="Not ours."),
        lambda a: services.redispatch(chen, a, lead_subject=world.ngo, reason="The NGO handles it."),
        lambda a: services.sign_for(world.user("ngo_staff"), a),
        lambda a: services.start(world.user("ngo_staff"), a),
        lambda a: services.reply(world.user("ngo_staff"), a, text="Done."),
        lambda a: services.close(chen, a),
        lambda a: services.rate(rui, a, contacted=True, resolved="partly", satisfaction="unsatisfied"),
        lambda a: services.reopen(rui, a, reason="Still broken."),
        lambda a: services.withdraw(rui, a),
    ]
    count = AuditEntry.objects.count()
    appeal = _submit(world)
    assert AuditEntry.objects.count() == count + 1
    for step in steps:
        count = AuditEntry.objects.count()
        step(appeal)
        assert AuditEntry.objects.count() == count + 1
    assert AuditEntry.objects.filter(action__startswith="appeal.").count() == 10
    assert appeal.events.count() == 11
