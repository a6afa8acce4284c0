"""Notifications: what a user is told (in the app) and each attempt to tell them elsewhere (e-mail, SMS).

Like the audit log, a notification stores an *untranslated* message template and its values; the text is
translated when it is shown or sent, so each recipient reads it in their own language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def language_of(user: Any) -> str:
    """The language a recipient reads notifications in: their preference, else the site's default."""
    preferred = getattr(user, "preferred_language", "") or ""
    return preferred if preferred in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def render_summary(summary: str, params: dict[str, Any]) -> str:
    """Translate ``summary`` into the active language and fill in ``params``; a broken template shows as is."""
    try:
        return gettext(summary) % params if params else gettext(summary)
    except (KeyError, TypeError, ValueError):
        return summary


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("community"),
    )
    kind = models.CharField(
        _("kind"), max_length=60, db_index=True, help_text=_("The event, such as appeal.replied.")
    )
    summary = models.CharField(
        _("message"), max_length=255, help_text=_("An English message template, translated when it is shown.")
    )
    params = models.JSONField(_("message values"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    in_app = models.BooleanField(
        _("shown in the app"),
        default=True,
        help_text=_("False when the notification was only sent by e-mail or SMS."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["recipient", "in_app", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}: {self.text}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def link(self) -> str:
        """The url if it is a path in the site or an http(s) address; anything else (``javascript:``) is dropped."""
        if self.url.startswith("/") and not self.url.startswith("//"):
            return self.url
        return self.url if self.url.startswith(("http://", "https://")) else ""

    @property
    def text(self) -> str:
        """The message in the active language (on a page: the language the reader chose for it)."""
        return render_summary(self.summary, self.params)

    def text_in(self, language: str) -> str:
        """The message in ``language``: e-mails and SMS go out in the recipient's language."""
        with translation.override(language):
            return self.text


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One notification through one external channel. In-app notifications need no delivery."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
        help_text=_("The notification's community; empty when the notification is about none."),
    )
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} #{self.notification_id}: {self.status}"


class OutboxMessage(models.Model):
    """A message the development fake SMS channel *would* have sent. Nothing here ever left the server."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
        help_text=_("The notification's community; empty when the notification is about none."),
    )
    phone = models.CharField(_("phone"), max_length=32)
    text = models.TextField(_("text"))
    channel = models.CharField(_("channel"), max_length=60)
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("delivery"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("fake SMS outbox message")
        verbose_name_plural = _("fake SMS outbox (development, not sent)")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:40]}"
