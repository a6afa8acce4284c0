"""Background jobs of decisions: close those whose voting time is over (Celery beat, every minute)."""

from __future__ import annotations

from celery import shared_task

from comity.decisions.closing import close_due_decisions


@shared_task(name="comity.decisions.close_due_decisions")
def close_due() -> int:
    return len(close_due_decisions().closed)
