"""The budgeting app's personal information: proposals, ballots, supports, follows, comments and ratings
(participation), and who recorded the funds' accounts and ran the cycles (staff records).

Proposals and ballots stay with their cycle, so that the result can be counted again; a granted deletion takes
the proposer's or voter's name off them. Supports, follows, comments and ratings name their account in a column
that cannot be empty: a granted deletion deletes them."""

from django.utils.translation import gettext_lazy as _

from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

WITH_CYCLE = _("kept with its budget cycle, so that the result can be counted again")
WITH_PROJECT = _("kept with its project")
DELETED = Retention(None, ending=Ending.DELETE)

declare(
    Holding(
        "budgeting.LedgerEntry",
        "staff_records",
        subject=(),
        actors=("recorded_by",),
        retention=Retention(
            None, ending=Ending.KEEP, reason=_("the fund's accounts, kept as financial records")
        ),
    ),
    Holding(
        "budgeting.Cycle",
        "staff_records",
        subject=(),
        actors=("created_by",),
        retention=Retention(
            None, ending=Ending.KEEP, reason=_("the record of the budget cycle the committee ran")
        ),
    ),
    Holding(
        "budgeting.Proposal",
        "participation",
        subject=("proposer",),
        retention=Retention(None, ending=Ending.KEEP, reason=WITH_CYCLE),
        erasure=Retention(None, ending=Ending.ANONYMISE, fields=("proposer",)),
    ),
    Holding(
        "budgeting.BudgetBallot",
        "participation",
        subject=("voter",),
        retention=Retention(None, ending=Ending.KEEP, reason=WITH_CYCLE),
        erasure=Retention(None, ending=Ending.ANONYMISE, fields=("voter",)),
    ),
    Holding(
        "budgeting.Rating",
        "participation",
        subject=("user",),
        retention=Retention(None, ending=Ending.KEEP, reason=WITH_PROJECT),
        erasure=DELETED,
    ),
    Holding(
        "budgeting.ProposalSupport",
        "participation",
        subject=("user",),
        retention=Retention(None, ending=Ending.KEEP, reason=WITH_PROJECT),
        erasure=DELETED,
    ),
    Holding(
        "budgeting.ProposalFollower",
        "participation",
        subject=("user",),
        retention=Retention(None, ending=Ending.KEEP, reason=_("kept while you follow the project")),
        erasure=DELETED,
    ),
    Holding(
        "budgeting.ProposalComment",
        "participation",
        subject=("author",),
        actors=("hidden_by",),
        retention=Retention(None, ending=Ending.KEEP, reason=WITH_PROJECT),
        erasure=DELETED,
    ),
)
