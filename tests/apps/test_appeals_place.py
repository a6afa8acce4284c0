"""An appeal's place is the one its sender chose, shown the same everywhere (issue 13, point 1).

A resident's home is chosen for them in advance on the intake form; a building or common place they pick on
purpose replaces it, and the case page, the workbench, the API and the notifications all say that place.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from comity.appeals import services
from comity.appeals.models import Appeal
from comity.notifications.models import Notification
from comity.structure.models import Area, AreaKind, MatterCategory

from ..cast import World


def _lifts() -> MatterCategory:
    return MatterCategory.objects.get(code="facilities.lifts")


def _garden(world: World) -> Area:
    return Area.objects.create(
        community=world.harmony, kind=AreaKind.COMMON_SPACE, code="G", name="Central garden"
    )


def test_a_place_chosen_instead_of_the_preselected_home_is_the_appeals_place(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    garden = _garden(world)
    client = client_for("resident")
    form = client.get(reverse("appeals:new", args=[world.harmony.pk])).context["form"]
    home = form.fields["unit"].initial
    assert home is not None  # the resident's only home is chosen in advance
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("appeals:new", args=[world.harmony.pk]),
            {
                "kind": "complaint",
                "category": _lifts().pk,
                "description": "The garden lights are out",
                "unit": home,
                "area": garden.pk,
            },
        )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.unit_id, appeal.area_id) == (None, garden.pk)

    detail = reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])
    for role in ("resident", "enterprise_staff", "committee_staff"):
        page = client_for(role).get(detail)
        assert page.status_code == 200
        assert "<dd data-place>Central garden</dd>" in page.content.decode(), role
    queue = client_for("enterprise_staff").get(reverse("appeals:queue", args=[world.harmony.pk]))
    assert "<span data-place>Central garden</span>" in queue.content.decode()
    api = client_for("enterprise_staff").get(f"/api/v1/communities/{world.harmony.pk}/appeals/{appeal.pk}/")
    assert api.json()["place_name"] == "Central garden"
    listed = client_for("enterprise_staff").get(f"/api/v1/communities/{world.harmony.pk}/appeals/")
    assert [row["place_name"] for row in listed.json()["results"]] == ["Central garden"]
    told = Notification.objects.get(recipient=world.user("enterprise_staff"), kind="appeal.dispatched")
    assert told.params["place"] == "Central garden"
    assert "at Central garden" in told.text


def test_a_home_stays_the_place_when_no_other_place_is_chosen(world: World, client_for: Any) -> None:
    client = client_for("resident")
    home = client.get(reverse("appeals:new", args=[world.harmony.pk])).context["form"].fields["unit"].initial
    client.post(
        reverse("appeals:new", args=[world.harmony.pk]),
        {"kind": "complaint", "category": _lifts().pk, "description": "Leak in my bathroom", "unit": home},
    )
    appeal = Appeal.objects.get()
    assert appeal.unit_id == home
    page = client.get(reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])).content.decode()
    assert f"<dd data-place>Home {appeal.unit}</dd>" in page


def test_staff_cannot_give_a_home_outside_the_place_they_chose(world: World) -> None:
    garden = _garden(world)
    with pytest.raises(ValidationError) as refused:
        services.submit_appeal(
            world.user("committee_staff"),
            world.harmony,
            kind="complaint",
            category=_lifts(),
            description="Noise",
            unit=world.unit,
            area=garden,
            for_resident=True,
            contact_name="Wang",
            contact_phone="13812345678",
            consent_note="Asked in the hall.",
        )
    assert "unit" in refused.value.message_dict
    assert Appeal.objects.count() == 0
    inside = services.submit_appeal(
        world.user("committee_staff"),
        world.harmony,
        kind="complaint",
        category=_lifts(),
        description="Noise",
        unit=world.unit,
        area=world.building,
        for_resident=True,
        contact_name="Wang",
        contact_phone="13812345678",
        consent_note="Asked in the hall.",
    )
    assert (inside.unit_id, inside.area_id) == (world.unit.pk, world.building.pk)
