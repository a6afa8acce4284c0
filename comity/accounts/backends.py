"""Signing in with a one-time code that committee staff handed over (see :mod:`comity.accounts.services`).

An authentication backend, so that django-axes (first in ``AUTHENTICATION_BACKENDS``) counts wrong codes like
wrong passwords and refuses codes for a locked-out username or address. It only *matches* a code; using it up
and setting the new password is :func:`~comity.accounts.services.set_password_with_code`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.http import HttpRequest
from django.utils import timezone

from comity.accounts import codes
from comity.accounts.models import SignInCode, User


class SignInCodeBackend:
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        sign_in_code: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not sign_in_code:
            return None
        typed = codes.normalise(sign_in_code)
        account = User.objects.filter(username=username, is_active=True).first()
        candidates = (
            SignInCode.objects.filter(
                user=account, used_at__isnull=True, retired_at__isnull=True, expires_at__gt=timezone.now()
            )
            if account is not None
            else SignInCode.objects.none()
        )
        for code in candidates:
            if check_password(typed, code.code_hash):
                account.sign_in_code_id = code.pk  # type: ignore[union-attr]
                return account
        if account is None:
            make_password(
                typed
            )  # about as slow as a real check, so timing does not tell which usernames exist
        return None

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()
