"""The rates dashboards are cached until an appeal or rating of the street changes, or five minutes pass."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comity.appeals import services
from comity.appeals.rates.cache import SLOT_SECONDS, cached_report, rates_version
from comity.structure.models import MatterCategory

from ..cast import World


def _appeal(world: World) -> Any:
    return services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="Lift stuck",
        unit=world.unit,
    )


def test_a_second_view_reads_the_cache_and_a_write_makes_it_stale(world: World, client_for: Any) -> None:
    url = reverse("appeal_rates:street", args=[world.street.pk])
    client = client_for("street_official")
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        first = client.get(url)
    _appeal(world)
    with CaptureQueriesContext(connection) as after_write:
        second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert "No appeals yet" in first.content.decode()
    assert "No appeals yet" not in second.content.decode()
    assert len(after_write) > len(warm)


def test_the_version_moves_on_every_appeal_write(world: World) -> None:
    before = rates_version(world.street.pk)
    appeal = _appeal(world)
    services.withdraw(world.user("resident"), appeal)
    assert rates_version(world.street.pk) > before


def test_reports_expire_with_their_five_minute_slot(world: World) -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cached_report(world.street.pk, "street", "p", now, compute) == 1
    assert (
        cached_report(world.street.pk, "street", "p", now + timedelta(seconds=SLOT_SECONDS - 1), compute) == 1
    )
    assert cached_report(world.street.pk, "street", "p", now + timedelta(seconds=SLOT_SECONDS), compute) == 2
