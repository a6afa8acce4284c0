"""Playwright journeys against the live test server, with Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.cast import _empty_cache, _english_by_default, _fast_password_hashing, client_for, world  # noqa: F401  (fixtures)

CHROMIUM = os.environ.get("COMITY_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
#: The narrowest phones still in use (iPhone SE first generation, small Android phones).
SMALL_PHONE = {"width": 320, "height": 640}

# Playwright's sync API runs an event loop in this thread; Django's ORM is only used by fixtures here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page in a phone-sized viewport, as most residents see Comity."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Keep a full-page screenshot as a test artifact, and check the page for accessibility on the way."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert_accessible(page)
    assert_fits_screen(page)
    return path


def assert_accessible(page: Any) -> None:
    """No WCAG 2.1 A/AA violation that axe-core can detect (axe-core ships in a pip package, no network)."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text(encoding="utf-8")
    if getattr(page.context, "comity_javascript", True):
        checked, copy = page, None
    else:
        # axe-core is a script: check the same markup and styles, as served without JavaScript, in a page that runs it.
        copy = page.context.browser.new_page(viewport=page.viewport_size)
        html = page.content().replace("<head>", f'<head><base href="{page.url}">', 1)
        copy.set_content(html, wait_until="load")
        checked = copy
    checked.evaluate(script)
    result = checked.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    if copy is not None:
        copy.close()
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert problems == [], f"{page.url}: " + "; ".join(problems)


@contextmanager
def signed_in(
    browser: Any,
    live_server: Any,
    username: str,
    password: str,
    *,
    javascript: bool = True,
    viewport: dict[str, int] = PHONE,
) -> Iterator[Any]:
    """A phone-sized page logged in through the login form (``javascript=False`` tries the no-script path;
    ``viewport=SMALL_PHONE`` the narrowest phones)."""
    context = browser.new_context(
        viewport=viewport,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
    )
    context.comity_javascript = javascript
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    try:
        yield page
    finally:
        context.close()


#: What widens a page: elements past its right edge that no scrolling box clips (an absolutely positioned element
#: is clipped only by a scrolling box at or above its containing block).
_WIDE = """() => {
    const edge = document.documentElement.clientWidth;
    const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
        + (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/ +/).join(".") : "");
    const detached = e => ["absolute", "fixed"].includes(getComputedStyle(e).position);
    const clipped = e => {
        let free = detached(e);  // looking for the containing block, past boxes that do not clip e
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            const style = getComputedStyle(a);
            if (free && style.position === "static") continue;
            if (style.overflowX !== "visible") return true;
            free = detached(a);
        }
        return false;
    };
    return [...document.querySelectorAll("body *")]
        .filter(e => e.getBoundingClientRect().right > edge + 1 && !clipped(e))
        .slice(0, 4).map(e => `${name(e)} in ${name(e.parentElement)} (“${e.textContent.trim().slice(0, 20)}”)`
            + ` ends at ${Math.round(e.getBoundingClientRect().right)}px`);
}"""


def assert_fits_screen(page: Any) -> None:
    """The page is no wider than the phone's screen (nothing to scroll sideways) and not zoomed out to fit."""
    expected = page.viewport_size["width"]
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if inner != expected or width > inner:
        wide = page.evaluate(_WIDE)
        assert inner == expected, f"{page.url} is zoomed out to {inner}px wide by {wide}"
        assert width <= inner, f"{page.url} is {width}px wide on a {inner}px phone: {wide}"
