"""The retention job: what has passed its period deleted or anonymised, community by community, each run audited
and written down for the committee's report (``privacy:retention``)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_noop

from comity.foundation.audit import record_audit
from comity.foundation.services import service
from comity.privacy.models import RetentionRun
from comity.privacy.retention import Counts, sweep, total
from comity.structure.models import Community


@service
def apply_retention(community: Community, now: datetime | None = None) -> RetentionRun:
    """Delete or anonymise the community's records past their period, as the system; the run is recorded (also
    when nothing was due, so the report shows the job ran) with one audit entry and its counts."""
    now = now or timezone.now()
    counts = sweep(community, now)
    run = RetentionRun.objects.create(community=community, ran_at=now, counts=counts)
    record_audit(
        actor=None,
        action="privacy.retention_run",
        obj=run,
        summary=gettext_noop("Retention job: %(total)s records past their period deleted or anonymised"),
        params={"total": run.total},
        community=community,
    )
    return run


@service
def apply_retention_unscoped(now: datetime | None = None) -> Counts:
    """The same for the records that belong to no community (accounts, notifications about none); audited without
    a community."""
    counts = sweep(None, now or timezone.now())
    record_audit(
        actor=None,
        action="privacy.retention_run",
        summary=gettext_noop("Retention job: %(total)s records past their period deleted or anonymised"),
        params={"total": total(counts)},
    )
    return counts


@service(
    audited=False,
    atomic=False,
    reason="the daily sweep: each community is swept by apply_retention, its own audited service and transaction",
)
def apply_retention_everywhere(now: datetime | None = None) -> dict[int | None, int]:
    """Run the retention job over every community, then over the records of none; how many records each ended
    (key None: those of no community)."""
    now = now or timezone.now()
    done: dict[int | None, int] = {}
    for community in Community.objects.order_by("pk"):
        done[community.pk] = apply_retention(community, now).total
    done[None] = total(apply_retention_unscoped(now))
    return done
