"""Telling users that something happened: in the app, by e-mail and by SMS, once the caller's work is committed."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction

from comity.accounts.models import User
from comity.foundation.services import service
from comity.jobs.models import Job
from comity.jobs.services import enqueue_each, publish_many
from comity.notifications.badge import inbox_changed
from comity.notifications.channels import EMAIL, SMS
from comity.notifications.models import Delivery, DeliveryStatus, Notification
from comity.notifications.services.common import _describe
from comity.structure.models import Community, Person

logger = logging.getLogger("comity.notifications")

IN_APP = "in_app"
CHANNELS = (IN_APP, EMAIL, SMS)


@service(
    audited=False, reason="tells users of an act its caller has audited, once the caller's work is committed"
)
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
    """The on-commit half of :func:`notify`: write the rows and their jobs, then publish the jobs."""
    try:
        queued = _create_rows(recipient_ids, channels=channels, **fields)
    except Exception:
        logger.exception("Could not create the notification %s", fields.get("kind"))
        return
    _publish_deliveries(queued)


def _create_rows(
    recipient_ids: list[int], *, channels: list[str], **fields: Any
) -> list[tuple[int, Job | None]]:
    users = {user.pk: user for user in User.objects.filter(pk__in=recipient_ids, is_active=True)}
    phones: dict[int, str] = {}
    if SMS in channels:
        for user_id, phone in (
            Person.objects.filter(user_id__in=users)
            .exclude(phone="")
            .order_by("pk")
            .values_list("user_id", "phone")
        ):
            if user_id is not None:
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
            # A delivery is about its notification's community (none when the notification has none).
            Delivery(notification=notification, community_id=notification.community_id, channel=name)
            for notification in notifications
            for name in channels
            if (name == EMAIL and users[notification.recipient_id].email)
            or (name == SMS and notification.recipient_id in phones)
        ]
        Delivery.objects.bulk_create(deliveries)
        inbox_changed(notification.recipient_id for notification in notifications if notification.in_app)
        # Each delivery's job is written with it: once the rows exist, the work cannot be lost.
        community_id = fields.get("community_id")
        ids = [delivery.pk for delivery in deliveries]
        return list(zip(ids, _jobs_for(ids, community_id), strict=True))


def _jobs_for(delivery_ids: list[int], community_id: int | None) -> list[Job | None]:
    """The outbox rows of deliveries of one community, published by the caller once they are committed.

    A delivery about no community (``notify(community=None)``) has no outbox row, which needs a community: its own
    ``Delivery`` row is then the record that the work is owed, and the beat's retry sweep queues it again if its
    task never ran (``requeue_failed_deliveries``).
    """
    # The task module imports these services, so the task is imported where it is queued (the one import inside
    # a function the layers allow: a Celery task queued from a module the task imports).
    from comity.notifications.tasks import deliver

    if community_id is None or not delivery_ids:
        return [None] * len(delivery_ids)
    return list(
        enqueue_each(
            deliver,
            [[delivery_id] for delivery_id in delivery_ids],
            community=community_id,
            dedupe_keys=[f"delivery:{delivery_id}" for delivery_id in delivery_ids],
        )
    )


def _publish_deliveries(queued: list[tuple[int, Job | None]]) -> None:
    """Hand the deliveries' jobs to Celery; a delivery whose job did not go out is marked failed for a retry.

    The job row stays unpublished too, so whichever comes first — the outbox's sweep or the retry of failed
    deliveries — sends it, and the delivery's row lock makes the other one a no-op.
    """
    from comity.notifications.tasks import deliver

    errors: dict[int, str] = {}
    try:
        by_job = {job.pk: delivery_id for delivery_id, job in queued if job is not None}
        errors = {by_job[job_id]: error for job_id, error in publish_many(list(by_job)).items()}
    except Exception as exc:  # the outbox's rows stand; its sweep publishes them
        logger.exception("Could not publish the deliveries' jobs")
        errors = {delivery_id: _describe(exc) for delivery_id, job in queued if job is not None}
    for delivery_id, job in queued:
        if job is None:
            try:
                deliver.delay(delivery_id)
            except Exception as exc:
                errors[delivery_id] = _describe(exc)
    for delivery_id, error in errors.items():
        logger.warning("Could not queue delivery %s: %s", delivery_id, error)
        try:
            Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.FAILED, last_error=error
            )
        except Exception:
            logger.exception("Could not mark delivery %s failed", delivery_id)


@service(
    audited=False,
    atomic=False,
    reason="queues a delivery through the outbox (its row committed first), or marks it failed for a retry",
)
def queue_delivery(delivery_id: int) -> None:
    """Queue one existing delivery again (the retry sweep): its job row, then its publication.

    Not one transaction: the job row is committed (by :func:`~comity.jobs.services.enqueue_each`) before it is
    published, as after a service's commit.
    """
    community_id = Delivery.objects.filter(pk=delivery_id).values_list("community_id", flat=True).first()
    _publish_deliveries([(delivery_id, _jobs_for([delivery_id], community_id)[0])])
