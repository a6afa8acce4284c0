"""Appeals (诉求): a resident's request, its dispatch to a lead subject, its timeline and its rating.

The lifecycle itself is the engine's state machine (:mod:`comity.engine.appeals`); these models store where an
appeal stands, who was dispatched and what happened, and ``services.py`` is the only writer. The design is
``docs/data-model.md`` §2. Disputes and merges are timeline events (with the appeal's ``merged_into``) rather than
rows of their own; a community's calendar, reopen window and rate weights are one ``AppealSettings`` row.
"""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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


class AppealFollower(models.Model):
    """A member of the community who follows a public appeal and hears about its public updates.

    The requester (and the requesters of duplicates merged into the appeal) follow it without a row: they are
    told about every step already (:func:`comity.appeals.recipients.requesters`). ``services`` never writes
    here; :mod:`comity.appeals.following` is the only writer.
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
