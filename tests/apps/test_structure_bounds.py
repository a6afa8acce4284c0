"""Every number a person enters has bounds at every entry point, and a stored extreme never fails an appeal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from comity.appeals import services as appeal_services
from comity.appeals.community_settings import services as services_settings
from comity.appeals.community_settings.forms import AppealSettingsForm, TimeLimitPolicyForm
from comity.appeals.models import AppealSettings, TimeLimitPolicy
from comity.appeals.time_limits import time_limit
from comity.audit.models import AuditEntry
from comity.structure import services
from comity.structure.models import Area, AreaKind, MatterCategory, Ownership, Responsibility, Unit

from ..factories import UnitFactory

NOON = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


def _lifts(world: Any) -> Responsibility:
    return Responsibility.objects.get(community=world.harmony, category__code="facilities.lifts")


def _settings(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "clock": "calendar",
        "work_starts": time(9),
        "work_ends": time(17, 30),
        "working_weekdays": [0, 1, 2, 3, 4],
        "holidays": [],
        "adjusted_working_days": [],
        "emergency_hours": 2,
        "remind_percent": 75,
        "reopen_days": 15,
        "weight_response": 30,
        "weight_resolution": 35,
        "weight_satisfaction": 35,
        "weight_on_time": 0,
    }
    values.update(changes)
    return values


# ---------------------------------------------------------------------------------------------- the matrix


def test_a_huge_time_limit_through_the_api_is_a_400_on_the_field_and_changes_nothing(world, client_for):
    url = reverse("api-responsibility", args=[world.harmony.pk, _lifts(world).pk])
    response = client_for("committee_staff").patch(
        url,
        data=json.dumps({"time_limit_hours": 100_000_000}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["time_limit_hours"]
    assert "2160" in response.json()["time_limit_hours"][0]
    assert _lifts(world).time_limit_hours == 24
    assert not AuditEntry.objects.exists()


def test_a_huge_time_limit_in_the_matrix_form_is_an_error_on_the_field(world, client_for):
    row = _lifts(world)
    response = client_for("committee_staff").post(
        reverse("structure:matrix_edit", args=[world.harmony.pk, row.pk]),
        {"lead_subject": row.lead_subject_id, "time_limit_hours": "100000000", "notes": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["time_limit_hours"] == [
        "Ensure this value is less than or equal to 2160."
    ]
    assert _lifts(world).time_limit_hours == 24


@pytest.mark.parametrize("hours", [0, 2161, 100_000_000])
def test_the_matrix_services_refuse_a_time_limit_out_of_range(world, hours):
    row = _lifts(world)
    staff = world.user("committee_staff")
    with pytest.raises(ValidationError) as caught:
        services.update_responsibility(
            staff, row, lead_subject=row.lead_subject, co_handlers=[], time_limit_hours=hours
        )
    assert caught.value.message_dict == {
        "time_limit_hours": ["The time limit must be from 1 to 2,160 hours (90 days)."]
    }
    category = MatterCategory.objects.get(code="environment")
    with pytest.raises(ValidationError):
        services.create_responsibility(
            staff,
            world.harmony,
            category=category,
            scope_area=world.building,
            lead_subject=world.committee,
            time_limit_hours=hours,
        )
    assert _lifts(world).time_limit_hours == 24
    assert not AuditEntry.objects.exists()


def test_the_database_refuses_numbers_out_of_range(world):
    unit = UnitFactory(building=world.building, number="777", floor=3)
    checks = [
        lambda: Responsibility.objects.filter(pk=_lifts(world).pk).update(time_limit_hours=100_000_000),
        lambda: MatterCategory.objects.filter(code="facilities").update(default_time_limit_hours=10**6),
        lambda: Unit.objects.filter(pk=unit.pk).update(exclusive_area=Decimal("2000000")),
        lambda: Unit.objects.filter(pk=unit.pk).update(floor=5000),
        lambda: Area.objects.filter(pk=world.building.pk).update(floors=900),
        lambda: Ownership.objects.create(
            community=world.harmony,
            unit=unit,
            holder_kind="organisation",
            holder_name="X",
            share_numerator=1,
            share_denominator=10**6,
        ),
    ]
    for check in checks:
        with pytest.raises(IntegrityError), transaction.atomic():
            check()


def test_model_validation_names_the_field_and_its_bound(world):
    unit = UnitFactory.build(
        community=world.harmony, building=world.building, number="1", floor=500, exclusive_area=Decimal("1e6")
    )
    with pytest.raises(ValidationError) as caught:
        unit.full_clean()
    assert set(caught.value.message_dict) >= {"floor", "exclusive_area"}
    building = Area(community=world.harmony, kind=AreaKind.BUILDING, code="X", name="X", floors=0)
    with pytest.raises(ValidationError) as caught:
        building.full_clean()
    assert "floors" in caught.value.message_dict


# ---------------------------------------------------------------------------------------------- appeals


def test_a_stored_huge_policy_delays_the_appeal_by_at_most_90_days_instead_of_failing(world):
    lifts = MatterCategory.objects.get(code="facilities.lifts")
    TimeLimitPolicy.objects.create(
        community=world.harmony, category=lifts, urgency="normal", hours=100_000_000, clock="calendar"
    )
    with time_machine.travel(NOON, tick=False):
        appeal = appeal_services.submit_appeal(
            world.user("resident"),
            world.harmony,
            kind="help_request",
            category=lifts,
            description="The lift is stuck.",
            unit=world.unit,
        )
    assert appeal.time_limit_hours == 2160
    assert appeal.due_at == NOON + timedelta(days=90)


def test_a_stale_route_time_limit_is_capped(world):
    limit = time_limit(
        world.harmony,
        category=MatterCategory.objects.get(code="facilities.lifts"),
        urgency="normal",
        route_hours=10**9,
        received_at=NOON,
    )
    assert (limit.hours, limit.due_at) == (2160, NOON + timedelta(days=90))


def test_a_calendar_without_working_time_left_counts_calendar_hours_instead_of_failing(world):
    config = AppealSettings.objects.create(
        community=world.harmony, clock="working", working_weekdays=[], adjusted_working_days=["2026-03-07"]
    )
    limit = time_limit(
        world.harmony,
        category=MatterCategory.objects.get(code="facilities.lifts"),
        urgency="normal",
        route_hours=24,
        received_at=NOON,
        config=config,
    )
    assert (limit.hours, limit.clock, limit.due_at) == (24, "calendar", NOON + timedelta(hours=24))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"emergency_hours": 100_000_000}, "emergency_hours", "Choose a number from 1 to 72."),
        ({"reopen_days": 32_000}, "reopen_days", "Choose a number from 1 to 365."),
        ({"remind_percent": 0}, "remind_percent", "Choose a number from 1 to 99."),
        ({"work_ends": time(9, 30)}, "work_ends", "The working day must last at least one hour."),
        (
            {"holidays": [date(2026, 1, 1) + timedelta(days=n) for n in range(401)]},
            "holidays",
            "List at most 400 dates.",
        ),
        (
            {"adjusted_working_days": [date(1, 1, 6)]},
            "adjusted_working_days",
            "Dates must fall in the years 2000 to 2100: 0001-01-06.",
        ),
    ],
)
def test_the_settings_service_refuses_numbers_out_of_range(world, changes, field, message):
    with pytest.raises(ValidationError) as caught:
        services_settings.update_appeal_settings(
            world.user("committee_staff"), world.harmony, **_settings(**changes)
        )
    assert caught.value.message_dict[field] == [message]
    assert not AppealSettings.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_policy_service_refuses_a_huge_time_limit(world):
    with pytest.raises(ValidationError) as caught:
        services_settings.create_time_limit_policy(
            world.user("committee_staff"),
            world.harmony,
            category=MatterCategory.objects.get(code="facilities.lifts"),
            urgency="normal",
            hours=100_000_000,
            clock="calendar",
        )
    assert caught.value.message_dict == {"hours": ["Choose a number from 1 to 2160."]}
    assert not TimeLimitPolicy.objects.exists()


def test_the_settings_forms_bound_every_number(world):
    form = AppealSettingsForm(
        data={
            "clock": "calendar",
            "work_starts": "09:00",
            "work_ends": "09:20",
            "working_weekdays": ["0"],
            "holidays": "2026-10-01",
            "adjusted_working_days": "",
            "emergency_hours": "100000000",
            "remind_percent": "100",
            "reopen_days": "0",
            "weight_response": "101",
            "weight_resolution": "0",
            "weight_satisfaction": "0",
            "weight_on_time": "0",
        }
    )
    assert not form.is_valid()
    assert set(form.errors) >= {
        "work_ends",
        "emergency_hours",
        "remind_percent",
        "reopen_days",
        "weight_response",
    }
    many = AppealSettingsForm(data={"holidays": "2026-10-01\n" * 2000})
    assert many.errors["holidays"] == ["The list is too long: at most one date per line, 400 dates."]
    policy = TimeLimitPolicyForm(
        data={
            "category": MatterCategory.objects.first().pk,
            "urgency": "normal",
            "hours": "3000",
            "clock": "calendar",
        }
    )
    assert policy.errors["hours"] == ["Ensure this value is less than or equal to 2160."]
