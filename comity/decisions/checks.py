"""What the services and the pages' steps both check, in the same words: a decision's state and its voting
period; and months added to a moment as the rules count them (a vote's length, an extension, the retabling bar)."""

from __future__ import annotations

import calendar
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.decisions.models import Decision, DecisionStatus
from comity.foundation.services import when


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def require_status(decision: Decision, *allowed: str) -> None:
    if decision.status in allowed:
        return
    messages = {
        DecisionStatus.DRAFT: _("Voting on this decision has not been opened yet."),
        DecisionStatus.OPEN: _(
            "Voting on this decision is open; this can be done only before it opens or after it closes."
        ),
        DecisionStatus.CLOSED: _("This decision has been closed and its result published."),
        DecisionStatus.CANCELLED: _("This decision was cancelled."),
    }
    raise ValidationError(messages[DecisionStatus(decision.status)], code=f"decision_{decision.status}")


def require_accepting(decision: Decision) -> None:
    """Refuse, in words, a ballot outside the voting period."""
    require_status(decision, DecisionStatus.OPEN)
    now = timezone.now()
    if now < decision.opens_at:
        raise ValidationError(
            _("Voting opens on %(date)s.") % {"date": when(decision.opens_at)}, code="decision_upcoming"
        )
    if now >= decision.closes_at:
        raise ValidationError(
            _("Voting closed on %(date)s; ballots can no longer be cast.")
            % {"date": when(decision.closes_at)},
            code="decision_ended",
        )
