"""Accounts' periodic job: expired sessions deleted from the database (``CELERY_BEAT_SCHEDULE["sessions-clear"]``).

Sessions live in the database, cached in Redis (:mod:`comity.accounts.session_store`); Django never deletes an
expired session row by itself. Without beat, ``comity manage clearsessions`` from cron does the same.
"""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command


@shared_task(name="comity.accounts.clear_expired_sessions")
def clear_expired_sessions() -> None:
    call_command("clearsessions")
