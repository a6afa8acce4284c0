"""Reads of notifications. A user only ever reaches their own."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from comity.foundation.services import Actor
from comity.notifications.models import Notification, OutboxMessage
from comity.notifications.permissions import may_read


def notifications_for(user: Actor) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first."""
    return Notification.objects.filter(recipient_id=user.pk, in_app=True).order_by("-created_at", "-id")


def unread_count(user: Actor, *, at_most: int | None = None) -> int:
    """The number of the user's unread notifications, in one ``COUNT`` query over an index.

    With ``at_most``, counting stops there (``COUNT`` over ``LIMIT``): the badge on every page shows "99+" rather
    than counting the thousands an account that is never read can gather."""
    unread = Notification.objects.filter(recipient_id=user.pk, in_app=True, read_at__isnull=True)
    if at_most is not None:
        unread = unread.order_by()[:at_most]
    return unread.count()


def get_notification_for_user(user: Actor, notification_id: int) -> Notification:
    """Another user's notification, even for a superuser, is reported as missing (404), so that its existence
    is not revealed."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or not may_read(user, notification):
        raise Http404
    return notification


def outbox() -> QuerySet[OutboxMessage]:
    """The outbox's messages, newest first, with the columns its page shows."""
    return OutboxMessage.objects.only("id", "created_at", "phone", "text", "channel").order_by(
        "-created_at", "-id"
    )


def inbox_version(user: Actor) -> tuple[int, int, int]:
    """How many in-app notifications the user has, the newest one's id and how many are unread, in one query.

    Together they change whenever the inbox does: notifications are only ever added (with a greater id) and marked
    read (never unread again), so for the same notifications the unread count alone tells which are read."""
    found = Notification.objects.filter(recipient_id=user.pk, in_app=True).aggregate(
        total=Count("id"), newest=Max("id"), unread=Count("id", filter=Q(read_at__isnull=True))
    )
    return int(found["total"]), int(found["newest"] or 0), int(found["unread"])


def outbox_version() -> tuple[int, int]:
    """How many messages the outbox holds and the newest one's id, in one query: they change whenever the outbox
    does (its messages are only ever added, and deleted with their community)."""
    found = OutboxMessage.objects.aggregate(total=Count("id"), newest=Max("id"))
    return int(found["total"]), int(found["newest"] or 0)
