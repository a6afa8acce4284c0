"""Hours for an activity's checked-in participants, and stars awarded only after the roll's posting period."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comity.activities.models import Activity, Registration
from comity.volunteers.models import ClaimStatus, HonourRoll, HoursClaim
from comity.volunteers.selectors.mine import awarded_roll, summary
from comity.volunteers.services import post_roll, record_activity_hours, record_hours, verify_hours

from ..cast import World
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _activity(world: World, hours: str | None = "3") -> Activity:
    start = timezone.now() - timedelta(days=2)
    return Activity.objects.create(
        community=world.harmony,
        organiser=world.ngo,
        title="Free clinic",
        place="Hall",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=10,
        status="published",
        volunteer_hours=Decimal(hours) if hours else None,
    )


def _register(activity: Activity, person: object, arrival: int, checked_in: bool) -> None:
    Registration.objects.create(
        community=activity.community,
        activity=activity,
        person=person,
        status="registered",
        arrival=arrival,
        checked_in_at=timezone.now() - timedelta(days=2) if checked_in else None,
    )


def test_checked_in_participants_get_the_activitys_hours_once(world: World) -> None:
    activity = _activity(world)
    rui, olga = world.user("resident").person, world.user("owner").person
    _register(activity, rui, 1, True)
    _register(activity, olga, 2, False)
    with pytest.raises(PermissionDenied):
        record_activity_hours(world.user("enterprise_staff"), activity)
    claims = record_activity_hours(world.user("ngo_staff"), activity)
    assert [(c.person_id, c.hours, c.status) for c in claims] == [(rui.pk, Decimal(3), ClaimStatus.CLAIMED)]
    assert record_activity_hours(world.user("ngo_staff"), activity) == []
    assert HoursClaim.objects.get().activity == activity


def test_an_activity_without_volunteer_hours_records_nothing(world: World) -> None:
    activity = _activity(world, hours=None)
    _register(activity, world.user("resident").person, 1, True)
    with pytest.raises(ValidationError) as refused:
        record_activity_hours(world.user("ngo_staff"), activity)
    assert list(refused.value.message_dict) == ["activity"]
    assert not HoursClaim.objects.exists()


def test_stars_are_awarded_only_after_the_posting_period(world: World) -> None:
    volunteer = PersonFactory(community=world.harmony, full_name="Busy Bee")
    nia = world.user("ngo_staff")
    for days in range(1, 27):  # 26 × 4 h = 104 h: one star
        day = timezone.localdate() - timedelta(days=days)
        verify_hours(nia, record_hours(nia, world.ngo, volunteer, day, Decimal(4)))
    found = summary(volunteer)
    assert (found.stars_earned, found.stars_awarded) == (1, 0)
    roll = post_roll(world.user("committee_staff"), world.harmony)
    assert (
        roll.ends_on - roll.posted_on
    ).days >= 7  # five working days after the posting day, weekends between
    with pytest.raises(ValidationError):
        post_roll(world.user("committee_staff"), world.harmony)  # one posting at a time
    assert awarded_roll(world.harmony) is None
    assert summary(volunteer).stars_awarded == 0
    # The posting ends: the roll is moved back in time as the days would pass.
    HonourRoll.objects.filter(pk=roll.pk).update(
        posted_on=roll.posted_on - timedelta(days=20), ends_on=timezone.localdate() - timedelta(days=1)
    )
    assert summary(volunteer).stars_awarded == 1
