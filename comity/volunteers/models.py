"""Volunteer hours, the time bank's accounts, its hash-chained ledger, redemptions and the roll of honour.

Stars are not stored: they are computed from verified hours (``comity.engine.volunteering.star_level``) as of the
last roll of honour whose posting period is over. The ledger is one hash chain per community
(``comity.engine.hashchain``): its head and length are kept on the :class:`Ledger` row, which is locked while an
entry is appended; an entry is never updated, a mistake is corrected by a new entry.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comity.engine.hashchain import GENESIS
from comity.engine.volunteering import DEFAULT_CAP, DEFAULT_MIN_AGE, Relation, TransferRule

#: One claim is at most a day's service; hours count in quarters of an hour.
MIN_HOURS, MAX_HOURS = Decimal("0.25"), Decimal(24)
#: The largest amount one redemption, transfer or cap may name.
MAX_BANK_HOURS = Decimal(100_000)


def _hours(verbose: Any, low: Decimal = MIN_HOURS, high: Decimal = MAX_HOURS) -> Any:
    return models.DecimalField(
        verbose,
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
    )


class RelationChoice(models.TextChoices):
    SELF = Relation.SELF.value, _("Myself")
    SPOUSE = Relation.SPOUSE.value, _("Spouse")
    PARENT = Relation.PARENT.value, _("Parent")
    CHILD = Relation.CHILD.value, _("Child")
    GRANDPARENT = Relation.GRANDPARENT.value, _("Grandparent")
    SIBLING = Relation.SIBLING.value, _("Brother or sister")


class TransferChoice(models.TextChoices):
    NONE = TransferRule.NONE.value, _("No transfers")
    SAME_HOUSEHOLD = TransferRule.SAME_HOUSEHOLD.value, _("Between family members of the same household")
    FAMILY = TransferRule.FAMILY.value, _("Between family members")


def default_beneficiaries() -> list[str]:
    return [Relation.SELF.value, Relation.SPOUSE.value, Relation.PARENT.value]


class Policy(models.Model):
    """A community's time-bank policy; the Nanjing rules (2019) are the defaults."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    cap = models.DecimalField(
        _("hours an account may hold"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        default=DEFAULT_CAP,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(MAX_BANK_HOURS)],
        help_text=_("Hours past this are donated to the community pool. Empty: no cap."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age to receive services"),
        default=DEFAULT_MIN_AGE,
        validators=[MinValueValidator(0), MaxValueValidator(120)],
    )
    beneficiaries = models.JSONField(_("who may benefit"), default=default_beneficiaries)
    yearly_limit = models.DecimalField(
        _("hours an account may redeem in a year"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(MAX_BANK_HOURS)],
        help_text=_("Empty: no limit but the balance."),
    )
    transfers = models.CharField(
        _("transfers"), max_length=16, choices=TransferChoice.choices, default=TransferChoice.SAME_HOUSEHOLD
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("time-bank policy")
        verbose_name_plural = _("time-bank policies")
        constraints = [
            models.UniqueConstraint(fields=["community"], name="volunteers_policy_one_per_community")
        ]

    def __str__(self) -> str:
        return str(_("Time-bank policy"))


class Ledger(models.Model):
    """The head of a community's time-bank chain: locked while an entry is appended."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    head = models.CharField(_("last hash"), max_length=64, default=GENESIS)
    length = models.PositiveIntegerField(_("entries"), default=0)

    class Meta:
        verbose_name = _("time-bank ledger")
        verbose_name_plural = _("time-bank ledgers")
        constraints = [
            models.UniqueConstraint(fields=["community"], name="volunteers_ledger_one_per_community")
        ]

    def __str__(self) -> str:
        return f"#{self.length} {self.head[:12]}"


class AccountKind(models.TextChoices):
    PERSON = "person", _("A volunteer's account")
    POOL = "pool", _("The community pool")


class Account(models.Model):
    """A time-bank account. The ledger names its code, never the person: erasing the person unlinks the account
    and the chain still verifies."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=AccountKind.choices, default=AccountKind.PERSON)
    person = models.ForeignKey(
        "structure.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="time_bank_accounts",
        verbose_name=_("holder"),
    )
    code = models.CharField(_("account code"), max_length=16)
    balance = models.DecimalField(_("balance (hours)"), max_digits=11, decimal_places=2, default=Decimal(0))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        verbose_name = _("time-bank account")
        verbose_name_plural = _("time-bank accounts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="volunteers_account_code_unique"),
            models.UniqueConstraint(
                fields=["community", "person"],
                condition=Q(person__isnull=False),
                name="volunteers_account_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["community"], condition=Q(kind="pool"), name="volunteers_account_one_pool"
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="volunteers_account_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class EntryKind(models.TextChoices):
    DEPOSIT = "deposit", _("Verified hours deposited")
    DONATION = "donation", _("Hours past the cap donated to the pool")
    REDEMPTION = "redemption", _("Redeemed for a service")
    TRANSFER = "transfer", _("Transferred to a family member")
    CORRECTION = "correction", _("Correction")


class LedgerEntry(models.Model):
    """One link of the time-bank chain: ``hours`` leave ``debit`` (if any) and reach ``credit`` (if any).

    The hashed content is built from these columns (``comity.volunteers.computing.entry_content``), so a change to
    any of them in the database is found by the verifier."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    ledger = models.ForeignKey(
        Ledger, on_delete=models.PROTECT, related_name="entries", verbose_name=_("ledger")
    )
    sequence = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    debit = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="debits",
        verbose_name=_("from"),
    )
    credit = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="credits", verbose_name=_("to")
    )
    hours = models.DecimalField(
        _("hours"), max_digits=11, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    corrects = models.PositiveIntegerField(_("corrects entry"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    previous = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("time-bank ledger entry")
        verbose_name_plural = _("time-bank ledger entries")
        ordering = ["ledger_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["ledger", "sequence"], name="volunteers_entry_sequence_unique"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="volunteers_entry_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")


class HoursClaim(models.Model):
    """Hours a volunteer served, recorded by the organiser's staff and verified by them."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    person = models.ForeignKey(
        "structure.Person",
        on_delete=models.CASCADE,
        related_name="volunteer_hours",
        verbose_name=_("volunteer"),
    )
    organiser = models.ForeignKey(
        "structure.GovernanceSubject",
        on_delete=models.PROTECT,
        related_name="volunteer_hours",
        verbose_name=_("organiser"),
    )
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hours_claims",
        verbose_name=_("activity"),
        help_text=_("Empty for hours served outside an activity."),
    )
    served_on = models.DateField(_("served on"))
    hours = _hours(_("hours"))
    description = models.CharField(_("what was done"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    deposit = models.ForeignKey(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deposit"),
    )

    class Meta:
        verbose_name = _("volunteer hours")
        verbose_name_plural = _("volunteer hours")
        ordering = ["-served_on", "-pk"]
        indexes = [models.Index(fields=["community", "status"]), models.Index(fields=["person", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(activity__isnull=False),
                name="volunteers_hours_once_per_activity",
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=MIN_HOURS) & Q(hours__lte=MAX_HOURS), name="volunteers_hours_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.hours} h {self.served_on}"


class Redemption(models.Model):
    """Hours redeemed from an account for a service (never cash), for its holder or a family member."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("account")
    )
    beneficiary = models.ForeignKey(
        "structure.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="time_bank_services",
        verbose_name=_("for whom"),
    )
    relation = models.CharField(_("relation to the holder"), max_length=12, choices=RelationChoice.choices)
    service = models.CharField(_("service"), max_length=200)
    provider = models.ForeignKey(
        "structure.GovernanceSubject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provided by"),
    )
    hours = _hours(_("hours"), high=MAX_BANK_HOURS)
    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, related_name="+", verbose_name=_("entry")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.account} {self.hours} h"


class HonourRoll(models.Model):
    """A posted roll of honour: the stars earned by hours verified up to ``as_of``, awarded after ``ends_on``."""

    community = models.ForeignKey(
        "structure.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    as_of = models.DateField(_("hours verified up to"))
    posted_on = models.DateField(_("posted on"))
    ends_on = models.DateField(_("posting ends on"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )

    class Meta:
        verbose_name = _("roll of honour")
        verbose_name_plural = _("rolls of honour")
        ordering = ["-posted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("posted_on")), name="volunteers_roll_posting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.posted_on}–{self.ends_on}"
