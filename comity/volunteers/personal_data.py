"""The volunteers app's personal information: hours served, time-bank accounts, ledger entries, redemptions.

The ledger is kept whatever happens: it is a hash chain, and removing or changing one entry would break every hash
after it and make the whole community's ledger fail verification. It never names a person, only an account's
random code; erasing a person unlinks their account (the code stays, the holder is blanked), so the ledger still
verifies and says nothing more about anyone — as a decision's ballot log keeps pseudonyms of its electors.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare
from comity.volunteers.models import Account, Redemption

LEDGER_KEPT = _(
    "the time bank's ledger is a hash chain that must keep verifying; it names an account code, never a person"
)


def unlink_accounts(rows: models.QuerySet[Any]) -> int:
    """Blank the holder of the accounts: the code and the balance stay, so the ledger still adds up and verifies."""
    return Account.objects.filter(pk__in=rows.values("pk")).update(person=None)


def forget_redemptions(rows: models.QuerySet[Any]) -> int:
    """Blank what a redemption says about the person served (the service, and who it was for); the hours and the
    ledger entry stay, so the account's history still adds up."""
    return Redemption.objects.filter(pk__in=rows.values("pk")).update(service="", beneficiary=None)


declare(
    Holding(
        "volunteers.HoursClaim",
        "activities",
        subject=("person",),
        actors=("recorded_by", "verified_by"),
        retention=Retention(
            None,
            ending=Ending.KEEP,
            reason=_(
                "the record of service behind a volunteer's stars and certificate, kept while they volunteer"
            ),
        ),
        erasure=Retention(None, ending=Ending.DELETE),
    ),
    Holding(
        "volunteers.Account",
        "activities",
        subject=("person",),
        retention=Retention(None, ending=Ending.KEEP, reason=LEDGER_KEPT),
        erasure=Retention(None, ending=Ending.ANONYMISE, fields=("person",), eraser=unlink_accounts),
    ),
    Holding(
        "volunteers.LedgerEntry",
        "activities",
        subject=("debit__person", "credit__person"),
        actors=("recorded_by",),
        exclude=("previous", "hash"),
        retention=Retention(None, ending=Ending.KEEP, reason=LEDGER_KEPT),
    ),
    Holding(
        "volunteers.Redemption",
        "activities",
        subject=("account__person", "beneficiary"),
        actors=("recorded_by",),
        retention=Retention(
            None, ending=Ending.KEEP, reason=_("the record of a service given for hours of the time bank")
        ),
        erasure=Retention(None, ending=Ending.ANONYMISE, fields=("service",), eraser=forget_redemptions),
    ),
    Holding(
        "volunteers.Policy",
        "staff_records",
        subject=(),
        actors=("updated_by",),
        retention=Retention(
            None, ending=Ending.KEEP, reason=_("the community's rules, kept while they apply")
        ),
    ),
    Holding(
        "volunteers.HonourRoll",
        "staff_records",
        subject=(),
        actors=("posted_by",),
        retention=Retention(
            None, ending=Ending.KEEP, reason=_("the record of when a roll of honour was posted")
        ),
    ),
)
