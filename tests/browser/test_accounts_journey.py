"""Passwords on a phone: a resident changes theirs; committee staff hand a one-time code to a resident without
e-mail, who sets a new password with it; too many wrong passwords pause signing in, with a page that says when to
try again and whom to ask (in English and in Chinese). Each at 390 px and at 320 px."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import PHONE, SMALL_PHONE, screenshot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_PASSWORD = "lantern-river-42-quietly"
SCREENS = [pytest.param(PHONE, id="390"), pytest.param(SMALL_PHONE, id="320")]


def _anonymous_page(browser: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, device_scale_factor=2, is_mobile=True, has_touch=True)
    return context, context.new_page()


def _log_in(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", SCREENS)
def test_a_resident_changes_their_password(
    browser: Any, live_server: Any, world: Any, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    with signed_in(browser, live_server, "rui", world.password, viewport=viewport) as page:
        page.goto(f"{live_server.url}/accounts/me/")
        page.get_by_role("link", name="Change my password").click()
        page.locator("#id_old_password").fill(world.password)
        page.locator("#id_new_password1").fill(NEW_PASSWORD)
        page.locator("#id_new_password2").fill(NEW_PASSWORD)
        screenshot(page, f"accounts-password-change-{width}")
        page.get_by_role("button", name="Change my password").click()
        page.wait_for_url(f"{live_server.url}/accounts/me/")
        assert "Your password was changed." in page.locator("body").inner_text()
        screenshot(page, f"accounts-password-changed-{width}")
    context, page = _anonymous_page(browser, viewport)
    _log_in(page, live_server, "rui", NEW_PASSWORD)
    assert page.url != f"{live_server.url}/accounts/login/"
    context.close()


@pytest.mark.parametrize("viewport", SCREENS)
def test_staff_hand_a_one_time_code_to_a_resident_who_sets_a_new_password(
    browser: Any, live_server: Any, world: Any, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    with signed_in(browser, live_server, "chen", world.password, viewport=viewport) as page:
        page.goto(f"{live_server.url}/accounts/me/")
        page.get_by_role("link", name="Sign-in help for residents").click()
        page.locator("#id_q").fill("Rui")
        page.get_by_role("button", name="Search").click()
        page.locator("#sign-in-help-results").get_by_role("link", name="Rui").click()
        page.get_by_role("button", name="Make a one-time code").click()
        code = page.locator("#the-code").inner_text()
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
        screenshot(page, f"accounts-code-issued-{width}")

    context, page = _anonymous_page(browser, viewport)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    screenshot(page, f"accounts-password-reset-{width}")
    page.get_by_role("link", name="I have a code").click()
    page.locator("#id_username").fill("rui")
    page.locator("#id_code").fill(code.lower())
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    screenshot(page, f"accounts-code-redeem-{width}")
    page.get_by_role("button", name="Set my new password").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "Your new password is set" in page.locator("body").inner_text()
    _log_in(page, live_server, "rui", NEW_PASSWORD)
    assert page.url != f"{live_server.url}/accounts/login/"
    context.close()


@pytest.mark.parametrize("viewport", SCREENS)
def test_too_many_wrong_passwords_pause_signing_in_with_a_friendly_page(
    browser: Any, live_server: Any, world: Any, settings: Any, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    context, page = _anonymous_page(browser, viewport)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(page, live_server, "rui", "wrong-guess")
    _log_in(page, live_server, "rui", world.password)
    text = page.locator("main").inner_text()
    assert "Signing in is paused" in text
    assert "Try again after" in text
    assert "Ask your residents' committee" in text
    screenshot(page, f"accounts-locked-out-{width}")

    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    _log_in(page, live_server, "rui", world.password)
    text = page.locator("main").inner_text()
    assert "登录已暂停" in text
    assert "居委会" in text
    screenshot(page, f"accounts-locked-out-zh-{width}")
    context.close()
