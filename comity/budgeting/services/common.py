"""What the budgeting services share: the permissions they check, the amounts they accept, the cycle's lock and
stage, and the notices they send (the demo quiets them through :data:`notify` here)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.budgeting import selectors
from comity.budgeting.models import MAX_YUAN, Cycle, CycleStatus, Proposal, ProposalFollower
from comity.budgeting.selectors import proposal_url
from comity.budgeting.wording import fen_text
from comity.engine.money import Fen, whole_yuan_to_fen, yuan_to_fen
from comity.foundation.services import lock
from comity.notifications.services import notify

MANAGE_FUNDS = "budgeting.manage_funds"
MANAGE = "budgeting.manage_cycles"

__all__ = ["MANAGE", "MANAGE_FUNDS", "notify"]


def _check_yuan(field_name: str, value: int | None, *, low: int = 1, fen: bool = False) -> None:
    """Refuse an amount outside ``low`` … :data:`MAX_YUAN` (in fen when ``fen``) on its field."""
    if value is None:
        return
    high = whole_yuan_to_fen(MAX_YUAN) if fen else MAX_YUAN
    if value < low:
        raise ValidationError(
            {field_name: _("Give at least %(low)s yuan.") % {"low": fen_text(low) if fen else low}}
        )
    if value > high:
        raise ValidationError({field_name: _("Give at most %(high)s yuan.") % {"high": f"{MAX_YUAN:,}"}})


def _fen_of(field_name: str, value: Decimal | int | str) -> Fen:
    """An amount given in yuan (a whole number, a :class:`~decimal.Decimal` or text with at most two decimals) in
    fen; anything else is refused on its field."""
    try:
        Decimal(str(value).strip())
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({field_name: _("Give an amount in yuan, such as 1200 or 1200.50.")}) from None
    try:
        return yuan_to_fen(value)
    except (ArithmeticError, ValueError):
        raise ValidationError({field_name: _("Give at most two decimals (fen).")}) from None


def _locked_cycle(cycle: Cycle) -> Cycle:
    """The cycle's row locked (and read again) for the rest of the transaction."""
    return lock(cycle, "community__street", "fund")


def _locked_proposal(proposal: Proposal) -> Proposal:
    """The proposal's row locked (and read again, with its cycle) for the rest of the transaction."""
    return lock(proposal, "cycle__community__street")


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


def _require_funded(cycle: Cycle) -> None:
    shortfall = selectors.funding_shortfall(cycle)
    if shortfall:
        raise ValidationError(shortfall, code="cycle_unfunded")


#: What followers are told, by event of the proposal's life.
FOLLOWER_MESSAGES: dict[str, str] = {
    "eligible": gettext_noop("“%(title)s”, which you follow, is eligible; it will be costed."),
    "ineligible": gettext_noop(
        "“%(title)s”, which you follow, is not eligible; the reasons are on its page."
    ),
    "costed": gettext_noop("“%(title)s”, which you follow, is costed at %(cost)s yuan and on the ballot."),
    "voting_opened": gettext_noop("Voting is open on “%(title)s”, which you follow, until %(closes)s."),
    "funded": gettext_noop("“%(title)s”, which you follow, is funded."),
    "not_funded": gettext_noop("“%(title)s”, which you follow, was not funded this time."),
    "milestone_added": gettext_noop("“%(title)s”, which you follow, has a new milestone: %(milestone)s."),
    "milestone_done": gettext_noop("“%(title)s”, which you follow, finished a milestone: %(milestone)s."),
    "accepted": gettext_noop("“%(title)s”, which you follow, was delivered and accepted; you may rate it."),
}


def _tell(recipients: Iterable[User | None], **kwargs: Any) -> None:
    """Send a notice (through this module's :data:`notify`, which the demo replaces to keep its past quiet)."""
    notify(list(recipients), **kwargs)


def _notify_followers(proposals: Iterable[Proposal], event: str, **params: Any) -> None:
    """Tell each proposal's followers about ``event`` once the caller's transaction commits.

    The proposer hears about the review in their own words already, so they are left out of that one.
    """
    summary = FOLLOWER_MESSAGES[event]
    for proposal in proposals:
        rows = ProposalFollower.objects.filter(proposal=proposal).select_related("user").order_by("pk")
        if event in ("eligible", "ineligible") and proposal.proposer_id:
            rows = rows.exclude(user_id=proposal.proposer_id)
        recipients = [row.user for row in rows]
        if not recipients:
            continue
        _tell(
            recipients,
            kind=f"budgeting.followed.{event}",
            summary=summary,
            params={"title": proposal.title, **{key: str(value) for key, value in params.items()}},
            url=proposal_url(proposal),
            community=proposal.cycle.community,
        )
