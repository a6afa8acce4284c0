"""Background jobs of budgeting: close the cycles whose voting time is over (Celery beat, every minute)."""

from __future__ import annotations

from celery import shared_task

from comity.budgeting.services import close_due_cycles


@shared_task(name="comity.budgeting.close_due_cycles")
def close_due() -> int:
    return close_due_cycles()
