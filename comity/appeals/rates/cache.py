"""The rates dashboards, cached until something changes.

A street's dashboard over a million appeals costs seconds of database time (``benchmarks/bench_appeals.py``);
the same figures are read many times a day. A report is cached under a key that holds the street's *rates
version*, which every write to an appeal or a rating of the street bumps (when it is made and again after it commits), so
a new reply or rating shows at once. Time alone also changes the figures (a deadline passes, and the appeal starts counting as
late), so the key holds the current five-minute slot too: no report is older than five minutes.

The cache is Django's (Redis in production, per process without it), so this needs no setup of its own; the keys are
the street's (``comity.foundation.caching.street_key``), and a community's report carries the community in its scope.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language

from comity.appeals.models import Appeal, Rating
from comity.foundation.caching import street_key
from comity.structure.models import Community

SLOT_SECONDS = 300
TIMEOUT = 2 * SLOT_SECONDS
T = TypeVar("T")


def _version_key(street_id: int) -> str:
    return street_key(street_id, "appeal-rates", "version")


def rates_version(street_id: int) -> int:
    found: Any = cache.get_or_set(_version_key(street_id), 1, timeout=None)
    return int(found)


def bump(street_id: int) -> None:
    """Make every cached report of the street stale (called after a write commits)."""
    key = _version_key(street_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def report_key(street_id: int, scope: str, query: str, now: datetime) -> str:
    """The key of the report of ``scope`` for the period ``query`` as it is now, in the reader's language. The page
    caches its rendered figures under it too (the ``{% cache %}`` fragment of ``appeals/rates*.html``)."""
    slot = int(now.timestamp()) // SLOT_SECONDS
    return street_key(street_id, "appeal-rates", rates_version(street_id), scope, get_language(), slot, query)


def cached_report(street_id: int, scope: str, query: str, now: datetime, compute: Callable[[], T]) -> T:
    """The report of ``scope`` (e.g. ``community:12``) for the period ``query``, from the cache when it is fresh."""
    return cached_under(report_key(street_id, scope, query, now), compute)


def cached_under(key: str, compute: Callable[[], T]) -> T:
    """The report cached under ``key`` (a :func:`report_key`), computed and stored when it is missing."""
    found = cast("T | None", cache.get(key))
    if found is None:
        found = compute()
        cache.set(key, found, timeout=TIMEOUT)
    return found


def _street_of(community_id: int) -> int | None:
    return Community.objects.filter(pk=community_id).values_list("street_id", flat=True).first()


@receiver([post_save, post_delete], sender=Appeal)
@receiver([post_save, post_delete], sender=Rating)
def _appeal_changed(sender: type, instance: Appeal | Rating, **kwargs: Any) -> None:
    cached = type(instance).community.is_cached(instance)
    street_id = instance.community.street_id if cached else _street_of(instance.community_id)
    if street_id is None:
        return
    # Now, so that the writer's own transaction reads fresh figures; and again after the commit, so that a report
    # another request cached meanwhile (from the data before the commit) is not served afterwards.
    bump(street_id)
    transaction.on_commit(lambda: bump(street_id))
