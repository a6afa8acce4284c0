"""Background job of the "who looked" log: find unusual access (Celery beat, every 15 minutes).

Beat entry (``CELERY_BEAT_SCHEDULE``): ``"privacy-unusual-access": {"task": "comity.privacy.detect_unusual_access",
"schedule": 900.0}``. Without beat, ``comity manage shell -c`` or cron can call
:func:`comity.privacy.services.access.detect_unusual_access` directly; a run that finds an alert already raised
raises nothing again.
"""

from __future__ import annotations

from celery import shared_task

from comity.privacy.services.access import detect_unusual_access


@shared_task(name="comity.privacy.detect_unusual_access")  # type: ignore[untyped-decorator]
def detect_unusual() -> int:
    """Raise the alerts of the last complete hours; returns how many were raised."""
    return len(detect_unusual_access().raised)
