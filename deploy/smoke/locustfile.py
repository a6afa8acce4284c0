"""Locust load over the main pages of each demo role, for the production smoke run.

The pages come from ``checks.py pages`` (a JSON file named by ``COMITY_SMOKE_PAGES``): one user class per
login, each walking its role's pages. Each role signs in once (a password hash costs a few hundred milliseconds of
CPU: fifty sign-ins would be a load test of PBKDF2) and its users share that session, as the tabs of one browser
would: the smoke run signs in and passes the cookies in ``COMITY_SMOKE_SESSIONS``; without it, each role signs in
through the login page when the test starts. Every response that is not a 200 counts as a failure
(a redirect to the login page would be a session lost)::

    COMITY_SMOKE_PAGES=pages.json locust -f deploy/smoke/locustfile.py --headless -u 50 -r 25 -t 30s \\
        --host http://127.0.0.1:7510
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from locust.exception import StopUser
from web import sign_in

PAGES: dict[str, list[list[str]]] = (
    json.loads(Path(os.environ["COMITY_SMOKE_PAGES"]).read_text(encoding="utf-8"))
    if os.environ.get("COMITY_SMOKE_PAGES")
    else {}
)
#: login → its session cookie: from ``COMITY_SMOKE_SESSIONS`` (a JSON file the smoke run writes after signing
#: in), else signed in when the test starts.
SESSIONS: dict[str, str] = (
    json.loads(Path(os.environ["COMITY_SMOKE_SESSIONS"]).read_text(encoding="utf-8"))
    if os.environ.get("COMITY_SMOKE_SESSIONS")
    else {}
)


@events.test_start.add_listener
def _sign_in_every_role(environment: Any, **_: Any) -> None:
    for login in PAGES:
        if login and login not in SESSIONS:
            with contextlib.suppress(Exception):  # a user of the role tries again and reports the failure
                SESSIONS[login] = sign_in(environment.host, login)


class RoleUser(HttpUser):
    abstract = True
    login = ""
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.pages = PAGES.get(self.login, [])
        self.next = 0
        if self.login:
            if self.login not in SESSIONS:
                started = time.monotonic()
                try:
                    SESSIONS[self.login] = sign_in(self.host, self.login)
                except Exception as error:  # any failure to sign in is a failed request
                    self.environment.events.request.fire(
                        request_type="POST",
                        name=f"sign in as {self.login}",
                        response_time=(time.monotonic() - started) * 1000,
                        response_length=0,
                        exception=error,
                        context={},
                    )
                    raise StopUser from error
            self.client.cookies.set("sessionid", SESSIONS[self.login])

    @task
    def next_page(self) -> None:
        if not self.pages:
            return
        label, path = self.pages[self.next % len(self.pages)]
        self.next += 1
        with self.client.get(path, name=label, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {response.headers.get('Location', '')}")


def _user_class(login: str) -> type[RoleUser]:
    name = "".join(part.capitalize() for part in (login or "anonymous").split("-"))
    return type(name, (RoleUser,), {"login": login, "abstract": False, "weight": max(1, len(PAGES[login]))})


for _login in PAGES:
    globals()[f"User_{_login or 'anonymous'}".replace("-", "_")] = _user_class(_login)
