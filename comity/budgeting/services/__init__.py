"""The only writers of budgeting's rows: funds and their ledgers, cycles and districts, proposals, ballots,
closing, delivery, supports and comments, and pabulib imports.

Every service checks the actor's permission, refuses bad input with a translated :class:`ValidationError` that
names the field where it can, writes in one transaction (:func:`comity.foundation.services.service`; the fund's or
the cycle's row is locked, so balances and one-ballot-per-voter hold under concurrent requests), copies the
community onto every row it creates, and records an audit entry. The reads are in :mod:`comity.budgeting.selectors`.
"""

from comity.budgeting.services.ballots import cast_ballot
from comity.budgeting.services.closing import close_cycle, close_due_cycle, close_due_cycles
from comity.budgeting.services.common import MANAGE, MANAGE_FUNDS
from comity.budgeting.services.cycles import (
    add_district,
    cancel_cycle,
    create_cycle,
    open_proposals,
    open_voting,
    start_review,
)
from comity.budgeting.services.delivery import accept_delivery, add_milestone, complete_milestone, rate
from comity.budgeting.services.funds import create_fund, record_entry
from comity.budgeting.services.imports import import_pabulib
from comity.budgeting.services.inputs import (
    CycleData,
    DistrictSpec,
    EntryData,
    FundData,
    MilestoneData,
    ProposalData,
)
from comity.budgeting.services.proposals import (
    cost_proposal,
    review_proposal,
    submit_proposal,
    withdraw_proposal,
)
from comity.budgeting.services.support import (
    comment_on_proposal,
    follow_proposal,
    hide_comment,
    restore_comment,
    support_proposal,
    unfollow_proposal,
    withdraw_support,
)

__all__ = [
    "MANAGE",
    "MANAGE_FUNDS",
    "CycleData",
    "DistrictSpec",
    "EntryData",
    "FundData",
    "MilestoneData",
    "ProposalData",
    "accept_delivery",
    "add_district",
    "add_milestone",
    "cancel_cycle",
    "cast_ballot",
    "close_cycle",
    "close_due_cycle",
    "close_due_cycles",
    "comment_on_proposal",
    "complete_milestone",
    "cost_proposal",
    "create_cycle",
    "create_fund",
    "follow_proposal",
    "hide_comment",
    "import_pabulib",
    "open_proposals",
    "open_voting",
    "rate",
    "record_entry",
    "restore_comment",
    "review_proposal",
    "start_review",
    "submit_proposal",
    "support_proposal",
    "unfollow_proposal",
    "withdraw_proposal",
    "withdraw_support",
]
