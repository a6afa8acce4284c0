"""The activities pages as residents and staff use them: the wait-list in words, the code for the entrance, errors on
their fields with what was typed kept, check-in by a code of another activity, the registry reads logged."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from comity.activities import codes
from comity.activities.models import Activity, Registration
from comity.activities.services.registrations import register
from comity.privacy.models import AccessRecord

from ..cast import World
from ..factories import PersonFactory
from .test_activities_services import make_activity

pytestmark = pytest.mark.django_db


def test_a_full_activity_says_you_will_wait_and_your_place_in_the_queue(
    world: World, client_for: Any
) -> None:
    activity = make_activity(world, capacity=1)
    register(world.user("owner"), activity)
    client = client_for("resident")
    page = client.get(reverse("activities:activity", args=[activity.pk])).content.decode()
    assert "join the wait-list as number 1" in page
    response = client.post(reverse("activities:register", args=[activity.pk]), follow=True)
    assert "you are number 1 on the wait-list" in response.content.decode()
    assert "Leave the wait-list" in response.content.decode()
    mine = Registration.objects.get(person__user=world.user("resident"))
    assert mine.status == "waitlisted"
    assert client.get(reverse("activities:ticket_qr", args=[mine.pk])).status_code == 404


def test_the_code_for_the_entrance_is_a_qr_svg_with_the_code_printed(world: World, client_for: Any) -> None:
    activity = make_activity(world)
    mine = register(world.user("resident"), activity)
    client = client_for("resident")
    page = client.get(reverse("activities:ticket", args=[mine.pk])).content.decode()
    assert codes.check_in_code(mine) in page
    svg = client.get(reverse("activities:ticket_qr", args=[mine.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.lstrip().startswith(b"<svg")


def test_the_form_keeps_what_was_typed_and_shows_errors_on_their_fields(
    world: World, client_for: Any
) -> None:
    client = client_for("committee_staff")
    data = {
        "organiser": world.ngo.pk,
        "title": "Knitting circle",
        "kind": "class",
        "place": "Room 2",
        "starts_at": "2030-05-01T10:00",
        "ends_at": "2030-05-01T09:00",
        "capacity": "20001",
        "volunteer_hours": "30",
    }
    page = client.post(reverse("activities:create", args=[world.harmony.pk]), data).content.decode()
    assert "An activity has at most 10000 places." in page
    assert "Between 0 and 24 hours." in page
    assert 'value="Knitting circle"' in page
    assert not Activity.objects.exists()
    data |= {"capacity": "20", "volunteer_hours": ""}
    page = client.post(reverse("activities:create", args=[world.harmony.pk]), data).content.decode()
    assert "The activity must end after it starts." in page
    assert not Activity.objects.exists()


def test_places_below_the_registered_are_refused_on_the_field(world: World, client_for: Any) -> None:
    activity = make_activity(world, capacity=3)
    register(world.user("resident"), activity)
    register(world.user("owner"), activity)
    page = client_for("ngo_staff").post(
        reverse("activities:registrations", args=[activity.pk]), {"capacity": "1"}
    )
    assert "2 people are already registered" in page.content.decode()
    assert Activity.objects.get(pk=activity.pk).capacity == 3


def test_scanning_a_code_of_another_activity_says_so_and_checks_nobody_in(
    world: World, client_for: Any
) -> None:
    clinic = make_activity(world)
    concert = make_activity(world, title="Spring concert")
    other = register(world.user("resident"), concert)
    page = client_for("ngo_staff").post(
        reverse("activities:scan", args=[clinic.pk]), {"code": codes.check_in_code(other)}
    )
    assert "This code is for another activity: Spring concert." in page.content.decode()
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_staff_reading_the_list_or_searching_the_registry_is_logged(world: World, client_for: Any) -> None:
    activity = make_activity(world)
    register(world.user("resident"), activity)
    PersonFactory(community=world.harmony, full_name="Grandma Li")
    client = client_for("committee_staff")
    client.get(reverse("activities:registrations", args=[activity.pk]))
    assert AccessRecord.objects.filter(person=world.user("resident").person).exists()
    page = client.get(reverse("activities:counter", args=[activity.pk]), {"q": "Grandma"}).content.decode()
    assert "Grandma Li" in page
    assert AccessRecord.objects.filter(person__full_name="Grandma Li").exists()


def test_the_activity_page_reads_in_chinese(world: World, client_for: Any) -> None:
    activity = make_activity(world)
    client = client_for("resident")
    response = client.get(reverse("activities:activity", args=[activity.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh' in response.content.decode()


def test_the_check_in_list_offers_the_volunteer_hours_once_people_came(world: World, client_for: Any) -> None:
    activity = make_activity(world, volunteer_hours=2)
    mine = register(world.user("resident"), activity)
    client = client_for("committee_staff")
    url = reverse("activities:check_in", args=[activity.pk])
    assert 'id="record-hours"' not in client.get(url).content.decode()
    client.post(reverse("activities:tick", args=[activity.pk, mine.pk]))
    page = client.get(url).content.decode()
    assert reverse("volunteers:activity_hours", args=[world.harmony.pk, activity.pk]) in page


@pytest.mark.parametrize("chosen", ["", "abc", "1e3", "99999999999999999999", "-1"])
def test_registering_at_the_counter_someone_not_in_the_registry_is_a_404_and_registers_nobody(
    world: World, client_for: Any, chosen: str
) -> None:
    activity = make_activity(world)
    response = client_for("committee_staff").post(
        reverse("activities:counter", args=[activity.pk]), {"person": chosen}
    )
    assert response.status_code == 404
    assert not Registration.objects.filter(activity=activity).exists()
