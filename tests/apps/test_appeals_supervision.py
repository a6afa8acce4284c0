"""Supervision and the rest of the loop: deadlines warned and escalated once, return visits, disputes rejected,
duplicates merged, emergencies and working-hour clocks, and who is told about each step."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from comity.appeals import deadlines, services
from comity.appeals.models import Appeal, AppealEvent, AppealSettings, Dispatch
from comity.audit.models import AuditEntry
from comity.notifications.models import Notification
from comity.structure.models import MatterCategory

from ..cast import World

#: Monday 2 March 2026, 12:00 in Beijing.
NOON = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


def _submit(world: World, **kwargs: Any) -> Appeal:
    options: dict[str, Any] = {
        "kind": "help_request",
        "category": MatterCategory.objects.get(code="facilities.lifts"),
        "description": "The lift is stuck.",
        "unit": world.unit,
    }
    options.update(kwargs)
    return services.submit_appeal(world.user("resident"), world.harmony, **options)


def _kinds(appeal: Appeal) -> list[str]:
    return list(appeal.events.order_by("seq").values_list("kind", flat=True))


def _told(user: Any, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=f"appeal.{kind}").count()


def test_deadlines_warn_once_then_escalate_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(NOON, tick=False):
        appeal = _submit(world)
    assert appeal.remind_at == NOON + timedelta(hours=18)  # three quarters of 24 hours

    with django_capture_on_commit_callbacks(execute=True):
        early = deadlines.check_deadlines(NOON + timedelta(hours=17))
        warned = deadlines.check_deadlines(NOON + timedelta(hours=19))
        again = deadlines.check_deadlines(NOON + timedelta(hours=20))
    assert early == ([], [])
    assert again == ([], [])
    assert [a.pk for a in warned[0]] == [appeal.pk]
    assert warned[1] == []
    assert _kinds(appeal) == ["received", "dispatched", "reminded"]
    assert _told(world.user("enterprise_staff"), "reminded") == 1

    with django_capture_on_commit_callbacks(execute=True):
        on_the_dot = deadlines.check_deadlines(NOON + timedelta(hours=24))
        late = deadlines.check_deadlines(NOON + timedelta(hours=25))
        twice = deadlines.check_deadlines(NOON + timedelta(hours=26))
    assert on_the_dot == ([], [])
    assert twice == ([], [])
    assert [a.pk for a in late[1]] == [appeal.pk]
    appeal.refresh_from_db()
    assert appeal.status == "dispatched"  # supervision never moves the appeal
    assert appeal.escalated_at == NOON + timedelta(hours=25)
    assert _kinds(appeal) == ["received", "dispatched", "reminded", "escalated"]
    assert _told(world.user("street_official"), "escalated") == 1
    assert _told(world.user("committee_staff"), "escalated") == 1
    assert AuditEntry.objects.filter(action="appeal.escalate").count() == 1


def test_a_replied_appeal_is_not_escalated_after_closing(world: World) -> None:
    with time_machine.travel(NOON, tick=False):
        appeal = _submit(world)
    staff = world.user("enterprise_staff")
    services.sign_for(staff, appeal)
    services.reply(staff, appeal, text="Fixed")
    services.close(world.user("committee_staff"), appeal)
    assert deadlines.check_deadlines(NOON + timedelta(days=3)) == ([], [])


def test_an_emergency_gets_two_hours(world: World) -> None:
    with time_machine.travel(NOON, tick=False):
        appeal = _submit(world, urgency="emergency")
    assert (appeal.time_limit_hours, appeal.due_at) == (2, NOON + timedelta(hours=2))


def test_working_hours_skip_the_night_and_the_weekend(world: World) -> None:
    AppealSettings.objects.create(
        community=world.harmony, clock="working", work_starts=time(9), work_ends=time(17)
    )
    friday_four_pm = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
    with time_machine.travel(friday_four_pm, tick=False):
        appeal = _submit(world, urgency="emergency")
    # 1 working hour on Friday (16:00-17:00), the second on Monday 09:00-10:00 Beijing time.
    assert appeal.clock == "working"
    assert appeal.due_at == datetime(2026, 3, 9, 2, 0, tzinfo=UTC)


def test_a_return_visit_that_reaches_nobody_is_only_noted(world: World) -> None:
    appeal = _submit(world)
    staff = world.user("enterprise_staff")
    services.sign_for(staff, appeal)
    services.reply(staff, appeal, text="Fixed")
    committee = world.user("committee_staff")
    services.close(committee, appeal)
    services.visit(committee, appeal, contacted=False)
    appeal.refresh_from_db()
    assert appeal.status == "closed"
    services.visit(committee, appeal, contacted=True, note="Works now")
    services.rate(committee, appeal, contacted=True, resolved="yes", satisfaction="basically_satisfied")
    appeal.refresh_from_db()
    assert appeal.status == "rated"
    assert appeal.rating.method == "phone"
    assert _kinds(appeal)[-3:] == ["note", "visited", "rated"]


def test_the_committee_rejects_a_dispute_and_the_lead_signs_after_all(world: World) -> None:
    appeal = _submit(world)
    staff = world.user("enterprise_staff")
    services.dispute(staff, appeal, reason="Lifts are the maintenance firm's job")
    with pytest.raises(ValidationError):
        services.reject_dispute(world.user("committee_staff"), appeal, reason=" ")
    services.reject_dispute(world.user("committee_staff"), appeal, reason="Your contract covers lifts")
    services.sign_for(staff, appeal)
    appeal.refresh_from_db()
    assert appeal.status == "signed_for"
    assert _kinds(appeal)[2:] == ["disputed", "dispute_rejected", "signed_for"]


def test_merging_a_duplicate_makes_its_requester_follow_the_primary(world: World, client_for: Any) -> None:
    primary = _submit(world)
    duplicate = services.submit_appeal(
        world.user("owner"),
        world.harmony,
        kind="complaint",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="Lift stuck again",
        unit=world.unit,
    )
    with pytest.raises(ValidationError):
        services.merge(world.user("committee_staff"), duplicate, into=duplicate)
    services.merge(world.user("committee_staff"), duplicate, into=primary, reason="Same lift")
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == ("merged", primary)
    assert not Dispatch.objects.filter(appeal=duplicate, ended_at__isnull=True).exists()
    assert AppealEvent.objects.filter(appeal=primary, kind="note").count() == 1
    assert world.user("owner").has_perm("appeals.see_appeal", primary)
    assert not world.user("owner").has_perm("appeals.act_on_appeal", primary)


def test_bulk_dispatch_is_all_or_nothing(world: World) -> None:
    first, second = _submit(world), _submit(world)
    services.sign_for(world.user("enterprise_staff"), first)
    committee = world.user("committee_staff")
    with pytest.raises(ValidationError) as refused:
        services.bulk_redispatch(committee, [first, second], lead_subject=world.ngo, reason="Volunteers")
    assert first.number in refused.value.messages[0]
    assert set(Appeal.objects.values_list("lead_subject", flat=True)) == {world.property_company.pk}


def test_the_requester_is_told_of_the_reply_and_nothing_leaves_on_rollback(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    appeal = _submit(world)
    staff = world.user("enterprise_staff")
    services.sign_for(staff, appeal)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(staff, appeal, text="Fixed")
    assert _told(world.user("resident"), "replied") == 1
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.reply(staff, appeal, text="Again")
    assert _told(world.user("resident"), "replied") == 1


def test_the_demo_runs_the_deadline_check_inline_once_per_slot(
    world: World, client_for: Any, settings: Any
) -> None:
    settings.COMITY_INLINE_JOBS = True
    past = NOON - timedelta(days=2)
    with time_machine.travel(past, tick=False):
        appeal = _submit(world)
    client = client_for("resident")
    client.get("/healthz")
    appeal.refresh_from_db()
    assert appeal.escalated_at is not None
    assert _kinds(appeal)[-1] == "escalated"
    Appeal.objects.filter(pk=appeal.pk).update(escalated_at=None)
    client.get("/healthz")
    appeal.refresh_from_db()
    assert appeal.escalated_at is None  # the next check waits for the next five-minute slot


def test_without_inline_jobs_requests_never_run_the_check(world: World, client_for: Any) -> None:
    with time_machine.travel(NOON - timedelta(days=2), tick=False):
        appeal = _submit(world)
    client_for("resident").get("/healthz")
    appeal.refresh_from_db()
    assert appeal.escalated_at is None
