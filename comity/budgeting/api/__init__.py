"""REST API for community funds and participatory budgeting: the funds with their balances and public ledgers, the
cycles with their districts and proposals, casting a ballot, proposing a project, and the results of every rule.

Thin, like the pages: parse → permission → service → serialise. Every write goes through the same services as the
pages (:mod:`comity.budgeting.services`), so a refusal is a 400 with the service's translated message
(``Accept-Language`` chooses the language) or a 403, and who may read what is what the pages allow
(:mod:`comity.budgeting.permissions`). Money in the ledger is in fen (integers). Budgets and project costs are
given twice: exactly in fen (``budget_fen``, ``cost_fen``, integers, as the models keep them) and, under the names
the API has always used, in yuan (``budget``, ``cost``: JSON numbers with at most two decimals, ``740793.05``). The API never says who voted how, nor who proposed what: only the caller's own ballot
and the caller's own proposals are marked.
"""

from comity.budgeting.api.cycles import CycleBallot, CycleDetail, CycleList, CycleProposals
from comity.budgeting.api.funds import FundLedger, FundList
from comity.budgeting.api.results import CycleResults

__all__ = [
    "CycleBallot",
    "CycleDetail",
    "CycleList",
    "CycleProposals",
    "CycleResults",
    "FundLedger",
    "FundList",
]
