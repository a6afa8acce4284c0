"""The organisations' REST API: the count against the target of 10, and one organisation's profile and grades;
another community's organisation is not found under ours."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from comity.engine.ngo_grading import Dimension
from comity.ngos.services import add_offer, create_profile, record_grade
from comity.structure.models import MatterCategory, SubjectKind

from ..cast import World
from ..factories import SubjectFactory

pytestmark = pytest.mark.django_db


def test_the_list_counts_against_ten_and_the_profile_shows_the_grade(world: World, client_for: Any) -> None:
    profile = create_profile(
        world.user("ngo_staff"),
        world.ngo,
        tier="registered",
        credit_code="52410105MJ0000001X",
        registered_or_filed_on=date(2018, 3, 1),
    )
    add_offer(
        world.user("ngo_staff"),
        profile,
        category=MatterCategory.objects.order_by("pk").first(),
        service_type="care",
        title="Home visits",
        capacity=20,
        areas=[world.building],
    )
    scores = dict(zip(Dimension, (90, 320, 380, 140), strict=True))
    record_grade(
        world.user("street_official"),
        profile,
        scores=scores,
        assessed_on=timezone.localdate(),
        assessor="Civil affairs",
    )
    client = client_for("resident")
    listing = client.get(reverse("api-ngos-organisations", args=[world.harmony.pk])).json()
    assert listing["target"] == {"count": 1, "target": 10, "met": False, "short": 9}
    (row,) = listing["results"]
    assert row["name"] == "Silver Age Care"
    assert row["tier"] == "registered"
    assert row["grade"]["band"] == "4A"
    assert row["services"][0]["areas"] == [world.building.code]
    detail = client.get(reverse("api-ngos-organisation", args=[world.harmony.pk, world.ngo.pk])).json()
    assert detail["eligible_for_grading"] is True
    assert detail["credit_code"] == "52410105MJ0000001X"
    assert [grade["total"] for grade in detail["grades"]] == [930]
    assert "contact_phone" not in detail


def test_another_communitys_organisation_is_not_found_under_ours(world: World, client_for: Any) -> None:
    theirs = SubjectFactory(
        community=world.riverside, kind=SubjectKind.VOLUNTEER_TEAM, name="River Walkers", legal_status=""
    )
    response = client_for("committee_staff").get(
        reverse("api-ngos-organisation", args=[world.harmony.pk, theirs.pk])
    )
    assert response.status_code == 404
