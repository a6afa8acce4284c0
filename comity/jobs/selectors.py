"""Reads of the outbox, for the health checks, the status command and the admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from comity.jobs.models import Job


def unpublished() -> QuerySet[Job]:
    """Jobs not yet handed to the broker, oldest first (the sweep's order)."""
    return Job.objects.filter(published_at__isnull=True).order_by("created_at", "id")


def oldest_unpublished_at() -> datetime | None:
    return unpublished().values_list("created_at", flat=True).first()


@dataclass(frozen=True)
class Backlog:
    unpublished: int
    oldest_age: timedelta | None
    published_last_hour: int

    def __str__(self) -> str:
        age = f"{int(self.oldest_age.total_seconds())} s" if self.oldest_age is not None else "-"
        return (
            f"unpublished={self.unpublished} oldest_unpublished_age={age} "
            f"published_last_hour={self.published_last_hour}"
        )


def backlog() -> Backlog:
    """How many jobs wait for the broker, how long the oldest has waited, and how many went out in the last hour."""
    now = timezone.now()
    oldest = oldest_unpublished_at()
    return Backlog(
        unpublished=unpublished().count(),
        oldest_age=(now - oldest) if oldest is not None else None,
        published_last_hour=Job.objects.filter(published_at__gte=now - timedelta(hours=1)).count(),
    )
