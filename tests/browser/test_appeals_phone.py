"""Appeals on the narrowest phones (issue 13, points 1, 2 and 4): a resident picks a building instead of their
home and sees the neighbours' report of the same matter before sending; going back and sending again lands on
the same appeal; without JavaScript the form asks to send anyway; the street official finds the street queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from comity.appeals import deadlines, services
from comity.appeals.models import Appeal
from comity.structure.models import MatterCategory

from .conftest import PHONE, SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = [pytest.param(PHONE, id="390"), pytest.param(SMALL_PHONE, id="320")]


def _lifts() -> MatterCategory:
    return MatterCategory.objects.get(code="facilities.lifts")


def _neighbours_report(world: Any) -> Appeal:
    return services.submit_appeal(
        world.user("owner"),
        world.harmony,
        kind="help_request",
        category=_lifts(),
        description="The lift of building 1 stops between floors",
        area=world.building,
        is_public=True,
    )


@pytest.mark.parametrize("viewport", SIZES)
def test_a_resident_picks_a_building_sees_the_neighbours_report_and_cannot_send_twice(
    browser: Any, live_server: Any, world: Any, viewport: dict[str, int]
) -> None:
    earlier = _neighbours_report(world)
    width = viewport["width"]
    with signed_in(browser, live_server, "rui", world.password, viewport=viewport) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/appeals/new/")
        page.get_by_label("Request for help").check()
        page.get_by_label("What happened, and where exactly?").fill("The lift is stuck again, nobody came")
        page.get_by_label("Matter").select_option(str(_lifts().pk))
        page.get_by_label("Or a building or common place").select_option(str(world.building.pk))
        similar = page.locator("#similar")
        similar.get_by_text(earlier.number).wait_for()
        assert "Dispatched" in similar.inner_text()
        assert similar.get_by_role("link").first.get_attribute("href").endswith(f"/public/{earlier.pk}/")
        screenshot(page, f"appeal-new-similar-{width}")
        page.get_by_role("button", name="Send the appeal").click()
        page.wait_for_url(f"{live_server.url}/c/{world.harmony.pk}/appeals/*/")
        assert page.locator("dd[data-place]").inner_text() == "Building 1"
        screenshot(page, f"appeal-detail-place-{width}")
        mine = Appeal.objects.exclude(pk=earlier.pk).get()
        assert (mine.unit_id, mine.area_id) == (None, world.building.pk)

        page.go_back()
        page.wait_for_load_state()
        # Chromium fetches the form anew (a new token) and fills in what was typed.
        assert page.get_by_label("What happened, and where exactly?").input_value() != ""
        page.get_by_role("button", name="Send the appeal").click()  # the filled form, sent once more
        page.wait_for_url(f"{live_server.url}/c/{world.harmony.pk}/appeals/{mine.pk}/")
        assert "This was already sent: here it is." in page.locator("main").inner_text()
        screenshot(page, f"appeal-sent-twice-{width}")
        assert Appeal.objects.count() == 2

    with signed_in(browser, live_server, "eli", world.password, viewport=viewport) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/appeals/queue/")
        card = page.locator(f'[data-appeal="{mine.number}"]')
        assert "Building 1" in card.inner_text()
        card.click()  # anywhere on the card opens the case: its link covers it
        page.wait_for_url(f"{live_server.url}/c/{world.harmony.pk}/appeals/{mine.pk}/")
        assert page.locator("dd[data-place]").inner_text() == "Building 1"
        screenshot(page, f"appeal-detail-place-handler-{width}")


def test_going_back_and_sending_the_same_form_again_creates_one_appeal(
    browser: Any, live_server: Any, world: Any
) -> None:
    """What "back" shows in any browser — the filled form with its token — sent once more."""
    url = f"{live_server.url}/c/{world.harmony.pk}/appeals/new/"

    def fill(page: Any) -> None:
        page.get_by_label("Request for help").check()
        page.get_by_label("What happened, and where exactly?").fill("Water leaks from the ceiling")
        page.get_by_label("Matter").select_option(str(_lifts().pk))

    with signed_in(browser, live_server, "rui", world.password, viewport=SMALL_PHONE) as page:
        page.goto(url)
        fill(page)
        token = page.locator("input[name=once_token]").input_value()
        page.get_by_role("button", name="Send the appeal").click()
        page.wait_for_url(f"{live_server.url}/c/{world.harmony.pk}/appeals/*/")
        first = page.url
        page.goto(url)
        fill(page)
        page.locator("input[name=once_token]").evaluate("(input, token) => { input.value = token; }", token)
        page.get_by_role("button", name="Send the appeal").click()
        page.wait_for_url(first)
        assert "This was already sent: here it is." in page.locator("main").inner_text()
        screenshot(page, "appeal-sent-twice-320")
    assert Appeal.objects.count() == 1


def test_without_javascript_the_form_shows_the_neighbours_report_and_asks_to_send_anyway(
    browser: Any, live_server: Any, world: Any
) -> None:
    earlier = _neighbours_report(world)
    with signed_in(
        browser, live_server, "rui", world.password, javascript=False, viewport=SMALL_PHONE
    ) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/appeals/new/")
        page.get_by_label("Request for help").check()
        page.get_by_label("What happened, and where exactly?").fill("Lift stuck on floor 3")
        page.get_by_label("Matter").select_option(str(_lifts().pk))
        page.get_by_label("Or a building or common place").select_option(str(world.building.pk))
        page.get_by_role("button", name="Send the appeal").click()
        page.wait_for_load_state()
        assert "Not sent yet" in page.locator("main").inner_text()
        assert earlier.number in page.locator("#similar").inner_text()
        assert page.get_by_label("What happened, and where exactly?").input_value() == "Lift stuck on floor 3"
        assert page.get_by_label("Or a building or common place").input_value() == str(world.building.pk)
        screenshot(page, "appeal-new-send-anyway-320")
        page.get_by_role("button", name="Send anyway").click()
        page.wait_for_url(f"{live_server.url}/c/{world.harmony.pk}/appeals/*/")
        assert page.locator("dd[data-place]").inner_text() == "Building 1"
    assert Appeal.objects.count() == 2


def _escalated(world: Any) -> Appeal:
    appeal = services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="complaint",
        category=_lifts(),
        description="Nobody came about the lift",
        area=world.building,
    )
    past = timezone.now() - timedelta(hours=30)
    Appeal.objects.filter(pk=appeal.pk).update(
        received_at=past, remind_at=past + timedelta(hours=18), due_at=past + timedelta(hours=24)
    )
    assert [a.pk for a in deadlines.check_deadlines()[1]] == [appeal.pk]
    return appeal


@pytest.mark.parametrize("viewport", SIZES)
def test_the_street_official_finds_escalated_appeals_in_the_street_queue(
    browser: Any, live_server: Any, world: Any, viewport: dict[str, int]
) -> None:
    appeal = _escalated(world)
    width = viewport["width"]
    with signed_in(browser, live_server, "shu", world.password, viewport=viewport) as page:
        page.goto(f"{live_server.url}/notifications/")
        assert page.locator("main").get_by_text(appeal.number).first.is_visible()
        page.goto(f"{live_server.url}/streets/{world.street.pk}/")
        page.locator(f'a[href="/streets/{world.street.pk}/appeals/"]').first.evaluate("a => a.click()")
        page.wait_for_url(f"{live_server.url}/streets/{world.street.pk}/appeals/")
        assert page.locator('[data-count="escalated"] strong').inner_text() == "1"
        card = page.locator(f'[data-appeal="{appeal.number}"]')
        assert "Escalated" in card.inner_text()
        assert "Harmony" in card.inner_text()
        screenshot(page, f"appeal-street-queue-{width}")
        page.locator('[data-count="escalated"]').click()
        page.wait_for_url("**reason=escalated")
        card.get_by_role("link").click()
        page.wait_for_url(f"{live_server.url}/c/{world.harmony.pk}/appeals/{appeal.pk}/")
        assert "Escalated" in page.locator(".timeline").inner_text()

        page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
        page.goto(f"{live_server.url}/streets/{world.street.pk}/appeals/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert "街道督办诉求" in page.locator("h1").inner_text()
        screenshot(page, f"appeal-street-queue-zh-{width}")


def test_the_intake_form_in_chinese_shows_the_neighbours_report(
    browser: Any, live_server: Any, world: Any
) -> None:
    earlier = _neighbours_report(world)
    with signed_in(browser, live_server, "rui", world.password, viewport=SMALL_PHONE) as page:
        page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/appeals/new/")
        page.locator("#id_category").select_option(str(_lifts().pk))
        page.locator("#id_area").select_option(str(world.building.pk))
        page.locator("#similar").get_by_text(earlier.number).wait_for()
        assert "邻居可能已经反映过这件事" in page.locator("#similar").inner_text()
        screenshot(page, "appeal-new-similar-zh-320")
