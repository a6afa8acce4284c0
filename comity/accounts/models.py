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
