"""Background jobs of the privacy app: the retention job (Celery beat, daily)."""

from __future__ import annotations

from celery import shared_task

from comity.privacy.services.retention import apply_retention_everywhere


@shared_task(name="comity.privacy.apply_retention")
def apply_retention() -> int:
    """Delete or anonymise what has passed its period in every community; how many records it ended."""
    return sum(apply_retention_everywhere().values())
