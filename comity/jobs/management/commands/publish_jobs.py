"""``comity manage publish_jobs``: publish queued jobs the broker missed (the cron twin of the beat sweep)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from comity.jobs import services


class Command(BaseCommand):
    help = "Publish queued background jobs that the broker has not taken yet, oldest first."

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.publish_pending()
        self.stdout.write(f"published={count}")
