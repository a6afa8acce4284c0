"""What the decision services share: permission checks, the locked decision row, the ballot log, receipts."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comity.decisions.models import Decision, DecisionStatus, LogEntry
from comity.engine.decisions.ballot_log import entry_hash

MANAGE = "decisions.manage_decisions"
#: Receipt codes: 15 characters of an alphabet without look-alikes (75 bits), shown in groups of five.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def require(actor: Any, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def locked(decision: Decision) -> Decision:
    """The decision row, locked for the transaction: ballots and log entries of one decision are serialised."""
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("community__street", "area", "subject")
        .get(pk=decision.pk)
    )


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


def append_log(decision: Decision, content: dict[str, Any]) -> LogEntry:
    """Append one entry to the decision's chain. The caller holds the decision's row lock."""
    sequence = decision.log_length + 1
    digest = entry_hash(decision.log_head, content)
    entry = LogEntry.objects.create(
        decision=decision, sequence=sequence, content=content, previous=decision.log_head, hash=digest
    )
    decision.log_head, decision.log_length = digest, sequence
    Decision.objects.filter(pk=decision.pk).update(log_head=digest, log_length=sequence)
    return entry


def new_pseudonyms(count: int) -> list[str]:
    """``count`` distinct random names for the electors of one register, as the ballot log shows them (ADR 0012).

    Random rather than derived from the elector, so nothing outside the register links a pseudonym to a person.
    """
    names: set[str] = set()
    while len(names) < count:
        names.add("V-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8)))
    return list(names)


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(15))
    return "-".join(raw[i : i + 5] for i in range(0, 15, 5))
