"""A community's fund and its append-only ledger."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comity.engine.money import fen_to_yuan


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

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
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
        return f"{self.get_kind_display()} {fen_to_yuan(self.amount_fen)}"
