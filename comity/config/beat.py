"""Celery beat's schedule: which periodic task runs how often (docs/deployment.md, "Background jobs").

Each task is thin and calls a service; the apps' management commands are the twins for servers without beat.
"""

from __future__ import annotations

import os
from typing import Any

SCHEDULE: dict[str, dict[str, Any]] = {
    # The outbox: publish what the broker missed, keep a week of published rows, and the workers' heartbeat.
    "jobs-publish-pending": {"task": "comity.jobs.publish_pending", "schedule": 30.0},
    "jobs-prune": {"task": "comity.jobs.prune_published", "schedule": 3600.0},
    "jobs-heartbeat": {"task": "comity.jobs.heartbeat", "schedule": 30.0},
    # Failed notification deliveries (and those whose task the broker lost) queued again.
    "notifications-retry": {
        "task": "comity.notifications.tasks.retry_failed_deliveries",
        "schedule": float(os.environ.get("COMITY_NOTIFICATIONS_RETRY_SECONDS", "300")),
    },
    # Appeal deadlines: warnings before, escalation after.
    "appeal-deadlines": {"task": "comity.appeals.check_deadlines", "schedule": 300.0},
    # Opinion maps are queued by every vote; this sweep only catches up on tasks a broker outage lost.
    "consultation-analyses": {"task": "comity.consultations.recompute_dirty_analyses", "schedule": 60.0},
    # Decisions whose voting time is over close and publish their result.
    "decisions-close": {"task": "comity.decisions.close_due_decisions", "schedule": 60.0},
    "budgets-close": {"task": "comity.budgeting.close_due_cycles", "schedule": 60.0},
    # Expired sessions deleted from the database (their cached copies expire on their own).
    "sessions-clear": {"task": "comity.accounts.clear_expired_sessions", "schedule": 3600.0},
    "privacy-retention": {"task": "comity.privacy.apply_retention", "schedule": 86400.0},  # docs/privacy.md
    "privacy-unusual-access": {"task": "comity.privacy.detect_unusual_access", "schedule": 900.0},
}
