"""Celery tasks: deliver one notification through one channel, and re-queue failed deliveries (beat).

The attempts' outcomes are written by the delivery services (:mod:`comity.notifications.services.deliveries`)
while the delivery's row is locked, and committed before the task raises for Celery to retry it, so that an
attempt's record stands. Both tasks are idempotent: published twice, a delivery is sent once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comity.notifications import services
from comity.notifications.channels import channel_for
from comity.notifications.models import Delivery, DeliveryStatus

logger = logging.getLogger("comity.notifications")


def attempt_delivery(delivery_id: int, *, retry_later: bool) -> None:
    """Send one delivery through its channel once, and record the outcome.

    The delivery's row is locked while it is sent and its state checked first, so a task published twice or
    redelivered after a worker was killed sends it once: a second run waits for the first, then finds it sent.
    A worker that dies mid-send leaves nothing recorded (the transaction rolls back) and the redelivered task
    sends it. On failure the attempt and the error are recorded. With ``retry_later`` the delivery stays pending
    and the error is raised again, so that the Celery task retries it; otherwise it is marked failed and the
    retry sweep (beat, or ``retry_notifications``) queues it again.
    """
    failure: Exception | None = None
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("notification__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status == DeliveryStatus.SENT:
            return
        try:
            with transaction.atomic():
                channel_for(delivery.channel).send(delivery)
        except Exception as exc:
            failure = exc
            services.record_delivery_failed(delivery_id, exc, retry_later=retry_later)
        else:
            services.record_delivery_sent(delivery_id)
    if failure is not None:
        logger.warning("Delivery %s through %s failed: %s", delivery_id, delivery.channel, failure)
        if retry_later:
            raise failure


#: A delivery still pending this long after it was created lost its task (a broker that lost its queue): the
#: Celery retries of one queueing take well under a minute, so the retry sweep queues it again.
STALE_PENDING = timedelta(minutes=10)


def _stale_after() -> timedelta:
    return timedelta(
        seconds=getattr(settings, "COMITY_NOTIFICATIONS_STALE_SECONDS", STALE_PENDING.total_seconds())
    )


def requeue_failed_deliveries(*, max_attempts: int = services.MAX_ATTEMPTS) -> int:
    """Queue again every failed delivery that has had fewer than ``max_attempts`` attempts, and every delivery
    pending for longer than :data:`STALE_PENDING` (``COMITY_NOTIFICATIONS_STALE_SECONDS``); return how many.

    A failed row is claimed first, so that two runs at once do not both queue it; a stale pending one may be
    queued twice, which sends it once (the delivery's row lock).
    """
    requeued = 0
    candidates = Delivery.objects.filter(status=DeliveryStatus.FAILED, attempts__lt=max_attempts)
    for delivery_id in list(candidates.order_by("pk").values_list("pk", flat=True)):
        if services.claim_failed_delivery(delivery_id):
            services.queue_delivery(delivery_id)
            requeued += 1
    stale = Delivery.objects.filter(
        status=DeliveryStatus.PENDING,
        attempts__lt=max_attempts,
        created_at__lt=timezone.now() - _stale_after(),
    )
    for delivery_id in list(stale.order_by("pk").values_list("pk", flat=True)):
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
    caller (``CELERY_TASK_EAGER_PROPAGATES``). The retry sweep queues it again later.
    """
    last_try = bool(self.request.is_eager) or self.request.retries >= self.max_retries
    attempt_delivery(delivery_id, retry_later=not last_try)


@shared_task
def retry_failed_deliveries() -> int:
    """Re-queue failed and stale deliveries (every five minutes under beat; ``retry_notifications`` by hand)."""
    return requeue_failed_deliveries()
