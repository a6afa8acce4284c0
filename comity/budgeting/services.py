"""The only writers of funds, ledgers and budget cycles.

Every function checks the actor's permission, refuses bad input with a translated :class:`ValidationError` that
names the field where it can, and writes in one transaction (the fund's or the cycle's row is locked, so balances
and one-ballot-per-voter hold under concurrent requests). Every write is in the audit log.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.budgeting import computing, support
from comity.budgeting.models import (
    MAX_FEN,
    BallotKind,
    BallotMark,
    BudgetBallot,
    Cycle,
    CycleStatus,
    District,
    EntryKind,
    Fund,
    LedgerEntry,
    Milestone,
    NegativeReason,
    Outcome,
    Proposal,
    ProposalStatus,
    Rating,
    SourceKind,
    yuan_to_fen,
)
from comity.decisions.models import Decision, DecisionStatus
from comity.engine.roles import Role
from comity.foundation.audit import record_audit
from comity.foundation.photos import strip_image_metadata
from comity.foundation.services import require, when
from comity.notifications.services import notify
from comity.structure.models import Area, AreaKind, Community, GovernanceSubject, Person
from comity.structure.scope import scope_for

MANAGE_FUNDS = "budgeting.manage_funds"
MANAGE = "budgeting.manage_cycles"

#: The largest budget, cost, cap or ledger amount accepted anywhere (forms, API, import), in yuan: a thousand times
#: a large city district's yearly participatory budget, and still far inside the database's integer columns.
MAX_YUAN = 1_000_000_000
assert MAX_YUAN * 100 == MAX_FEN
#: The most projects a ballot may be limited to, and the most points a cumulative ballot may share out.
MAX_CHOICES = 100
MAX_POINTS = 1000
#: The most residents a fund's formula may count.
MAX_RESIDENTS = 10_000_000


def _check_yuan(field_name: str, value: int | None, *, low: int = 1, fen: bool = False) -> None:
    """Refuse an amount outside ``low`` … :data:`MAX_YUAN` (in fen when ``fen``) on its field."""
    if value is None:
        return
    scale = 100 if fen else 1
    if value < low:
        raise ValidationError(
            {field_name: _("Give at least %(low)s yuan.") % {"low": computing.fen_text(low) if fen else low}}
        )
    if value > MAX_YUAN * scale:
        raise ValidationError({field_name: _("Give at most %(high)s yuan.") % {"high": f"{MAX_YUAN:,}"}})


def yuan(fen: int) -> str:
    return computing.fen_text(fen)


def _fen_of(field_name: str, value: Any) -> int:
    """An amount given in yuan (a whole number, a :class:`~decimal.Decimal` or text with at most two decimals) in
    fen; anything else is refused on its field."""
    try:
        Decimal(str(value).strip())
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({field_name: _("Give an amount in yuan, such as 1200 or 1200.50.")}) from None
    try:
        return int(yuan_to_fen(value) or 0)
    except (ArithmeticError, ValueError):
        raise ValidationError({field_name: _("Give at most two decimals (fen).")}) from None


# --- funds and the ledger -------------------------------------------------------------------------------------


@transaction.atomic
def create_fund(actor: Any, community: Community, data: dict[str, Any], *, post_formula: bool = True) -> Fund:
    require(actor, MANAGE_FUNDS, community)
    _check_yuan("fixed_fen", data.get("fixed_fen"), low=0, fen=True)
    _check_yuan("per_100_residents_fen", data.get("per_100_residents_fen"), low=0, fen=True)
    if not 0 <= int(data.get("residents") or 0) <= MAX_RESIDENTS:
        raise ValidationError(
            {"residents": _("Give at most %(high)s residents.") % {"high": f"{MAX_RESIDENTS:,}"}}
        )
    if Fund.objects.filter(community=community, name=data["name"], year=data["year"]).exists():
        raise ValidationError({"name": _("This community already has a fund of that name for that year.")})
    fund = Fund.objects.create(community=community, **data)
    record_audit(
        actor=actor,
        action="budgeting.fund_created",
        obj=fund,
        summary=gettext_noop("Created the fund “%(fund)s”."),
        params={"fund": str(fund)},
        community=community,
    )
    if post_formula and fund.formula_fen > 0:
        record_entry(
            actor,
            fund,
            {
                "kind": EntryKind.INCOME,
                "source": SourceKind.FORMULA,
                "amount_fen": fund.formula_fen,
                "occurred_on": date(fund.year, 1, 1)
                if fund.year <= timezone.localdate().year
                else timezone.localdate(),
                "description": _(
                    "%(fixed)s yuan + %(per100)s yuan per 100 residents × %(residents)s residents"
                )
                % {
                    "fixed": yuan(fund.fixed_fen),
                    "per100": yuan(fund.per_100_residents_fen),
                    "residents": fund.residents,
                },
            },
        )
    return fund


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


def summarise(fund: Fund) -> FundSummary:
    totals = {
        (row["kind"], row["source"]): row["total"]
        for row in fund.entries.values("kind", "source").annotate(total=Sum("amount_fen"))
    }
    income_by_source: dict[str, int] = defaultdict(int)
    for (kind, source), total in totals.items():
        if kind == EntryKind.INCOME:
            income_by_source[source] += total

    def of(kind: str) -> int:
        return sum(total for (k, _), total in totals.items() if k == kind)

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
    return FundSummary(
        income=of(EntryKind.INCOME),
        income_by_source=dict(income_by_source),
        allocated=of(EntryKind.ALLOCATION),
        disbursed=of(EntryKind.DISBURSEMENT),
        returned=of(EntryKind.RETURN),
        projects=sorted(projects.values(), key=lambda m: (m.proposal.cycle_id, m.proposal.number)),
    )


def _locked_fund(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


@transaction.atomic
def record_entry(actor: Any, fund: Fund, data: dict[str, Any]) -> LedgerEntry:
    """Append one entry to the fund's ledger, refusing anything that would spend money the fund does not have or
    pay a project more than was allocated to it."""
    require(actor, MANAGE_FUNDS, fund)
    fund = _locked_fund(fund)
    kind = data["kind"]
    amount = int(data.get("amount_fen") or 0)
    proposal: Proposal | None = data.get("proposal")
    decision: Decision | None = data.get("decision")
    if amount <= 0:
        raise ValidationError({"amount_fen": _("The amount must be more than zero.")})
    _check_yuan("amount_fen", amount, fen=True)
    if kind == EntryKind.INCOME:
        if not data.get("source"):
            raise ValidationError({"source": _("Say where the money comes from.")})
        if proposal is not None:
            raise ValidationError({"proposal": _("Income is not tied to a project.")})
        if data["source"] == SourceKind.MAINTENANCE_FUND:
            if decision is None:
                raise ValidationError(
                    {"decision": _("Money from the maintenance fund needs the owners' passed decision.")}
                )
            if (
                decision.community_id != fund.community_id
                or decision.status != DecisionStatus.CLOSED
                or not decision.passed
            ):
                raise ValidationError(
                    {"decision": _("That decision of this community's owners has not passed.")}
                )
    else:
        if proposal is None:
            raise ValidationError({"proposal": _("Say which project the money is for.")})
        proposal = Proposal.objects.select_related("cycle").get(pk=proposal.pk)
        if proposal.cycle.community_id != fund.community_id:
            raise ValidationError({"proposal": _("That project is not of this community.")})
        summary = summarise(fund)
        money = next((m for m in summary.projects if m.proposal.pk == proposal.pk), ProjectMoney(proposal))
        if kind == EntryKind.ALLOCATION:
            if proposal.status not in (ProposalStatus.FUNDED, ProposalStatus.DELIVERED):
                raise ValidationError({"proposal": _("Only a funded project can be allocated money.")})
            if amount > summary.available:
                raise ValidationError(
                    {
                        "amount_fen": _("The fund has only %(available)s yuan that is not allocated yet.")
                        % {"available": yuan(summary.available)}
                    }
                )
        else:
            if amount > money.outstanding:
                raise ValidationError(
                    {
                        "amount_fen": _(
                            "Only %(outstanding)s yuan allocated to this project is neither paid out nor returned."
                        )
                        % {"outstanding": yuan(money.outstanding)}
                    }
                )
            if kind == EntryKind.DISBURSEMENT and not (data.get("receipt_number") or "").strip():
                raise ValidationError(
                    {"receipt_number": _("A payment needs the number of its receipt or invoice.")}
                )
        if decision is not None:
            raise ValidationError(
                {"decision": _("Only income from the maintenance fund refers to a decision.")}
            )
    entry = LedgerEntry.objects.create(
        fund=fund,
        kind=kind,
        source=data.get("source", "") if kind == EntryKind.INCOME else "",
        amount_fen=amount,
        occurred_on=data.get("occurred_on") or timezone.localdate(),
        description=data.get("description") or "",
        counterparty=data.get("counterparty", ""),
        proposal=proposal,
        decision=decision,
        receipt_number=(data.get("receipt_number") or "").strip(),
        # A phone photo of a receipt carries where it was taken: stored without it (PDFs are kept as they are).
        receipt=strip_image_metadata(data["receipt"]) if data.get("receipt") else "",
        recorded_by=actor,
    )
    record_audit(
        actor=actor,
        action=f"budgeting.entry_{kind}",
        obj=entry,
        summary=gettext_noop("Recorded %(kind)s of %(amount)s yuan in the fund “%(fund)s”."),
        params={"kind": kind, "amount": yuan(amount), "fund": str(fund)},
        community=fund.community,
    )
    return entry


# --- cycles ---------------------------------------------------------------------------------------------------


def _locked(cycle: Cycle) -> Cycle:
    return (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("community__street", "fund")
        .get(pk=cycle.pk)
    )


def _require_status(cycle: Cycle, *allowed: str) -> None:
    if cycle.status in allowed:
        return
    messages = {
        CycleStatus.DRAFT: _("This cycle is still being prepared."),
        CycleStatus.PROPOSING: _("This cycle is taking proposals."),
        CycleStatus.REVIEWING: _("Proposals are being reviewed and costed; voting has not opened yet."),
        CycleStatus.VOTING: _("Voting is open; this cannot be done now."),
        CycleStatus.CLOSED: _("Voting has closed and the projects are decided."),
        CycleStatus.CANCELLED: _("This cycle was cancelled."),
    }
    raise ValidationError(messages[CycleStatus(cycle.status)], code=f"cycle_{cycle.status}")


def _audit(actor: Any, cycle: Cycle, action: str, summary: str, obj: Any = None, **params: Any) -> None:
    record_audit(
        actor=actor,
        action=f"budgeting.{action}",
        obj=obj or cycle,
        summary=summary,
        params={"cycle": cycle.title, **params},
        community=cycle.community,
    )


def _check_buildings(community: Community, buildings: list[Area]) -> None:
    for building in buildings:
        if building.community_id != community.pk or building.kind != AreaKind.BUILDING:
            raise ValidationError({"buildings": _("Choose buildings of this community.")})


@transaction.atomic
def create_cycle(
    actor: Any, community: Community, data: dict[str, Any], districts: list[dict[str, Any]] | None = None
) -> Cycle:
    """A cycle in preparation, with its districts (one for the whole community when none is given)."""
    require(actor, MANAGE, community)
    fund = data.get("fund")
    if fund is not None and fund.community_id != community.pk:
        raise ValidationError({"fund": _("Choose a fund of this community.")})
    budget = data.pop("budget", None)
    _check_yuan("project_cap", data.get("project_cap"))
    if data.get("max_choices") is not None and not 1 <= int(data["max_choices"]) <= MAX_CHOICES:
        raise ValidationError(
            {"max_choices": _("Give 1 to %(high)s projects, or no limit.") % {"high": MAX_CHOICES}}
        )
    if data.get("points") is not None and not 1 <= int(data["points"]) <= MAX_POINTS:
        raise ValidationError(
            {"points": _("Give each voter 1 to %(high)s points.") % {"high": f"{MAX_POINTS:,}"}}
        )
    cycle = Cycle.objects.create(community=community, created_by=actor, **data)
    if not districts:
        if not budget:
            raise ValidationError({"budget": _("Give the budget of the cycle.")})
        districts = [{"name": _("Whole community"), "budget": budget, "buildings": []}]
    for spec in districts:
        add_district(actor, cycle, spec)
    _audit(actor, cycle, "cycle_created", gettext_noop("Prepared the budget cycle “%(cycle)s”."))
    return cycle


@transaction.atomic
def add_district(actor: Any, cycle: Cycle, spec: dict[str, Any]) -> District:
    require(actor, MANAGE, cycle)
    cycle = _locked(cycle)
    _require_status(cycle, CycleStatus.DRAFT, CycleStatus.PROPOSING)
    buildings = list(spec.get("buildings") or [])
    _check_buildings(cycle.community, buildings)
    budget_fen = _fen_of("budget", spec.get("budget") or 0)
    if budget_fen <= 0:
        raise ValidationError({"budget": _("The budget must be more than zero.")})
    _check_yuan("budget", budget_fen, fen=True)
    if cycle.fund is not None:
        available = summarise(cycle.fund).available
        needed = cycle.budget_fen + budget_fen
        if needed > available:
            raise ValidationError(
                {
                    "budget": _(
                        "The fund “%(fund)s” has %(available)s yuan not yet allocated; with this district the "
                        "cycle would need %(needed)s yuan."
                    )
                    % {"fund": cycle.fund.name, "available": yuan(available), "needed": yuan(needed)}
                }
            )
    if cycle.districts.filter(name=spec["name"]).exists():
        raise ValidationError({"name": _("This cycle already has a district of that name.")})
    taken = set(
        Area.objects.filter(budget_districts__cycle=cycle, pk__in=[b.pk for b in buildings]).values_list(
            "name", flat=True
        )
    )
    if taken:
        raise ValidationError(
            {"buildings": _("Already in another district: %(names)s.") % {"names": ", ".join(sorted(taken))}}
        )
    district = District.objects.create(cycle=cycle, name=spec["name"], budget_fen=budget_fen)
    district.buildings.set(buildings)
    return district


def _advance(actor: Any, cycle: Cycle, source: str, target: str, action: str, summary: str) -> Cycle:
    require(actor, MANAGE, cycle)
    cycle = _locked(cycle)
    _require_status(cycle, source)
    cycle.status = target
    cycle.save(update_fields=["status"])
    _audit(actor, cycle, action, summary)
    return cycle


@transaction.atomic
def open_proposals(actor: Any, cycle: Cycle, closes_at: datetime | None = None) -> Cycle:
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError({"proposals_close_at": _("Choose a time in the future.")})
    cycle = _advance(
        actor,
        cycle,
        CycleStatus.DRAFT,
        CycleStatus.PROPOSING,
        "proposals_opened",
        gettext_noop("Opened “%(cycle)s” for proposals."),
    )
    if closes_at is not None:
        cycle.proposals_close_at = closes_at
        cycle.save(update_fields=["proposals_close_at"])
    return cycle


@transaction.atomic
def start_review(actor: Any, cycle: Cycle) -> Cycle:
    return _advance(
        actor,
        cycle,
        CycleStatus.PROPOSING,
        CycleStatus.REVIEWING,
        "review_started",
        gettext_noop("Closed proposals to “%(cycle)s” and started the review."),
    )


@transaction.atomic
def cancel_cycle(actor: Any, cycle: Cycle) -> Cycle:
    require(actor, MANAGE, cycle)
    cycle = _locked(cycle)
    _require_status(
        cycle, CycleStatus.DRAFT, CycleStatus.PROPOSING, CycleStatus.REVIEWING, CycleStatus.VOTING
    )
    cycle.status = CycleStatus.CANCELLED
    cycle.save(update_fields=["status"])
    _audit(actor, cycle, "cycle_cancelled", gettext_noop("Cancelled the budget cycle “%(cycle)s”."))
    return cycle


def acting_organisations(actor: Any, community: Community) -> list[GovernanceSubject]:
    """The community's organisations the actor acts for (chair, member, staff)."""
    ids = scope_for(actor).acting_subject_ids
    return list(
        GovernanceSubject.objects.filter(pk__in=ids, community=community, is_active=True).order_by("name")
    )


@transaction.atomic
def submit_proposal(actor: Any, cycle: Cycle, data: dict[str, Any]) -> Proposal:
    if not actor.has_perm("budgeting.propose", cycle.community):
        raise PermissionDenied
    cycle = _locked(cycle)
    _require_status(cycle, CycleStatus.PROPOSING)
    if cycle.proposals_close_at and timezone.now() >= cycle.proposals_close_at:
        raise ValidationError(_("Proposals closed on %(date)s") % {"date": when(cycle.proposals_close_at)})
    district: District | None = data.get("district")
    if district is None or district.cycle_id != cycle.pk:
        raise ValidationError({"district": _("Choose a district of this cycle.")})
    _check_yuan("estimated_cost", data.get("estimated_cost"))
    organisation = data.get("organisation")
    if organisation is not None and organisation not in acting_organisations(actor, cycle.community):
        raise ValidationError({"organisation": _("You can propose only for an organisation you act for.")})
    number = (cycle.proposals.aggregate(top=Max("number"))["top"] or 0) + 1
    proposal = Proposal.objects.create(
        cycle=cycle,
        district=district,
        number=number,
        title=data["title"],
        description=data["description"],
        location=data.get("location", ""),
        estimated_cost=data.get("estimated_cost"),
        proposer=actor,
        organisation=organisation,
    )
    _audit(
        actor,
        cycle,
        "proposal_submitted",
        gettext_noop("Proposed “%(title)s” to “%(cycle)s”."),
        obj=proposal,
        title=proposal.title,
    )
    return proposal


@transaction.atomic
def withdraw_proposal(actor: Any, proposal: Proposal) -> Proposal:
    if proposal.proposer_id != actor.pk:
        raise PermissionDenied
    cycle = _locked(proposal.cycle)
    _require_status(cycle, CycleStatus.PROPOSING, CycleStatus.REVIEWING)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE, ProposalStatus.ON_BALLOT):
        raise ValidationError(_("This proposal can no longer be withdrawn."), code="proposal_decided")
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status"])
    _audit(
        actor,
        cycle,
        "proposal_withdrawn",
        gettext_noop("Withdrew “%(title)s”."),
        obj=proposal,
        title=proposal.title,
    )
    return proposal


def _proposal_url(proposal: Proposal) -> str:
    return reverse("budgeting:proposal", args=[proposal.cycle.community_id, proposal.cycle_id, proposal.pk])


@transaction.atomic
def review_proposal(
    actor: Any, proposal: Proposal, *, eligible: bool, reasons: list[str], note: str = ""
) -> Proposal:
    """Eligible (then it awaits costing), or not eligible with at least one reason from the negative list; the
    proposer is told either way and sees the reasons on the proposal's page."""
    require(actor, MANAGE, proposal.cycle)
    cycle = _locked(proposal.cycle)
    _require_status(cycle, CycleStatus.PROPOSING, CycleStatus.REVIEWING)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE, ProposalStatus.INELIGIBLE):
        raise ValidationError(_("This proposal is past its review."))
    unknown = [r for r in reasons if r not in NegativeReason.values]
    if unknown:
        raise ValidationError({"reasons": _("Choose reasons from the negative list.")})
    if eligible and reasons:
        raise ValidationError({"reasons": _("An eligible proposal has no reasons against it.")})
    if not eligible and not reasons:
        raise ValidationError({"reasons": _("Say which item of the negative list rules it out.")})
    proposal.status = ProposalStatus.ELIGIBLE if eligible else ProposalStatus.INELIGIBLE
    proposal.reasons = [] if eligible else list(dict.fromkeys(reasons))
    proposal.review_note = note
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reasons", "review_note", "reviewed_at"])
    _audit(
        actor,
        cycle,
        "proposal_reviewed",
        gettext_noop("Reviewed “%(title)s”: %(verdict)s."),
        obj=proposal,
        title=proposal.title,
        verdict="eligible" if eligible else "not eligible",
    )
    support.notify_followers([proposal], "eligible" if eligible else "ineligible")
    notify(
        [proposal.proposer],
        kind="budgeting.reviewed",
        summary=gettext_noop(
            "Your proposal “%(title)s” is eligible; it will be costed and put on the ballot."
        )
        if eligible
        else gettext_noop("Your proposal “%(title)s” is not eligible; the reasons are on its page."),
        params={"title": proposal.title},
        url=_proposal_url(proposal),
        community=cycle.community,
    )
    return proposal


@transaction.atomic
def cost_proposal(actor: Any, proposal: Proposal, *, cost: Decimal | int | str, note: str) -> Proposal:
    """The reviewed cost (in yuan, at most two decimals) puts an eligible proposal on the ballot (or corrects it
    before voting opens)."""
    require(actor, MANAGE, proposal.cycle)
    cycle = _locked(proposal.cycle)
    _require_status(cycle, CycleStatus.PROPOSING, CycleStatus.REVIEWING)
    proposal = Proposal.objects.select_for_update().select_related("district").get(pk=proposal.pk)
    if proposal.status not in (ProposalStatus.ELIGIBLE, ProposalStatus.ON_BALLOT):
        raise ValidationError(_("Only an eligible proposal is costed."))
    cost_fen = _fen_of("cost", cost)
    if cost_fen <= 0:
        raise ValidationError({"cost": _("The cost must be more than zero.")})
    _check_yuan("cost", cost_fen, fen=True)
    if cycle.project_cap and cost_fen > cycle.project_cap * 100:
        raise ValidationError(
            {
                "cost": _(
                    "That is more than the %(cap)s yuan a project may cost; review it again as over the cap."
                )
                % {"cap": f"{cycle.project_cap:,}"}
            }
        )
    if cost_fen > proposal.district.budget_fen:
        raise ValidationError(
            {
                "cost": _("That is more than the district's whole budget of %(budget)s yuan.")
                % {"budget": computing.fen_amount_text(proposal.district.budget_fen)}
            }
        )
    if not note.strip():
        raise ValidationError({"costing_note": _("Say how the cost was worked out (a quote, a survey).")})
    proposal.cost_fen = cost_fen
    proposal.costing_note = note
    proposal.status = ProposalStatus.ON_BALLOT
    proposal.save(update_fields=["cost_fen", "costing_note", "status"])
    _audit(
        actor,
        cycle,
        "proposal_costed",
        gettext_noop("Costed “%(title)s” at %(cost)s yuan."),
        obj=proposal,
        title=proposal.title,
        cost=computing.fen_amount_text(cost_fen),
    )
    support.notify_followers([proposal], "costed", cost=computing.fen_amount_text(cost_fen))
    return proposal


def funding_shortfall(cycle: Cycle) -> str:
    """Why the cycle's fund cannot pay for its budget (it must still hold the whole budget unallocated when
    voting opens and when it closes), or ``""`` when it can."""
    if cycle.fund is None:
        return ""
    available = summarise(cycle.fund).available
    if available < cycle.budget_fen:
        return _(
            "The fund has %(available)s yuan not yet allocated; the cycle's budget is %(budget)s yuan."
        ) % {"available": yuan(available), "budget": computing.fen_amount_text(cycle.budget_fen)}
    return ""


def _require_funded(cycle: Cycle) -> None:
    shortfall = funding_shortfall(cycle)
    if shortfall:
        raise ValidationError(shortfall, code="cycle_unfunded")


@transaction.atomic
def open_voting(actor: Any, cycle: Cycle, closes_at: datetime) -> Cycle:
    require(actor, MANAGE, cycle)
    cycle = _locked(cycle)
    _require_status(cycle, CycleStatus.REVIEWING)
    now = timezone.now()
    if closes_at <= now:
        raise ValidationError({"voting_closes_at": _("Choose a closing time in the future.")})
    waiting = cycle.proposals.filter(status__in=[ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE]).count()
    if waiting:
        raise ValidationError(
            _("%(count)s proposals still await review or costing.") % {"count": waiting},
            code="cycle_unreviewed",
        )
    if not cycle.proposals.filter(status=ProposalStatus.ON_BALLOT).exists():
        raise ValidationError(_("No proposal is on the ballot."), code="cycle_empty")
    _require_funded(cycle)
    cycle.status = CycleStatus.VOTING
    cycle.voting_opens_at = now
    cycle.voting_closes_at = closes_at
    cycle.save(update_fields=["status", "voting_opens_at", "voting_closes_at"])
    _audit(actor, cycle, "voting_opened", gettext_noop("Opened voting on “%(cycle)s”."))
    support.notify_followers(
        cycle.proposals.filter(status=ProposalStatus.ON_BALLOT).order_by("number"),
        "voting_opened",
        closes=timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M"),
    )
    notify(
        list(_voters_of(cycle.community)),
        kind="budgeting.opened",
        summary=gettext_noop(
            "Voting on “%(cycle)s” is open until %(closes)s: choose the projects for your community."
        ),
        params={"cycle": cycle.title, "closes": timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M")},
        url=reverse("budgeting:vote", args=[cycle.community_id, cycle.pk]),
        community=cycle.community,
    )
    return cycle


def _voters_of(community: Community) -> Any:
    """The accounts of the community's verified residents and owners (who may vote)."""
    today = timezone.localdate()
    return User.objects.filter(
        Q(person__community=community, person__verified_at__isnull=False, person__is_resident=True)
        | Q(
            person__verified_at__isnull=False,
            person__ownerships__community=community,
            person__ownerships__until__isnull=True,
        )
        | Q(
            person__verified_at__isnull=False,
            person__ownerships__community=community,
            person__ownerships__until__gte=today,
        ),
        is_active=True,
    ).distinct()


# --- voting ---------------------------------------------------------------------------------------------------


def home_building(user: Any, community: Community) -> Area | None:
    """The building of the voter's home in the community (their household's unit, else a unit they own)."""
    person = (
        Person.objects.filter(user=user, community=community, verified_at__isnull=False)
        .select_related("household__unit__building")
        .first()
    )
    if person is None:
        person = Person.objects.filter(user=user, verified_at__isnull=False).first()
        if person is None:
            return None
    unit = person.household.unit if person.household_id and person.household else None
    if unit is not None and unit.community_id == community.pk:
        return unit.building
    owned = person.ownerships.filter(unit__community=community).select_related("unit__building").first()
    return owned.unit.building if owned else None


def may_vote(user: Any, cycle: Cycle) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(scope_for(user).roles_in(cycle.community_id) & {Role.RESIDENT, Role.OWNER})


def district_of(user: Any, cycle: Cycle, building: Area | None = None) -> District | None:
    """The district whose projects the user votes on (from their home's building, looked up unless given), or None
    if they do not vote in this cycle."""
    if not may_vote(user, cycle):
        return None
    districts = list(cycle.districts.prefetch_related("buildings"))
    building = building or home_building(user, cycle.community)
    for district in districts:
        if building is not None and any(b.pk == building.pk for b in district.buildings.all()):
            return district
    whole = [d for d in districts if not d.buildings.all()]
    return whole[0] if whole else None


def _require_accepting(cycle: Cycle) -> None:
    _require_status(cycle, CycleStatus.VOTING)
    if cycle.voting_closes_at is not None and timezone.now() >= cycle.voting_closes_at:
        raise ValidationError(
            _("Voting closed on %(date)s") % {"date": when(cycle.voting_closes_at)}, code="cycle_late"
        )


def validate_marks(
    cycle: Cycle, district: District, marks: list[tuple[int, int]]
) -> list[tuple[Proposal, int]]:
    """Check a ballot's marks — (proposal pk, points or rank) — against the ballot kind; return them with their
    proposals. Every refusal says what to change."""
    on_ballot = {p.pk: p for p in district.proposals.filter(status=ProposalStatus.ON_BALLOT)}
    if not marks:
        raise ValidationError(_("Choose at least one project."), code="ballot_empty")
    ids = [pk for pk, _value in marks]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Each project can appear on your ballot only once."), code="ballot_duplicate")
    unknown = [pk for pk in ids if pk not in on_ballot]
    if unknown:
        raise ValidationError(_("That project is not on your district's ballot."), code="ballot_unknown")
    chosen = [(on_ballot[pk], value) for pk, value in marks]
    kind = cycle.ballot_kind
    if (
        kind in (BallotKind.APPROVAL, BallotKind.RANKED)
        and cycle.max_choices
        and len(chosen) > cycle.max_choices
    ):
        raise ValidationError(
            _("You can choose at most %(max)s projects; you chose %(count)s.")
            % {"max": cycle.max_choices, "count": len(chosen)},
            code="ballot_too_many",
        )
    if kind == BallotKind.KNAPSACK:
        total = sum(int(p.cost_fen or 0) for p, _value in chosen)  # in fen
        if total > district.budget_fen:
            raise ValidationError(
                _(
                    "Your projects cost %(total)s yuan, more than the budget of %(budget)s yuan. Remove %(over)s yuan."
                )
                % {
                    "total": computing.fen_amount_text(total),
                    "budget": computing.fen_amount_text(district.budget_fen),
                    "over": computing.fen_amount_text(total - district.budget_fen),
                },
                code="ballot_over_budget",
            )
    if kind == BallotKind.CUMULATIVE:
        if any(value <= 0 for _p, value in chosen):
            raise ValidationError(_("Give each chosen project at least one point."), code="ballot_points")
        total = sum(value for _p, value in chosen)
        if total > cycle.points:
            raise ValidationError(
                _("You gave %(total)s points; you have %(points)s to share.")
                % {"total": total, "points": cycle.points},
                code="ballot_points",
            )
    if kind == BallotKind.RANKED:
        ranks = sorted(value for _p, value in chosen)
        if ranks != list(range(1, len(chosen) + 1)):
            raise ValidationError(
                _("Number your choices 1, 2, 3 … without gaps or repeats."), code="ballot_ranks"
            )
    return chosen


@transaction.atomic
def cast_ballot(actor: Any, cycle: Cycle, marks: list[tuple[int, int]]) -> BudgetBallot:
    """Cast or replace the actor's ballot. One ballot per voter (the cycle's row lock and a unique constraint)."""
    cycle = _locked(cycle)
    if not actor.has_perm("budgeting.see_cycle", cycle):
        raise PermissionDenied
    _require_accepting(cycle)
    building = home_building(actor, cycle.community)
    district = district_of(actor, cycle, building)
    if district is None:
        raise ValidationError(
            _("Only residents of the community with a verified home in one of its districts vote."),
            code="ballot_not_voter",
        )
    chosen = validate_marks(cycle, district, marks)
    ballot, created = BudgetBallot.objects.update_or_create(
        cycle=cycle,
        voter=actor,
        defaults={
            "district": district,
            "cast_at": timezone.now(),
            "group": building.name if building else "",
        },
    )
    ballot.marks.all().delete()
    ranked = cycle.ballot_kind == BallotKind.RANKED
    BallotMark.objects.bulk_create(
        BallotMark(
            ballot=ballot,
            proposal=proposal,
            points=value if cycle.ballot_kind == BallotKind.CUMULATIVE else 1,
            rank=value if ranked else None,
        )
        for proposal, value in chosen
    )
    _audit(
        actor,
        cycle,
        "ballot_cast" if created else "ballot_replaced",
        gettext_noop("Voted in “%(cycle)s”.")
        if created
        else gettext_noop("Changed their ballot in “%(cycle)s”."),
        obj=ballot,
    )
    return ballot


def my_ballot(user: Any, cycle: Cycle) -> BudgetBallot | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return BudgetBallot.objects.filter(cycle=cycle, voter=user).prefetch_related("marks__proposal").first()


# --- closing and allocation -----------------------------------------------------------------------------------


@transaction.atomic
def close_cycle(actor: Any, cycle: Cycle, *, early: bool = False) -> Cycle:
    """Close voting: compute every rule in every district, fund the official rule's projects, and allocate their
    costs in the fund's ledger. Staff may close before the planned time only with ``early``."""
    require(actor, MANAGE, cycle)
    cycle = _locked(cycle)
    _require_status(cycle, CycleStatus.VOTING)
    if cycle.voting_closes_at and timezone.now() < cycle.voting_closes_at and not early:
        raise ValidationError(
            _("Voting is planned to close on %(date)s; confirm closing early.")
            % {"date": when(cycle.voting_closes_at)},
            code="cycle_early",
        )
    return _close(actor, cycle)


def _close(actor: Any, cycle: Cycle) -> Cycle:
    """Closing itself, on the locked cycle; ``actor`` is None for the sweep."""
    now = timezone.now()
    _require_funded(cycle)
    funded = computing.decide(cycle)
    cycle.status = CycleStatus.CLOSED
    cycle.closed_at = now
    if cycle.voting_closes_at is None or cycle.voting_closes_at > now:
        cycle.voting_closes_at = now
    cycle.save(update_fields=["status", "closed_at", "voting_closes_at"])
    if cycle.fund is not None:
        for proposal in cycle.proposals.filter(pk__in=funded).order_by("number"):
            LedgerEntry.objects.create(
                fund=cycle.fund,
                kind=EntryKind.ALLOCATION,
                amount_fen=int(proposal.cost_fen or 0),
                occurred_on=timezone.localdate(),
                description=_("Funded by the vote of “%(cycle)s”") % {"cycle": cycle.title},
                proposal=proposal,
                recorded_by=actor,
            )
    _audit(
        actor, cycle, "cycle_closed", gettext_noop("Closed voting on “%(cycle)s” and funded its projects.")
    )
    support.notify_followers(
        cycle.proposals.filter(status=ProposalStatus.FUNDED).order_by("number"), "funded"
    )
    support.notify_followers(
        cycle.proposals.filter(status=ProposalStatus.NOT_FUNDED).order_by("number"), "not_funded"
    )
    voters = BudgetBallot.objects.filter(cycle=cycle, voter__isnull=False).values_list("voter", flat=True)
    notify(
        list(User.objects.filter(pk__in=voters)),
        kind="budgeting.closed",
        summary=gettext_noop("The projects of “%(cycle)s” are decided; see the results."),
        params={"cycle": cycle.title},
        url=reverse("budgeting:results", args=[cycle.community_id, cycle.pk]),
        community=cycle.community,
    )
    return cycle


def close_due_cycles(now: datetime | None = None) -> int:
    """The periodic sweep: close every cycle whose voting time is over (as the system, no actor)."""
    now = now or timezone.now()
    closed = 0
    for cycle in Cycle.objects.filter(status=CycleStatus.VOTING, voting_closes_at__lte=now):
        with transaction.atomic():
            locked = _locked(cycle)
            if locked.status == CycleStatus.VOTING:
                _close(None, locked)
                closed += 1
    return closed


# --- delivery -------------------------------------------------------------------------------------------------


def _require_delivering(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.FUNDED:
        raise ValidationError(_("Only a funded project that is not yet accepted has its delivery tracked."))


@transaction.atomic
def add_milestone(actor: Any, proposal: Proposal, data: dict[str, Any]) -> Milestone:
    require(actor, MANAGE, proposal.cycle)
    proposal = Proposal.objects.select_for_update().select_related("cycle__community").get(pk=proposal.pk)
    _require_delivering(proposal)
    milestone = Milestone.objects.create(
        proposal=proposal, title=data["title"], due_on=data["due_on"], note=data.get("note", "")
    )
    _audit(
        actor,
        proposal.cycle,
        "milestone_added",
        gettext_noop("Planned “%(milestone)s” for “%(title)s”."),
        obj=milestone,
        milestone=milestone.title,
        title=proposal.title,
    )
    support.notify_followers([proposal], "milestone_added", milestone=milestone.title)
    return milestone


@transaction.atomic
def complete_milestone(actor: Any, milestone: Milestone, done_on: date, note: str = "") -> Milestone:
    require(actor, MANAGE, milestone.proposal.cycle)
    milestone = Milestone.objects.select_related("proposal__cycle__community").get(pk=milestone.pk)
    _require_delivering(milestone.proposal)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A milestone cannot be done in the future.")})
    milestone.done_on = done_on
    if note:
        milestone.note = note
    milestone.save(update_fields=["done_on", "note"])
    _audit(
        actor,
        milestone.proposal.cycle,
        "milestone_done",
        gettext_noop("Completed “%(milestone)s” of “%(title)s”."),
        obj=milestone,
        milestone=milestone.title,
        title=milestone.proposal.title,
    )
    support.notify_followers([milestone.proposal], "milestone_done", milestone=milestone.title)
    return milestone


@transaction.atomic
def accept_delivery(actor: Any, proposal: Proposal, accepted_on: date, note: str) -> Proposal:
    """Acceptance (验收): every milestone done; then residents may rate the project."""
    require(actor, MANAGE, proposal.cycle)
    proposal = Proposal.objects.select_for_update().select_related("cycle__community").get(pk=proposal.pk)
    _require_delivering(proposal)
    open_milestones = proposal.milestones.filter(done_on__isnull=True).count()
    if open_milestones:
        raise ValidationError(
            _("%(count)s milestones are not done yet.") % {"count": open_milestones}, code="milestones_open"
        )
    if accepted_on > timezone.localdate():
        raise ValidationError({"accepted_on": _("Acceptance cannot be dated in the future.")})
    if not note.strip():
        raise ValidationError({"acceptance_note": _("Say who inspected the work and what they found.")})
    proposal.status = ProposalStatus.DELIVERED
    proposal.accepted_on = accepted_on
    proposal.acceptance_note = note
    proposal.save(update_fields=["status", "accepted_on", "acceptance_note"])
    _audit(
        actor,
        proposal.cycle,
        "project_accepted",
        gettext_noop("Accepted the delivery of “%(title)s”."),
        obj=proposal,
        title=proposal.title,
    )
    support.notify_followers([proposal], "accepted")
    return proposal


def may_rate(user: Any, proposal: Proposal) -> bool:
    return proposal.status == ProposalStatus.DELIVERED and may_vote(user, proposal.cycle)


@transaction.atomic
def rate(actor: Any, proposal: Proposal, stars: int, comment: str = "") -> Rating:
    proposal = Proposal.objects.select_related("cycle__community").get(pk=proposal.pk)
    if not actor.has_perm("budgeting.see_cycle", proposal.cycle):
        raise PermissionDenied
    if proposal.status != ProposalStatus.DELIVERED:
        raise ValidationError(_("A project is rated once it is delivered and accepted."), code="rating_early")
    if not may_vote(actor, proposal.cycle):
        raise ValidationError(
            _("Only residents of the community rate its projects."), code="rating_not_resident"
        )
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": _("Give one to five stars.")})
    rating, _created = Rating.objects.update_or_create(
        proposal=proposal, user=actor, defaults={"stars": stars, "comment": comment}
    )
    return rating


# --- queries the pages share ----------------------------------------------------------------------------------


def outcomes_of(cycle: Cycle) -> dict[int, list[Outcome]]:
    """Per district pk: its outcomes, the official rule first."""
    grouped: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in Outcome.objects.filter(cycle=cycle).order_by("-official", "pk"):
        grouped[outcome.district_id].append(outcome)
    return grouped


def voter_counts(cycle: Cycle) -> dict[int, int]:
    return {
        row["district"]: row["n"]
        for row in BudgetBallot.objects.filter(cycle=cycle).values("district").annotate(n=Count("pk"))
    }


def visible_proposals(user: Any, cycle: Cycle) -> Any:
    """Everyone sees proposals past review; the proposer and staff also see their own pending ones."""
    qs = cycle.proposals.select_related("district", "organisation")
    if user.has_perm(MANAGE, cycle):
        return qs
    shown = Q(
        status__in=[
            s for s in ProposalStatus.values if s not in (ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN)
        ]
    )
    if getattr(user, "is_authenticated", False):
        shown |= Q(proposer=user)
    return qs.filter(shown)
