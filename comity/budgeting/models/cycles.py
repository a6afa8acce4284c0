"""A budget cycle, its districts and its proposals."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comity.budgeting.models.funds import Fund
from comity.budgeting.models.limits import MAX_FEN
from comity.engine.money import fen_to_yuan, yuan_to_fen


class CycleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("budget cycle status", "Being prepared")
    PROPOSING = "proposing", pgettext_lazy("budget cycle status", "Taking proposals")
    REVIEWING = "reviewing", pgettext_lazy("budget cycle status", "Reviewing and costing")
    VOTING = "voting", pgettext_lazy("budget cycle status", "Voting")
    CLOSED = "closed", pgettext_lazy("budget cycle status", "Decided")
    CANCELLED = "cancelled", pgettext_lazy("budget cycle status", "Cancelled")


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approve up to a number of projects")
    CUMULATIVE = "cumulative", _("Share points between projects")
    KNAPSACK = "knapsack", _("Choose projects within the budget")
    RANKED = "ranked", _("Rank your favourite projects")


class Rule(models.TextChoices):
    MES_ADD1 = "mes-add1", _("Method of Equal Shares (with Add1)")
    MES_ADD1_GREEDY = "mes-add1-greedy", _("Method of Equal Shares (with Add1), completed by votes")
    GREEDY = "greedy", _("Most votes first")
    PHRAGMEN = "phragmen", _("Sequential Phragmén")
    MES = "mes", _("Method of Equal Shares (without completion)")


class Cycle(models.Model):
    """One round of participatory budgeting of a community fund."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="budget_cycles",
        verbose_name=_("community"),
    )
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="cycles", verbose_name=_("fund")
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    ballot_kind = models.CharField(
        _("ballot"), max_length=12, choices=BallotKind.choices, default=BallotKind.APPROVAL
    )
    max_choices = models.PositiveSmallIntegerField(
        _("most projects a ballot may choose or rank"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Approval and ranked ballots; leave empty for no limit."),
    )
    points = models.PositiveSmallIntegerField(
        _("points each voter shares out"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Cumulative ballots only."),
    )
    rule = models.CharField(_("allocation rule"), max_length=20, choices=Rule.choices, default=Rule.MES_ADD1)
    project_cap = models.PositiveIntegerField(
        _("most a project may cost (yuan)"), null=True, blank=True, help_text=_("Part of the negative list.")
    )
    proposals_close_at = models.DateTimeField(_("proposals close at"), null=True, blank=True)
    voting_opens_at = models.DateTimeField(_("voting opened at"), null=True, blank=True)
    voting_closes_at = models.DateTimeField(_("voting closes at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    imported_from = models.CharField(
        _("imported from"),
        max_length=200,
        blank=True,
        help_text=_("The pabulib file a cycle was imported from."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget cycle")
        verbose_name_plural = _("budget cycles")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def budget_fen(self) -> int:
        return sum(d.budget_fen for d in self.districts.all())

    @property
    def budget(self) -> Decimal:
        """The cycle's whole budget in yuan."""
        return fen_to_yuan(self.budget_fen) or Decimal(0)


class District(models.Model):
    """A part of the community with its own budget; empty ``buildings`` means the whole community."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="districts", verbose_name=_("cycle")
    )
    name = models.CharField(_("name"), max_length=120)
    budget_fen = models.BigIntegerField(
        _("budget (fen)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_FEN)]
    )
    buildings = models.ManyToManyField(
        "structure.Area", blank=True, related_name="budget_districts", verbose_name=_("buildings")
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="budgeting_district_unique_name"),
            models.CheckConstraint(
                condition=Q(budget_fen__gt=0) & Q(budget_fen__lte=MAX_FEN),
                name="budgeting_district_budget_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def budget(self) -> Decimal:
        """The budget in yuan."""
        return fen_to_yuan(self.budget_fen) or Decimal(0)

    @budget.setter
    def budget(self, value: Decimal | int | str) -> None:
        self.budget_fen = yuan_to_fen(value)


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("proposal status", "Awaiting review")
    ELIGIBLE = "eligible", pgettext_lazy("proposal status", "Eligible, awaiting costing")
    INELIGIBLE = "ineligible", pgettext_lazy("proposal status", "Not eligible")
    ON_BALLOT = "on_ballot", pgettext_lazy("proposal status", "On the ballot")
    FUNDED = "funded", pgettext_lazy("proposal status", "Funded")
    NOT_FUNDED = "not_funded", pgettext_lazy("proposal status", "Not funded")
    DELIVERED = "delivered", pgettext_lazy("proposal status", "Delivered and accepted")
    WITHDRAWN = "withdrawn", pgettext_lazy("proposal status", "Withdrawn")


class NegativeReason(models.TextChoices):
    """The negative list: what a community fund does not pay for."""

    PRIVATE = "private", _("It benefits a private household or business, not the public.")
    OTHER_PARTY = (
        "other_party",
        _("Another party owes this cost (the property company, the developer's warranty, a utility)."),
    )
    GOVERNMENT_DUTY = (
        "government_duty",
        _("It is a duty of a government department, paid from its own budget."),
    )
    OVER_CAP = "over_cap", _("It costs more than a project may cost in this cycle.")
    UNLAWFUL = "unlawful", _("It is against the law or the community's rules.")
    NOT_FEASIBLE = "not_feasible", _("It cannot be done within the year.")


class Proposal(models.Model):
    """A project proposed by a resident or an organisation, reviewed, costed, voted on and delivered."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("cycle")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("district")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("what and why"))
    location = models.CharField(_("where"), max_length=160, blank=True)
    estimated_cost = models.PositiveIntegerField(_("estimated cost (yuan)"), null=True, blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_proposals",
        verbose_name=_("proposed by"),
    )
    organisation = models.ForeignKey(
        "structure.GovernanceSubject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_proposals",
        verbose_name=_("on behalf of"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    reasons = models.JSONField(_("reasons it is not eligible"), default=list, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    cost_fen = models.BigIntegerField(
        _("cost (fen)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_FEN)]
    )
    costing_note = models.TextField(_("how the cost was worked out"), blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    acceptance_note = models.TextField(_("acceptance note"), blank=True)
    external_id = models.CharField(_("id in the imported file"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project proposal")
        verbose_name_plural = _("project proposals")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="budgeting_proposal_unique_number"),
            models.CheckConstraint(
                condition=Q(cost_fen__isnull=True) | (Q(cost_fen__gt=0) & Q(cost_fen__lte=MAX_FEN)),
                name="budgeting_proposal_cost_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def cost(self) -> Decimal | None:
        """The reviewed cost in yuan, or ``None`` before costing."""
        return None if self.cost_fen is None else fen_to_yuan(self.cost_fen)

    @cost.setter
    def cost(self, value: Decimal | int | str | None) -> None:
        self.cost_fen = None if value is None else yuan_to_fen(value)

    @property
    def reason_texts(self) -> list[str]:
        labels = dict(NegativeReason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]
