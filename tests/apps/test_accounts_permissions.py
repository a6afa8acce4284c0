"""Sign-in help × every member of the cast.

Who may do what (``comity/accounts/permissions.py``): the residents' committee staff of Harmony (Chen) and
platform staff (Pat) open the sign-in help page and, for a plain resident of Harmony (Rui), unlock the account
and make a one-time code. Nobody may do it for a resident of another community (Otto, of Riverside), for someone who
acts for a subject or the grid (a colleague's account), or for themselves. Anonymous visitors are sent to log in;
everyone else gets 403, and every denied write leaves the codes, the failed-attempt records and the audit log
exactly as they were.
"""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from comity.accounts.models import SignInCode
from comity.audit.models import AuditEntry

from ..cast import World
from ..conftest import CAST

HELPERS = {"committee_staff", "platform_staff"}


def _lock(username: str) -> None:
    AccessAttempt.objects.create(
        username=username,
        ip_address="203.0.113.9",
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=5,
    )


def _state() -> tuple[int, int, int]:
    return SignInCode.objects.count(), AccessAttempt.objects.count(), AuditEntry.objects.count()


def _assert_denied(response: Any, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", CAST)
def test_the_sign_in_help_page_opens_for_committee_staff_and_platform_staff_only(
    client_for: Any, world: World, role: str
) -> None:
    response = client_for(role).get(reverse("accounts:sign_in_help"), {"q": "ru"})
    if role in HELPERS:
        assert response.status_code == 200
        assert "Rui" in response.content.decode()
    else:
        _assert_denied(response, role)


def test_committee_staff_find_only_residents_of_their_own_community(client_for: Any, world: World) -> None:
    page = client_for("committee_staff").get(reverse("accounts:sign_in_help"), {"q": "o"}).content.decode()
    assert "Olga" in page
    assert "Otto" not in page


@pytest.mark.parametrize("role", CAST)
def test_who_may_see_a_resident_s_sign_in_status(client_for: Any, world: World, role: str) -> None:
    person = world.users["resident"].person
    response = client_for(role).get(reverse("accounts:sign_in_help_person", args=[person.pk]))
    if role in HELPERS:
        assert response.status_code == 200
    else:
        _assert_denied(response, role)


@pytest.mark.parametrize("role", CAST)
def test_who_may_make_a_one_time_code_for_a_resident(client_for: Any, world: World, role: str) -> None:
    person = world.users["resident"].person
    before = _state()
    response = client_for(role).post(reverse("accounts:issue_code", args=[person.pk]))
    if role in HELPERS:
        assert response.status_code == 200
        assert (
            SignInCode.objects.filter(user=world.users["resident"], issued_by=world.users[role]).count() == 1
        )
        assert AuditEntry.objects.filter(action="accounts.issue_sign_in_code").count() == 1
    else:
        _assert_denied(response, role)
        assert _state() == before


@pytest.mark.parametrize("role", CAST)
def test_who_may_unlock_a_resident(client_for: Any, world: World, role: str) -> None:
    _lock("rui")
    person = world.users["resident"].person
    before = _state()
    response = client_for(role).post(reverse("accounts:unlock", args=[person.pk]))
    if role in HELPERS:
        assert response.status_code == 302
        assert not AccessAttempt.objects.filter(username="rui").exists()
        assert AuditEntry.objects.filter(action="accounts.unlock_sign_in").count() == 1
    else:
        _assert_denied(response, role)
        assert _state() == before


@pytest.mark.parametrize(
    "target",
    ["other_resident", "grid_worker", "committee_staff", "street_official", "ngo_staff", "enterprise_staff"],
)
def test_committee_staff_may_not_help_with_accounts_outside_their_care(
    client_for: Any, world: World, target: str
) -> None:
    """Another community's resident, or anyone who acts for a subject, the grid or the street — including
    themselves: a code for a colleague would let one staff member take over another's account."""
    person = world.users[target].person
    _lock(world.users[target].username)
    client = client_for("committee_staff")
    before = _state()
    assert client.post(reverse("accounts:issue_code", args=[person.pk])).status_code == 403
    assert client.post(reverse("accounts:unlock", args=[person.pk])).status_code == 403
    assert client.get(reverse("accounts:sign_in_help_person", args=[person.pk])).status_code == 403
    assert _state() == before


def test_platform_staff_may_not_make_codes_for_staff_accounts(client_for: Any, world: World) -> None:
    person = world.users["committee_staff"].person
    before = _state()
    assert (
        client_for("platform_staff").post(reverse("accounts:issue_code", args=[person.pk])).status_code == 403
    )
    assert _state() == before


def test_an_unknown_person_is_not_found(client_for: Any, world: World) -> None:
    assert (
        client_for("committee_staff").post(reverse("accounts:issue_code", args=[999999])).status_code == 404
    )


@pytest.mark.parametrize("role", CAST)
def test_the_code_page_and_the_reset_page_are_open_to_everyone(
    client_for: Any, world: World, role: str
) -> None:
    client = client_for(role)
    assert client.get(reverse("accounts:sign_in_with_code")).status_code == 200
    assert client.get(reverse("accounts:password_reset")).status_code == 200


@pytest.mark.parametrize("role", CAST)
def test_everyone_signed_in_may_change_their_own_password(client_for: Any, world: World, role: str) -> None:
    response = client_for(role).get(reverse("accounts:password_change"))
    if role == "anonymous":
        _assert_denied(response, role)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", CAST)
def test_the_pages_after_a_reset_e_mail_open_for_everyone_and_a_bad_link_says_so(
    client_for: Any, world: World, role: str
) -> None:
    """The pages a reset e-mail leads through need no account: "sent", "done", and the link itself, which shows
    that it no longer works rather than a form when its token is wrong."""
    client = client_for(role)
    assert client.get(reverse("accounts:password_reset_done")).status_code == 200
    assert client.get(reverse("accounts:password_reset_complete")).status_code == 200
    response = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "set-password"]))
    assert response.status_code == 200
    assert 'name="new_password1"' not in response.content.decode()
    assert SignInCode.objects.count() == 0
