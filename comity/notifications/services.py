"""Writing notifications. :func:`notify` is the one way the other apps tell users that something happened.

Notifying must never lose or block the caller's work (``docs/notifications.md``): nothing is written until the
caller's transaction commits, every error after that is logged rather than raised, and each external delivery
is sent by a Celery task that retries with exponential backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from comity.accounts.models import User
from comity.notifications.channels import EMAIL, SMS, channel_for
from comity.notifications.models import Delivery, DeliveryStatus, Notification
from comity.structure.models import Person

if TYPE_CHECKING:
    from comity.structure.models import Community

logger = logging.getLogger("comity.notifications")

IN_APP = "in_app"
CHANNELS = (IN_APP, EMAIL, SMS)
#: Celery retries of one queued delivery (so up to six attempts per queueing), with exponential backoff.
MAX_RETRIES = 5
#: ``retry_notifications`` re-queues a failed delivery until it has had this many attempts in all.
MAX_ATTEMPTS = 12
_ERROR_LENGTH = 2000


def notify(
    recipients: Iterable[User | None],
    *,
    kind: str,
    summary: str,
    params: dict[str, Any],
    url: str = "",
    community: Community | None = None,
    channels: Iterable[str] = (IN_APP, EMAIL),
) -> None:
    """Tell ``recipients`` that something happened, once the caller's transaction has committed.

    ``summary`` is an untranslated message template marked with ``gettext_noop`` and ``params`` its plain
    ``str``/``int`` values; each recipient reads it in their own language. ``url`` is a path in the site (or an
    absolute address). Inactive accounts and ``None`` are skipped and duplicates notified once; recipients
    without an e-mail address get no e-mail, those without a phone number on their registry record no SMS.

    Nothing is raised: a failure here is logged on ``comity.notifications`` and the caller's work stands.
    """
    try:
        recipient_ids = list(
            dict.fromkeys(
                user.pk
                for user in recipients
                if user is not None and user.pk is not None and getattr(user, "is_active", False)
            )
        )
        wanted = set(channels)
        unknown = wanted - set(CHANNELS)
        if unknown:
            logger.warning("Unknown notification channels ignored for %s: %s", kind, sorted(unknown))
        if not recipient_ids or not wanted & set(CHANNELS):
            return
        transaction.on_commit(
            partial(
                _create_and_queue,
                recipient_ids,
                kind=kind,
                summary=summary[:255],
                params=_plain(params),
                url=url,
                community_id=community.pk if community is not None else None,
                channels=[name for name in CHANNELS if name in wanted],
            )
        )
    except Exception:
        logger.exception("Could not schedule the notification %s", kind)


def _plain(params: dict[str, Any]) -> dict[str, str | int]:
    """Values must survive JSON and ``%`` formatting: ints stay ints, everything else becomes text."""
    return {
        str(key): value if isinstance(value, int) and not isinstance(value, bool) else str(value)
        for key, value in (params or {}).items()
    }


def _create_and_queue(recipient_ids: list[int], *, channels: list[str], **fields: Any) -> None:
    """The on-commit half of :func:`notify`: write the rows, then queue one task per external delivery."""
    try:
        delivery_ids = _create_rows(recipient_ids, channels=channels, **fields)
    except Exception:
        logger.exception("Could not create the notification %s", fields.get("kind"))
        return
    for delivery_id in delivery_ids:
        queue_delivery(delivery_id)


def _create_rows(recipient_ids: list[int], *, channels: list[str], **fields: Any) -> list[int]:
    users = {user.pk: user for user in User.objects.filter(pk__in=recipient_ids, is_active=True)}
    phones: dict[int, str] = {}
    if SMS in channels:
        for user_id, phone in (
            Person.objects.filter(user_id__in=users)
            .exclude(phone="")
            .order_by("pk")
            .values_list("user_id", "phone")
        ):
            phones.setdefault(user_id, phone)
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(recipient_id=user_id, in_app=IN_APP in channels, **fields)
                for user_id in recipient_ids
                if user_id in users
            ]
        )
        deliveries = [
            Delivery(notification=notification, channel=name)
            for notification in notifications
            for name in channels
            if (name == EMAIL and users[notification.recipient_id].email)
            or (name == SMS and notification.recipient_id in phones)
        ]
        Delivery.objects.bulk_create(deliveries)
    return [delivery.pk for delivery in deliveries]


def queue_delivery(delivery_id: int) -> None:
    """Hand one delivery to Celery. If even that fails, the delivery is marked failed for a later retry."""
    from comity.notifications.tasks import deliver

    try:
        deliver.delay(delivery_id)
    except Exception as exc:
        logger.exception("Could not queue delivery %s", delivery_id)
        try:
            Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.FAILED, last_error=_describe(exc)
            )
        except Exception:
            logger.exception("Could not mark delivery %s failed", delivery_id)


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
        Delivery.objects.filter(pk=delivery_id).update(
            attempts=F("attempts") + 1,
            last_error=_describe(exc),
            status=DeliveryStatus.PENDING if retry_later else DeliveryStatus.FAILED,
        )
        logger.warning("Delivery %s through %s failed: %s", delivery_id, delivery.channel, exc)
        if retry_later:
            raise
        return
    Delivery.objects.filter(pk=delivery_id).update(
        attempts=F("attempts") + 1, status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )


def requeue_failed_deliveries(*, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Queue again every failed delivery that has had fewer than ``max_attempts`` attempts; return how many."""
    requeued = 0
    candidates = Delivery.objects.filter(status=DeliveryStatus.FAILED, attempts__lt=max_attempts)
    for delivery_id in list(candidates.order_by("pk").values_list("pk", flat=True)):
        # Claim the row first, so that two runs at once do not both queue it.
        if Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING
        ):
            queue_delivery(delivery_id)
            requeued += 1
    return requeued


def mark_read(user: Any, notification: Notification) -> None:
    """Mark one of the user's notifications read (the view reaches it through ``get_notification_for_user``)."""
    if notification.recipient_id != user.pk or notification.read_at is not None:
        return
    notification.read_at = timezone.now()
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)


def mark_all_read(user: Any) -> int:
    """Mark all the user's unread notifications read; return how many."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:_ERROR_LENGTH]
