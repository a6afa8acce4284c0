"""Handling an appeal: its dispatches to subjects, the resident's rating and the photos."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comity.appeals.models.appeal import Appeal, AppealEvent


class DispatchRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO_HANDLER = "co_handler", _("Co-handler")


class DispatchEnd(models.TextChoices):
    DONE = "done", _("Handling finished")
    WITHDRAWN = "withdrawn", _("Appeal withdrawn")
    DISPUTE_UPHELD = "dispute_upheld", _("Dispute upheld")
    REDISPATCHED = "redispatched", _("Dispatched to another subject")


class Dispatch(models.Model):
    """One assignment of an appeal to a subject. Re-dispatch ends one lead row and opens another."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="dispatches",
        verbose_name=_("community"),
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="dispatches", verbose_name=_("appeal")
    )
    subject = models.ForeignKey(
        "structure.GovernanceSubject",
        on_delete=models.PROTECT,
        related_name="dispatches",
        verbose_name=_("subject"),
    )
    role = models.CharField(_("role"), max_length=12, choices=DispatchRole.choices)
    responsibility = models.ForeignKey(
        "structure.Responsibility",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispatches",
        verbose_name=_("matrix row"),
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dispatched by"),
        help_text=_("Empty when dispatched automatically from the matrix."),
    )
    dispatched_at = models.DateTimeField(_("dispatched at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    signed_for_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    signed_for_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed for by"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=16, choices=DispatchEnd.choices, blank=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["appeal", "dispatched_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"],
                condition=Q(role="lead", ended_at__isnull=True),
                name="dispatch_one_open_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal} → {self.subject} ({self.get_role_display()})"


class RatingMethod(models.TextChoices):
    SELF = "self", _("By the requester")
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Home visit")


class Resolved(models.TextChoices):
    YES = "yes", _("Resolved")
    PARTLY = "partly", _("Partly resolved")
    NO = "no", _("Not resolved")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Rating(models.Model):
    """The requester's rating of the handling, one per appeal (the latest replaces an earlier one)."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="appeal_ratings",
        verbose_name=_("community"),
    )
    appeal = models.OneToOneField(
        Appeal, on_delete=models.CASCADE, related_name="rating", verbose_name=_("appeal")
    )
    method = models.CharField(_("method"), max_length=8, choices=RatingMethod.choices)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collected by"),
    )
    contacted = models.BooleanField(_("requester reached"))
    resolved = models.CharField(_("resolved"), max_length=8, choices=Resolved.choices)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.appeal}: {self.get_satisfaction_display()}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Files are stored under a random name; the resident's file name is kept on the row."""
    suffix = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}.get(instance.content_type, "")
    return f"appeals/{instance.community_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A photo attached to an appeal on intake or to a reply. Served only through a permission-checked view."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="appeal_attachments",
        verbose_name=_("community"),
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("appeal")
    )
    event = models.ForeignKey(
        AppealEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("timeline entry"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["appeal", "pk"]

    def __str__(self) -> str:
        return self.original_name
