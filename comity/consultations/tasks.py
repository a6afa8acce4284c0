"""Background jobs of consultations: one opinion map on demand, and a sweep of dirty ones under Celery beat.

The services queue a recomputation with :func:`schedule_analysis` once their transaction commits; the jobs call
the engine adapter (:mod:`comity.consultations.computing`), which knows nothing of Celery.
"""

from __future__ import annotations

import logging

from celery import shared_task

from comity.consultations.computing import compute_analysis, compute_dirty_analyses

logger = logging.getLogger("comity.consultations")


@shared_task(name="comity.consultations.recompute_analysis")
def recompute_analysis(consultation_id: int) -> bool:
    return compute_analysis(consultation_id) is not None


@shared_task(name="comity.consultations.recompute_dirty_analyses")
def recompute_dirty_analyses() -> int:
    return compute_dirty_analyses()


def schedule_analysis(consultation_id: int) -> None:
    """Queue a recomputation (called after commit); inline when Celery runs eagerly."""
    try:
        recompute_analysis.delay(consultation_id)
    except Exception:  # a broker outage must not fail the vote; beat's sweep catches up
        logger.exception("could not queue the opinion map of consultation %s", consultation_id)
