"""Neighbours who follow a public appeal or say it affects them too."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comity.appeals.models.appeal import Appeal


class AppealFollower(models.Model):
    """A member of the community who follows a public appeal and hears about its public updates.

    The requester (and the requesters of duplicates merged into the appeal) follow it without a row: they are
    told about every step already (:func:`comity.appeals.recipients.requesters`). ``services`` never writes
    here; :mod:`comity.appeals.following.services` is the only writer.
    """

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="appeal_followers",
        verbose_name=_("community"),
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="followers", verbose_name=_("appeal")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followed_appeals",
        verbose_name=_("follower"),
    )
    created_at = models.DateTimeField(_("following since"))

    class Meta:
        verbose_name = _("follower of an appeal")
        verbose_name_plural = _("followers of appeals")
        ordering = ["appeal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "user"], name="appeal_follower_unique"),
        ]
        indexes = [models.Index(fields=["user", "community"])]

    def __str__(self) -> str:
        return f"{self.appeal} ← {self.user_id}"


class AppealMeToo(models.Model):
    """A resident says a public appeal affects them too (FixMyStreet's "me too"); one per resident, withdrawable."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="appeal_me_toos",
        verbose_name=_("community"),
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="me_toos", verbose_name=_("appeal")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="appeal_me_toos",
        verbose_name=_("resident"),
    )
    created_at = models.DateTimeField(_("said at"))

    class Meta:
        verbose_name = _("“affects me too”")
        verbose_name_plural = _("“affects me too”")
        ordering = ["appeal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "user"], name="appeal_me_too_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal} + {self.user_id}"
