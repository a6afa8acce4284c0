"""Signing in: one-time sign-in codes, unlocking, and passwords set with a code or changed.

Each is one transaction (``@service``) with a permission check and an audit entry (``record_audit``). Passwords
changed or reset through Django's own views are audited by :func:`note_password_changed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.utils import reset as reset_axes_attempts
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts import codes
from comity.accounts.models import SignInCode, User
from comity.accounts.permissions import may_help_with_sign_in
from comity.foundation.audit import record_audit
from comity.foundation.services import lock_all, service
from comity.structure.models import Person


@dataclass(frozen=True)
class IssuedCode:
    #: The code as the resident will type it (``K7PM-3XQA``); never stored, shown to staff once.
    code: str
    expires_at: datetime


def _account_to_help(actor: User, person: Person) -> User:
    if not may_help_with_sign_in(actor, person) or person.user is None:
        raise PermissionDenied
    return person.user


@service
def issue_sign_in_code(actor: User, person: Person) -> IssuedCode:
    """A new one-time code for the resident's account; any earlier code that still worked stops working."""
    account = _account_to_help(actor, person)
    plain = codes.new_code()
    now = timezone.now()
    expires_at = now + timedelta(hours=settings.COMITY_SIGN_IN_CODE_HOURS)
    SignInCode.objects.filter(user=account, used_at__isnull=True, retired_at__isnull=True).update(
        retired_at=now
    )
    SignInCode.objects.create(
        user=account, code_hash=make_password(plain), issued_by=actor, expires_at=expires_at
    )
    record_audit(
        actor=actor,
        action="accounts.issue_sign_in_code",
        obj=person,
        summary=gettext_noop("Gave %(name)s a one-time sign-in code"),
        params={"name": person.full_name},
        community=person.community,
    )
    return IssuedCode(code=codes.readable(plain), expires_at=expires_at)


@service
def unlock_sign_in(actor: User, person: Person) -> int:
    """Forget the failed sign-in attempts for the resident's username; returns how many records went."""
    account = _account_to_help(actor, person)
    removed = int(reset_axes_attempts(username=account.get_username()))
    record_audit(
        actor=actor,
        action="accounts.unlock_sign_in",
        obj=person,
        summary=gettext_noop("Unlocked the sign-in of %(name)s"),
        params={"name": person.full_name},
        community=person.community,
    )
    return removed


@service
def set_password_with_code(account: User, code_id: int, password: str) -> None:
    """Use the code ``code_id`` (which :class:`~comity.accounts.backends.SignInCodeBackend` just matched) once
    and set the new password. Raises ``ValidationError`` when the code was used or retired meanwhile."""
    code = next((code for code in lock_all(SignInCode, [code_id]) if code.user_id == account.pk), None)
    now = timezone.now()
    if code is None or code.used_at or code.retired_at or code.expires_at <= now:
        raise ValidationError(_("This code no longer works. Ask your residents' committee for a new one."))
    code.used_at = now
    code.save(update_fields=["used_at"])
    account.set_password(password)
    account.save(update_fields=["password"])
    reset_axes_attempts(username=account.get_username())
    person = Person.objects.filter(user=account).select_related("community").first()
    record_audit(
        actor=account,
        action="accounts.set_password_with_code",
        obj=account,
        summary=gettext_noop("%(username)s set a new password with a one-time code"),
        params={"username": account.get_username()},
        community=person.community if person else None,
    )


@service
def note_password_changed(account: User, *, how: str) -> None:
    """Audit a password changed in My account (``how="change"``) or by an e-mailed link (``how="reset"``);
    a reset also lifts a lockout, since the person proved they own the account."""
    if how == "reset":
        reset_axes_attempts(username=account.get_username())
    person = Person.objects.filter(user=account).select_related("community").first()
    record_audit(
        actor=account,
        action=f"accounts.password_{how}",
        obj=account,
        summary=(
            gettext_noop("%(username)s changed their password")
            if how == "change"
            else gettext_noop("%(username)s reset their password by e-mail")
        ),
        params={"username": account.get_username()},
        community=person.community if person else None,
    )
