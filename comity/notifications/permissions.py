"""Who may see which notifications, as ``rules`` predicates.

A notification is its recipient's alone. The fake SMS outbox shows phone numbers and messages meant for
residents, so only staff (``is_staff``) see it; it exists for development and demonstrations.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm, has_perm
from rules.predicates import predicate

from comity.notifications.models import Notification


@predicate
def is_recipient_of(user: Any, notification: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and isinstance(notification, Notification)
        and notification.recipient_id == user.pk
    )


@predicate
def is_staff_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


add_perm("notifications.read_notification", is_recipient_of)
add_perm("notifications.browse_outbox", is_staff_user)


def may_read(user: Any, notification: Notification) -> bool:
    """Asks the rule itself, not ``user.has_perm``: Django grants superusers every permission, but a
    notification stays its recipient's alone."""
    return bool(has_perm("notifications.read_notification", user, notification))
