"""The deadline job (督办): warn the handlers of appeals near their deadline and escalate those past it.

Production runs :func:`check_deadlines` under Celery beat every five minutes (:mod:`comity.appeals.tasks`); the
demo and small installations run it from the middleware (:mod:`comity.appeals.middleware`) and the
``appeal_deadlines`` command. Each appeal goes through its own service, in its own transaction with its row
locked (:func:`~comity.appeals.services.supervision.remind_before_deadline`,
:func:`~comity.appeals.services.supervision.escalate_overdue`).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from comity.appeals import selectors
from comity.appeals.models import Appeal
from comity.appeals.services import escalate_overdue, remind_before_deadline


def check_deadlines(now: datetime | None = None) -> tuple[list[Appeal], list[Appeal]]:
    """Warn the handlers of appeals near their deadline and escalate those past it, once each.

    Each appeal is handled in its own transaction with its row locked, so a concurrent step by staff (a reply
    that makes the warning moot) and a second run of the job are both safe; the stamps ``reminded_at`` and
    ``escalated_at`` make the job idempotent. Returns the appeals warned and escalated, for the notifications
    and the job's log.
    """
    now = now or timezone.now()
    reminded: list[Appeal] = []
    escalated: list[Appeal] = []
    for pk in selectors.due_for_reminder(now):
        if (warned := remind_before_deadline(Appeal(pk=pk), now=now)) is not None:
            reminded.append(warned)
    for pk in selectors.overdue_unescalated(now):
        if (late := escalate_overdue(Appeal(pk=pk), now=now)) is not None:
            escalated.append(late)
    return reminded, escalated
