"""Reads of funds and their ledgers: the balances the pages, the API and the services show and check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from comity.budgeting.models import Cycle, EntryKind, Fund, LedgerEntry, Proposal
from comity.budgeting.selectors.cycles import Reader
from comity.budgeting.wording import fen_amount_text, fen_text
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community


@dataclass
class ProjectMoney:
    proposal: Proposal
    allocated: int = 0
    disbursed: int = 0
    returned: int = 0
    entries: list[LedgerEntry] = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        """Allocated and neither paid out nor returned yet."""
        return self.allocated - self.disbursed - self.returned


@dataclass
class FundSummary:
    income: int
    income_by_source: dict[str, int]
    allocated: int
    disbursed: int
    returned: int
    projects: list[ProjectMoney]

    @property
    def available(self) -> int:
        """Money neither allocated to a project nor spent: what a new cycle can count on."""
        return self.income - self.allocated + self.returned

    @property
    def cash(self) -> int:
        """Money in the fund's account: income less what was paid out."""
        return self.income - self.disbursed


def _totals_summary(totals: dict[tuple[str, str], int], projects: list[ProjectMoney]) -> FundSummary:
    """The summary of a fund whose entries sum to ``totals`` per (kind, source)."""
    income_by_source: dict[str, int] = defaultdict(int)
    for (kind, source), total in totals.items():
        if kind == EntryKind.INCOME:
            income_by_source[source] += total

    def of(kind: str) -> int:
        return sum(total for (k, _), total in totals.items() if k == kind)

    return FundSummary(
        income=of(EntryKind.INCOME),
        income_by_source=dict(income_by_source),
        allocated=of(EntryKind.ALLOCATION),
        disbursed=of(EntryKind.DISBURSEMENT),
        returned=of(EntryKind.RETURN),
        projects=projects,
    )


def totals(fund: Fund) -> FundSummary:
    """The fund's sums (income, allocated, paid out, returned, available) without its projects: one query summing
    in the database, however long the ledger."""
    sums = {
        (row["kind"], row["source"]): int(row["total"] or 0)
        for row in fund.entries.values("kind", "source").annotate(total=Sum("amount_fen"))
    }
    return _totals_summary(sums, [])


def funds_with_totals(community: Community) -> list[tuple[Fund, FundSummary]]:
    """The community's funds (as :func:`funds_of` orders them), each with its sums: two queries in all."""
    funds = list(funds_of(community))
    sums: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in (
        LedgerEntry.objects.filter(community=community, fund__in=[fund.pk for fund in funds])
        .values("fund", "kind", "source")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    ):
        sums[row["fund"]][(row["kind"], row["source"])] = int(row["total"] or 0)
    return [(fund, _totals_summary(sums[fund.pk], [])) for fund in funds]


def summarise(fund: Fund) -> FundSummary:
    """The fund's sums and, project by project, its entries (what the fund's own page shows)."""
    projects: dict[int, ProjectMoney] = {}
    for entry in (
        fund.entries.filter(proposal__isnull=False)
        .select_related("proposal__cycle")
        .order_by("occurred_on", "pk")
    ):
        assert entry.proposal is not None
        money = projects.setdefault(entry.proposal_id or 0, ProjectMoney(entry.proposal))
        money.entries.append(entry)
        if entry.kind == EntryKind.ALLOCATION:
            money.allocated += entry.amount_fen
        elif entry.kind == EntryKind.DISBURSEMENT:
            money.disbursed += entry.amount_fen
        elif entry.kind == EntryKind.RETURN:
            money.returned += entry.amount_fen
    summary = totals(fund)
    summary.projects = sorted(projects.values(), key=lambda m: (m.proposal.cycle_id, m.proposal.number))
    return summary


def funding_shortfall(cycle: Cycle) -> str:
    """Why the cycle's fund cannot pay for its budget (it must still hold the whole budget unallocated when
    voting opens and when it closes), or ``""`` when it can."""
    if cycle.fund is None:
        return ""
    available = totals(cycle.fund).available
    if available < cycle.budget_fen:
        return _(
            "The fund has %(available)s yuan not yet allocated; the cycle's budget is %(budget)s yuan."
        ) % {
            "available": fen_text(available),
            "budget": fen_amount_text(cycle.budget_fen),
        }
    return ""


def funds_of(community: Community) -> QuerySet[Fund]:
    """The community's funds, newest year first."""
    return Fund.objects.filter(community=community)


def get_fund_for_user(
    user: Reader, community_id: int, fund_id: int, *, perm: str = "budgeting.see_funds"
) -> Fund:
    """The fund of the community: ``Http404`` when there is no such fund in a community the user sees,
    ``PermissionDenied`` when the user lacks ``perm`` on it."""
    community = structure_selectors.get_community_for_user(user, community_id, perm="budgeting.see_funds")
    try:
        fund = Fund.objects.select_related("community__street").get(community=community, pk=fund_id)
    except Fund.DoesNotExist as error:
        raise Http404 from error
    if not user.has_perm(perm, fund):
        raise PermissionDenied
    return fund
