"""Residents' personal information (PIPL): the published privacy notices, consents, requests to correct or delete,
the "who looked" log with its alerts, and the retention job's reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeVersion(models.Model):
    """One published version of the privacy notice: the processing register as it was, in both languages.

    The notice covers the whole deployment, as the dispatch catalogue does: one text for every community."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    #: The register as published: a list of categories with basis, retention and texts in English and Chinese.
    register = models.JSONField(_("register"))
    #: Category codes whose purposes, basis or sensitivity changed from the version before: consents to these
    #: given under an older version are asked again.
    changed = models.JSONField(_("changed categories"), default=list, blank=True)

    class Meta:
        verbose_name = _("privacy notice version")
        verbose_name_plural = _("privacy notice versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online, by the person")
    ASSISTED = "assisted", _("In person, entered by staff")
    PAPER = "paper", _("On a signed paper form")


class Consent(models.Model):
    """A person's consent to one consent-based category, under one notice version, until withdrawn."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    person = models.ForeignKey(
        "structure.Person", on_delete=models.CASCADE, related_name="consents", verbose_name=_("person")
    )
    category = models.CharField(_("category"), max_length=40)
    notice = models.ForeignKey(
        NoticeVersion, on_delete=models.PROTECT, related_name="consents", verbose_name=_("notice version")
    )
    #: The purposes' fingerprint the person agreed to (engine.privacy.category_fingerprint).
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    guardian = models.ForeignKey(
        "structure.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guardian who consented"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    document = models.CharField(
        _("paper form"),
        max_length=120,
        blank=True,
        help_text=_("Where the signed form is kept, e.g. its number."),
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_standing_consent_per_category",
            )
        ]
        indexes = [models.Index(fields=["community", "category"], name="consent_community_category")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.category}"


class RequestKind(models.TextChoices):
    CORRECTION = "correction", _("Correct my data")
    DELETION = "deletion", _("Delete my data")
    REVIEW = "review", _("A person to review an automatic decision")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Carried out")
    PARTLY = "partly", _("Partly carried out")
    REFUSED = "refused", _("Refused with reasons")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RightsRequest(models.Model):
    """A resident's request to correct or delete their data, or to have an automatic decision reviewed by a
    person (PIPL Arts. 24, 46–47, 50), answered within a time limit and with reasons when refused."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    person = models.ForeignKey(
        "structure.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rights_requests",
        verbose_name=_("person"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rights_requests",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("request"), max_length=12, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN, db_index=True
    )
    #: Which record and field a correction is about ("phone", "full_name", "birth_year", …); a deletion's scope
    #: ("all" or a register category); a review's subject ("appeal:123").
    target = models.CharField(_("about"), max_length=60, blank=True)
    proposed = models.CharField(_("correct value"), max_length=200, blank=True)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    #: What carrying it out did, per model: {"appeals.Appeal": {"anonymise": 2}, "decisions.Elector": {"keep": 1}}.
    outcome = models.JSONField(_("what was done"), default=dict, blank=True)

    class Meta:
        verbose_name = _("request about personal data")
        verbose_name_plural = _("requests about personal data")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "status", "due_at"], name="rights_request_queue")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class AccessRecord(models.Model):
    """That a staff member, in a role, read one person's personal data: the "who looked" log."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who looked"),
    )
    role = models.CharField(_("as"), max_length=40)
    person = models.ForeignKey(
        "structure.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("whose data")
    )
    what = models.CharField(_("what"), max_length=20)
    path = models.CharField(_("page"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person", "-at"], name="access_by_person"),
            models.Index(fields=["community", "viewer", "at"], name="access_by_viewer"),
            models.Index(fields=["at"], name="access_at"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.person_id} ({self.what})"


class AccessAlert(models.Model):
    """One staff account read more people's data in an hour than the community's threshold."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who looked"),
    )
    hour = models.DateTimeField(_("hour"))
    people = models.PositiveIntegerField(_("people read"))
    households = models.PositiveIntegerField(_("households read"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    note = models.TextField(_("finding"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("unusual access")
        verbose_name_plural = _("unusual accesses")
        ordering = ["-hour", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "viewer", "hour"], name="one_alert_per_viewer_hour")
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id} {self.hour:%Y-%m-%d %H}:00 ({self.people})"


class RetentionRun(models.Model):
    """One run of the retention job over one community, or over the rows of no community (accounts, street-wide
    notifications; ``community`` empty): what it deleted or anonymised, per model."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    ran_at = models.DateTimeField(_("ran at"), default=timezone.now)
    #: {"appeals.Appeal": {"anonymise": 12}, "appeals.Attachment": {"delete": 3}}
    counts = models.JSONField(_("what was done"), default=dict, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-ran_at", "-id"]
        indexes = [models.Index(fields=["community", "-ran_at"], name="retention_run_recent")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.ran_at:%Y-%m-%d}"

    @property
    def total(self) -> int:
        return sum(sum(actions.values()) for actions in self.counts.values())
