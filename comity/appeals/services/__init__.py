"""Writes to appeals. Each service: one transaction, a permission check, the engine call, a timeline event and
an audit entry.

The engine (:mod:`comity.engine.appeals`) decides whether an event is allowed; the services find which parts
the user plays in the appeal (:func:`comity.appeals.permissions.parts_in`), try each, and turn the engine's
refusal codes into translated messages (:data:`~comity.appeals.services.common.ERROR_MESSAGES`).
Notifications leave with ``transaction.on_commit`` (:mod:`comity.appeals.notifying`).
"""

from comity.appeals.services.common import ERROR_MESSAGES
from comity.appeals.services.intake import submit_appeal
from comity.appeals.services.lifecycle import (
    close,
    dispute,
    rate,
    redispatch,
    reopen,
    reply,
    sign_for,
    start,
    withdraw,
)
from comity.appeals.services.supervision import (
    bulk_redispatch,
    escalate_overdue,
    merge,
    note,
    reject_dispute,
    remind_before_deadline,
    visit,
)

__all__ = [
    "ERROR_MESSAGES",
    "bulk_redispatch",
    "close",
    "dispute",
    "escalate_overdue",
    "merge",
    "note",
    "rate",
    "redispatch",
    "reject_dispute",
    "remind_before_deadline",
    "reopen",
    "reply",
    "sign_for",
    "start",
    "submit_appeal",
    "visit",
    "withdraw",
]
