"""Django's Redis cache, made to survive a Redis that is down: a page never fails because the cache did.

Django's ``RedisCache`` raises on every call while Redis is unreachable, and every page uses the cache (the
session, the one-time form tokens, the rates dashboards, the live counts), so an outage would turn every page into
a server error. Everything Comity keeps in the cache can be computed again or read from the database, so this
backend answers as an empty cache instead: a read finds nothing, a write stores nothing, ``add`` reports success
(a one-time form token then protects nothing while Redis is away, rather than refusing every form), and ``incr``
raises ``ValueError`` as for a missing key. The error is logged once per outage, and Redis is left alone for
``retry_seconds`` (an option, default 5) before the next try, so that a Redis that times out does not cost every
call its timeout; keep ``socket_connect_timeout`` and ``socket_timeout`` short (settings: ``COMITY_REDIS_TIMEOUT``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
T = TypeVar("T")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class TolerantRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("retry_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        """False while Redis is left alone after a failure."""
        return time.monotonic() >= self._down_until

    def _call(self, fallback: T, call: Callable[[], T]) -> T:
        if not self.available:
            return fallback
        try:
            result = call()
        except UNAVAILABLE as error:
            if self._down_until == 0.0 or time.monotonic() - self._down_until > self.retry_seconds:
                logger.error("The cache (Redis) is unavailable, carrying on without it: %s", error)
            self._down_until = time.monotonic() + self.retry_seconds
            return fallback
        if self._down_until:
            logger.warning("The cache (Redis) is back.")
            self._down_until = 0.0
        return result

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call(True, lambda: super(TolerantRedisCache, self).add(key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call(default, lambda: super(TolerantRedisCache, self).get(key, default, version))

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._call(None, lambda: super(TolerantRedisCache, self).set(key, value, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call(False, lambda: super(TolerantRedisCache, self).touch(key, timeout, version))

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._call(False, lambda: super(TolerantRedisCache, self).delete(key, version))

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._call({}, lambda: super(TolerantRedisCache, self).get_many(keys, version))

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._call(False, lambda: super(TolerantRedisCache, self).has_key(key, version))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        missing = object()
        found: Any = self._call(missing, lambda: super(TolerantRedisCache, self).incr(key, delta, version))
        if found is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return int(found)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._call([], lambda: super(TolerantRedisCache, self).set_many(data, timeout, version))

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._call(None, lambda: super(TolerantRedisCache, self).delete_many(keys, version))

    def clear(self) -> None:
        self._call(None, lambda: super(TolerantRedisCache, self).clear())
