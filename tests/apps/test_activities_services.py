"""The activities services: registering and the wait-list, promotion in arrival order with a notification, the
places, double submits, check-in by code and from the list, and refusals that change nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comity.activities import codes
from comity.activities.models import Activity, Registration
from comity.activities.services.activities import (
    cancel_activity,
    change_capacity,
    create_activity,
    publish_activity,
    update_activity,
)
from comity.activities.services.registrations import (
    cancel_registration,
    check_in,
    check_in_from_list,
    register,
)
from comity.audit.models import AuditEntry
from comity.notifications.models import Notification

from ..cast import World
from ..factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_activity(world: World, *, capacity: int = 2, publish: bool = True, **values: Any) -> Activity:
    start = timezone.now() + timedelta(days=3)
    fields: dict[str, Any] = {
        "title": "Free blood-pressure clinic",
        "kind": "clinic",
        "place": "Community hall",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
    } | values
    chen = world.user("committee_staff")
    activity = create_activity(chen, world.harmony, organiser=world.ngo, capacity=capacity, **fields)
    if publish:
        activity = publish_activity(chen, activity)
    return activity


def resident_of(world: World, name: str) -> Any:
    user = UserFactory(username=name)
    PersonFactory(user=user, community=world.harmony, full_name=name.title())
    return user


def _states(activity: Activity) -> list[tuple[str, str, int]]:
    rows = Registration.objects.filter(activity=activity).order_by("arrival")
    return [(row.person.full_name, row.status, row.arrival) for row in rows.select_related("person")]


def test_places_fill_in_order_then_the_wait_list(world: World) -> None:
    activity = make_activity(world, capacity=2)
    for name in ("ann", "bo", "cy", "di"):
        register(resident_of(world, name), activity)
    assert _states(activity) == [
        ("Ann", "registered", 1),
        ("Bo", "registered", 2),
        ("Cy", "waitlisted", 3),
        ("Di", "waitlisted", 4),
    ]
    assert AuditEntry.objects.filter(action="registration.waitlist").count() == 2


def test_cancelling_promotes_the_first_waiting_and_tells_them(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    activity = make_activity(world, capacity=1)
    ann, bo, cy = (resident_of(world, name) for name in ("ann", "bo", "cy"))
    first = register(ann, activity)
    register(bo, activity)
    register(cy, activity)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(ann, first)
    assert _states(activity) == [("Ann", "cancelled", 1), ("Bo", "registered", 2), ("Cy", "waitlisted", 3)]
    promoted = Registration.objects.get(person__user=bo, activity=activity)
    assert promoted.promoted_at is not None
    note = Notification.objects.get(recipient=bo, kind="activity.promoted")
    assert note.params["title"] == "Free blood-pressure clinic"
    assert note.url == f"/activities/{activity.pk}/"
    assert not Notification.objects.filter(recipient=cy, kind="activity.promoted").exists()


def test_leaving_the_wait_list_promotes_nobody(world: World) -> None:
    activity = make_activity(world, capacity=1)
    ann, bo, cy = (resident_of(world, name) for name in ("ann", "bo", "cy"))
    register(ann, activity)
    waiting = register(bo, activity)
    register(cy, activity)
    cancel_registration(bo, waiting)
    assert _states(activity) == [("Ann", "registered", 1), ("Bo", "cancelled", 2), ("Cy", "waitlisted", 3)]


def test_a_double_submit_returns_the_same_registration(world: World) -> None:
    activity = make_activity(world)
    rui = world.user("resident")
    first = register(rui, activity)
    again = register(rui, activity)
    assert again.pk == first.pk
    assert Registration.objects.filter(activity=activity).count() == 1
    assert Activity.objects.get(pk=activity.pk).last_arrival == 1


def test_after_cancelling_one_registers_again_at_the_back(world: World) -> None:
    activity = make_activity(world, capacity=1)
    rui, ann = world.user("resident"), resident_of(world, "ann")
    mine = register(rui, activity)
    cancel_registration(rui, mine)
    register(ann, activity)
    again = register(rui, activity)
    assert (again.status, again.arrival) == ("waitlisted", 3)


def test_raising_the_places_promotes_in_order(world: World) -> None:
    activity = make_activity(world, capacity=1)
    for name in ("ann", "bo", "cy", "di"):
        register(resident_of(world, name), activity)
    change_capacity(world.user("committee_staff"), activity, 3)
    assert [state for _, state, _ in _states(activity)] == [
        "registered",
        "registered",
        "registered",
        "waitlisted",
    ]


def test_places_below_the_registered_are_refused_on_the_field_and_nothing_changes(world: World) -> None:
    activity = make_activity(world, capacity=3)
    for name in ("ann", "bo"):
        register(resident_of(world, name), activity)
    with pytest.raises(ValidationError) as raised:
        change_capacity(world.user("committee_staff"), activity, 1)
    assert "capacity" in raised.value.message_dict
    assert "2 people are already registered" in raised.value.message_dict["capacity"][0]
    with pytest.raises(ValidationError):
        update_activity(world.user("committee_staff"), activity, capacity=1, title="Changed")
    assert Activity.objects.values_list("capacity", "title").get(pk=activity.pk) == (3, activity.title)


def test_a_draft_or_cancelled_activity_takes_no_registration(world: World) -> None:
    draft = make_activity(world, publish=False)
    with pytest.raises(ValidationError):
        register(world.user("resident"), draft)
    cancelled = cancel_activity(world.user("committee_staff"), make_activity(world))
    with pytest.raises(ValidationError):
        register(world.user("resident"), cancelled)
    assert not Registration.objects.exists()


def test_staff_register_a_person_without_a_phone_at_the_counter(world: World) -> None:
    activity = make_activity(world)
    grandma = PersonFactory(community=world.harmony, full_name="Grandma Li", phone="")
    row = register(world.user("committee_staff"), activity, grandma)
    assert (row.person, row.user, row.recorded_by) == (grandma, None, world.user("committee_staff"))
    with pytest.raises(PermissionDenied):
        register(world.user("resident"), activity, PersonFactory(community=world.harmony))
    other = PersonFactory(community=world.riverside)
    with pytest.raises(ValidationError):
        register(world.user("committee_staff"), activity, other)


def test_check_in_by_code_and_from_the_list(world: World) -> None:
    activity = make_activity(world)
    chen, nia = world.user("committee_staff"), world.user("ngo_staff")
    mine = register(world.user("resident"), activity)
    walk_in = register(chen, activity, PersonFactory(community=world.harmony, full_name="Walk In"))
    checked = check_in(nia, activity, codes.check_in_code(mine).lower())
    assert (checked.check_in_method, checked.checked_in_by) == ("scan", nia)
    again = check_in(nia, activity, codes.check_in_code(mine))
    assert again.checked_in_at == checked.checked_in_at
    ticked = check_in_from_list(chen, walk_in)
    assert ticked.check_in_method == "list"
    with pytest.raises(PermissionDenied):
        check_in_from_list(world.user("owner"), walk_in)


def test_a_code_for_another_activity_is_refused_and_changes_nothing(world: World) -> None:
    clinic = make_activity(world)
    concert = make_activity(world, title="Spring concert", kind="performance")
    for_concert = register(world.user("resident"), concert)
    code = codes.check_in_code(for_concert)
    with pytest.raises(ValidationError) as raised:
        check_in(world.user("committee_staff"), clinic, code)
    assert raised.value.message_dict["code"] == ["This code is for another activity: Spring concert."]
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(ValidationError) as raised:
        check_in(world.user("committee_staff"), concert, forged)
    assert "does not verify" in raised.value.message_dict["code"][0]
    with pytest.raises(ValidationError):
        check_in(world.user("committee_staff"), concert, "not a code")
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_a_wait_listed_person_cannot_be_checked_in(world: World) -> None:
    activity = make_activity(world, capacity=1)
    register(world.user("owner"), activity)
    waiting = register(world.user("resident"), activity)
    with pytest.raises(ValidationError):
        check_in_from_list(world.user("committee_staff"), waiting)
    assert Registration.objects.get(pk=waiting.pk).checked_in_at is None


def test_only_the_organisers_and_the_committee_run_an_activity(world: World) -> None:
    activity = make_activity(world)
    with pytest.raises(PermissionDenied):
        change_capacity(world.user("enterprise_staff"), activity, 5)
    change_capacity(world.user("ngo_staff"), activity, 5)
    with pytest.raises(ValidationError) as raised:
        create_activity(
            world.user("ngo_staff"),
            world.harmony,
            organiser=world.property_company,
            capacity=5,
            title="Not ours",
            place="Hall",
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
        )
    assert "organiser" in raised.value.message_dict


def test_an_activity_ends_after_it_starts(world: World) -> None:
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        make_activity(world, starts_at=start, ends_at=start)
    assert "ends_at" in raised.value.message_dict
    assert not Activity.objects.exists()
