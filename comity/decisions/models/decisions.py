"""A decision, the options of its ballot, the units it affects and how its cost is shared."""

from __future__ import annotations

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

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
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

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
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


class CostMethod(models.TextChoices):
    AREA = "area", _("By exclusive area (Civil Code Art. 283)")
    FLOOR_COEFFICIENT = "floor-coefficient", _("Floor coefficient × area")
    FLOOR_TABLE = "floor-table", _("Percentage per floor")


class CostPlan(models.Model):
    """How the decision's cost is shared among units, computed by :func:`comity.engine.decisions.costs.split_costs`."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
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
