"""``comity manage apply_retention [--dry-run] [--community ID]``: the retention job by hand (for cron-only
installations), or what it would do."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from comity.privacy.retention import Counts, plan, total
from comity.privacy.services.retention import apply_retention
from comity.structure.models import Community


class Command(BaseCommand):
    help = "Delete or anonymise the personal data past its retention period; --dry-run only says what it would do."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say what would be done, change nothing")
        parser.add_argument("--community", type=int, help="this community only (by id)")

    def _show(self, name: str, counts: Counts, verb: str) -> None:
        self.stdout.write(f"{name}: {total(counts)} record(s) {verb}")
        for label, actions in sorted(counts.items()):
            for action, number in sorted(actions.items()):
                self.stdout.write(f"  {label}: {action} {number}")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        communities = Community.objects.order_by("pk")
        if options["community"]:
            communities = communities.filter(pk=options["community"])
            if not communities.exists():
                raise CommandError(f"No community with id {options['community']}.")
        dry = options["dry_run"]
        verb = "would be ended" if dry else "ended"
        for community in communities:
            counts = plan(community, now) if dry else apply_retention(community, now).counts
            self._show(f"{community.name} ({community.pk})", counts, verb)
        if not options["community"]:
            counts = plan(None, now) if dry else apply_retention(None, now).counts
            self._show("records of no community", counts, verb)
