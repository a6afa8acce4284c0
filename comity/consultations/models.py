"""Consultations (协商): Pol.is-style opinion mapping of a community's residents.

A consultation asks one question; residents react to short statements (agree, disagree, pass) and may add their
own. The opinion map — PCA, opinion groups, representative statements, consensus — is the engine's
(:mod:`comity.engine.opinions`); these models store the question, the statements, the votes and the engine's last
result; the ``services`` package writes them (and ``computing.py`` the opinion map). The design is ``docs/data-model.md`` §3.

Statements are numbered per consultation from 0, as Pol.is numbers its comments (``tid``), because the engine and
the Pol.is import and export speak in those numbers. Votes are coded +1 agree, −1 disagree, 0 pass — the coding of
Pol.is exports (``votes.csv``), not the inverted one inside the Pol.is server.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The longest statement a resident may write, as in Pol.is (a tweet's length): one idea, easy to read on a
#: phone. The column itself has no limit, because comments imported from Pol.is conversations can be longer
#: (real conversations have comments of 380 characters) and an import must not cut them.
STATEMENT_MAX_LENGTH = 280


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("consultation status", "Draft")
    UPCOMING = "upcoming", pgettext_lazy("consultation status", "Upcoming")
    OPEN = "open", pgettext_lazy("consultation status", "Open")
    CLOSED = "closed", pgettext_lazy("consultation status", "Closed")


class Consultation(models.Model):
    """One question put to the residents and owners of a community, or of one area of it."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("community"),
    )
    area = models.ForeignKey(
        "structure.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("for the residents of"),
        help_text=_("Leave empty for the whole community."),
    )
    title = models.CharField(pgettext_lazy("heading of a text", "title"), max_length=160)
    question = models.CharField(_("question"), max_length=500)
    background = models.TextField(_("background"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    allow_statements = models.BooleanField(_("residents may add statements"), default=True)
    group_count = models.PositiveSmallIntegerField(
        _("number of opinion groups"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(9)],
        help_text=_("Leave empty to let the analysis choose (2 to 5 groups, as Pol.is)."),
    )
    imported_from = models.CharField(
        _("imported from"),
        max_length=255,
        blank=True,
        help_text=_("Set when the statements and votes came from a Pol.is conversation."),
    )
    strict_moderation = models.BooleanField(
        _("check statements before they appear"),
        default=False,
        help_text=_(
            "Otherwise residents' statements appear at once and may be taken down later with a reason."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="consultation_closes_after_opening"
            ),
        ]
        indexes = [models.Index(fields=["community", "published", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    def status_at(self, now: datetime) -> ConsultationStatus:
        if not self.published:
            return ConsultationStatus.DRAFT
        if now < self.opens_at:
            return ConsultationStatus.UPCOMING
        if now < self.closes_at:
            return ConsultationStatus.OPEN
        return ConsultationStatus.CLOSED

    @property
    def status(self) -> ConsultationStatus:
        """Derived, never stored: a published consultation opens and closes by the clock alone."""
        return self.status_at(timezone.now())

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def is_open(self) -> bool:
        return self.status == ConsultationStatus.OPEN


class Moderation(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")


class Statement(models.Model):
    """A short statement residents vote on; seed statements come from staff, the others from residents."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="consultation_statements",
        verbose_name=_("community"),
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="statements", verbose_name=_("consultation")
    )
    number = models.PositiveIntegerField(
        _("number"), help_text=_("From 0 within the consultation, as in Pol.is.")
    )
    text = models.TextField(_("statement"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_statements",
        verbose_name=_("author"),
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    is_meta = models.BooleanField(
        _("about the process"),
        default=False,
        help_text=_("Shown for voting but left out of the opinion map."),
    )
    moderation = models.CharField(
        _("review"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderation_reason = models.TextField(_("reason given to the author"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    moderated_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="statement_unique_number_per_consultation"
            ),
        ]
        indexes = [models.Index(fields=["consultation", "moderation"])]

    def __str__(self) -> str:
        return f"#{self.number} {self.text[:60]}"


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass / unsure")


class Vote(models.Model):
    """One participant's reaction to one statement; a changed mind updates the row (the latest vote counts)."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="consultation_votes",
        verbose_name=_("community"),
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="votes", verbose_name=_("consultation")
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="votes", verbose_name=_("statement")
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consultation_votes",
        verbose_name=_("participant"),
    )
    imported_participant = models.PositiveIntegerField(
        _("imported participant"),
        null=True,
        blank=True,
        help_text=_("The participant's number in an imported Pol.is conversation (no account here)."),
    )
    value = models.SmallIntegerField(_("vote"), choices=VoteValue.choices)
    created_at = models.DateTimeField(_("first voted at"))
    updated_at = models.DateTimeField(_("last changed at"))

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["statement", "participant"], name="vote_one_per_participant"),
            models.UniqueConstraint(
                fields=["statement", "imported_participant"], name="vote_one_per_imported_participant"
            ),
            models.CheckConstraint(
                condition=Q(participant__isnull=False, imported_participant__isnull=True)
                | Q(participant__isnull=True, imported_participant__isnull=False),
                name="vote_by_a_user_or_an_imported_participant",
            ),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value_agree_disagree_pass"),
        ]
        indexes = [
            models.Index(fields=["consultation", "participant"]),
            # The consultation's pages vary their cached parts on its newest vote and last change
            # (selectors.page_version): two index lookups, however many votes it has.
            models.Index(fields=["consultation", "id"], name="vote_consultation_newest"),
            models.Index(fields=["consultation", "updated_at"], name="vote_consultation_changed"),
        ]

    def __str__(self) -> str:
        return f"{self.statement} · {self.get_value_display()}"


class Analysis(models.Model):
    """The engine's last opinion map of a consultation, and whether it must be computed again.

    ``dirty`` is set by every vote and moderation; a background job recomputes dirty analyses and stores the
    report, the engine's warm-start ``state`` and the Pol.is-shaped ``polis`` structure (``math-pca2.json``).
    """

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="consultation_analyses",
        verbose_name=_("community"),
    )
    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="analysis", verbose_name=_("consultation")
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    votes_seen = models.PositiveIntegerField(_("votes used"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    state = models.JSONField(_("engine state"), default=dict, blank=True)
    polis = models.JSONField(_("Pol.is structure"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    dirty = models.BooleanField(_("out of date"), default=True)
    requested_at = models.DateTimeField(_("recomputation requested at"), null=True, blank=True)

    class Meta:
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")
        indexes = [models.Index(fields=["dirty", "requested_at"])]

    def __str__(self) -> str:
        return str(self.consultation)


class DecisionDraft(models.Model):
    """A draft decision written from statements of a consultation, for the decisions capability to take up."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="decision_drafts",
        verbose_name=_("community"),
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="decision_drafts", verbose_name=_("consultation")
    )
    title = models.CharField(pgettext_lazy("heading of a text", "title"), max_length=160)
    body = models.TextField(_("text of the draft"))
    statement_numbers = models.JSONField(
        _("statements it comes from"), default=list, blank=True, help_text=_("Statement numbers.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision draft")
        verbose_name_plural = _("decision drafts")
        ordering = ["consultation", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
