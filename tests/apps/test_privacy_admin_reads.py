"""Platform staff reading people's records in the Django admin are in the "who looked" log too."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from comity.appeals import services as appeal_services
from comity.privacy.models import AccessRecord
from comity.structure.models import MatterCategory
from tests.cast import World
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_opening_a_person_in_the_admin_records_the_read(world: World, client_for: Any) -> None:
    person = world.users["resident"].person
    client = client_for("platform_staff")
    assert client.get(reverse("admin:structure_person_change", args=[person.pk])).status_code == 200
    record = AccessRecord.objects.get(person=person)
    assert record.viewer == world.users["platform_staff"]
    assert record.role == "platform_staff"
    assert record.what == "person"


def test_the_person_list_records_everyone_on_the_page(world: World, client_for: Any) -> None:
    client = client_for("platform_staff")
    assert client.get(reverse("admin:structure_person_changelist")).status_code == 200
    shown = set(AccessRecord.objects.values_list("person_id", flat=True))
    assert world.users["resident"].person.pk in shown
    assert world.users["owner"].person.pk in shown


def test_a_readers_own_record_is_not_a_read_of_someone_else(world: World, client_for: Any) -> None:
    own = PersonFactory(community=world.harmony, user=world.users["platform_staff"], full_name="Pat")
    client = client_for("platform_staff")
    client.get(reverse("admin:structure_person_changelist"))
    assert AccessRecord.objects.filter(person=world.users["resident"].person).exists()
    assert not AccessRecord.objects.filter(person=own).exists()


def test_an_appeal_in_the_admin_records_its_requester_and_its_list_records_no_one(
    world: World, client_for: Any
) -> None:
    appeal = appeal_services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="Lift stuck",
        unit=world.unit,
    )
    assert appeal.requester == world.users["resident"].person
    client = client_for("platform_staff")
    assert client.get(reverse("admin:appeals_appeal_changelist")).status_code == 200
    assert not AccessRecord.objects.exists()
    assert client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk])).status_code == 200
    assert AccessRecord.objects.get().person == world.users["resident"].person
