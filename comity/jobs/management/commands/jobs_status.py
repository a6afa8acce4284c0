"""``comity manage jobs_status``: the outbox's backlog and the workers' heartbeat, one line for a script."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from comity.jobs.heartbeat import last_heartbeat
from comity.jobs.selectors import backlog


class Command(BaseCommand):
    help = (
        "Print how many queued jobs wait for the broker, the age of the oldest, and the age of the workers' "
        "heartbeat; with --check, exit 1 if any job is unpublished."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Exit with status 1 if any job is unpublished."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        state = backlog()
        beat = last_heartbeat()
        heartbeat = f"{int(time.time() - beat)} s" if beat is not None else "-"
        self.stdout.write(f"{state} heartbeat_age={heartbeat}")
        if options["check"] and state.unpublished:
            raise SystemExit(1)
