"""Background jobs of the privacy app: the retention job (Celery beat, daily); the unusual-access check is in
``tasks_access`` and imported here, where Celery looks for tasks."""

from __future__ import annotations

from celery import shared_task

from comity.privacy.services.retention import apply_retention_everywhere
from comity.privacy.tasks_access import detect_unusual  # noqa: F401  (D's job, found by Celery's autodiscovery)


@shared_task(name="comity.privacy.apply_retention")
def apply_retention() -> int:
    """Delete or anonymise what has passed its period in every community; how many records it ended."""
    return sum(apply_retention_everywhere().values())
