"""``comity manage verify_ballot_logs [--decision ID]``: recompute every decision's hash-chained ballot log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.decisions.closing import verify_decision_log
from comity.decisions.models import Decision


class Command(BaseCommand):
    help = "Check the hash chain of every decision's ballot log (or of one decision); exits 1 when one is broken."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--decision", type=int, help="check this decision only (by id)")

    def handle(self, *args: Any, **options: Any) -> None:
        decisions = Decision.objects.exclude(log_length=0).order_by("pk")
        if options["decision"]:
            decisions = decisions.filter(pk=options["decision"])
            if not decisions.exists():
                raise CommandError(f"No decision with id {options['decision']} has a ballot log.")
        broken = 0
        for decision in decisions:
            result = verify_decision_log(decision)
            if result.ok:
                self.stdout.write(f"decision {decision.pk}: OK, {result.checked} entries")
            else:
                broken += 1
                self.stdout.write(
                    f"decision {decision.pk}: BROKEN at entry #{result.first_bad}: {result.reason}"
                )
        if broken:
            raise CommandError(f"{broken} ballot log(s) are broken.")
