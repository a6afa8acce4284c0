"""The frozen register of a decision and what its electors cast: participations, ballots, the ballot log and
proxies (see the package's docstring for why a ballot has a random id and no time)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comity.decisions.models.decisions import Decision


class Elector(models.Model):
    """One voter of the frozen register, with their weight on the area basis."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="electors", verbose_name=_("decision")
    )
    key = models.CharField(_("key"), max_length=80)
    #: How the public ballot log names this elector (ADR 0012): random, so it says nothing about who they are.
    pseudonym = models.CharField(_("pseudonym in the ballot log"), max_length=20, blank=True, default="")
    label = models.TextField(_("who"))
    units = models.TextField(_("units"), blank=True)
    building = models.CharField(_("building"), max_length=60, blank=True)
    area = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2, default=Decimal("0"))
    persons = models.ManyToManyField(
        "structure.Person", related_name="electorships", blank=True, verbose_name=_("people who may vote")
    )
    affected = models.BooleanField(_("affected"), default=False)
    developer = models.BooleanField(_("developer"), default=False)

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electors")
        ordering = ["decision_id", "building", "units", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "key"], name="elector_unique_key"),
            models.UniqueConstraint(
                fields=["decision", "pseudonym"],
                condition=~Q(pseudonym=""),
                name="elector_unique_pseudonym",
            ),
        ]
        #: The decision list asks which decisions of a community await the reader's ballot.
        indexes = [models.Index(fields=["community", "decision"], name="elector_community_decision")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """Who the elector is, in the reader's language for the developer and units with no owner on record."""
        if self.developer:
            return str(_("the developer (unsold units)"))
        if self.key.startswith("u:"):
            return str(_("owner not on record"))
        return self.label


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PROXY = "proxy", _("By proxy")
    PAPER = "paper", _("Paper ballot")


class ProxyAuthorization(models.Model):
    """An owner's written authorization for someone else to vote for them, as recorded by staff."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="proxies", verbose_name=_("decision")
    )
    elector = models.ForeignKey(
        Elector, on_delete=models.CASCADE, related_name="proxies", verbose_name=_("for")
    )
    proxy = models.ForeignKey(
        "structure.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("proxy")
    )
    document = models.CharField(
        _("written authorization"),
        max_length=200,
        help_text=_("Where the signed authorization is kept, e.g. its file number."),
    )
    signed_on = models.DateField(_("signed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proxy authorization")
        verbose_name_plural = _("proxy authorizations")
        constraints = [models.UniqueConstraint(fields=["decision", "elector"], name="one_proxy_per_elector")]

    def __str__(self) -> str:
        return f"{self.proxy} → {self.elector}"


class Participation(models.Model):
    """That an elector voted, and how. One per elector: the constraint is what makes one owner one ballot."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="participations", verbose_name=_("decision")
    )
    elector = models.ForeignKey(
        Elector, on_delete=models.CASCADE, related_name="participations", verbose_name=_("elector")
    )
    channel = models.CharField(_("how"), max_length=8, choices=Channel.choices)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cast by"),
    )
    paper_reference = models.CharField(_("paper ballot number"), max_length=60, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    counted = models.BooleanField(_("counted"), default=False)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["decision_id", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "elector"], name="one_ballot_per_elector"),
        ]

    def __str__(self) -> str:
        return f"{self.elector} ({self.get_channel_display()})"


class Ballot(models.Model):
    """What was chosen. No time and a random id; a secret ballot keeps no link to its participation once counted."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("decision")
    )
    participation = models.OneToOneField(
        Participation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ballot",
        verbose_name=_("participation"),
    )
    choice = models.CharField(_("choice"), max_length=8, blank=True)
    #: Approval: the approved option positions. Ranked: a list of groups of positions, best first.
    selection = models.JSONField(_("selection"), default=list, blank=True)
    area = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2, default=Decimal("0"))
    receipt_hash = models.CharField(_("receipt"), max_length=64, db_index=True)
    counted = models.BooleanField(_("counted"), default=False)
    log_sequence = models.PositiveIntegerField(_("entry in the ballot log"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["decision_id", "receipt_hash"]

    def __str__(self) -> str:
        return f"{self.receipt_hash[:12]}…"


class LogEntry(models.Model):
    """One link of a decision's hash-chained ballot log."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="log_entries", verbose_name=_("decision")
    )
    sequence = models.PositiveIntegerField(_("number"))
    content = models.JSONField(_("content"))
    previous = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("ballot log entry")
        verbose_name_plural = _("ballot log entries")
        ordering = ["decision_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "sequence"], name="log_entry_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"
