"""``comity manage close_decisions``: close decisions whose voting time is over (for cron-only installations)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from comity.decisions.closing import close_due_decisions


class Command(BaseCommand):
    help = "Close the decisions whose voting time is over and publish their results."

    def handle(self, *args: Any, **options: Any) -> None:
        sweep = close_due_decisions()
        self.stdout.write(f"Closed {len(sweep.closed)} decision(s).")
        for pk, reason in sweep.waiting.items():
            self.stderr.write(f"Decision {pk} stays open: {reason}")
