"""The retention job: what has passed its period deleted or anonymised, community by community (then the records of
no community), each run audited and written down for the committee's report (``privacy:retention``)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_noop

from comity.foundation.audit import record_audit
from comity.foundation.services import service
from comity.privacy.models import RetentionRun
from comity.privacy.retention import sweep
from comity.structure.models import Community


@service
def apply_retention(community: Community | None, now: datetime | None = None) -> RetentionRun:
    """Delete or anonymise the community's records past their period (``None``: the records that belong to no
    community — accounts, notifications about none), as the system. The run is recorded with its counts and one
    audit entry, also when nothing was due, so the report shows the job ran."""
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
    done[None] = apply_retention(None, now).total
    return done
