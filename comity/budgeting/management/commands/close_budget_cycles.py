"""``comity manage close_budget_cycles``: close budget cycles whose voting time is over (for cron-only
installations)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from comity.budgeting.services import close_due_cycles


class Command(BaseCommand):
    help = "Close the budget cycles whose voting time is over and fund their projects."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Closed {close_due_cycles()} budget cycle(s).")
