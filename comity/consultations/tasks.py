"""Background jobs of consultations: one opinion map on demand, and a sweep of dirty ones under Celery beat."""

from __future__ import annotations

from celery import shared_task

from comity.consultations.computing import compute_analysis, compute_dirty_analyses


@shared_task(name="comity.consultations.recompute_analysis")
def recompute_analysis(consultation_id: int) -> bool:
    return compute_analysis(consultation_id) is not None


@shared_task(name="comity.consultations.recompute_dirty_analyses")
def recompute_dirty_analyses() -> int:
    return compute_dirty_analyses()
