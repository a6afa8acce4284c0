"""Password guessing is throttled: after a few wrong passwords in a row, per username and per address, signing
in is refused — even with the right password — on the login page, through the API's HTTP Basic authentication
and with one-time codes, until the wait is over or committee staff unlock the account.

django-axes keeps its failed attempts in the database, so each test starts with none (the test's transaction is
rolled back) and the shared cast is never locked across tests.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from comity.audit.models import AuditEntry

from ..cast import World

LOGIN = "/accounts/login/"
LIMIT = settings.AXES_FAILURE_LIMIT


def _login(client: Any, username: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _signed_in(client: Any) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_signs_in_after_a_few_wrong_ones(client: Any, world: World) -> None:
    for _ in range(LIMIT - 1):
        assert _login(client, "rui", "wrong").status_code == 200
    response = _login(client, "rui", world.password)
    assert response.status_code == 302
    assert _signed_in(client)


def test_thirty_wrong_passwords_lock_the_login_page_even_for_the_right_one(client: Any, world: World) -> None:
    for _ in range(30):
        _login(client, "rui", "wrong")
    response = _login(client, "rui", world.password)
    assert response.status_code == 429
    assert not _signed_in(client)
    page = response.content.decode()
    assert "Signing in is paused" in page
    assert f"paused for {int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} minutes" in page
    assert "Try again after" in page
    assert "Ask your residents' committee" in page
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))


def test_the_lockout_page_says_when_to_try_again_in_chinese(client: Any, world: World) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    moment = timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0))
    with time_machine.travel(moment, tick=False):
        for _ in range(LIMIT):
            response = _login(client, "rui", "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已暂停" in page
    assert "10:15 以后再试" in page
    assert "居委会" in page


def test_the_lockout_ends_after_the_wait(client: Any, world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(LIMIT):
            _login(client, "rui", "wrong")
        assert _login(client, "rui", world.password).status_code == 429
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + timedelta(minutes=1), tick=False):
        assert _login(client, "rui", world.password).status_code == 302
        assert _signed_in(client)


def test_wrong_passwords_for_many_usernames_from_one_address_lock_that_address(
    client: Any, world: World
) -> None:
    for username in ["olga", "otto", "gao", "chen", "shu"][:LIMIT]:
        _login(client, username, "wrong", REMOTE_ADDR="203.0.113.9")
    assert _login(client, "rui", world.password, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert _login(client, "rui", world.password, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_locked_username_stays_locked_from_another_address(client: Any, world: World) -> None:
    for _ in range(LIMIT):
        _login(client, "rui", "wrong", REMOTE_ADDR="203.0.113.9")
    assert _login(client, "rui", world.password, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_thirty_wrong_basic_passwords_lock_the_api_even_for_the_right_one(client: Any, world: World) -> None:
    url = reverse("api-communities")
    assert client.get(url, **_basic("rui", world.password)).status_code == 200
    for _ in range(30):
        assert client.get(url, **_basic("rui", "wrong")).status_code in {401, 403}
    response = client.get(url, **_basic("rui", world.password))
    assert response.status_code in {401, 403}
    assert AccessAttempt.objects.filter(username="rui").exists()


def test_the_api_takes_no_basic_authentication_in_production() -> None:
    """With DEBUG off the API keeps the browser session only, unless COMITY_API_BASIC_AUTH is set."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES']))"
    )

    def classes(**env: str) -> list[str]:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "comity.config.settings",
            "COMITY_DEBUG": "false",
            "COMITY_SECRET_KEY": "x" * 50,
            **env,
        }
        environment.pop("COMITY_API_BASIC_AUTH", None) if "COMITY_API_BASIC_AUTH" not in env else None
        out = subprocess.run(
            [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
        )
        return list(json.loads(out.stdout))

    assert classes() == ["rest_framework.authentication.SessionAuthentication"]
    assert classes(COMITY_API_BASIC_AUTH="true") == [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ]


def test_committee_staff_unlock_a_locked_resident(client: Any, client_for: Any, world: World) -> None:
    for _ in range(LIMIT):
        _login(client, "rui", "wrong")
    person = world.users["resident"].person
    staff = client_for("committee_staff")
    page = staff.get(reverse("accounts:sign_in_help_person", args=[person.pk])).content.decode()
    assert "Locked after 5 wrong tries" in page
    response = staff.post(reverse("accounts:unlock", args=[person.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="rui").exists()
    entry = AuditEntry.objects.get(action="accounts.unlock_sign_in")
    assert entry.actor == world.users["committee_staff"]
    assert entry.community == world.harmony
    client.logout()
    assert _login(client, "rui", world.password).status_code == 302


def test_platform_staff_can_also_unlock_in_the_admin(client_for: Any, world: World) -> None:
    """django-axes' own admin pages list failed attempts; deleting one unlocks."""
    admin = client_for("platform_staff")
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
