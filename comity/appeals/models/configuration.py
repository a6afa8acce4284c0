"""A community's appeal settings, its own time limits and its reply templates."""

from __future__ import annotations

from datetime import time

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from comity.appeals.models.appeal import Clock, Urgency, default_weekdays


class AppealSettings(models.Model):
    """A community's appeal settings: how time limits are counted, when to warn, how long a reopening may
    come, and the weights of the composite score. A community without a row uses the defaults."""

    community = models.OneToOneField(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="appeal_settings",
        verbose_name=_("community"),
    )
    clock = models.CharField(
        _("count time limits in"), max_length=10, choices=Clock.choices, default=Clock.CALENDAR
    )
    work_starts = models.TimeField(_("working day starts"), default=time(9))
    work_ends = models.TimeField(_("working day ends"), default=time(17, 30))
    working_weekdays = models.JSONField(
        _("working weekdays"), default=default_weekdays, help_text=_("0 is Monday, 6 is Sunday.")
    )
    holidays = models.JSONField(_("public holidays"), default=list, blank=True)
    adjusted_working_days = models.JSONField(
        _("weekend days worked"),
        default=list,
        blank=True,
        help_text=_("Weekend days that are working days because a holiday was moved."),
    )
    emergency_hours = models.PositiveIntegerField(_("time limit for emergencies (hours)"), default=2)
    remind_percent = models.PositiveSmallIntegerField(
        _("warn the handler when this share of the time has passed (%)"), default=75
    )
    reopen_days = models.PositiveSmallIntegerField(_("days in which a requester may reopen"), default=15)
    weight_response = models.PositiveSmallIntegerField(_("weight of the response rate (%)"), default=30)
    weight_resolution = models.PositiveSmallIntegerField(_("weight of the resolution rate (%)"), default=35)
    weight_satisfaction = models.PositiveSmallIntegerField(
        _("weight of the satisfaction rate (%)"), default=35
    )
    weight_on_time = models.PositiveSmallIntegerField(_("weight of the on-time rate (%)"), default=0)

    class Meta:
        verbose_name = _("appeal settings")
        verbose_name_plural = _("appeal settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(work_starts__lt=F("work_ends")), name="appeal_settings_day_in_order"
            ),
            models.CheckConstraint(
                condition=Q(remind_percent__lte=100), name="appeal_settings_remind_percent"
            ),
            models.CheckConstraint(
                condition=Q(
                    weight_response__lte=100,
                    weight_resolution__lte=100,
                    weight_satisfaction__lte=100,
                    weight_on_time__lte=100,
                ),
                name="appeal_settings_weights_are_percents",
            ),
        ]

    def __str__(self) -> str:
        return str(self.community)


class TimeLimitPolicy(models.Model):
    """A community's own time limit for a category (and its subcategories) at one urgency."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="time_limit_policies",
        verbose_name=_("community"),
    )
    category = models.ForeignKey(
        "structure.MatterCategory",
        on_delete=models.CASCADE,
        related_name="time_limit_policies",
        verbose_name=_("matter category"),
    )
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    hours = models.PositiveIntegerField(_("time limit (hours)"))
    clock = models.CharField(_("counted in"), max_length=10, choices=Clock.choices, default=Clock.CALENDAR)

    class Meta:
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")
        ordering = ["community", "category__code", "urgency"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "category", "urgency"], name="time_limit_policy_unique"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="time_limit_policy_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.get_urgency_display()}: {self.hours}"


class ReplyTemplate(models.Model):
    """A reusable reply text for a subject's staff (or for the whole community when no subject is set)."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="reply_templates",
        verbose_name=_("community"),
    )
    subject = models.ForeignKey(
        "structure.GovernanceSubject",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reply_templates",
        verbose_name=_("subject"),
    )
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
