"""The Content-Security-Policy in a real browser: the main pages of each role, the admin and the API's browsable
pages load without a single violation — Chromium reports each one as a console message — and htmx still works
under the policy (it may not eval, and injects no style element)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from .conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@contextmanager
def watching(page: Any) -> Iterator[list[str]]:
    """Every console message that reports a policy violation (or any other error), every failed load of the
    pages' resources, and every uncaught script error while the block runs."""
    problems: list[str] = []

    def console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            problems.append(f"{page.url}: {message.type}: {text}")
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            # A failed load is caught below with its address (Chromium's own /favicon.ico on the admin pages,
            # which link no icon, is not the page's).
            problems.append(f"{page.url}: {message.type}: {text}")

    page.on("console", console)
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.url}: {response.status}") if response.status >= 400 else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: page error: {error}"))
    yield problems
    page.remove_listener("console", console)


def _visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None, url
    assert response.status == 200, f"{url}: {response.status}"
    assert "script-src 'self';" in response.headers.get("content-security-policy", "") + ";"
    page.wait_for_load_state("networkidle")
    # htmx loaded, told not to eval, and added no <style> of its own (the policy would refuse it).
    if page.evaluate("() => typeof htmx !== 'undefined'"):
        assert page.evaluate("() => [htmx.config.allowEval, htmx.config.includeIndicatorStyles]") == [
            False,
            False,
        ]
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0


def _pages(world: Any, role: str) -> list[str]:
    community = world.harmony.pk
    pages = {
        "resident": [
            "/",
            f"/c/{community}/",
            f"/c/{community}/appeals/mine/",
            f"/c/{community}/appeals/public/",
            f"/c/{community}/consultations/",
            f"/c/{community}/funds/",
            "/accounts/me/",
        ],
        "committee_staff": [
            f"/c/{community}/structure/",
            f"/c/{community}/responsibilities/",
            f"/c/{community}/registry/",
            f"/c/{community}/registry/import/",
            f"/c/{community}/appeals/queue/",
            f"/c/{community}/subjects/",
        ],
        "street_official": [f"/streets/{world.street.pk}/", f"/streets/{world.street.pk}/appeals/"],
        "platform_staff": [
            "/admin/",
            "/admin/accounts/user/",
            "/admin/accounts/user/add/",
            "/api/v1/communities/",
        ],
    }
    return pages[role]


@pytest.mark.parametrize("role", ["resident", "committee_staff", "street_official", "platform_staff"])
def test_the_main_pages_raise_no_policy_violation(
    browser: Any, live_server: Any, world: Any, role: str
) -> None:
    user = world.user(role)
    with signed_in(browser, live_server, user.username, world.password) as page, watching(page) as problems:
        for path in _pages(world, role):
            _visit(page, f"{live_server.url}{path}")
    assert problems == []


def test_htmx_requests_and_the_apps_scripts_work_under_the_policy(
    browser: Any, live_server: Any, world: Any
) -> None:
    """The resident's appeal form: htmx asks for similar appeals when the matter changes, and the category
    suggestions (appeals.js, fetch) come while typing — both from files, under the policy."""
    with signed_in(browser, live_server, "rui", world.password) as page, watching(page) as problems:
        _visit(page, f"{live_server.url}/c/{world.harmony.pk}/appeals/new/")
        with page.expect_response(lambda response: "similar=1" in response.url) as similar:
            page.locator("#id_category").select_option(index=1)
        assert similar.value.status == 200
        with page.expect_response(lambda response: "/appeals/suggest/" in response.url) as suggested:
            page.locator("textarea[name=description]").fill("The lift stops between floors")
        assert suggested.value.status == 200
    assert problems == []


def test_a_violation_would_be_seen(browser: Any, live_server: Any, world: Any) -> None:
    """The watch is not blind: an inline script added to a page is refused and reported."""
    context = browser.new_context()
    page = context.new_page()
    try:
        with watching(page) as problems:
            page.goto(f"{live_server.url}/accounts/login/")
            page.evaluate(
                "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
                " document.body.appendChild(s); }"
            )
            page.wait_for_timeout(200)
            ran = page.evaluate("() => window.ran === 1")
    finally:
        context.close()
    assert ran is False
    assert any("Content Security Policy" in problem for problem in problems)
