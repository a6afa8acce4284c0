"""Residents and staff change their password in My account, reset a forgotten one by e-mail, or — without
e-mail — with a one-time code that committee staff hand over; idle sessions end.

Who may hand out codes is tested for every role in ``test_accounts_permissions.py``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comity.accounts import codes
from comity.accounts.models import SignInCode
from comity.audit.models import AuditEntry

from ..cast import World

NEW_PASSWORD = "lantern-river-42-quietly"


def _code_for(client_for: Any, world: World, role: str = "resident") -> str:
    staff = client_for("committee_staff")
    person = world.users[role].person
    page = staff.post(reverse("accounts:issue_code", args=[person.pk])).content.decode()
    found = re.search(r'<code id="the-code">([A-Z0-9-]+)</code>', page)
    assert found, page
    staff.logout()
    return found.group(1)


def _redeem(
    client: Any, username: str, code: str, password: str = NEW_PASSWORD, again: str | None = None
) -> Any:
    return client.post(
        reverse("accounts:sign_in_with_code"),
        {"username": username, "code": code, "new_password1": password, "new_password2": again or password},
    )


def _can_log_in(client: Any, username: str, password: str) -> bool:
    client.logout()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


# --- Change ----------------------------------------------------------------------------------------------


def test_a_resident_changes_their_password_in_my_account(client_for: Any, world: World) -> None:
    client = client_for("resident")
    assert reverse("accounts:password_change") in client.get(reverse("web:me")).content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": world.password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:me")
    # Still signed in on this device.
    assert client.get(reverse("web:me")).status_code == 200
    assert (
        AuditEntry.objects.filter(action="accounts.password_change", actor=world.users["resident"]).count()
        == 1
    )
    assert _can_log_in(client, "rui", NEW_PASSWORD)
    assert not _can_log_in(client, "rui", world.password)


def test_a_wrong_old_password_changes_nothing_and_says_so(client_for: Any, world: World) -> None:
    client = client_for("committee_staff")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    world.users["committee_staff"].refresh_from_db()
    assert world.users["committee_staff"].check_password(world.password)


def test_the_password_change_page_is_in_chinese(client_for: Any, world: World) -> None:
    client = client_for("resident")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "修改密码" in page


def test_an_anonymous_visitor_is_sent_to_log_in_before_changing_a_password(client: Any, world: World) -> None:
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Reset by e-mail -------------------------------------------------------------------------------------


def test_a_resident_resets_a_forgotten_password_by_e_mail(client: Any, world: World) -> None:
    user = world.users["resident"]
    user.email = "rui@example.org"
    user.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "rui@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rui@example.org"]
    assert message.subject == "Comity: choose a new password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", message.body)
    assert link, message.body
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert AuditEntry.objects.filter(action="accounts.password_reset", actor=user).count() == 1
    assert _can_log_in(client, "rui", NEW_PASSWORD)


def test_the_reset_e_mail_is_in_the_language_of_the_request(client: Any, world: World) -> None:
    user = world.users["owner"]
    user.email = "olga@example.org"
    user.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.post(reverse("accounts:password_reset"), {"email": "olga@example.org"})
    assert mail.outbox[0].subject == "Comity：设置新密码"
    assert "3 小时内" in mail.outbox[0].body


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client: Any, world: World) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


# --- One-time codes --------------------------------------------------------------------------------------


def test_staff_hand_a_resident_a_code_and_the_resident_sets_a_new_password(
    client: Any, client_for: Any, world: World
) -> None:
    code = _code_for(client_for, world)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    stored = SignInCode.objects.get(user=world.users["resident"])
    assert codes.normalise(code) not in stored.code_hash
    assert stored.issued_by == world.users["committee_staff"]
    issued = AuditEntry.objects.get(action="accounts.issue_sign_in_code")
    assert (issued.actor, issued.community) == (world.users["committee_staff"], world.harmony)

    response = _redeem(client, "rui", code.lower().replace("-", " "))
    assert response["Location"] == reverse("accounts:login")
    stored.refresh_from_db()
    assert stored.used_at is not None
    assert AuditEntry.objects.filter(action="accounts.set_password_with_code").count() == 1
    assert _can_log_in(client, "rui", NEW_PASSWORD)


def test_a_code_works_only_once(client: Any, client_for: Any, world: World) -> None:
    code = _code_for(client_for, world)
    _redeem(client, "rui", code)
    response = _redeem(client, "rui", code, password="another-password-77-river")
    assert response.status_code == 200
    assert "the code has expired or was already used" in response.content.decode()
    assert _can_log_in(client, "rui", NEW_PASSWORD)


def test_a_code_expires_after_a_day(client: Any, client_for: Any, world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        code = _code_for(client_for, world)
    later = start + timedelta(hours=settings.COMITY_SIGN_IN_CODE_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        response = _redeem(client, "rui", code)
    assert response.status_code == 200
    world.users["resident"].refresh_from_db()
    assert world.users["resident"].check_password(world.password)


def test_a_new_code_retires_the_previous_one(client: Any, client_for: Any, world: World) -> None:
    first = _code_for(client_for, world)
    second = _code_for(client_for, world)
    assert _redeem(client, "rui", first).status_code == 200
    assert _redeem(client, "rui", second).status_code == 302


def test_a_code_for_one_resident_does_not_work_for_another(
    client: Any, client_for: Any, world: World
) -> None:
    code = _code_for(client_for, world)
    assert _redeem(client, "olga", code).status_code == 200
    world.users["owner"].refresh_from_db()
    assert world.users["owner"].check_password(world.password)


def test_a_weak_new_password_is_refused_and_the_code_still_works(
    client: Any, client_for: Any, world: World
) -> None:
    code = _code_for(client_for, world)
    response = _redeem(client, "rui", code, password="12345678")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This password is too common" in page
    assert 'value="rui"' in page
    assert SignInCode.objects.get(user=world.users["resident"]).used_at is None
    assert _redeem(client, "rui", code).status_code == 302


def test_different_new_passwords_are_refused_on_their_field(
    client: Any, client_for: Any, world: World
) -> None:
    code = _code_for(client_for, world)
    response = _redeem(client, "rui", code, again="something-else-entirely-9")
    assert "The two passwords differ." in response.content.decode()


def test_wrong_codes_count_towards_the_lockout(client: Any, client_for: Any, world: World) -> None:
    code = _code_for(client_for, world)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _redeem(client, "rui", "AAAA-AAAA")
    response = _redeem(client, "rui", code)
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()
    assert SignInCode.objects.get(user=world.users["resident"]).used_at is None


@pytest.mark.parametrize("typed", ["", "ABC", "K7PM-3XQA-EXTRA"])
def test_a_code_of_the_wrong_length_is_an_error_on_its_field(client: Any, world: World, typed: str) -> None:
    response = _redeem(client, "rui", typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert "field-error" in page
    assert 'value="rui"' in page


def test_the_code_page_is_in_chinese(client: Any, world: World) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("accounts:sign_in_with_code")).content.decode()
    assert "用验证码设置新密码" in page


# --- Idle sessions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "minutes"),
    [
        ("committee_staff", settings.COMITY_IDLE_MINUTES_STAFF),
        ("grid_worker", settings.COMITY_IDLE_MINUTES_STAFF),
        ("resident", settings.COMITY_IDLE_MINUTES_RESIDENT),
        ("owner", settings.COMITY_IDLE_MINUTES_RESIDENT),
    ],
)
def test_an_idle_session_ends_after_its_role_s_limit(
    client: Any, world: World, role: str, minutes: int
) -> None:
    start = timezone.now()
    me = reverse("web:me")
    with time_machine.travel(start, tick=False):
        client.force_login(world.users[role])
        assert client.get(me).status_code == 200
    with time_machine.travel(start + timedelta(minutes=minutes - 1), tick=False):
        assert client.get(me).status_code == 200
    # Active a minute before the limit, so idle counts from then.
    with time_machine.travel(start + timedelta(minutes=2 * minutes - 3), tick=False):
        assert client.get(me).status_code == 200
    with time_machine.travel(start + timedelta(minutes=3 * minutes), tick=False):
        response = client.get(me)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        page = client.get(response["Location"]).content.decode()
        assert "without activity" in page
