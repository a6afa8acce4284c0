"""Appeals on a phone: a resident appeals with a photo, the lead signs for it and replies, the committee closes it,
the resident rates it; an overdue appeal escalates to the street office, whose official sees it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from comity.appeals import deadlines, services
from comity.appeals.models import Appeal
from comity.structure.models import MatterCategory

from .conftest import screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "lift.jpg"
    Image.new("RGB", (800, 600), (180, 120, 60)).save(path, format="JPEG")
    return path


def test_a_resident_appeals_the_lead_replies_and_the_resident_rates(
    browser: Any, live_server: Any, world: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    base = f"{live_server.url}/c/{world.harmony.pk}/appeals"
    street_rates = f"{live_server.url}/streets/{world.street.pk}/appeals/rates/"
    with signed_in(browser, live_server, "shu", world.password) as page:
        page.goto(street_rates)
        assert page.locator("[data-empty]").is_visible()
        assert page.locator('.stat[data-rate="satisfaction"]').count() == 0
    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(f"{base}/new/")
        page.get_by_label("Request for help").check()
        page.get_by_label("What happened, and where exactly?").fill("The lift is stuck between floors again")
        page.get_by_role("button", name="Lifts").click()  # the suggestion from the text
        assert page.get_by_label("Matter").input_value() == str(
            MatterCategory.objects.get(code="facilities.lifts").pk
        )
        page.get_by_label("Photos").set_input_files(str(_photo(tmp_path)))
        page.get_by_label("Show this appeal to the community (without my name)").check()
        screenshot(page, "appeal-new-resident")
        page.get_by_role("button", name="Send the appeal").click()
        page.wait_for_url(f"{base}/*/")
        assert "Dispatched" in page.locator(".page-header").inner_text()
        assert "Evergreen Property" in page.locator("main").inner_text()
        assert page.locator(".photos img").count() == 1
        screenshot(page, "appeal-detail-resident")

    appeal = Appeal.objects.get()
    with signed_in(browser, live_server, "eli", world.password) as page:
        page.goto(f"{base}/queue/")
        page.get_by_role("link", name=appeal.number).click()
        page.get_by_role("button", name="Sign for this appeal").click()
        page.wait_for_load_state()
        page.get_by_text("Reply", exact=True).first.click()
        page.get_by_label("Reply to the resident").fill("We replaced the brake; the lift works again.")
        screenshot(page, "appeal-reply-staff")
        page.locator("form:has(input[name=action][value=reply]) button[type=submit]").click()
        page.wait_for_load_state()
        assert "Replied" in page.locator(".page-header").inner_text()

    with signed_in(browser, live_server, "chen", world.password) as page:
        page.goto(f"{base}/{appeal.pk}/")
        page.get_by_role("button", name="Close the appeal").click()
        page.wait_for_load_state()
        assert "Closed" in page.locator(".page-header").inner_text()

    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(f"{base}/{appeal.pk}/")
        page.get_by_label("Resolved", exact=True).check()
        page.get_by_label("Satisfied", exact=True).check()
        page.get_by_label("Comment").fill("Quick and polite.")
        page.locator("form:has(input[name=action][value=rate]) button[type=submit]").click()
        page.wait_for_load_state()
        assert "Rated" in page.locator(".page-header").inner_text()
        assert "We replaced the brake" in page.locator(".timeline").inner_text()
        screenshot(page, "appeal-rated-resident")
    appeal.refresh_from_db()
    assert appeal.status == "rated"
    assert appeal.rating.satisfaction == "satisfied"

    with signed_in(browser, live_server, "shu", world.password) as page:
        page.goto(street_rates)
        satisfaction = page.locator('.stat[data-rate="satisfaction"]').inner_text()
        assert "100" in satisfaction
        assert "nothing to judge yet" not in satisfaction
        assert "Harmony" in page.locator("main").inner_text()
        screenshot(page, "appeal-rates-street-official")


def test_an_overdue_appeal_escalates_to_the_street_office(browser: Any, live_server: Any, world: Any) -> None:
    appeal = services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="complaint",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="Nobody came about the lift",
        unit=world.unit,
    )
    # A day and an hour pass (the live server runs on the real clock, so the appeal moves back in time instead).
    past = timezone.now() - timedelta(hours=25)
    Appeal.objects.filter(pk=appeal.pk).update(
        received_at=past, remind_at=past + timedelta(hours=18), due_at=past + timedelta(hours=24)
    )
    assert [a.pk for a in deadlines.check_deadlines()[1]] == [appeal.pk]

    with signed_in(browser, live_server, "shu", world.password) as page:
        page.goto(f"{live_server.url}/notifications/")
        notice = page.locator("main").get_by_text(appeal.number).first
        assert notice.is_visible()
        screenshot(page, "appeal-escalation-notification")
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/appeals/queue/?overdue=on&status=open")
        row = page.locator(f'[data-appeal="{appeal.number}"]')
        assert "Overdue" in row.inner_text()
        screenshot(page, "appeal-queue-overdue")
        row.get_by_role("link", name=appeal.number).click()
        assert "Escalated" in page.locator(".timeline").inner_text()
        screenshot(page, "appeal-escalated-official")
