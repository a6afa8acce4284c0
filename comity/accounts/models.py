"""Accounts: who can log in.

A :class:`User` is only a login. What a person *is* in a community (resident, owner, staff of a subject)
lives in :mod:`comity.structure` on :class:`~comity.structure.models.Person`, which may have no account at
all: many elderly residents are served by staff acting on their behalf.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        help_text=_("Language of pages and notifications."),
    )
    large_text = models.BooleanField(_("large text"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class SignInCode(models.Model):
    """A one-time code committee staff hand to a resident who cannot reset their password by e-mail.

    Only a hash of the code is stored (Django's password hashers), so a copy of the database does not reveal
    it. A code works once, until ``expires_at``; issuing a new code for the same account retires the old one.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sign_in_codes", verbose_name=_("account")
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=128)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="issued_sign_in_codes",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time sign-in code")
        verbose_name_plural = _("one-time sign-in codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "used_at", "retired_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
