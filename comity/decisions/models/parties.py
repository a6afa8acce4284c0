"""The voices around a vote: objections, the mediation record and minority statements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comity.decisions.models.decisions import Decision
from comity.decisions.models.voting import Elector


class ObjectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection status", "Open")
    MEDIATED = "mediated", _("Settled by mediation")
    MAINTAINED = "maintained", _("Maintained")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Objection(models.Model):
    """An objection by an elector, usually an affected owner, on the decision's page."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="objections", verbose_name=_("decision")
    )
    elector = models.ForeignKey(
        Elector, on_delete=models.CASCADE, related_name="objections", verbose_name=_("elector")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("objection"))
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["decision_id", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class MediationOutcome(models.TextChoices):
    AGREED = "agreed", _("Agreement reached")
    CONTINUING = "continuing", _("Mediation continues")
    FAILED = "failed", _("No agreement")


class Mediation(models.Model):
    """A mediation meeting about an objection (or the proposal as a whole), as recorded by staff."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="mediations", verbose_name=_("decision")
    )
    objection = models.ForeignKey(
        Objection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("objection"),
    )
    held_on = models.DateField(_("held on"))
    attendees = models.CharField(_("who took part"), max_length=500)
    record = models.TextField(_("record"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=MediationOutcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        ordering = ["decision_id", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on}: {self.get_outcome_display()}"


class MinorityStatement(models.Model):
    """A statement of those who were outvoted, published with the result."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="minority_statements", verbose_name=_("decision")
    )
    elector = models.ForeignKey(
        Elector, on_delete=models.CASCADE, related_name="+", verbose_name=_("elector")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("statement"), max_length=2000)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("minority statement")
        verbose_name_plural = _("minority statements")
        ordering = ["decision_id", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "elector"], name="one_minority_statement_per_elector")
        ]

    def __str__(self) -> str:
        return self.text[:60]
