"""The committee's counter: finding a resident who came in person, and recording their request for them — every
page × every role of the cast, the reads recorded, and the request made as the resident would make it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from comity.privacy.models import AccessRecord, RequestKind, RequestStatus, RightsRequest
from comity.structure.models import Person

from ..cast import World
from ..conftest import CAST
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db

SERVERS = {"committee_staff", "grid_worker", "platform_staff"}


def _walk_in(world: World) -> Person:
    return PersonFactory(community=world.harmony, full_name="Walk In", phone="13911112222", birth_year=1950)


@pytest.mark.parametrize("role", CAST)
def test_who_may_use_the_counter(role: str, world: World, client_for: Any) -> None:
    person = _walk_in(world)
    client = client_for(role)
    # Riverside's counter never lists Harmony's people, whoever asks.
    other = client.get(reverse("privacy:people", args=[world.riverside.pk]), {"q": "Walk"})
    assert "Walk In" not in other.content.decode()
    search = client.get(reverse("privacy:people", args=[world.harmony.pk]), {"q": "Walk"})
    form = client.get(reverse("privacy:record_for", args=[world.harmony.pk, person.pk, "correction"]))
    sent = client.post(
        reverse("privacy:record_for", args=[world.harmony.pk, person.pk, "correction"]),
        {"target": "phone", "proposed": "13933334444", "details": "New phone."},
    )
    if role == "anonymous":
        assert (search.status_code, form.status_code, sent.status_code) == (302, 302, 302)
    elif role in SERVERS:
        assert search.status_code == 200
        assert "Walk In" in search.content.decode()
        assert form.status_code == 200
        assert sent.status_code == 302
    else:
        assert (search.status_code, form.status_code, sent.status_code) == (403, 403, 403)
    recorded = RightsRequest.objects.filter(person=person)
    assert recorded.exists() == (role in SERVERS)


def test_a_recorded_request_is_the_residents_own_due_in_working_days_and_the_handler_lands_on_it(
    world: World, client_for: Any
) -> None:
    person = _walk_in(world)
    client = client_for("committee_staff")
    sent = client.post(
        reverse("privacy:record_for", args=[world.harmony.pk, person.pk, "correction"]),
        {"target": "phone", "proposed": "13933334444", "details": "Changed phones."},
    )
    made = RightsRequest.objects.get(person=person)
    assert sent.url == reverse("privacy:handle_request", args=[world.harmony.pk, made.pk])
    assert made.kind == RequestKind.CORRECTION
    assert made.status == RequestStatus.OPEN
    assert made.recorded_by == world.user("committee_staff")
    assert made.due_at > made.created_at


def test_a_grid_worker_records_and_returns_to_the_counter(world: World, client_for: Any) -> None:
    person = _walk_in(world)
    sent = client_for("grid_worker").post(
        reverse("privacy:record_for", args=[world.harmony.pk, person.pk, "deletion"]),
        {"target": "contact", "details": "Does not want to be called."},
    )
    assert sent.url == reverse("privacy:people", args=[world.harmony.pk])
    assert RightsRequest.objects.get(person=person).target == "contact"


def test_a_wrong_value_stays_on_its_field(world: World, client_for: Any) -> None:
    person = _walk_in(world)
    page = client_for("committee_staff").post(
        reverse("privacy:record_for", args=[world.harmony.pk, person.pk, "correction"]),
        {"target": "birth_year", "proposed": "3000", "details": ""},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert 'value="3000"' in text
    assert not RightsRequest.objects.exists()


def test_an_unknown_kind_or_person_is_a_friendly_404(world: World, client_for: Any) -> None:
    person = _walk_in(world)
    client = client_for("committee_staff")
    assert (
        client.get(reverse("privacy:record_for", args=[world.harmony.pk, person.pk, "launch"])).status_code
        == 404
    )
    other = PersonFactory(community=world.riverside, full_name="Elsewhere")
    assert (
        client.get(reverse("privacy:record_for", args=[world.harmony.pk, other.pk, "correction"])).status_code
        == 404
    )


def test_the_people_a_search_lists_are_recorded_as_read(world: World, client_for: Any) -> None:
    person = _walk_in(world)
    client_for("committee_staff").get(reverse("privacy:people", args=[world.harmony.pk]), {"q": "2222"})
    record = AccessRecord.objects.get(person=person)
    assert record.viewer == world.user("committee_staff")
    assert record.role == "committee_staff"


def test_an_empty_or_absurd_search_lists_no_one(world: World, client_for: Any) -> None:
    _walk_in(world)
    client = client_for("committee_staff")
    assert "Walk In" not in client.get(reverse("privacy:people", args=[world.harmony.pk])).content.decode()
    long = client.get(reverse("privacy:people", args=[world.harmony.pk]), {"q": "x" * 5000})
    assert long.status_code == 200
    assert not AccessRecord.objects.exists()
