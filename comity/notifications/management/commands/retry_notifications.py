from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import ngettext

from comity.notifications.services import MAX_ATTEMPTS
from comity.notifications.tasks import requeue_failed_deliveries


class Command(BaseCommand):
    help = "Queue failed notification deliveries again (those with fewer attempts than --max-attempts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=MAX_ATTEMPTS,
            help=f"Leave deliveries alone once they have had this many attempts (default {MAX_ATTEMPTS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = requeue_failed_deliveries(max_attempts=options["max_attempts"])
        self.stdout.write(
            ngettext("Re-queued %(count)d failed delivery.", "Re-queued %(count)d failed deliveries.", count)
            % {"count": count}
        )
