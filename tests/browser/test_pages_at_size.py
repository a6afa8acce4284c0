"""The pages made to cost the same at any size still look right: a grown Harmony seen by staff and a resident
(the registry's counts, the workbench's filter bar, the rates dashboard drawn from its cache, the case page's
timeline, the bell's "99+")."""

from __future__ import annotations

from typing import Any

import pytest

from comity.notifications.models import Notification
from tests.apps.test_page_queries import Community

from .conftest import screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_grown_pages_look_right_to_staff_and_a_resident(browser: Any, live_server: Any, world: Any) -> None:
    community = Community(world)
    community.grow(2)
    base = f"{live_server.url}/c/{world.harmony.pk}"
    with signed_in(browser, live_server, "chen", world.password) as page:
        page.goto(f"{base}/registry/")
        assert page.locator("#buildings .duty").count() >= 3
        assert "8 households" in page.inner_text("main")
        screenshot(page, "size-registry")
        page.goto(f"{base}/appeals/queue/?status=open")
        assert page.get_by_label("Status").input_value() == "open"
        screenshot(page, "size-workbench")
        for _ in range(2):  # drawn, then from the cache: the same page
            page.goto(f"{base}/appeals/rates/")
            assert page.locator('[data-rate="score"]').first.is_visible()
        screenshot(page, "size-rates")
        page.goto(f"{base}/appeals/{community.case.pk}/")
        assert "Technician booked (2)." in page.inner_text("main")
        screenshot(page, "size-case")
    resident = world.user("resident")
    Notification.objects.bulk_create(
        Notification(
            recipient=resident, community=world.harmony, kind="appeal.replied", summary="Hi", in_app=True
        )
        for _ in range(120)
    )
    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(f"{base}/")
        assert page.locator("#unread-badge").inner_text().startswith("99+")
        screenshot(page, "size-home-resident")
