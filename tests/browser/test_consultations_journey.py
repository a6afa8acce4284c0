"""Consultations on a phone: a resident votes statement after statement (htmx swaps the vote area in place),
adds a statement, and the committee takes it down with a reason the resident then reads; after voting, the
resident reads the opinion map (with and without JavaScript, in large text, on paper) and the committee turns
common ground into a decision draft."""

from __future__ import annotations

from typing import Any

import pytest

from comity.consultations import services
from comity.consultations.models import Statement, Vote
from tests.apps.consultations import SEEDS, make_consultation, second_building_resident, synthetic_report

from ..factories import HouseholdFactory, PersonFactory, UnitFactory, UserFactory
from .conftest import ARTIFACTS, PHONE, SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_resident_votes_in_place_and_reads_why_a_statement_was_taken_down(
    browser: Any, live_server: Any, world: Any
) -> None:
    consultation = make_consultation(world)
    url = f"{live_server.url}/c/{world.harmony.pk}/consultations/{consultation.pk}/"
    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(url)
        screenshot(page, "consultation-vote")
        shown = []
        for n, button in enumerate(["Agree", "Disagree", "Pass / unsure"], start=1):
            shown.append(page.locator(".vote-statement").inner_text().split(" ", 1)[1])
            page.locator("#vote").get_by_role("button", name=button, exact=True).click()
            page.locator("#vote").get_by_text(f"You have voted on {n} of 3 statements.").wait_for()
            assert page.url == url  # swapped in place, no page load
        assert sorted(shown) == sorted(SEEDS)
        assert page.locator("#vote").get_by_text("You have voted on every statement.").is_visible()
        assert dict(Vote.objects.values_list("statement__text", "value")) == {
            shown[0]: 1,
            shown[1]: -1,
            shown[2]: 0,
        }

        page.get_by_role("textbox", name="Your statement").fill("Fine the family in 1-103.")
        page.get_by_role("button", name="Add my statement").click()
        page.get_by_text("Your statement is now shown to others to vote on.").wait_for()

    statement = Statement.objects.get(author=world.user("resident"))
    with signed_in(browser, live_server, "chen", world.password) as page:
        page.goto(f"{url}moderation/")
        card = page.locator(f"#statement-{statement.pk}")
        card.get_by_text("Decide").click()
        card.get_by_label("Take down").check()
        card.get_by_label("Reason, shown to the author").fill("It names a household.")
        screenshot(page, "consultation-moderation")
        card.get_by_role("button", name="Save the decision").click()
        page.get_by_text(f"Statement #{statement.number}: done.").wait_for()

    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(url)
        assert page.get_by_text("Reason: It names a household.").is_visible()
        screenshot(page, "consultation-own-statements")


def _no_sideways_scrolling(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_after_voting_a_resident_reads_the_opinion_map_on_a_phone(
    browser: Any, live_server: Any, world: Any
) -> None:
    consultation = make_consultation(world)
    statements = list(consultation.statements.order_by("number"))
    for index in range(16):
        user = UserFactory(username=f"neighbour{index}")
        household = HouseholdFactory(unit=UnitFactory(building=world.building))
        PersonFactory(user=user, community=world.harmony, household=household, birth_year=1950 + 3 * index)
        # Two camps split on #0 and #1 and agree on #2; every fifth neighbour passes on #0.
        camp = 1 if index % 2 else -1
        votes = [0 if index % 5 == 0 else camp, -camp, 1]
        for statement, value in zip(statements, votes, strict=True):
            services.cast_vote(user, statement, value)
    second_building_resident(world)
    url = f"{live_server.url}/c/{world.harmony.pk}/consultations/{consultation.pk}/"

    with signed_in(browser, live_server, "rui", world.password) as page:
        page.goto(url)
        for n, button in enumerate(["Agree", "Disagree", "Agree"], start=1):
            page.locator("#vote").get_by_role("button", name=button, exact=True).click()
            page.locator("#vote").get_by_text(f"You have voted on {n} of 3 statements.").wait_for()
        page.get_by_role("link", name="See what residents think").click()
        page.get_by_role("heading", name="What residents think").wait_for()
        assert page.locator("svg.opinion-map").is_visible()
        assert page.locator("[data-you] text").text_content() == "you"
        assert page.get_by_text("Last computed at").is_visible()
        assert page.locator("#participation").count() == 0
        _no_sideways_scrolling(page)
        screenshot(page, "consultation-report")

        page.locator("a.group-link").first.click()
        focus = page.locator("[data-map-focus]")
        focus.wait_for()
        assert "Group A" in focus.inner_text()
        assert page.locator("svg.opinion-map").get_attribute("data-active") == "0"
        page.screenshot(path=str(ARTIFACTS / "consultation-report-group-a.png"))
        focus.get_by_role("button", name="Show all groups").click()
        assert page.locator("svg.opinion-map").get_attribute("data-active") is None

        page.get_by_role("button", name="Larger text").click()
        page.wait_for_load_state()
        assert "large-text" in (page.locator("html").get_attribute("class") or "")
        _no_sideways_scrolling(page)
        screenshot(page, "consultation-report-large-text")
        page.emulate_media(media="print")
        page.screenshot(path=str(ARTIFACTS / "consultation-report-print.png"), full_page=True)
        assert not page.locator(".site-header").is_visible()
        assert not page.get_by_role("button", name="Print").is_visible()

    with signed_in(browser, live_server, "rui", world.password, javascript=False) as page:
        page.goto(f"{url}report/")
        assert not page.get_by_role("button", name="Print").is_visible()
        page.locator("a.group-link").last.click()
        assert page.url.endswith("#group-B")
        assert page.locator("#group-B").is_visible()

    with signed_in(browser, live_server, "chen", world.password) as page:
        page.goto(f"{url}report/")
        assert page.locator("#participation").is_visible()
        _no_sideways_scrolling(page)
        screenshot(page, "consultation-report-staff")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(ARTIFACTS / "consultation-report-desktop.png"), full_page=True)
        candidates = page.locator("#draft input[name=statements]")
        assert candidates.count() >= 1
        candidates.first.check()
        page.get_by_role("button", name="Create a decision draft").click()
        page.get_by_text("Saved the decision draft").wait_for()
        assert page.url.endswith("/drafts/")


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "390"), (SMALL_PHONE, "320")])
def test_a_report_with_too_few_votes_says_so_in_words(
    viewport: dict[str, int], name: str, browser: Any, live_server: Any, world: Any
) -> None:
    consultation = make_consultation(world)
    synthetic_report(consultation, seen=1)  # group A: one member voted on statement #0, group B none
    url = f"{live_server.url}/c/{world.harmony.pk}/consultations/{consultation.pk}/report/"
    with signed_in(browser, live_server, "rui", world.password, viewport=viewport) as page:
        page.goto(url)
        group_a = page.locator("#group-A")
        assert group_a.locator("[data-too-few]").inner_text() == (
            "Too few votes yet to say · 1 member of the group has voted on it."
        )
        assert group_a.locator(".figure__bar").count() == 0
        common = page.locator("#common-ground")
        assert common.get_by_text(
            "No statement yet that most participants clearly disagree with."
        ).is_visible()
        assert "1 of 1" not in page.locator("main").inner_text()
        page.get_by_text("How to read this page").click()
        assert page.get_by_text("Its technical name: Group-aware consensus.").is_visible()
        screenshot(page, f"consultation-report-too-few-{name}")
