"""Scheduled supervision: Celery beat runs :func:`check_appeal_deadlines` every few minutes in production
(``CELERY_BEAT_SCHEDULE``, from ``comity/config/beat.py``); the demo and cron-only installations run ``comity manage
appeal_deadlines`` instead, which calls the same service."""

from __future__ import annotations

from celery import shared_task

from comity.appeals.deadlines import check_deadlines


@shared_task(name="comity.appeals.check_deadlines")
def check_appeal_deadlines() -> dict[str, int]:
    reminded, escalated = check_deadlines()
    return {"reminded": len(reminded), "escalated": len(escalated)}
