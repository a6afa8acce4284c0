"""A full free clinic on a phone, in English and in Chinese: a resident registers, is wait-listed with her place in
the queue, moves up when someone cancels and reads the notification, opens her QR code; the organiser ticks her in
from the list and a code of another activity is refused on the scan page. Every page is checked with axe and for
width at 390 px and 320 px."""

from __future__ import annotations

from typing import Any

import pytest

from comity.activities import codes
from comity.activities.models import Registration
from comity.activities.services.registrations import cancel_registration, register
from tests.apps.test_activities_services import make_activity

from .conftest import PHONE, SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _in(page: Any, live_server: Any, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.parametrize(
    ("viewport", "language"),
    [(PHONE, "en"), (SMALL_PHONE, "zh-hans")],
    ids=["390-en", "320-zh"],
)
def test_a_resident_is_wait_listed_promoted_told_and_checked_in(
    browser: Any, live_server: Any, world: Any, viewport: dict[str, int], language: str
) -> None:
    clinic = make_activity(world, capacity=1, title="Free clinic 义诊")
    concert = make_activity(world, title="Spring concert 春晚")
    owner = world.users["owner"]
    taken = register(owner, clinic)
    elsewhere = register(owner, concert)
    resident = world.users["resident"]
    name = f"activities-{viewport['width']}-{language}"

    with signed_in(browser, live_server, resident.username, world.password, viewport=viewport) as page:
        _in(page, live_server, language)
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/activities/")
        assert page.locator("html").get_attribute("lang") == language
        screenshot(page, f"{name}-list")
        page.goto(f"{live_server.url}/activities/{clinic.pk}/")
        screenshot(page, f"{name}-full")
        page.locator("#my-registration form button[type=submit]").click()
        page.wait_for_load_state()
        mine = Registration.objects.get(activity=clinic, person=resident.person)
        assert mine.status == "waitlisted"
        assert "1" in page.locator("#my-registration").inner_text()
        screenshot(page, f"{name}-waitlisted")

        cancel_registration(owner, taken)

        page.goto(f"{live_server.url}/notifications/")
        assert "Free clinic 义诊" in page.locator("main").inner_text()
        screenshot(page, f"{name}-told")
        page.goto(f"{live_server.url}/me/activities/")
        screenshot(page, f"{name}-mine")
        page.goto(f"{live_server.url}/me/activities/{mine.pk}/")
        assert codes.check_in_code(Registration.objects.get(pk=mine.pk)) in page.locator("main").inner_text()
        screenshot(page, f"{name}-ticket")

    staff = world.users["ngo_staff"]
    with signed_in(browser, live_server, staff.username, world.password, viewport=viewport) as page:
        _in(page, live_server, language)
        page.goto(f"{live_server.url}/activities/{clinic.pk}/registrations/")
        screenshot(page, f"{name}-registrations")
        page.goto(f"{live_server.url}/activities/{clinic.pk}/check-in/")
        page.locator(f"#r{mine.pk} button[type=submit]").click()
        page.wait_for_load_state()
        assert Registration.objects.get(pk=mine.pk).check_in_method == "list"
        screenshot(page, f"{name}-checked-in")

        page.goto(f"{live_server.url}/activities/{clinic.pk}/scan/")
        page.locator("#id_code").fill(codes.check_in_code(elsewhere))
        page.locator("form[data-scan-form] button[type=submit]").click()
        page.wait_for_load_state()
        assert "Spring concert 春晚" in page.locator(".errorlist, .field-error").first.inner_text()
        assert page.locator("#id_code").input_value() == codes.check_in_code(elsewhere)
        assert Registration.objects.get(pk=elsewhere.pk).checked_in_at is None
        screenshot(page, f"{name}-scan-refused")
