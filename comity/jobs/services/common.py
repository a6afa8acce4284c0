"""What the job services share: the Celery app's view of a task, eager mode, and the broker's circuit breaker.

The breaker keeps requests from waiting on a broker that just failed: after one failed publish a flag is set in
the cache (shared by every process) and in the process itself (in case the cache is the same Redis and down too);
while it stands, requests leave their rows for the sweep instead of trying.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("comity.jobs")

_ERROR_LENGTH = 2000
_BREAKER_KEY = "comity.jobs.broker-down"
#: This process's own breaker: the monotonic time until which it does not try the broker.
_local_breaker = {"until": 0.0}


class NotPublished(Exception):
    """A job was not handed to the broker; its row stays unpublished for the sweep."""


def _describe(exc: BaseException) -> str:
    """An error as stored on a row: its type and message, cut to a length the admin can show."""
    return f"{type(exc).__name__}: {exc}"[:_ERROR_LENGTH]


def _eager() -> bool:
    """Whether Celery runs tasks inline (``CELERY_TASK_ALWAYS_EAGER``: the demo and the tests)."""
    return bool(current_app.conf.task_always_eager)


def _task(name: str) -> Any:
    """The registered Celery task called ``name``; the apps' ``tasks`` modules are imported if it is not yet."""
    task = current_app.tasks.get(name)
    if task is None:
        current_app.loader.import_default_modules()
        task = current_app.tasks.get(name)
    if task is None:
        raise LookupError(f"no Celery task is registered as {name!r}")
    return task


def _breaker_seconds() -> float:
    return float(getattr(settings, "COMITY_JOBS_BREAKER_SECONDS", 10))


def _broker_recently_down() -> bool:
    if time.monotonic() < _local_breaker["until"]:
        return True
    try:
        return bool(cache.get(_BREAKER_KEY))
    except Exception:  # the cache may be the same Redis as the broker; this process's own flag still holds
        logger.warning("could not read the broker's circuit breaker from the cache", exc_info=True)
        return False


def _trip_breaker() -> None:
    seconds = _breaker_seconds()
    _local_breaker["until"] = time.monotonic() + seconds
    try:
        cache.set(_BREAKER_KEY, True, timeout=seconds)
    except Exception:
        logger.warning("could not set the broker's circuit breaker in the cache", exc_info=True)


def _reset_breaker() -> None:
    _local_breaker["until"] = 0.0
    try:
        cache.delete(_BREAKER_KEY)
    except Exception:
        logger.warning("could not clear the broker's circuit breaker in the cache", exc_info=True)
