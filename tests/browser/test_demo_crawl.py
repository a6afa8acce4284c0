"""Every demo login walks the pages it can reach, on a 390 px and a 320 px phone, as a new user would.

The demo street is generated once; then each login follows the links it is shown, breadth first from the home
page (at most ``PAGES_PER_LOGIN`` pages, and at most ``PAGES_PER_SHAPE`` of one URL shape, so that forty appeal
pages do not crowd out the rest). Every page must answer without an error, log nothing to the console, have no
axe-core violation and fit both screens without sideways scrolling. All problems are collected and reported
together.

The crawl is slow (a few minutes), so it runs once per CI run: on SQLite, not again on PostgreSQL, whose page
behaviour the journeys already cover.
"""

from __future__ import annotations

import re
import time
from collections import deque
from io import StringIO
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from comity.demo.accounts import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import PHONE, SMALL_PHONE, assert_accessible, assert_fits_screen, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES_PER_LOGIN = 40
PAGES_PER_SHAPE = 2

#: Links the crawl does not follow: leaving, files to download, Django's own admin site, the API's JSON.
SKIPPED = re.compile(
    r"/accounts/logout/|/admin/|/api/|/source\.tar\.gz|/media/|/static/|/i18n/"
    r"|\.(csv|xlsx|json|pb|pdf|png|jpg|svg)$|/(export|download|template)(/|$)|[?&](format|download)="
)


def _shape(path: str) -> str:
    """``/c/7/appeals/123/`` and ``/c/7/appeals/456/`` are one shape; query strings count as part of it."""
    return re.sub(r"\d+", "N", path)


def _links(page: Any, origin: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED.search(parts.path + "?" + parts.query):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _crawl(browser: Any, live_server: Any, username: str) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    visited: list[str] = []
    with signed_in(browser, live_server, username, DEMO_PASSWORD) as page:
        page.set_default_timeout(60_000)
        messages: list[str] = []
        page.on("console", lambda m: messages.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: messages.append(str(error)))
        queue, seen, shapes = deque(["/"]), {"/"}, dict[str, int]()
        while queue and len(visited) < PAGES_PER_LOGIN:
            path = queue.popleft()
            shape = _shape(path)
            if shapes.get(shape, 0) >= PAGES_PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            visited.append(path)
            messages.clear()
            page.set_viewport_size(PHONE)
            response = page.goto(f"{live_server.url}{path}")
            where = f"{username} {path}"
            if response is None or response.status >= 400:
                problems.append(f"{where}: answered {response.status if response else 'nothing'}")
                continue
            for check in (assert_fits_screen, assert_accessible):
                try:
                    check(page)
                except AssertionError as error:
                    problems.append(f"{where} at 390 px: {error}")
            page.set_viewport_size(SMALL_PHONE)
            try:
                assert_fits_screen(page)
            except AssertionError as error:
                problems.append(f"{where} at 320 px: {error}")
            if messages:
                problems.append(f"{where}: console errors {messages[:3]}")
            for link in _links(page, live_server.url):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
    return problems, visited


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the demo crawl runs once per CI run, on SQLite (see the module)"
)
def test_every_demo_login_reaches_only_pages_that_work_on_a_phone(browser: Any, live_server: Any) -> None:
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("generate_demo", seed=2026, stdout=StringIO())
    problems: list[str] = []
    for login in DEMO_LOGINS:
        started = time.monotonic()
        found, visited = _crawl(browser, live_server, login.username)
        print(f"{login.username}: {len(visited)} pages in {time.monotonic() - started:.0f} s")
        assert len(visited) >= 5, f"{login.username} reached only {visited}"
        problems += found
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)
