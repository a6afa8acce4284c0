"""Sessions read from the cache and written through to the database (``SESSION_ENGINE``).

Django's ``cached_db`` engine: a request reads its session from the cache (Redis in production, shared by every
server), and a change is written to the database first, then to the cache, so a Redis restart or outage signs
nobody out. One change: a session stays in the cache for at most ``COMITY_SESSION_CACHE_SECONDS`` (five minutes by
default) instead of for its whole life, so that the database stays the authority. A sign-out while Redis was
unreachable deletes the session from the database but cannot delete the cached copy; when Redis answers again,
that copy would otherwise let the session back in until its expiry.

Expired sessions are deleted from the database by the beat schedule (``comity.accounts.clear_expired_sessions``
in :mod:`comity.accounts.tasks`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import caches


class _CappedCache:
    """The session cache, with every entry's time bounded by ``COMITY_SESSION_CACHE_SECONDS``."""

    def __init__(self, cache: Any, cap: int) -> None:
        self._cache = cache
        self._cap = cap

    def get(self, key: str, default: Any = None) -> Any:
        return self._cache.get(key, default)

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self._cache.set(key, value, self._cap if timeout is None else min(timeout, self._cap))

    def delete(self, key: str) -> bool:
        return bool(self._cache.delete(key))

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def __str__(self) -> str:
        return str(self._cache)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache: Any = _CappedCache(
            caches[settings.SESSION_CACHE_ALIAS], int(settings.COMITY_SESSION_CACHE_SECONDS)
        )
