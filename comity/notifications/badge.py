"""The bell's count on every signed-in page, from the cache until the user's inbox changes.

Each user's inbox has a version in the cache (``comity:inbox:<user id>:version``), bumped — now and again after
the commit (``comity.foundation.caching.bump_version``) — by every write that changes what the bell counts: new
notifications (``notifying``'s bulk insert calls :func:`inbox_changed`; a row saved one by one, as the admin does,
bumps through ``post_save``), notifications marked read (``reading``) and deleted ones (``post_delete``). The count
is stored beside the version it was counted at, so one cache read of both answers a page: the count when the
versions match, else it is counted again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from comity.foundation.caching import bump_version
from comity.foundation.services import Actor
from comity.notifications.models import Notification
from comity.notifications.selectors import unread_count

#: Seconds a counted badge stays cached at most.
BADGE_SECONDS = 600


def _version_key(user_id: int) -> str:
    return f"comity:inbox:{user_id}:version"


def _count_key(user_id: int, at_most: int) -> str:
    return f"comity:inbox:{user_id}:unread:{at_most}"


def inbox_changed(user_ids: Iterable[int]) -> None:
    """Make the cached badge of each of these users stale (after their notifications were added or read)."""
    for user_id in set(user_ids):
        bump_version(_version_key(user_id))


def cached_unread_count(user: Actor, *, at_most: int) -> int:
    """:func:`~comity.notifications.selectors.unread_count` from the cache while the user's inbox is unchanged."""
    user_id = int(user.pk or 0)
    version_key, count_key = _version_key(user_id), _count_key(user_id, at_most)
    found = cache.get_many([version_key, count_key])
    version = found.get(version_key)
    if version is None:
        version = 1
        cache.add(version_key, version, timeout=None)
    stored = found.get(count_key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
        return int(stored[1])
    count = unread_count(user, at_most=at_most)
    cache.set(count_key, (version, count), timeout=BADGE_SECONDS)
    return count


@receiver(post_save, sender=Notification, dispatch_uid="comity.notifications.badge.save")
@receiver(post_delete, sender=Notification, dispatch_uid="comity.notifications.badge.delete")
def _notification_written(sender: Any, instance: Notification, **kwargs: Any) -> None:
    inbox_changed([instance.recipient_id])
