"""A delivery's own bookkeeping: each attempt's outcome, and a failed delivery claimed for another try.

Each is its own short transaction, committed before the Celery task goes on (or raises so that Celery retries),
as the single-statement updates they replace were.
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from comity.foundation.services import service
from comity.notifications.models import Delivery, DeliveryStatus
from comity.notifications.services.common import _describe

#: Celery retries of one queued delivery (so up to six attempts per queueing), with exponential backoff.
MAX_RETRIES = 5
#: ``retry_notifications`` re-queues a failed delivery until it has had this many attempts in all.
MAX_ATTEMPTS = 12


@service(audited=False, reason="the outcome of sending a notification: the delivery's own bookkeeping")
def record_delivery_sent(delivery_id: int) -> None:
    """One more attempt, and this one reached the recipient."""
    Delivery.objects.filter(pk=delivery_id).update(
        attempts=F("attempts") + 1, status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )


@service(audited=False, reason="the outcome of sending a notification: the delivery's own bookkeeping")
def record_delivery_failed(delivery_id: int, error: BaseException, *, retry_later: bool) -> None:
    """One more attempt, and its error; the delivery stays pending when Celery will retry it, else it failed."""
    Delivery.objects.filter(pk=delivery_id).update(
        attempts=F("attempts") + 1,
        last_error=_describe(error),
        status=DeliveryStatus.PENDING if retry_later else DeliveryStatus.FAILED,
    )


@service(audited=False, reason="a failed delivery claimed for another try: the delivery's own bookkeeping")
def claim_failed_delivery(delivery_id: int) -> bool:
    """Mark a failed delivery pending again, unless another run claimed it first; whether this one did."""
    return bool(
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING
        )
    )
