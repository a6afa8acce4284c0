"""A user marking their own notifications read."""

from __future__ import annotations

from django.utils import timezone

from comity.accounts.models import User
from comity.foundation.services import service
from comity.notifications.badge import inbox_changed
from comity.notifications.models import Notification


@service(audited=False, reason="a user marking their own notification read")
def mark_read(user: User, notification: Notification) -> None:
    """Mark one of the user's notifications read (the view reaches it through ``get_notification_for_user``)."""
    if notification.recipient_id != user.pk or notification.read_at is not None:
        return
    notification.read_at = timezone.now()
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    inbox_changed([user.pk])


@service(audited=False, reason="a user marking their own notifications read")
def mark_all_read(user: User) -> int:
    """Mark all the user's unread notifications read; return how many."""
    marked = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    inbox_changed([user.pk])
    return marked
