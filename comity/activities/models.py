"""Community activities (free clinics, classes, performances, clean-ups) and the registrations for them.

A registration's ``arrival`` is a strictly increasing number per activity, assigned while the activity's row is locked:
the wait-list is ordered by it and promotion takes the lowest first (``comity.engine.activities``)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comity.engine.activities import MAX_CAPACITY


def new_check_in_secret() -> str:
    return secrets.token_urlsafe(24)


class ActivityKind(models.TextChoices):
    CLINIC = "clinic", _("Free clinic")
    CLASS = "class", _("Class")
    PERFORMANCE = "performance", _("Performance")
    CLEAN_UP = "clean_up", _("Clean-up")
    VOLUNTEER = "volunteer", _("Volunteer service")
    OTHER = "other", _("Other")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    """One activity organised by a governance subject of the community (or of its street)."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    organiser = models.ForeignKey(
        "structure.GovernanceSubject",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organiser"),
    )
    title = models.CharField(_("title"), max_length=160)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ActivityKind.choices, default=ActivityKind.OTHER
    )
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    area = models.ForeignKey(
        "structure.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    registration_closes_at = models.DateTimeField(_("registration closes at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    #: Hours credited to each verified volunteer (the volunteers app reads it).
    volunteer_hours = models.DecimalField(
        _("volunteer hours"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    #: Signs the check-in codes of this activity's registrations.
    check_in_secret = models.CharField(max_length=64, default=new_check_in_secret, editable=False)
    #: The last arrival number given out; raised under the row lock.
    last_arrival = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=MAX_CAPACITY), name="activity_capacity_bounded"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "starts_at"], name="activity_community_status")
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("Wait-listed")
    CANCELLED = "cancelled", _("Cancelled")


class CheckInMethod(models.TextChoices):
    SCAN = "scan", _("Scanned code")
    LIST = "list", _("Ticked on the list")


class Registration(models.Model):
    """A person's place (or place in the queue) for one activity."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("activity")
    )
    person = models.ForeignKey(
        "structure.Person",
        on_delete=models.CASCADE,
        related_name="activity_registrations",
        verbose_name=_("person"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered at the counter by"),
    )
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    arrival = models.PositiveIntegerField(_("arrival"))
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted from the wait-list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_method = models.CharField(
        _("checked in by"), max_length=8, choices=CheckInMethod.choices, blank=True
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by staff"),
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["activity", "arrival"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "arrival"], name="registration_arrival_unique"),
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_person",
            ),
        ]
        indexes = [models.Index(fields=["activity", "status", "arrival"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.activity_id}#{self.arrival}"
