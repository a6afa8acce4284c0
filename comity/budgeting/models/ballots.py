"""Ballots and their marks, the computed outcomes, and delivery: milestones and residents' ratings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comity.budgeting.models.cycles import Cycle, District, Proposal, Rule
from comity.engine.money import fen_to_yuan


class BudgetBallot(models.Model):
    """One voter's ballot in one cycle; a voter may replace it while voting is open. Imported ballots have no
    account, only the voter id of the file."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("cycle")
    )
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("district")
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_ballots",
        verbose_name=_("voter"),
    )
    external_id = models.CharField(_("voter id in the imported file"), max_length=60, blank=True)
    #: The voter's building when the ballot was cast, for the balance report's "who wins and loses".
    group = models.CharField(_("group"), max_length=120, blank=True)
    cast_at = models.DateTimeField(_("cast at"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["community", "cycle"], name="budgeting_ballot_community")]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "voter"],
                condition=Q(voter__isnull=False),
                name="budgeting_one_ballot_per_voter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.pk}"


class BallotMark(models.Model):
    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    ballot = models.ForeignKey(BudgetBallot, on_delete=models.CASCADE, related_name="marks")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="marks")
    #: Approval and knapsack: 1; cumulative: the points given; ranked: 1.
    points = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    #: Ranked ballots: 1 is the favourite.
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="budgeting_mark_unique_proposal")
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}:{self.proposal_id}"


class Outcome(models.Model):
    """What one rule selects in one district, with its explanations and balance measures; computed at closing."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="outcomes")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="outcomes")
    rule = models.CharField(max_length=20, choices=Rule.choices)
    official = models.BooleanField(default=False)
    #: Proposal primary keys, in the order the rule funded them.
    selected = models.JSONField(default=list)
    #: What the selected projects cost together, in fen.
    cost_fen = models.BigIntegerField(default=0)
    #: Per proposal pk: the engine's explanation (numbers, worded by the pages).
    explanations = models.JSONField(default=dict)
    #: The balance measures (satisfaction, non-empty-handed share, Gini, per group, EJR/PJR when checked).
    measures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["community", "cycle"], name="budgeting_outcome_community")]
        constraints = [
            models.UniqueConstraint(fields=["district", "rule"], name="budgeting_outcome_unique_rule"),
            models.CheckConstraint(condition=Q(cost_fen__gte=0), name="budgeting_outcome_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.rule}"

    @property
    def cost(self) -> Decimal:
        """What the selected projects cost together, in yuan."""
        return fen_to_yuan(self.cost_fen) or Decimal(0)


class Milestone(models.Model):
    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("milestone"), max_length=160)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Rating(models.Model):
    """A resident's rating of a delivered project."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_ratings"
    )
    stars = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="budgeting_one_rating_per_user"),
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="budgeting_stars_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.stars}"
