"""The committee's and the street's pages about personal information on the narrowest phones, in both languages:
the requests, the counter, the access log with an alert to review, the retention report and the street's view —
each checked with axe and for width."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from comity.foundation.personal_data import Read, record_access
from comity.privacy.models import AccessAlert
from comity.privacy.services.requests import ask
from comity.privacy.services.retention import apply_retention

from ..factories import PersonFactory
from .conftest import SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _history(world: Any) -> AccessAlert:
    people = [PersonFactory(community=world.harmony, full_name=f"Neighbour {n}") for n in range(3)]
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    record_access(
        viewer=world.users["grid_worker"],
        community_id=world.harmony.pk,
        person_ids=[person.pk for person in people],
        what=Read.REGISTRY,
        role="grid_worker",
        path=f"/c/{world.harmony.pk}/registry/",
    )
    ask(world.users["resident"], "correction", "full_name", "Rui Wang", "My name is spelt wrong.")
    apply_retention(world.harmony)
    return AccessAlert.objects.create(
        community=world.harmony, viewer=world.users["grid_worker"], hour=hour, people=240, households=97
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_staff_pages_fit_a_small_phone_and_pass_axe(
    browser: Any, live_server: Any, world: Any, language: str
) -> None:
    alert = _history(world)
    c = world.harmony.pk
    pages = {
        "requests": f"/c/{c}/privacy/requests/",
        "counter": f"/c/{c}/privacy/people/?q=Neighbour",
        "access": f"/c/{c}/privacy/access/",
        "alert": f"/c/{c}/privacy/access/alerts/{alert.pk}/",
        "retention": f"/c/{c}/privacy/retention/",
    }
    with signed_in(
        browser, live_server, world.users["committee_staff"].username, world.password, viewport=SMALL_PHONE
    ) as page:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for name, path in pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.status == 200, path
            assert page.locator("html").get_attribute("lang") == language
            screenshot(page, f"privacy-staff-320-{language}-{name}")
    with signed_in(
        browser, live_server, world.users["street_official"].username, world.password, viewport=SMALL_PHONE
    ) as page:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        response = page.goto(f"{live_server.url}/streets/{world.street.pk}/privacy/access/")
        assert response is not None
        assert response.status == 200
        screenshot(page, f"privacy-staff-320-{language}-street")
