"""The site menu on phones of 390 px and 320 px, as an elderly resident uses it: a compact bar with the unread
notifications and a Menu button, the whole menu opening below it (keyboard and no JavaScript too), every section
of the user's roles, the current one highlighted — also on an appeal's page; My account lists what they take part
in. A committee worker's and a street official's menus; English, Chinese and large text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from comity.appeals import services as appeal_services
from comity.budgeting.models import BudgetBallot
from comity.notifications.models import Notification
from comity.structure.models import MatterCategory
from tests.apps.budgeting import make_cycle
from tests.apps.decisions import make_decision, make_estate, vote_for

from .conftest import PHONE, SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _resident_with_a_year_of_taking_part(world: Any) -> Any:
    """An owner of unit 5-302 with an appeal, a secret-ballot vote, a budget ballot and three unread notices."""
    estate = make_estate(world)
    resident = estate.owners["302"]
    appeal_services.submit_appeal(
        resident,
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift in stairwell 5-1 stops between floors.",
        unit=estate.units["302"],
    )
    decision = make_decision(
        world, estate, title="Repaint the stairwell", rule_name="civil-code-278-ordinary", secret=True
    )
    vote_for(decision, [resident])
    scenario = make_cycle(world, stage="voting")
    BudgetBallot.objects.create(
        community=scenario.cycle.community,
        cycle=scenario.cycle,
        district=scenario.cycle.districts.get(),
        voter=resident,
        cast_at=timezone.now() - timedelta(hours=2),
    )
    for number in range(3):
        Notification.objects.create(
            recipient=resident, kind="appeal.replied", summary="Reply", params={}, url=f"/?n={number}"
        )
    return resident


def _open_menu(page: Any) -> Any:
    menu = page.locator("details.site-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    assert menu.get_attribute("open") is not None
    return menu.locator(".site-menu__panel")


def _go(page: Any, section: str) -> None:
    _open_menu(page).locator(f'a[data-section="{section}"]').click()
    page.wait_for_load_state()


def _current(page: Any) -> list[str]:
    return page.locator('.site-menu__panel a[aria-current="page"]').evaluate_all(
        "links => links.map(a => a.dataset.section)"
    )


def _assert_large_targets(page: Any) -> None:
    heights = (
        _open_menu(page)
        .locator("a, button")
        .evaluate_all("items => items.map(e => e.getBoundingClientRect().height)")
    )
    assert heights
    assert min(heights) >= 44
    summary = page.locator("summary.site-menu__button").bounding_box()
    bell = page.locator("a.site-bell").bounding_box()
    assert summary["height"] >= 44
    assert bell["height"] >= 44
    assert bell["width"] >= 44


@pytest.mark.parametrize(
    ("viewport", "language", "large"),
    [
        (PHONE, "en", False),
        (SMALL_PHONE, "en", False),
        (SMALL_PHONE, "zh-hans", True),
        (PHONE, "zh-hans", False),
    ],
    ids=["390-en", "320-en", "320-zh-large", "390-zh"],
)
def test_a_resident_finds_every_section_from_the_menu(
    browser: Any, live_server: Any, world: Any, viewport: dict[str, int], language: str, large: bool
) -> None:
    resident = _resident_with_a_year_of_taking_part(world)
    name = f"nav-{viewport['width']}-{language}{'-large' if large else ''}"
    with signed_in(browser, live_server, resident.username, world.password, viewport=viewport) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/")
        if language != "en":
            page.locator("#language-select").select_option(language)
            page.locator("form.preferences").first.get_by_role("button").click()
            page.wait_for_load_state()
        if large:
            page.locator('button[name="large_text"]').click()
            page.wait_for_load_state()
            assert "large-text" in (page.locator("html").get_attribute("class") or "")
        assert page.locator("html").get_attribute("lang") == language
        with translation.override(language):
            labels = {
                "notifications": translation.gettext("Notifications"),
                "unread": translation.gettext("unread"),
                "menu": translation.gettext("Menu"),
            }

        # The bar: the unread badge and the Menu button, both in view; the menu closed.
        unread = Notification.objects.filter(recipient=resident, read_at__isnull=True).count()
        assert unread >= 3
        badge = page.locator("a.site-bell #unread-badge")
        assert badge.is_visible()
        assert badge.inner_text().split()[0] == str(unread)
        assert page.locator("a.site-bell").get_attribute("href") == "/notifications/"
        assert page.get_by_role(
            "link", name=f"{labels['notifications']} {unread} {labels['unread']}"
        ).is_visible()
        assert page.locator("summary.site-menu__button").is_visible()
        assert not page.locator(".site-menu__panel").is_visible()
        screenshot(page, f"{name}-bar")

        panel = _open_menu(page)
        sections = panel.locator("a[data-section]").evaluate_all("links => links.map(a => a.dataset.section)")
        assert sections == [
            "home",
            "appeals",
            "consultations",
            "decisions",
            "budget",
            "structure",
            "matrix",
            "subjects",
            "rates",
            "notifications",
            "account",
        ]
        assert panel.locator('a[data-section="notifications"] .badge--count').inner_text().split()[0] == str(
            unread
        )
        assert _current(page) == ["home"]
        _assert_large_targets(page)
        screenshot(page, f"{name}-menu-open")

        _go(page, "decisions")
        assert page.url == f"{live_server.url}/c/{world.harmony.pk}/decisions/"
        assert _current(page) == ["decisions"]
        assert not page.locator(".site-menu__panel").is_visible()  # a new page starts with the menu closed
        screenshot(page, f"{name}-decisions")

        _go(page, "budget")
        assert page.url == f"{live_server.url}/c/{world.harmony.pk}/budgets/"
        assert _current(page) == ["budget"]
        screenshot(page, f"{name}-budget")

        _go(page, "account")
        assert _current(page) == ["account"]
        for section, expected in (
            ("#my-homes", "5-302"),
            ("#my-appeals", "Lifts" if language == "en" else ""),
            ("#my-decisions", "Repaint the stairwell"),
            ("#my-budget-ballots", "Harmony budget"),
        ):
            assert page.locator(section).is_visible(), section
            assert expected in page.locator(section).inner_text()
        receipt = page.locator("#my-decisions a").nth(1)
        assert receipt.get_attribute("href").endswith("/receipt/")
        screenshot(page, f"{name}-my-account")

        # An appeal's page is in the Appeals section (it used to highlight the community).
        page.locator("#my-appeals li a").first.click()
        page.wait_for_load_state()
        assert "/appeals/" in page.url
        assert _current(page) == ["appeals"]
        screenshot(page, f"{name}-appeal")

        # The appeal form fits the narrowest phones.
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/appeals/new/")
        assert _current(page) == ["appeals"]
        screenshot(page, f"{name}-appeal-form")


def test_the_menu_opens_from_the_keyboard_and_without_javascript(
    browser: Any, live_server: Any, world: Any
) -> None:
    with signed_in(browser, live_server, "rui", world.password, viewport=SMALL_PHONE) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/")
        page.locator("summary.site-menu__button").focus()
        page.keyboard.press("Enter")
        assert page.locator(".site-menu__panel").is_visible()
        assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Decisions").is_visible()
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.dataset.section")
        assert focused == "home"
        page.locator("summary.site-menu__button").focus()
        page.keyboard.press("Enter")
        assert not page.locator(".site-menu__panel").is_visible()
    with signed_in(
        browser, live_server, "rui", world.password, viewport=SMALL_PHONE, javascript=False
    ) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/appeals/mine/")
        _go(page, "consultations")
        assert page.url.endswith("/consultations/")
        assert _current(page) == ["consultations"]


def test_a_committee_workers_menu_reaches_the_registry_and_a_plain_audit_log(
    browser: Any, live_server: Any, world: Any
) -> None:
    appeal_services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift is stuck.",
        unit=world.unit,
    )
    with signed_in(browser, live_server, "chen", world.password, viewport=PHONE) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/")
        panel = _open_menu(page)
        for section in ("registry", "verification", "audit", "decisions", "budget", "rates"):
            assert panel.locator(f'a[data-section="{section}"]').is_visible(), section
        screenshot(page, "nav-committee-menu")
        _go(page, "registry")
        assert _current(page) == ["registry"]
        _go(page, "audit")
        assert _current(page) == ["audit"]
        entry = page.locator("#audit-log tbody tr").filter(has_text="Appeal sent")
        assert entry.get_by_text("Rui", exact=True).is_visible()
        assert "appeal.submit" not in page.locator("#audit-log").inner_text()
        screenshot(page, "nav-committee-audit")


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390", "320"])
def test_a_street_officials_menu_leads_to_the_street_and_its_definitions(
    browser: Any, live_server: Any, world: Any, viewport: dict[str, int]
) -> None:
    with signed_in(browser, live_server, "shu", world.password, viewport=viewport) as page:
        page.goto(f"{live_server.url}/")
        assert page.url == f"{live_server.url}/streets/{world.street.pk}/"
        assert _current(page) == ["street"]
        panel = _open_menu(page)
        assert panel.locator('a[data-section="rates"]').is_visible()
        screenshot(page, f"nav-street-{viewport['width']}-menu")
        page.locator("details.site-menu summary").click()
        page.get_by_role("link", name="How we measure").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Subject diversity").is_visible()
        screenshot(page, f"nav-street-{viewport['width']}-measures")


def test_wide_screens_show_the_same_menu_as_one_bar(browser: Any, live_server: Any, world: Any) -> None:
    with signed_in(
        browser, live_server, "rui", world.password, viewport={"width": 1280, "height": 800}
    ) as page:
        page.goto(f"{live_server.url}/c/{world.harmony.pk}/decisions/")
        assert not page.locator("summary.site-menu__button").is_visible()
        assert not page.locator("a.site-bell").is_visible()
        bar = page.locator("nav.site-nav")
        assert bar.is_visible()
        assert bar.get_by_role("link", name="Budget").is_visible()
        assert bar.locator('a[aria-current="page"]').get_attribute("data-section") == "decisions"
        tops = bar.locator("a[data-section]").evaluate_all(
            "links => links.map(a => a.getBoundingClientRect().top)"
        )
        assert max(tops) - min(tops) < 60  # one bar (at most two lines), not a column
        screenshot(page, "nav-desktop")
