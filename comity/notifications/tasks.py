"""Celery tasks: deliver one notification through one channel, and re-queue failed deliveries.

The attempts' outcomes are written by the delivery services (:mod:`comity.notifications.services.deliveries`),
each in its own transaction, so that an attempt's record stands when the task raises for Celery to retry it.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from comity.notifications import services
from comity.notifications.channels import channel_for
from comity.notifications.models import Delivery, DeliveryStatus

logger = logging.getLogger("comity.notifications")


def attempt_delivery(delivery_id: int, *, retry_later: bool) -> None:
    """Send one delivery through its channel once, and record the outcome.

    On failure the attempt and the error are recorded. With ``retry_later`` the delivery stays pending and
    the error is raised again, so that the Celery task retries it; otherwise it is marked failed and
    ``retry_notifications`` may queue it again.
    """
    delivery = Delivery.objects.select_related("notification__recipient").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == DeliveryStatus.SENT:
        return
    try:
        channel_for(delivery.channel).send(delivery)
    except Exception as exc:
        services.record_delivery_failed(delivery_id, exc, retry_later=retry_later)
        logger.warning("Delivery %s through %s failed: %s", delivery_id, delivery.channel, exc)
        if retry_later:
            raise
        return
    services.record_delivery_sent(delivery_id)


def requeue_failed_deliveries(*, max_attempts: int = services.MAX_ATTEMPTS) -> int:
    """Queue again every failed delivery that has had fewer than ``max_attempts`` attempts; return how many."""
    requeued = 0
    candidates = Delivery.objects.filter(status=DeliveryStatus.FAILED, attempts__lt=max_attempts)
    for delivery_id in list(candidates.order_by("pk").values_list("pk", flat=True)):
        # Claim the row first, so that two runs at once do not both queue it.
        if services.claim_failed_delivery(delivery_id):
            services.queue_delivery(delivery_id)
            requeued += 1
    return requeued


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
    attempt_delivery(delivery_id, retry_later=not last_try)


@shared_task
def retry_failed_deliveries() -> int:
    """Re-queue failed deliveries (schedule with Celery beat or cron, e.g. hourly)."""
    return requeue_failed_deliveries()
