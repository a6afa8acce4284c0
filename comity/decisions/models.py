"""Decisions (表决): a proposal put to a vote under a named rule, with its register, ballots and published result.

The rule's thresholds and counting are the engine's (:mod:`comity.engine.decisions`); these models store what a
vote needs to be checked afterwards:

* the **register** (:class:`Elector`), frozen when voting opens, so the tally can always be recomputed from the
  same electorate: one row per owner by the Supreme People's Court counting (co-owners of a unit together, one
  buyer of several units once, the developer's units together), per adult resident, household or member;
* one :class:`Participation` per elector (a database constraint: one owner, one ballot, also under concurrent
  submissions) saying how the ballot came (online, by proxy with a recorded written authorization, on paper
  entered by staff and checked by a second person);
* the :class:`Ballot` itself. Its primary key is random and it has no time, so a **secret** ballot, which is not
  linked to its participation, cannot be matched to the voter by id or order; the voter keeps a receipt code whose
  hash is stored with the ballot;
* a hash-chained :class:`LogEntry` per decision (:mod:`comity.engine.decisions.ballot_log`);
* affected units and their objections and mediation records, minority statements, minutes and a cost-sharing
  plan.

``services`` is the only writer.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comity.engine.decisions.ballot_log import GENESIS
from comity.engine.decisions.rules import PRESETS

RULE_CHOICES = [(name, name) for name in PRESETS]


class BallotKind(models.TextChoices):
    MOTION = "motion", _("Yes, no or abstain")
    APPROVAL = "approval", _("Approve any of several options")
    RANKED = "ranked", _("Rank the options (Schulze)")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("decision status", "Draft")
    OPEN = "open", pgettext_lazy("decision status", "Voting")
    CLOSED = "closed", pgettext_lazy("decision status", "Decided")
    CANCELLED = "cancelled", pgettext_lazy("decision status", "Cancelled")


class Decision(models.Model):
    """One matter put to a vote of the owners, residents, households or members of a body."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="decisions", verbose_name=_("community")
    )
    area = models.ForeignKey(
        "structure.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("for"),
        help_text=_(
            "A building or stairwell decides alone (an elevator retrofit); leave empty for the estate."
        ),
    )
    subject = models.ForeignKey(
        "structure.GovernanceSubject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("body whose members vote"),
        help_text=_("Only for a council or committee motion."),
    )
    title = models.CharField(pgettext_lazy("heading of a text", "title"), max_length=160)
    agenda = models.TextField(_("proposal and agenda"))
    rule_name = models.CharField(_("decision rule"), max_length=60, choices=RULE_CHOICES)
    rule_version = models.PositiveSmallIntegerField(_("rule version"), default=1)
    ballot_kind = models.CharField(
        _("ballot"), max_length=10, choices=BallotKind.choices, default=BallotKind.MOTION
    )
    max_approvals = models.PositiveSmallIntegerField(
        _("most options a voter may approve"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty to allow any number."),
    )
    secret = models.BooleanField(
        _("secret ballot"),
        default=False,
        help_text=_(
            "Stored ballots are not linked to voters; running results are hidden until voting closes."
        ),
    )
    opens_at = models.DateTimeField(_("voting opens at"))
    closes_at = models.DateTimeField(_("voting closes at"))
    planned_closes_at = models.DateTimeField(_("planned close"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    draft = models.ForeignKey(
        "consultations.DecisionDraft",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("from the consultation draft"),
    )
    retables = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retabled_as",
        verbose_name=_("puts again the failed decision"),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    result = models.JSONField(_("result"), null=True, blank=True, editable=False)
    passed = models.BooleanField(_("passed"), null=True, blank=True, editable=False)
    log_head = models.CharField(
        _("last hash of the ballot log"), max_length=64, default=GENESIS, editable=False
    )
    log_length = models.PositiveIntegerField(_("entries in the ballot log"), default=0, editable=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="decision_closes_after_opening",
                violation_error_message=_("Voting must close after it opens."),
            ),
        ]
        indexes = [models.Index(fields=["community", "status", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    def accepts_ballots_at(self, now: datetime) -> bool:
        return self.status == DecisionStatus.OPEN and self.opens_at <= now < self.closes_at

    @property
    def voting_over(self) -> bool:
        """Open, but its time is up: the result is published when it is closed (by staff or the minute sweep)."""
        return self.status == DecisionStatus.OPEN and timezone.now() >= self.closes_at

    @property
    def accepts_ballots(self) -> bool:
        return self.accepts_ballots_at(timezone.now())


class DecisionOption(models.Model):
    """An option of an approval or ranked ballot, in the ballot paper's order."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="options", verbose_name=_("decision")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("option"), max_length=200)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["decision_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "position"], name="decision_option_position_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Impact(models.TextChoices):
    OCCUPIED = "occupied", _("Occupies part of the unit's space")
    LIGHT = "light", _("Takes light")
    NOISE = "noise", _("Noise")
    ACCESS = "access", _("Changes access")
    OTHER = "other", _("Other")


class AffectedUnit(models.Model):
    """A unit the proposal affects; its owners' consent is tallied separately when the rule asks for it."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="affected_units", verbose_name=_("decision")
    )
    unit = models.ForeignKey(
        "structure.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    impact = models.CharField(_("how it is affected"), max_length=10, choices=Impact.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("affected unit")
        verbose_name_plural = _("affected units")
        ordering = ["decision_id", "unit__building__code", "unit__floor", "unit__number"]
        constraints = [models.UniqueConstraint(fields=["decision", "unit"], name="affected_unit_unique")]

    def __str__(self) -> str:
        return str(self.unit)


class Elector(models.Model):
    """One voter of the frozen register, with their weight on the area basis."""

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


class ObjectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection status", "Open")
    MEDIATED = "mediated", _("Settled by mediation")
    MAINTAINED = "maintained", _("Maintained")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Objection(models.Model):
    """An objection by an elector, usually an affected owner, on the decision's page."""

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


class CostMethod(models.TextChoices):
    AREA = "area", _("By exclusive area (Civil Code Art. 283)")
    FLOOR_COEFFICIENT = "floor-coefficient", _("Floor coefficient × area")
    FLOOR_TABLE = "floor-table", _("Percentage per floor")


class CostPlan(models.Model):
    """How the decision's cost is shared among units, computed by :func:`comity.engine.decisions.costs.split_costs`."""

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="cost_plan", verbose_name=_("decision")
    )
    total_fen = models.BigIntegerField(_("total cost (fen)"), validators=[MinValueValidator(0)])
    method = models.CharField(_("how the cost is shared"), max_length=20, choices=CostMethod.choices)
    subsidy_percent = models.DecimalField(
        _("subsidy (percent of the cost)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    subsidy_cap_fen = models.BigIntegerField(
        _("subsidy cap (fen)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    #: ``{floor: percent}`` for the floor table, ``{floor: coefficient}`` for coefficients (strings, exact).
    floor_values = models.JSONField(_("values per floor"), default=dict, blank=True)
    #: ``{floor: fen}`` paid to each unit of that floor.
    compensation = models.JSONField(_("compensation per unit by floor (fen)"), default=dict, blank=True)
    plan = models.JSONField(_("computed plan"), default=dict, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cost-sharing plan")
        verbose_name_plural = _("cost-sharing plans")

    def __str__(self) -> str:
        return f"{self.decision}: {self.get_method_display()}"
