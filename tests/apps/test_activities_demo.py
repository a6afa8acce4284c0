"""The demo's activities: a full clinic with a wait-list the resident is on, and a past clean-up with check-ins."""

from __future__ import annotations

import pytest
from django.utils import timezone

from comity.activities.models import Activity, Registration
from comity.demo.activities import CLINIC_PLACES, CLINIC_WAITING, fill_activities

from ..cast import World
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_demo_fills_a_clinic_and_its_wait_list(world: World) -> None:
    PersonFactory.create_batch(70, community=world.harmony)
    now = timezone.now()
    counts = fill_activities(
        world.harmony, world.user("committee_staff"), resident=world.user("resident"), seed=7, now=now
    )
    assert counts["activity_waitlisted"] == CLINIC_WAITING
    clinic = Activity.objects.get(kind="clinic")
    assert clinic.registrations.filter(status="registered").count() == CLINIC_PLACES
    mine = Registration.objects.get(activity=clinic, person__user=world.user("resident"))
    assert (mine.status, mine.arrival) == ("waitlisted", CLINIC_PLACES + CLINIC_WAITING)
    clean_up = Activity.objects.get(kind="clean_up")
    assert clean_up.ends_at < now
    assert clean_up.registrations.filter(checked_in_at__isnull=False).count() == 13
