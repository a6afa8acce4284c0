"""Bad input on the organisation pages: errors on their fields, the typed values kept, nothing changed; and only
the steps the state allows are offered."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from comity.ngos.models import Filing, Grade, HostedEntry
from comity.ngos.services import (
    create_profile,
    decide_filing,
    record_hosted_money,
    review_filing,
    save_filing,
)

from ..cast import World
from .test_ngos_services import charter

pytestmark = pytest.mark.django_db


def _profile(world: World, **data: Any) -> Any:
    return create_profile(world.user("committee_staff"), world.ngo, tier="community_guided", **data)


def test_a_grade_over_a_dimension_maximum_is_refused_on_its_field(world: World, client_for: Any) -> None:
    _profile(world, registered_or_filed_on=date(2020, 1, 1))
    url = reverse("ngos:grade", args=[world.harmony.pk, world.ngo.pk])
    data = {
        "assessed_on": "2025-06-01",
        "assessor": "District civil affairs",
        "basic_conditions": "80",
        "internal_governance": "300",
        "performance": "401",
        "social_evaluation": "120",
    }
    response = client_for("street_official").post(url, data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["performance"]
    assert 'value="401"' in response.content.decode()
    assert 'value="District civil affairs"' in response.content.decode()
    assert not Grade.objects.exists()


def test_a_grade_before_eligibility_is_refused_on_the_date(world: World, client_for: Any) -> None:
    _profile(world, registered_or_filed_on=timezone.localdate())
    url = reverse("ngos:grade", args=[world.harmony.pk, world.ngo.pk])
    data = {
        "assessed_on": timezone.localdate().isoformat(),
        "assessor": "District civil affairs",
        "basic_conditions": "80",
        "internal_governance": "300",
        "performance": "300",
        "social_evaluation": "120",
    }
    response = client_for("committee_staff").post(url, data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["assessed_on"]
    assert not Grade.objects.exists()


def test_paying_out_more_than_is_held_is_refused_on_the_amount(world: World, client_for: Any) -> None:
    profile = _profile(world, fiscal_host=world.committee)
    record_hosted_money(
        world.user("committee_staff"), profile, amount_fen=1_000, description="In", on=date(2026, 1, 1)
    )
    url = reverse("ngos:hosted", args=[world.harmony.pk, world.ngo.pk])
    data = {"direction": "out", "amount": "10.01", "description": "Too much", "on": "2026-01-02"}
    response = client_for("committee_staff").post(url, data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["amount"]
    assert 'value="Too much"' in response.content.decode()
    assert HostedEntry.objects.count() == 1


def test_a_refusal_without_reasons_is_refused_on_the_reasons(
    world: World, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    profile = _profile(world)
    filing = save_filing(
        world.user("ngo_staff"),
        profile,
        tier="filed",
        purpose="Visits.",
        members_count=5,
        documents=[("Charter", charter())],
        submit=True,
    )
    url = reverse("ngos:review", args=[world.harmony.pk, filing.pk])
    # Before the committee's review, the street is offered no decision.
    page = client_for("street_official").get(url).content.decode()
    assert 'value="approve"' not in page
    review_filing(world.user("committee_staff"), filing, supports=False, note="No venue.")
    page = client_for("street_official").get(url).content.decode()
    assert 'value="approve"' in page
    assert 'value="review"' not in page
    response = client_for("street_official").post(url, {"action": "refuse", "decide-reasons": ""})
    assert response.status_code == 400
    assert list(response.context["decision_form"].errors) == ["reasons"]
    filing.refresh_from_db()
    assert filing.status == "reviewed"
    decide_filing(world.user("street_official"), filing, approve=False, reasons="Name a venue.")
    page = client_for("ngo_staff").get(reverse("ngos:filing", args=[world.harmony.pk, world.ngo.pk])).content
    assert "Name a venue." in page.decode()
    assert Filing.objects.get().status == "refused"


def test_the_filing_form_keeps_what_was_typed(world: World, client_for: Any) -> None:
    _profile(world)
    url = reverse("ngos:filing", args=[world.harmony.pk, world.ngo.pk])
    data = {"tier": "filed", "purpose": "Visits to the elderly", "members_count": "0", "action": "save"}
    response = client_for("ngo_staff").post(url, data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["members_count"]
    assert "Visits to the elderly" in response.content.decode()
    assert not Filing.objects.exists()


def test_the_list_shows_the_count_against_ten(world: World, client_for: Any) -> None:
    page = client_for("resident").get(reverse("ngos:organisations", args=[world.harmony.pk])).content.decode()
    assert "Community organisations: 1 of a target of 10" in page
    assert "9 short" in page


def test_hosted_money_sent_twice_is_recorded_once(world: World, client_for: Any) -> None:
    _profile(world, fiscal_host=world.committee)
    client = client_for("committee_staff")
    url = reverse("ngos:hosted", args=[world.harmony.pk, world.ngo.pk])
    token = client.get(url).context["form"]["once_token"].value()
    data = {"direction": "in", "amount": "50.00", "description": "Donation", "on": "2026-01-02"}
    first = client.post(url, {**data, "once_token": token})
    again = client.post(url, {**data, "once_token": token})
    assert first.status_code == again.status_code == 302
    assert list(HostedEntry.objects.values_list("amount_fen", flat=True)) == [5_000]
