"""Locust load over the main pages of each demo role, for the production smoke run.

The pages come from ``checks.py pages`` (a JSON file named by ``COMITY_SMOKE_PAGES``): one user class per
login, each walking its role's pages. Each role signs in once through the login page when the test starts (a
password hash costs a few hundred milliseconds of CPU: fifty sign-ins would be a load test of PBKDF2), and its
users share that session, as the tabs of one browser would. Every response that is not a 200 counts as a failure
(a redirect to the login page would be a session lost)::

    COMITY_SMOKE_PAGES=pages.json locust -f deploy/smoke/locustfile.py --headless -u 50 -r 25 -t 30s \\
        --host http://127.0.0.1:7510
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from web import sign_in

PAGES: dict[str, list[list[str]]] = (
    json.loads(Path(os.environ["COMITY_SMOKE_PAGES"]).read_text(encoding="utf-8"))
    if os.environ.get("COMITY_SMOKE_PAGES")
    else {}
)
#: login → its session cookie, filled when the test starts.
SESSIONS: dict[str, str] = {}


@events.test_start.add_listener
def _sign_in_every_role(environment: Any, **_: Any) -> None:
    for login in PAGES:
        if login:
            SESSIONS[login] = sign_in(environment.host, login)


class RoleUser(HttpUser):
    abstract = True
    login = ""
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.pages = PAGES.get(self.login, [])
        self.next = 0
        if self.login:
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
