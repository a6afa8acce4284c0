"""Warn handlers of appeals near their deadline and escalate overdue ones (the Celery beat job, run once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from comity.appeals.deadlines import check_deadlines


class Command(BaseCommand):
    help = "Warn handlers of appeals near their deadline and escalate the overdue ones to the street office."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded, escalated = check_deadlines()
        self.stdout.write(f"warned: {len(reminded)}, escalated: {len(escalated)}")
