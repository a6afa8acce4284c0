"""Community funds and participatory budgeting (社区基金 / 微项目): the fund and its public ledger, and the yearly cycle
from proposals to delivered projects.

* A :class:`Fund` has a formula (a fixed part plus a part per 100 residents, as Chengdu's 100,000 yuan + 1,500 per
  100 residents) and other sources (grants, donations, the maintenance fund where the owners decided so). Every
  movement is a :class:`LedgerEntry` in fen: income, an allocation earmarking money for a project, a disbursement
  paying for it against a receipt, and a return of what a project did not spend. The ledger is append-only; a
  mistake is corrected by a further entry, never by an edit.
* A :class:`Cycle` runs proposals → eligibility review against the negative list → costing → ballot → allocation →
  delivery with milestones → acceptance and residents' ratings. Its budget is split between :class:`District`
  s (groups of buildings); residents vote for their own district's projects.
* Ballots (:class:`BudgetBallot`, :class:`BallotMark`) are approval (with a maximum), cumulative points, knapsack
  (any projects whose costs fit the district's budget) or ranked.
* Closing computes every rule for every district (:class:`Outcome`); the cycle's named rule is the official one.

Budgets, project costs and the ledger are kept in fen (``budget_fen``, ``cost_fen``, ``amount_fen``), so an
imported pabulib file with grosze (``budget;740793.05``) is kept exactly; ``budget`` and ``cost`` read (and set) the
same amounts in yuan as :class:`~decimal.Decimal`. The rules get the amounts in fen with ``Election.unit`` 100, so
Add1 still raises each voter's budget one yuan at a time, as equalshares.net does. ``services`` is the only writer.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The most a budget or a cost may be: 1 billion yuan, in fen.
MAX_FEN = 100_000_000_000


def fen_to_yuan(fen: int | None) -> Decimal | None:
    """An amount in fen as yuan with two decimals (``1250`` → ``Decimal("12.50")``), ``None`` kept."""
    return None if fen is None else Decimal(int(fen)).scaleb(-2)


def yuan_to_fen(yuan: Decimal | int | str | None) -> int | None:
    """An amount in yuan (at most two decimals) in fen; ``ValueError`` for more decimals."""
    if yuan is None:
        return None
    amount = Decimal(str(yuan).strip())  # decimal.InvalidOperation (an ArithmeticError) for a non-number
    if not amount.is_finite():
        raise ValueError(f"{yuan} is not an amount")
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{yuan} has more than two decimals")
    return int(scaled)


class Fund(models.Model):
    """A community's fund for one year: the formula's part and every other source are entries of its ledger."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="funds", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    fixed_fen = models.BigIntegerField(_("fixed part (fen)"), default=0, validators=[MinValueValidator(0)])
    per_100_residents_fen = models.BigIntegerField(
        _("part per 100 residents (fen)"), default=0, validators=[MinValueValidator(0)]
    )
    residents = models.PositiveIntegerField(
        _("residents counted"),
        default=0,
        help_text=_("The number of residents the formula counts (usually the registered population)."),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("community fund")
        verbose_name_plural = _("community funds")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name", "year"], name="budgeting_fund_unique_name_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"

    @property
    def formula_fen(self) -> int:
        """The formula's amount, rounded down to the fen."""
        return self.fixed_fen + self.per_100_residents_fen * self.residents // 100


class EntryKind(models.TextChoices):
    INCOME = "income", _("Income")
    ALLOCATION = "allocation", _("Allocated to a project")
    DISBURSEMENT = "disbursement", _("Paid out")
    RETURN = "return", _("Returned unspent")


class SourceKind(models.TextChoices):
    FORMULA = "formula", _("Annual formula")
    GRANT = "grant", _("Grant")
    DONATION = "donation", _("Donation")
    MAINTENANCE_FUND = "maintenance_fund", _("Maintenance fund (owners' decision)")
    OTHER = "other", pgettext_lazy("fund source", "Other")


class LedgerEntry(models.Model):
    """One movement of a fund's money. Amounts are positive; the kind says which way it goes."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund"))
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    source = models.CharField(_("source"), max_length=20, choices=SourceKind.choices, blank=True)
    amount_fen = models.BigIntegerField(_("amount (fen)"), validators=[MinValueValidator(1)])
    occurred_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=255)
    counterparty = models.CharField(
        _("paid by or to"),
        max_length=160,
        blank=True,
        help_text=_("The donor, the grant's giver, or the payee."),
    )
    proposal = models.ForeignKey(
        "Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("project"),
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fund_entries",
        verbose_name=_("owners' decision"),
        help_text=_("Money from the maintenance fund needs the owners' passed decision."),
    )
    receipt_number = models.CharField(_("receipt or invoice number"), max_length=60, blank=True)
    receipt = models.FileField(
        _("scan of the receipt"), upload_to="budgeting/receipts/%Y/", blank=True, max_length=200
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("Empty for the allocations of a cycle closed by the scheduled sweep."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["occurred_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="budgeting_entry_positive"),
            models.CheckConstraint(
                condition=~Q(kind="income") | ~Q(source=""), name="budgeting_income_has_source"
            ),
            models.CheckConstraint(
                condition=Q(kind="income") | Q(proposal__isnull=False), name="budgeting_spending_has_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_fen / 100:.2f}"


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
        self.budget_fen = yuan_to_fen(value)  # type: ignore[assignment]


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
        return fen_to_yuan(self.cost_fen)

    @cost.setter
    def cost(self, value: Decimal | int | str | None) -> None:
        self.cost_fen = yuan_to_fen(value)

    @property
    def reason_texts(self) -> list[str]:
        labels = dict(NegativeReason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]


class BudgetBallot(models.Model):
    """One voter's ballot in one cycle; a voter may replace it while voting is open. Imported ballots have no
    account, only the voter id of the file."""

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


class ProposalSupport(models.Model):
    """A resident supports a proposal while proposals are taken (Decidim's supports, CONSUL's "apoyos").

    Supports show the committee and neighbours which ideas residents care about. They are *not* votes: the
    allocation counts only ballots. One per resident and proposal, withdrawable.
    """

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="proposal_supports",
        verbose_name=_("community"),
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="supports", verbose_name=_("project")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposal_supports",
        verbose_name=_("resident"),
    )
    created_at = models.DateTimeField(_("supported at"))

    class Meta:
        verbose_name = _("support of a proposal")
        verbose_name_plural = _("supports of proposals")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="budgeting_one_support_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} + {self.user_id}"


class ProposalFollower(models.Model):
    """Someone who follows a proposal and is told of its review, costing, vote, result and delivery."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="proposal_followers",
        verbose_name=_("community"),
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="followers", verbose_name=_("project")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followed_proposals",
        verbose_name=_("follower"),
    )
    created_at = models.DateTimeField(_("following since"))

    class Meta:
        verbose_name = _("follower of a proposal")
        verbose_name_plural = _("followers of proposals")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="budgeting_one_follow_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} ← {self.user_id}"


#: Bounds of a comment, in characters (the form, the API and the service all check them).
COMMENT_MIN_LENGTH = 2
COMMENT_MAX_LENGTH = 2000
HIDE_REASON_MAX_LENGTH = 300


class ProposalComment(models.Model):
    """A plain-text comment on a proposal. Committee staff may hide one with a reason; its author still sees it."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="proposal_comments",
        verbose_name=_("community"),
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="comments", verbose_name=_("project")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposal_comments",
        verbose_name=_("author"),
    )
    text = models.CharField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("written at"))
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("why it was hidden"), max_length=HIDE_REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("comment on a proposal")
        verbose_name_plural = _("comments on proposals")
        ordering = ["proposal", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="budgeting_hidden_comment_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["proposal", "created_at"])]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.text[:40]}"
