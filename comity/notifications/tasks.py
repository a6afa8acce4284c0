"""Celery tasks: deliver one notification through one channel, and re-queue failed deliveries."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from comity.notifications import services


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=services.MAX_RETRIES,
)
def deliver(self: Any, delivery_id: int) -> None:
    """Send one delivery. A worker retries a failure with exponential backoff, up to ``MAX_RETRIES`` times.

    Run inline (``CELERY_TASK_ALWAYS_EAGER``, the demo and the tests) a failure is recorded and not retried
    at once: retrying immediately in the web request would only block it, and the error would reach the
    caller (``CELERY_TASK_EAGER_PROPAGATES``). ``retry_notifications`` queues it again later.
    """
    last_try = bool(self.request.is_eager) or self.request.retries >= self.max_retries
    services.attempt_delivery(delivery_id, retry_later=not last_try)


@shared_task
def retry_failed_deliveries() -> int:
    """Re-queue failed deliveries (schedule with Celery beat or cron, e.g. hourly)."""
    return services.requeue_failed_deliveries()
