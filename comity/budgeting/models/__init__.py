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

Tables by part: :mod:`.funds` (the fund and its ledger), :mod:`.cycles` (cycles, districts, proposals),
:mod:`.ballots` (ballots, outcomes, milestones, ratings), :mod:`.support` (supports, followers, comments). Every
row carries its community (``community``), copied from its parent by the services.
"""

from comity.budgeting.models.ballots import BallotMark, BudgetBallot, Milestone, Outcome, Rating
from comity.budgeting.models.cycles import (
    BallotKind,
    Cycle,
    CycleStatus,
    District,
    NegativeReason,
    Proposal,
    ProposalStatus,
    Rule,
)
from comity.budgeting.models.funds import EntryKind, Fund, LedgerEntry, SourceKind
from comity.budgeting.models.limits import MAX_CHOICES, MAX_FEN, MAX_POINTS, MAX_RESIDENTS, MAX_YUAN
from comity.budgeting.models.support import (
    COMMENT_MAX_LENGTH,
    COMMENT_MIN_LENGTH,
    HIDE_REASON_MAX_LENGTH,
    ProposalComment,
    ProposalFollower,
    ProposalSupport,
)

__all__ = [
    "COMMENT_MAX_LENGTH",
    "COMMENT_MIN_LENGTH",
    "HIDE_REASON_MAX_LENGTH",
    "MAX_CHOICES",
    "MAX_FEN",
    "MAX_POINTS",
    "MAX_RESIDENTS",
    "MAX_YUAN",
    "BallotKind",
    "BallotMark",
    "BudgetBallot",
    "Cycle",
    "CycleStatus",
    "District",
    "EntryKind",
    "Fund",
    "LedgerEntry",
    "Milestone",
    "NegativeReason",
    "Outcome",
    "Proposal",
    "ProposalComment",
    "ProposalFollower",
    "ProposalStatus",
    "ProposalSupport",
    "Rating",
    "Rule",
    "SourceKind",
]
