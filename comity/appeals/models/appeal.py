"""An appeal and its timeline: what a resident asked, where it stands, every step taken (the choices the
other tables share live here too)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comity.engine.appeals import TIMELINE_KIND
from comity.engine.appeals import AppealStatus as EngineStatus


class AppealKind(models.TextChoices):
    HELP_REQUEST = "help_request", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    CONSULTATION = "consultation", _("Question")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    EMERGENCY = "emergency", _("Emergency")


class Clock(models.TextChoices):
    CALENDAR = "calendar", _("Calendar hours")
    WORKING = "working", _("Working hours")


class Channel(models.TextChoices):
    WEB = "web", _("Online")
    ASSISTED = "assisted", _("Recorded by staff for the resident")
    API = "api", _("Other system")
    HOTLINE = "hotline", _("Hotline")
    GRID_PATROL = "grid_patrol", _("Grid patrol")
    WALK_IN = "walk_in", _("Walk-in")


def default_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


#: Labels of the engine's statuses; the values stay the engine's, so the two can never drift apart.
STATUS_LABELS = {
    EngineStatus.RECEIVED: _("Received"),
    EngineStatus.DISPATCHED: _("Dispatched"),
    EngineStatus.DISPUTED: _("Dispatch disputed"),
    EngineStatus.SIGNED_FOR: _("Signed for"),
    EngineStatus.IN_PROGRESS: _("In progress"),
    EngineStatus.REPLIED: _("Replied"),
    EngineStatus.CLOSED: _("Closed"),
    EngineStatus.VISITED: _("Return visit made"),
    EngineStatus.RATED: _("Rated"),
    EngineStatus.REOPENED: _("Reopened"),
    EngineStatus.WITHDRAWN: _("Withdrawn"),
    EngineStatus.MERGED: _("Merged into another appeal"),
}
STATUS_CHOICES = [(status.value, STATUS_LABELS[status]) for status in EngineStatus]

#: The timeline entry written on intake; every other kind is the engine's (``TIMELINE_KIND``).
RECEIVED = "received"
EVENT_LABELS = {
    RECEIVED: _("Received"),
    "dispatched": _("Dispatched"),
    "signed_for": _("Signed for"),
    "disputed": _("Dispatch disputed"),
    "dispute_rejected": _("Dispute rejected"),
    "redispatched": _("Dispatched again"),
    "started": _("Handling started"),
    "replied": _("Replied"),
    "closed": _("Closed"),
    "visited": _("Return visit"),
    "rated": _("Rated"),
    "reopened": _("Reopened"),
    "withdrawn": _("Withdrawn"),
    "merged": _("Merged"),
    "reminded": _("Reminder sent"),
    "escalated": _("Escalated"),
    "note": _("Note"),
}
EVENT_CHOICES = [(kind, EVENT_LABELS[kind]) for kind in [RECEIVED, *TIMELINE_KIND.values()]]


class Appeal(models.Model):
    """One appeal, numbered per community (``2026-000123``)."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="appeals", verbose_name=_("community")
    )
    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=16, choices=AppealKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    requester = models.ForeignKey(
        "structure.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("requester"),
    )
    requester_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("requester's account"),
    )
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_appeals",
        verbose_name=_("recorded by"),
    )
    consent_note = models.TextField(
        _("consent"),
        blank=True,
        help_text=_("How the resident agreed that staff record the appeal for them."),
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    category = models.ForeignKey(
        "structure.MatterCategory",
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("matter category"),
    )
    area = models.ForeignKey(
        "structure.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("place"),
    )
    unit = models.ForeignKey(
        "structure.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("unit"),
    )
    description = models.TextField(_("description"))
    is_public = models.BooleanField(_("public"), default=False)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(
        _("status"), max_length=16, choices=STATUS_CHOICES, default=EngineStatus.RECEIVED
    )
    responsibility = models.ForeignKey(
        "structure.Responsibility",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("matrix row used"),
        help_text=_("Empty when no row covered the matter and the residents' committee kept it."),
    )
    lead_subject = models.ForeignKey(
        "structure.GovernanceSubject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_appeals",
        verbose_name=_("lead subject"),
    )
    time_limit_hours = models.PositiveIntegerField(_("time limit (hours)"), null=True, blank=True)
    clock = models.CharField(_("counted in"), max_length=10, choices=Clock.choices, default=Clock.CALENDAR)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    remind_at = models.DateTimeField(_("warn the handler at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("warning sent at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    signed_for_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"], name="appeal_unique_number_per_community"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["lead_subject", "status"]),
            models.Index(fields=["community", "received_at"]),
            models.Index(fields=["status", "due_at"]),
            # The rates count by the moment of closing and by the on-time verdict (docs/algorithms/appeal-rates.md).
            models.Index(fields=["community", "closed_at"]),
            models.Index(fields=["community", "due_at"]),
        ]

    def __str__(self) -> str:
        return self.number


class AppealEvent(models.Model):
    """The timeline, append-only: every status change is exactly one event."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="appeal_events",
        verbose_name=_("community"),
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="events", verbose_name=_("appeal")
    )
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=20, choices=EVENT_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeal_events",
        verbose_name=_("who"),
        help_text=_("Empty for automatic steps such as dispatch from the matrix."),
    )
    acting_subject = models.ForeignKey(
        "structure.GovernanceSubject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeal_events",
        verbose_name=_("acting for"),
    )
    from_status = models.CharField(_("status before"), max_length=16, choices=STATUS_CHOICES, blank=True)
    to_status = models.CharField(_("status after"), max_length=16, choices=STATUS_CHOICES)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        ordering = ["appeal", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "seq"], name="appeal_event_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal} #{self.seq} {self.kind}"
