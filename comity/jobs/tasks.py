"""Beat's jobs for the outbox: the sweep of unpublished rows, the pruning of old ones, and the worker heartbeat."""

from __future__ import annotations

from celery import shared_task

from comity.jobs import services
from comity.jobs.heartbeat import record_heartbeat


@shared_task(name="comity.jobs.publish_pending")
def publish_pending() -> int:
    """Publish what the broker missed (every 30 seconds under beat)."""
    return services.publish_pending()


@shared_task(name="comity.jobs.prune_published")
def prune_published() -> int:
    """Delete published rows older than a week (hourly under beat)."""
    return services.prune_published()


@shared_task(name="comity.jobs.heartbeat")
def heartbeat() -> float:
    """Tell the health check that a worker runs what beat queues (every 30 seconds under beat)."""
    return record_heartbeat()
