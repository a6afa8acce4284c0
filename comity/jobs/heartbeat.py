"""The workers' heartbeat: beat queues ``comity.jobs.heartbeat`` every 30 seconds and a worker runs it.

A fresh timestamp in the cache therefore says that beat publishes, the broker carries and a worker consumes;
:class:`comity.jobs.health.WorkerHeartbeatCheck` reads it.
"""

from __future__ import annotations

import time

from django.core.cache import cache

HEARTBEAT_KEY = "comity.jobs.heartbeat"
#: Long enough that a stale heartbeat is read as stale rather than as missing.
_KEEP_SECONDS = 24 * 60 * 60


def record_heartbeat(now: float | None = None) -> float:
    """Store the time a worker ran the heartbeat task (seconds since the epoch)."""
    moment = time.time() if now is None else now
    cache.set(HEARTBEAT_KEY, moment, timeout=_KEEP_SECONDS)
    return moment


def last_heartbeat() -> float | None:
    """When a worker last ran the heartbeat task, or ``None`` if none has (or the cache forgot)."""
    value = cache.get(HEARTBEAT_KEY)
    return float(value) if value is not None else None
