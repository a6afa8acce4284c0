"""``comity manage consultation_analyses``: recompute out-of-date opinion maps (for cron-only installations)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from comity.consultations.computing import compute_analysis, compute_dirty_analyses


class Command(BaseCommand):
    help = "Recompute the opinion maps of consultations with new votes (or one consultation with --consultation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--consultation", type=int, help="recompute this consultation (by id) even if current"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["consultation"]:
            row = compute_analysis(options["consultation"])
            if row is None:
                self.stderr.write(f"No consultation with id {options['consultation']}.")
                return
            self.stdout.write(f"Recomputed from {row.votes_seen} votes.")
            return
        count = compute_dirty_analyses()
        self.stdout.write(f"Recomputed {count} opinion map(s).")
