"""Closing a cycle: every rule computed in every district, the official rule's projects funded and their costs
allocated in the fund's ledger; by staff, or by the periodic sweep when the voting time is over."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.budgeting import computing
from comity.budgeting.models import BudgetBallot, Cycle, CycleStatus, EntryKind, LedgerEntry, ProposalStatus
from comity.budgeting.services.common import (
    MANAGE,
    _locked_cycle,
    _notify_followers,
    _require_funded,
    _require_status,
    _tell,
)
from comity.foundation.audit import record_audit
from comity.foundation.services import require, service, when


@service
def close_cycle(actor: User, cycle: Cycle, *, early: bool = False) -> Cycle:
    """Close voting: compute every rule in every district, fund the official rule's projects, and allocate their
    costs in the fund's ledger. Staff may close before the planned time only with ``early``."""
    require(actor, MANAGE, cycle)
    cycle = _locked_cycle(cycle)
    _require_status(cycle, CycleStatus.VOTING)
    if cycle.voting_closes_at and timezone.now() < cycle.voting_closes_at and not early:
        raise ValidationError(
            _("Voting is planned to close on %(date)s; confirm closing early.")
            % {"date": when(cycle.voting_closes_at)},
            code="cycle_early",
        )
    return _close(actor, cycle)


def _close(actor: User | None, cycle: Cycle) -> Cycle:
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
                community_id=cycle.fund.community_id,
                fund=cycle.fund,
                kind=EntryKind.ALLOCATION,
                amount_fen=int(proposal.cost_fen or 0),
                occurred_on=timezone.localdate(),
                description=_("Funded by the vote of “%(cycle)s”") % {"cycle": cycle.title},
                proposal=proposal,
                recorded_by=actor,
            )
    record_audit(
        actor=actor,
        action="budgeting.cycle_closed",
        obj=cycle,
        summary=gettext_noop("Closed voting on “%(cycle)s” and funded its projects."),
        params={"cycle": cycle.title},
        community=cycle.community,
    )
    _notify_followers(cycle.proposals.filter(status=ProposalStatus.FUNDED).order_by("number"), "funded")
    _notify_followers(
        cycle.proposals.filter(status=ProposalStatus.NOT_FUNDED).order_by("number"), "not_funded"
    )
    voters = BudgetBallot.objects.filter(cycle=cycle, voter__isnull=False).values_list("voter", flat=True)
    _tell(
        User.objects.filter(pk__in=voters),
        kind="budgeting.closed",
        summary=gettext_noop("The projects of “%(cycle)s” are decided; see the results."),
        params={"cycle": cycle.title},
        url=reverse("budgeting:results", args=[cycle.community_id, cycle.pk]),
        community=cycle.community,
    )
    return cycle


@service
def close_due_cycle(cycle: Cycle) -> bool:
    """Close one cycle whose voting time is over, as the system (no actor); False if it was closed meanwhile."""
    locked = _locked_cycle(cycle)
    if locked.status != CycleStatus.VOTING:
        return False
    _close(None, locked)
    return True


@service(
    audited=False,
    atomic=False,
    reason="the periodic sweep: each cycle is closed by close_due_cycle, its own audited service and transaction",
)
def close_due_cycles(now: datetime | None = None) -> int:
    """The periodic sweep: close every cycle whose voting time is over, each in its own transaction."""
    now = now or timezone.now()
    due = Cycle.objects.filter(status=CycleStatus.VOTING, voting_closes_at__lte=now).order_by("pk")
    return sum(close_due_cycle(cycle) for cycle in due)
