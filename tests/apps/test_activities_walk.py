"""Rows of the activities tables for the personal-data walk (``test_privacy_walk``), and their copies."""

from __future__ import annotations

import pytest

from comity.activities.models import Registration
from comity.activities.services.registrations import check_in_from_list, register
from comity.foundation.personal_data import holding_for
from comity.structure.models import Person

from ..cast import World
from ..factories import PersonFactory
from .test_activities_services import make_activity

pytestmark = pytest.mark.django_db


def activity_rows(world: World) -> None:
    """An activity announced by Chen; Rui registered on her phone, a neighbour at the counter, both checked in."""
    activity = make_activity(world)
    chen = world.user("committee_staff")
    check_in_from_list(chen, register(world.user("resident"), activity))
    neighbour = PersonFactory(community=world.harmony, full_name="Neighbour Wu")
    check_in_from_list(chen, register(chen, activity, neighbour))


def test_the_rows_name_the_person_the_account_and_the_staff(world: World) -> None:
    activity_rows(world)
    holding = holding_for("activities.Registration")
    assert holding is not None
    assert holding.category == "activities"
    mine = Registration.objects.get(person__user=world.user("resident"))
    assert (mine.user, mine.checked_in_by) == (world.user("resident"), world.user("committee_staff"))
    counter = Registration.objects.get(person=Person.objects.get(full_name="Neighbour Wu"))
    assert counter.recorded_by == world.user("committee_staff")
    assert holding_for("activities.Activity") is not None
