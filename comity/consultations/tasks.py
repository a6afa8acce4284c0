"""Background jobs of consultations: one opinion map on demand, and a sweep of out-of-date ones under Celery beat.

The services queue a recomputation through the outbox (:func:`comity.jobs.services.enqueue`, in the vote's own
transaction; published once it commits); the jobs call the engine adapter
(:mod:`comity.consultations.computing`), which knows nothing of Celery.

A recomputation is idempotent: published twice, or redelivered after a worker was killed, it computes the map
once. It runs alone per consultation (:func:`comity.jobs.locks.run_alone`: a second run at the same time skips)
and only while the map is out of date (dirty, never computed, or a computation that started after the last
request never finished).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db.models import F, Q

from comity.consultations.computing import compute_analysis
from comity.consultations.models import Analysis
from comity.jobs.locks import run_alone

logger = logging.getLogger("comity.consultations")

#: Longer than any computation takes; only the cache lock of SQLite (one process) relies on it.
LEASE_SECONDS = 600

#: A map is out of date when a change marked it dirty, when it was never computed, or when the computation that
#: cleared the flag died before it wrote the map (a killed worker: the map is older than the last request).
OUT_OF_DATE = Q(dirty=True) | Q(computed_at__isnull=True) | Q(computed_at__lt=F("requested_at"))


def _out_of_date(consultation_id: int) -> bool:
    row = Analysis.objects.filter(consultation_id=consultation_id).only("pk").first()
    return row is None or Analysis.objects.filter(OUT_OF_DATE, pk=row.pk).exists()


def recompute_if_out_of_date(consultation_id: int) -> bool:
    """Compute one consultation's map unless it is up to date or being computed; whether it was computed."""
    with run_alone(f"consultations.analysis:{consultation_id}", lease_seconds=LEASE_SECONDS) as alone:
        if not alone or not _out_of_date(consultation_id):
            return False
        return compute_analysis(consultation_id) is not None


@shared_task(name="comity.consultations.recompute_analysis")
def recompute_analysis(consultation_id: int) -> bool:
    return recompute_if_out_of_date(consultation_id)


@shared_task(name="comity.consultations.recompute_dirty_analyses")
def recompute_dirty_analyses() -> int:
    """Every map still out of date, oldest request first (every minute under beat); how many were computed."""
    ids = list(
        Analysis.objects.filter(OUT_OF_DATE)
        .order_by(F("requested_at").asc(nulls_first=True), "pk")
        .values_list("consultation_id", flat=True)
    )
    return sum(1 for consultation_id in ids if recompute_if_out_of_date(consultation_id))
