"""One run at a time of a piece of work, across processes and servers, released if the process dies.

A task published twice (the sweep and the request both got it out, or the broker redelivered it after a worker was
killed) may run twice at once. Work that cannot hold its own row locked while it runs (an opinion map is computed
outside any transaction, so that votes never wait for it) takes this lock instead and skips when another run
holds it. On PostgreSQL it is a session advisory lock (``pg_try_advisory_lock``), which the server releases when
the holder's connection ends, so a killed worker never leaves it behind; on SQLite (the demo and the tests, one
process) it is a cache entry with a lease.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger("comity.jobs")


def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def run_alone(name: str, *, lease_seconds: int = 600) -> Iterator[bool]:
    """Yield whether this process holds the lock called ``name``; a ``False`` caller skips the work."""
    if connection.vendor == "postgresql":
        key = _advisory_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    cache_key = f"comity.jobs.lock:{name}"
    try:
        held = bool(cache.add(cache_key, 1, timeout=lease_seconds))
    except Exception:  # no cache: better to run twice than never
        logger.warning("could not take the lock %s in the cache; running anyway", name, exc_info=True)
        yield True
        return
    try:
        yield held
    finally:
        if held:
            cache.delete(cache_key)
