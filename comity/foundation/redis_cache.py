"""Django's Redis cache, made to survive a Redis that is down: a page never fails because the cache did.

Django's ``RedisCache`` raises on every call while Redis is unreachable, and every page uses the cache (the
session, the one-time form tokens, the rates dashboards, the live counts), so an outage would turn every page into
a server error. Everything Comity keeps in the cache can be computed again or read from the database, so this
backend answers as an empty cache instead: a read finds nothing, a write stores nothing, ``add`` reports success
(a one-time form token then protects nothing while Redis is away, rather than refusing every form), and ``incr``
raises ``ValueError`` as for a missing key. The error is logged once per outage, and Redis is left alone for
``retry_seconds`` (an option, default 5) before the next try, so that a Redis that times out does not cost every
call its timeout; keep ``socket_connect_timeout`` and ``socket_timeout`` short (settings: ``COMITY_REDIS_TIMEOUT``).

A write that could not reach Redis may leave a stale value there for when it comes back: a session signed out, a
cached figure replaced, a version number not bumped. So each process remembers the keys it failed to write (up to
:data:`MAX_LOST` of them) and, at its first call that reaches Redis again, deletes them — or increments them, when
the lost write was an increment (a version number must change, never restart). The entries other processes kept
meanwhile are theirs to replay; each cached value also has a timeout.
"""

from __future__ import annotations

import contextlib
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
#: Keys of lost writes a process remembers; beyond this, the oldest are forgotten (their values time out).
MAX_LOST = 10_000


class TolerantRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("retry_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        #: ``(key, version) → "delete" | "incr"``: the writes to replay when Redis answers again.
        self._lost: dict[tuple[Any, Any], str] = {}

    @property
    def available(self) -> bool:
        """False while Redis is left alone after a failure."""
        return time.monotonic() >= self._down_until

    def _call(self, fallback: T, call: Callable[[], T]) -> T:
        if not self.available:
            return fallback
        try:
            if self._lost:
                self._replay()  # before the call, so that it never reads what a lost write should have changed
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

    def _lose(self, keys: Any, version: Any, operation: str = "delete") -> None:
        """Remember keys whose write did not reach Redis (an increment stays an increment)."""
        for key in keys:
            if self._lost.get((key, version)) != "incr":
                self._lost.pop((key, version), None)
                self._lost[(key, version)] = operation
        while len(self._lost) > MAX_LOST:
            del self._lost[next(iter(self._lost))]

    def _replay(self) -> None:
        """Undo the lost writes, oldest first; those not done when Redis fails again stay remembered."""
        while self._lost:
            (key, version), operation = next(iter(self._lost.items()))
            if operation == "incr":
                with contextlib.suppress(ValueError):  # gone meanwhile: nothing old is left to read
                    super().incr(key, 1, version)
            else:
                super().delete(key, version)
            del self._lost[(key, version)]

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        missing = object()
        added: Any = self._call(
            missing, lambda: super(TolerantRedisCache, self).add(key, value, timeout, version)
        )
        # Not remembered when lost: an add changes nothing that is there, and deleting the key later could
        # remove what another process added since (a lock, a form's claim).
        return True if added is missing else bool(added)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call(default, lambda: super(TolerantRedisCache, self).get(key, default, version))

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        if self._call(
            False, lambda: super(TolerantRedisCache, self).set(key, value, timeout, version) or True
        ):
            return
        self._lose([key], version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return bool(self._call(False, lambda: super(TolerantRedisCache, self).touch(key, timeout, version)))

    def delete(self, key: Any, version: Any = None) -> bool:
        missing = object()
        deleted: Any = self._call(missing, lambda: super(TolerantRedisCache, self).delete(key, version))
        if deleted is missing:
            self._lose([key], version)
            return False
        return bool(deleted)

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._call({}, lambda: super(TolerantRedisCache, self).get_many(keys, version))

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._call(False, lambda: super(TolerantRedisCache, self).has_key(key, version))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        missing = object()
        found: Any = self._call(missing, lambda: super(TolerantRedisCache, self).incr(key, delta, version))
        if found is missing:
            self._lose([key], version, "incr")
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return int(found)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        missing: list[Any] = ["unavailable"]
        failed = self._call(missing, lambda: super(TolerantRedisCache, self).set_many(data, timeout, version))
        if failed is missing:
            self._lose(list(data), version)
            return list(data)
        return failed

    def delete_many(self, keys: Any, version: Any = None) -> None:
        if not self._call(False, lambda: super(TolerantRedisCache, self).delete_many(keys, version) or True):
            self._lose(list(keys), version)

    def clear(self) -> None:
        self._call(None, lambda: super(TolerantRedisCache, self).clear())
