"""The fund and its ledger: the only writers of funds and ledger entries."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.budgeting.models import (
    MAX_RESIDENTS,
    EntryKind,
    Fund,
    LedgerEntry,
    Proposal,
    ProposalStatus,
    SourceKind,
)
from comity.budgeting.selectors import ProjectMoney, summarise
from comity.budgeting.services.common import MANAGE_FUNDS, _check_yuan
from comity.budgeting.services.inputs import EntryData, FundData
from comity.budgeting.wording import fen_text
from comity.decisions.models import Decision, DecisionStatus
from comity.foundation.audit import record_audit
from comity.foundation.photos import strip_image_metadata
from comity.foundation.services import lock, require, service
from comity.structure.models import Community


@service
def create_fund(actor: User, community: Community, data: FundData, *, post_formula: bool = True) -> Fund:
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
                    "fixed": fen_text(fund.fixed_fen),
                    "per100": fen_text(fund.per_100_residents_fen),
                    "residents": fund.residents,
                },
            },
        )
    return fund


def _check_income(fund: Fund, data: EntryData, proposal: Proposal | None, decision: Decision | None) -> None:
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
            raise ValidationError({"decision": _("That decision of this community's owners has not passed.")})


def _check_spending(fund: Fund, data: EntryData, kind: str, amount: int, proposal: Proposal) -> None:
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
                    % {"available": fen_text(summary.available)}
                }
            )
        return
    if amount > money.outstanding:
        raise ValidationError(
            {
                "amount_fen": _(
                    "Only %(outstanding)s yuan allocated to this project is neither paid out nor returned."
                )
                % {"outstanding": fen_text(money.outstanding)}
            }
        )
    if kind == EntryKind.DISBURSEMENT and not (data.get("receipt_number") or "").strip():
        raise ValidationError({"receipt_number": _("A payment needs the number of its receipt or invoice.")})


@service
def record_entry(actor: User, fund: Fund, data: EntryData) -> LedgerEntry:
    """Append one entry to the fund's ledger, refusing anything that would spend money the fund does not have or
    pay a project more than was allocated to it."""
    require(actor, MANAGE_FUNDS, fund)
    fund = lock(fund, "community")
    kind = data["kind"]
    amount = int(data.get("amount_fen") or 0)
    proposal = data.get("proposal")
    decision = data.get("decision")
    if amount <= 0:
        raise ValidationError({"amount_fen": _("The amount must be more than zero.")})
    _check_yuan("amount_fen", amount, fen=True)
    if kind == EntryKind.INCOME:
        _check_income(fund, data, proposal, decision)
    else:
        if proposal is None:
            raise ValidationError({"proposal": _("Say which project the money is for.")})
        proposal = Proposal.objects.select_related("cycle").get(pk=proposal.pk)
        _check_spending(fund, data, kind, amount, proposal)
        if decision is not None:
            raise ValidationError(
                {"decision": _("Only income from the maintenance fund refers to a decision.")}
            )
    receipt = data.get("receipt")
    entry = LedgerEntry.objects.create(
        community_id=fund.community_id,
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
        receipt=strip_image_metadata(receipt) if receipt else "",
        recorded_by=actor,
    )
    record_audit(
        actor=actor,
        action=f"budgeting.entry_{kind}",
        obj=entry,
        summary=gettext_noop("Recorded %(kind)s of %(amount)s yuan in the fund “%(fund)s”."),
        params={"kind": kind, "amount": fen_text(amount), "fund": str(fund)},
        community=fund.community,
    )
    return entry
