"""Closing decisions whose voting time is over, and checking ballot logs, for Celery beat and for cron.

A decision closes by itself once ``closes_at`` has passed — unless paper ballots still wait for their second
check, which staff must finish first (the decision stays open and is reported). Each decision is closed in its own
transaction, so one that cannot close does not hold back the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from comity.decisions.models import Decision, DecisionStatus, LogEntry
from comity.decisions.services.common import locked
from comity.decisions.services.running import close_now
from comity.engine.decisions.ballot_log import LogEntry as ChainEntry
from comity.engine.decisions.ballot_log import Verification, verify


@dataclass
class Sweep:
    closed: list[int] = field(default_factory=list)
    waiting: dict[int, str] = field(default_factory=dict)


def close_due_decisions() -> Sweep:
    sweep = Sweep()
    due = Decision.objects.filter(status=DecisionStatus.OPEN, closes_at__lte=timezone.now()).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        try:
            with transaction.atomic():
                decision = locked(Decision(pk=pk))
                close_now(decision)
        except ValidationError as error:
            sweep.waiting[pk] = " ".join(error.messages)
        else:
            sweep.closed.append(pk)
    return sweep


def chain_of(decision: Decision) -> list[ChainEntry]:
    """The decision's ballot log as the engine's entries, in order."""
    return [
        ChainEntry(e.sequence, e.content, e.previous, e.hash)
        for e in LogEntry.objects.filter(decision=decision).order_by("sequence")
    ]


def log_document(decision: Decision) -> dict[str, Any]:
    """The log as published (page download and API): what ``comity decide verify-log`` checks."""
    return {
        "decision": decision.pk,
        "title": decision.title,
        "head": decision.log_head,
        "entries": [
            {"sequence": e.sequence, "content": dict(e.content), "previous": e.previous, "hash": e.hash}
            for e in chain_of(decision)
        ],
    }


def verify_decision_log(decision: Decision) -> Verification:
    """Recompute a decision's chain from the database and compare its end with the decision's recorded head."""
    entries = chain_of(decision)
    result = verify(entries)
    if result.ok and entries and entries[-1].hash != decision.log_head:
        return Verification(
            False, len(entries), len(entries), "the last entry is not the decision's recorded head"
        )
    if result.ok and len(entries) != decision.log_length:
        return Verification(False, len(entries), len(entries), "entries are missing at the end of the log")
    return result
