"""Cache keys namespaced by community, so that one community's cached figures never reach another's pages.

Every cache of a community's data builds its key with :func:`community_key` (or :func:`street_key` for a
street's): the key starts with the community's id, so two communities never share an entry, and by default holds
the community's *data version*, which :func:`community_changed` bumps. Every audited write of a community bumps
it (``record_audit`` with a ``community``, once when the entry is written, so the writer's own transaction reads
fresh figures, and again after the commit, so that a figure another request cached meanwhile from the data before
the commit is not served afterwards). A cache keyed this way is therefore stale for no longer than the writer's
commit — except after the few writes that record no audit entry (votes on statements and secret ballots, the
opinion map's recomputation, notifications' bookkeeping: ``@service(audited=False, reason=…)``), which is why a
cached value still needs a timeout, or a version of its own (the ballot log's length, the rates version), when
those writes change it.

A figure computed on the read replica (``comity.foundation.replica``) may lag the primary by the replication
lag: a reader on the replica who fills the cache just after a bump can store the figure from before the write
under the new version, until the entry times out. Keep the timeouts of replica-read figures short.

The cache is Django's default one (Redis in production, per process without it); ``tests/apps/test_caching.py``
checks the keys and the bumps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.dispatch import receiver

T = TypeVar("T")

#: Every key this module builds starts with this, so a shared Redis can hold other programs' keys too.
PREFIX = "comity"


def _id(thing: models.Model | int) -> int:
    return int(thing.pk if isinstance(thing, models.Model) else thing)


def _version_key(kind: str, owner_id: int) -> str:
    return f"{PREFIX}:{kind}:{owner_id}:version"


#: The versions a request has read, so that a page reading several keys of one community asks the cache for its
#: version once. Only while a request runs (``request_started`` to ``request_finished``); a bump by the request
#: itself forgets the version it bumped. A bump by another process during the request is seen by the next request.
_request_versions = threading.local()


@receiver(request_started, dispatch_uid="comity.caching.request_started")
def _remember_versions(**kwargs: Any) -> None:
    _request_versions.seen = {}


@receiver(request_finished, dispatch_uid="comity.caching.request_finished")
def _forget_versions(**kwargs: Any) -> None:
    _request_versions.seen = None


def _version(kind: str, owner_id: int) -> int:
    key = _version_key(kind, owner_id)
    seen: dict[str, int] | None = getattr(_request_versions, "seen", None)
    if seen is not None and key in seen:
        return seen[key]
    found: Any = cache.get_or_set(key, 1, timeout=None)
    if seen is not None:
        seen[key] = int(found)
    return int(found)


def _bump(key: str) -> None:
    seen: dict[str, int] | None = getattr(_request_versions, "seen", None)
    if seen is not None:
        seen.pop(key, None)
    try:
        cache.incr(key)
    except ValueError:  # expired or evicted: any value other than the one readers last saw will do
        cache.set(key, 2, timeout=None)


def bump_version(key: str) -> None:
    """Change the version number stored under ``key``: now, so the writer's own transaction reads fresh values, and
    again once the transaction commits (once per transaction however often it is called), so that a value another
    request cached meanwhile from the data before the commit is not used afterwards."""
    _bump(key)
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        isinstance(entry[1], partial) and entry[1].func is _bump and entry[1].args == (key,)
        for entry in connection.run_on_commit
    ):
        transaction.on_commit(partial(_bump, key))


#: The version of everything: bumped by a write that no community's version follows (the Django admin's).
_EVERYTHING = ("all", 0)


def everything_changed() -> None:
    """Make every cached entry of every community and street stale: for writes that record no audit entry and
    name no community, such as an edit in the Django admin (``comity.web.admin_site``)."""
    bump_version(_version_key(*_EVERYTHING))


def _key(kind: str, owner_id: int, parts: tuple[object, ...], *, versioned: bool) -> str:
    everything = _version(*_EVERYTHING)
    version = f"v{_version(kind, owner_id)}.{everything}" if versioned else f"v-.{everything}"
    tail = ":".join(str(part) for part in parts)
    return f"{PREFIX}:{kind}:{owner_id}:{version}:{tail}"


def community_version(community: models.Model | int) -> int:
    """The community's data version: a number that changes whenever its data is written through a service."""
    return _version("community", _id(community))


def community_key(community: models.Model | int, *parts: object, versioned: bool = True) -> str:
    """A cache key of ``community``'s: ``comity:community:<id>:v<version>:<parts…>``.

    ``parts`` name what is cached (``"counts"``, the language, the period…). With ``versioned=False`` the key holds
    no data version, for a cache that keeps a version of its own; it is still namespaced by the community.
    """
    return _key("community", _id(community), parts, versioned=versioned)


def street_key(street: models.Model | int, *parts: object, versioned: bool = False) -> str:
    """A cache key of a street's, for what a street's officials see across its communities.

    Unversioned by default: a street's figures change with every one of its communities, so a street cache keeps a
    version of its own (the appeal rates' ``rates_version``) or a short timeout.
    """
    return _key("street", _id(street), parts, versioned=versioned)


def community_changed(community: models.Model | int) -> None:
    """Make every versioned cache entry of the community stale, now and again once the transaction commits."""
    bump_version(_version_key("community", _id(community)))


def user_version(user_id: int) -> int:
    """The user's own version: a number that changes after every request by which the user may have written
    (``comity.accounts.activity``), for a page that shows what the user did across communities (My account)."""
    return _version("user", int(user_id))


def user_changed(user_id: int) -> None:
    """Make what is cached under :func:`user_version` stale."""
    bump_version(_version_key("user", int(user_id)))


def cached_for_community(
    community: models.Model | int, *parts: object, compute: Callable[[], T], timeout: int
) -> T:
    """``compute()``'s value from the cache under :func:`community_key`, computed and stored when it is missing."""
    key = community_key(community, *parts)
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=timeout)
    return found
