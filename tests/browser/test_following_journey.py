"""Following and "me too" on a phone: a neighbour opens a public appeal, says it affects her too and so follows it,
and is told when the handler replies; she supports, follows and comments on a budget proposal, which the committee
then costs, and she is told in Chinese. At 390 px and at 320 px; every screenshot runs axe and the width check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from comity.appeals import services as appeal_services
from comity.appeals.models import AppealFollower, AppealMeToo
from comity.budgeting import services as budget_services
from comity.budgeting.models import ProposalComment, ProposalFollower, ProposalSupport
from comity.structure.models import MatterCategory

from ..apps.budgeting import make_cycle
from .conftest import SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _photo() -> SimpleUploadedFile:
    from io import BytesIO

    buffer = BytesIO()
    Image.new("RGB", (800, 600), (180, 120, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile("lift.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize("viewport", [None, SMALL_PHONE], ids=["390px", "320px"])
def test_a_neighbour_says_me_too_follows_and_hears_the_reply(
    browser: Any, live_server: Any, world: Any, tmp_path: Path, settings: Any, viewport: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    size = "320" if viewport else "390"
    options = {"viewport": viewport} if viewport else {}
    appeal = appeal_services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift of building 1 stops between floors; elderly neighbours are stuck upstairs.",
        area=world.stairwell,
        is_public=True,
        photos=[_photo()],
    )
    base = f"{live_server.url}/c/{world.harmony.pk}/appeals/public/"
    with signed_in(browser, live_server, "olga", world.password, **options) as page:
        page.goto(base)
        screenshot(page, f"following-public-list-{size}")
        page.get_by_role("link", name=appeal.number).click()
        page.wait_for_url(f"{base}{appeal.pk}/")
        main = page.locator("main").inner_text()
        assert "elderly neighbours are stuck" in main
        assert "Building 1" in main
        assert "Rui" not in main
        assert page.locator(".photos img").count() == 1
        screenshot(page, f"following-public-appeal-{size}")
        page.get_by_role("button", name="This affects me too").click()
        page.wait_for_load_state()
        assert "1 neighbour says it affects them too" in page.locator("#affected").inner_text()
        assert page.get_by_role("button", name="Stop following").is_visible()
        screenshot(page, f"following-me-too-{size}")
        page.goto(base)
        assert "Affects 1 more resident" in page.locator("[data-engaged]").inner_text()
    assert AppealMeToo.objects.filter(appeal=appeal, user=world.user("owner")).count() == 1
    assert AppealFollower.objects.filter(appeal=appeal, user=world.user("owner")).count() == 1

    eli = world.user("enterprise_staff")
    appeal_services.sign_for(eli, appeal)
    appeal_services.reply(eli, appeal, text="We replaced the door sensor; the lift runs normally again.")

    with signed_in(browser, live_server, "olga", world.password, **options) as page:
        page.goto(f"{live_server.url}/notifications/")
        message = f"Evergreen Property replied to appeal {appeal.number} that you follow."
        assert message in page.locator("main").inner_text()
        screenshot(page, f"following-notified-{size}")
        page.locator("#notifications li", has_text=message).get_by_role("button", name="Open").click()
        page.wait_for_url(f"{base}{appeal.pk}/")
        assert "We replaced the door sensor" in page.locator(".timeline").inner_text()
        screenshot(page, f"following-replied-{size}")

    with signed_in(browser, live_server, "chen", world.password, **options) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/appeals/{appeal.pk}/")
        assert "1 more resident says it affects them too" in page.locator("[data-me-too]").inner_text()


@pytest.mark.parametrize("viewport", [None, SMALL_PHONE], ids=["390px", "320px"])
def test_a_resident_supports_and_comments_then_the_committee_costs_the_proposal(
    browser: Any, live_server: Any, world: Any, viewport: Any
) -> None:
    size = "320" if viewport else "390"
    options = {"viewport": viewport} if viewport else {}
    scenario = make_cycle(world, stage="proposing")
    proposal = scenario.projects["A"]
    budget_services.review_proposal(world.user("committee_staff"), proposal, eligible=True, reasons=[])
    url = f"{live_server.url}/c/{world.harmony.pk}/budgets/{scenario.cycle.pk}/proposals/{proposal.pk}/"

    with signed_in(browser, live_server, "olga", world.password, **options) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/budgets/{scenario.cycle.pk}/")
        page.get_by_role("link", name="#1 Project A").click()
        page.wait_for_url(url)
        assert "They are not votes" in page.locator("#engage").inner_text()
        page.get_by_role("button", name="Support this proposal").click()
        page.wait_for_load_state()
        assert "1 resident supports it" in page.locator("#engage").inner_text()
        page.get_by_role("button", name="Follow this proposal").click()
        page.wait_for_load_state()
        page.get_by_label("Your comment").fill("A")  # too short: refused, what was typed kept
        page.get_by_role("button", name="Post the comment").click()
        page.wait_for_load_state()
        assert "Write at least 2 characters." in page.locator("main").inner_text()
        assert page.get_by_label("Your comment").input_value() == "A"
        page.get_by_label("Your comment").fill("A good idea — <please> put the bench in the shade.")
        page.get_by_role("button", name="Send").click()
        page.wait_for_load_state()
        assert "<please> put the bench in the shade" in page.locator("#comments").inner_text()
        screenshot(page, f"support-proposal-resident-{size}")
    assert ProposalSupport.objects.filter(proposal=proposal).count() == 1
    assert ProposalFollower.objects.filter(proposal=proposal).count() == 1
    assert ProposalComment.objects.filter(proposal=proposal).count() == 1

    with signed_in(browser, live_server, "chen", world.password, **options) as page:
        page.goto(url)
        assert "1 resident supports it" in page.locator("#engage").inner_text()
        assert "put the bench in the shade" in page.locator("#comments").inner_text()
        page.get_by_label("Cost (yuan)").fill("60")
        page.get_by_label("How the cost was worked out").fill("Quote from the carpenter.")
        screenshot(page, f"support-proposal-staff-{size}")
        page.get_by_role("button", name="Save the cost and put it on the ballot").click()
        page.wait_for_load_state()
        assert "On the ballot" in page.locator(".page-header").inner_text()

    with signed_in(browser, live_server, "olga", world.password, **options) as page:
        page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
        page.goto(f"{live_server.url}/notifications/")
        assert "您关注的“Project A”核定费用60元，已列入选票。" in page.locator("main").inner_text()
        page.goto(url)
        engage = page.locator("#engage").inner_text()
        assert "1位居民支持" in engage
        assert "支持不是投票" in engage
        screenshot(page, f"support-proposal-zh-{size}")
