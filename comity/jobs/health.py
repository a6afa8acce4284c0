"""Health checks of the background work, for django-health-check 4.x (``/health/``, wired in ``comity/config``).

* :class:`WorkerHeartbeatCheck`: a worker ran beat's heartbeat task recently — beat publishes, the broker
  carries, a worker consumes (``comity.jobs.heartbeat``).
* :class:`OutboxBacklogCheck`: the oldest job the broker has not taken yet is younger than a few minutes — the
  after-commit publish and the sweep keep up.

Both pass with ``CELERY_TASK_ALWAYS_EAGER`` (the demo and the tests): tasks run inline, there is no worker to
hear from and nothing waits for a broker. In 4.x a check is a dataclass with a ``run`` method that raises
``ServiceUnavailable``; a synchronous ``run`` would go to a thread of its own, so the database read here runs
through ``sync_to_async`` on the request's own thread (and connection).
"""

from __future__ import annotations

import dataclasses
import datetime
import time

from asgiref.sync import sync_to_async
from celery import current_app
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from comity.jobs.heartbeat import last_heartbeat
from comity.jobs.selectors import oldest_unpublished_at


def _inline() -> bool:
    return bool(current_app.conf.task_always_eager)


@dataclasses.dataclass
class WorkerHeartbeatCheck(HealthCheck):  # type: ignore[misc]
    """A worker ran the heartbeat task (queued by beat every 30 seconds) within ``max_age``."""

    max_age: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=120))

    def run(self) -> None:
        if _inline():
            return
        try:
            beat = last_heartbeat()
        except Exception as error:
            raise ServiceUnavailable("the cache holding the worker heartbeat did not answer") from error
        if beat is None:
            raise ServiceUnavailable("no worker heartbeat yet: is a Celery worker and beat running?")
        age = time.time() - beat
        if age > self.max_age.total_seconds():
            raise ServiceUnavailable(f"the last worker heartbeat is {int(age)} s old")


@dataclasses.dataclass
class OutboxBacklogCheck(HealthCheck):  # type: ignore[misc]
    """No queued job has waited for the broker longer than ``max_age``."""

    max_age: datetime.timedelta = dataclasses.field(default=datetime.timedelta(minutes=5))

    async def run(self) -> None:
        if _inline():
            return
        oldest = await sync_to_async(oldest_unpublished_at, thread_sensitive=True)()
        if oldest is None:
            return
        age = timezone.now() - oldest
        if age > self.max_age:
            raise ServiceUnavailable(
                f"a queued job has waited {int(age.total_seconds())} s for the broker (jobs.Job unpublished)"
            )
