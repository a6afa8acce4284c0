"""Proposals from submission to the ballot: submitted, withdrawn, reviewed against the negative list, costed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.budgeting.models import Cycle, CycleStatus, NegativeReason, Proposal, ProposalStatus
from comity.budgeting.selectors import acting_organisations, proposal_url
from comity.budgeting.services.common import (
    MANAGE,
    _check_yuan,
    _fen_of,
    _locked_cycle,
    _notify_followers,
    _require_status,
    _tell,
)
from comity.budgeting.services.inputs import ProposalData
from comity.budgeting.wording import fen_amount_text
from comity.engine.money import whole_yuan_to_fen
from comity.foundation.audit import record_audit
from comity.foundation.services import lock, require, service, when


def _audit(actor: User, cycle: Cycle, action: str, summary: str, obj: Any = None, **params: Any) -> None:
    record_audit(
        actor=actor,
        action=f"budgeting.{action}",
        obj=obj or cycle,
        summary=summary,
        params={"cycle": cycle.title, **params},
        community=cycle.community,
    )


@service
def submit_proposal(actor: User, cycle: Cycle, data: ProposalData) -> Proposal:
    if not actor.has_perm("budgeting.propose", cycle.community):
        raise PermissionDenied
    cycle = _locked_cycle(cycle)
    _require_status(cycle, CycleStatus.PROPOSING)
    if cycle.proposals_close_at and timezone.now() >= cycle.proposals_close_at:
        raise ValidationError(_("Proposals closed on %(date)s") % {"date": when(cycle.proposals_close_at)})
    district = data.get("district")
    if district is None or district.cycle_id != cycle.pk:
        raise ValidationError({"district": _("Choose a district of this cycle.")})
    _check_yuan("estimated_cost", data.get("estimated_cost"))
    organisation = data.get("organisation")
    if organisation is not None and organisation not in acting_organisations(actor, cycle.community):
        raise ValidationError({"organisation": _("You can propose only for an organisation you act for.")})
    number = (cycle.proposals.aggregate(top=Max("number"))["top"] or 0) + 1
    proposal = Proposal.objects.create(
        community_id=cycle.community_id,
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


@service
def withdraw_proposal(actor: User, proposal: Proposal) -> Proposal:
    if proposal.proposer_id != actor.pk:
        raise PermissionDenied
    cycle = _locked_cycle(proposal.cycle)
    _require_status(cycle, CycleStatus.PROPOSING, CycleStatus.REVIEWING)
    proposal = lock(proposal)
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


@service
def review_proposal(
    actor: User, proposal: Proposal, *, eligible: bool, reasons: list[str], note: str = ""
) -> Proposal:
    """Eligible (then it awaits costing), or not eligible with at least one reason from the negative list; the
    proposer is told either way and sees the reasons on the proposal's page."""
    require(actor, MANAGE, proposal.cycle)
    cycle = _locked_cycle(proposal.cycle)
    _require_status(cycle, CycleStatus.PROPOSING, CycleStatus.REVIEWING)
    proposal = lock(proposal)
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
    _notify_followers([proposal], "eligible" if eligible else "ineligible")
    _tell(
        [proposal.proposer],
        kind="budgeting.reviewed",
        summary=gettext_noop(
            "Your proposal “%(title)s” is eligible; it will be costed and put on the ballot."
        )
        if eligible
        else gettext_noop("Your proposal “%(title)s” is not eligible; the reasons are on its page."),
        params={"title": proposal.title},
        url=proposal_url(proposal),
        community=cycle.community,
    )
    return proposal


@service
def cost_proposal(actor: User, proposal: Proposal, *, cost: Decimal | int | str, note: str) -> Proposal:
    """The reviewed cost (in yuan, at most two decimals) puts an eligible proposal on the ballot (or corrects it
    before voting opens)."""
    require(actor, MANAGE, proposal.cycle)
    cycle = _locked_cycle(proposal.cycle)
    _require_status(cycle, CycleStatus.PROPOSING, CycleStatus.REVIEWING)
    proposal = lock(proposal, "district")
    if proposal.status not in (ProposalStatus.ELIGIBLE, ProposalStatus.ON_BALLOT):
        raise ValidationError(_("Only an eligible proposal is costed."))
    cost_fen = _fen_of("cost", cost)
    if cost_fen <= 0:
        raise ValidationError({"cost": _("The cost must be more than zero.")})
    _check_yuan("cost", cost_fen, fen=True)
    if cycle.project_cap and cost_fen > whole_yuan_to_fen(cycle.project_cap):
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
                % {"budget": fen_amount_text(proposal.district.budget_fen)}
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
        cost=fen_amount_text(cost_fen),
    )
    _notify_followers([proposal], "costed", cost=fen_amount_text(cost_fen))
    return proposal
