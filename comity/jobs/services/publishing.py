"""Publishing jobs: one row after its commit, and the sweep of every row the broker missed.

A row is locked while it is published (``SELECT … FOR UPDATE SKIP LOCKED``), so the after-commit publish and two
sweeps never hand the same row to the broker twice; a row some other process is publishing is skipped, not
waited for. If the process dies after the broker took the message but before the row was marked, the row is
published again: every task queued through the outbox is idempotent (``docs/jobs.md``).
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from comity.foundation.services import service
from comity.jobs.models import Job
from comity.jobs.services.common import (
    NotPublished,
    _broker_recently_down,
    _describe,
    _eager,
    _reset_breaker,
    _task,
    _trip_breaker,
)

logger = logging.getLogger("comity.jobs")

#: The sweep publishes this many rows per transaction, and at most this many batches per run.
BATCH_SIZE = 100
MAX_BATCHES = 50
#: Published rows are kept this long (for the admin and for counting), then pruned by beat.
KEEP_PUBLISHED = timedelta(days=7)


def _send(job: Job) -> None:
    """Hand one job to Celery: inline when it runs eagerly (the task runs now), else to the broker, once."""
    task = _task(job.task)
    if _eager():
        task.delay(*job.args, **job.kwargs)
    else:
        # No publish retries and a bounded connect (CELERY_BROKER_TRANSPORT_OPTIONS): a request never waits.
        task.apply_async(args=job.args, kwargs=job.kwargs, retry=False)


@service(audited=False, atomic=False, reason="hands a queued job to the broker: the outbox's own bookkeeping")
def publish(job_id: int) -> None:
    """Publish one job now (called after the commit that wrote it); :class:`NotPublished` if it stays for the sweep.

    A job already published, or being published by another process, is left alone (no error). When the broker
    failed moments ago (the circuit breaker, ``COMITY_JOBS_BREAKER_SECONDS``) the broker is not even tried.
    """
    if _eager():
        _publish_inline(job_id)
        return
    if _broker_recently_down():
        raise NotPublished("the broker was unreachable moments ago; the sweep will publish the job")
    failure: Exception | None = None
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, published_at__isnull=True)
            .first()
        )
        if job is None:
            return
        try:
            _send(job)
        except Exception as exc:
            failure = exc
            Job.objects.filter(pk=job_id).update(attempts=F("attempts") + 1, last_error=_describe(exc))
        else:
            Job.objects.filter(pk=job_id).update(
                attempts=F("attempts") + 1, published_at=timezone.now(), last_error=""
            )
    if failure is not None:
        _trip_breaker()
        raise NotPublished(_describe(failure)) from failure


def _publish_inline(job_id: int) -> None:
    """Eager mode: the task runs here and now; the row is published once it has run."""
    job = Job.objects.filter(pk=job_id, published_at__isnull=True).first()
    if job is None:
        return
    try:
        _send(job)
    except Exception as exc:
        Job.objects.filter(pk=job_id).update(attempts=F("attempts") + 1, last_error=_describe(exc))
        raise NotPublished(_describe(exc)) from exc
    Job.objects.filter(pk=job_id, published_at__isnull=True).update(
        attempts=F("attempts") + 1, published_at=timezone.now(), last_error=""
    )


@service(audited=False, atomic=False, reason="hands queued jobs to the broker: the outbox's own bookkeeping")
def publish_many(job_ids: list[int]) -> dict[int, str]:
    """Publish several jobs now, in one transaction (a notification's deliveries); the errors of those that stay.

    Returns ``{job_id: error}`` for the jobs left for the sweep (empty when all went out). As :func:`publish`, it
    never raises for the broker: a broker failure (or the circuit breaker) leaves that job and the ones after it.
    Run eagerly, a failing task is recorded and the others still run.
    """
    if not job_ids:
        return {}
    eager = _eager()
    if not eager and _broker_recently_down():
        message = "NotPublished: the broker was unreachable moments ago; the sweep will publish the job"
        return dict.fromkeys(job_ids, message)
    errors: dict[int, str] = {}
    broker_failure: Exception | None = None
    with transaction.atomic():
        rows = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(pk__in=job_ids, published_at__isnull=True)
            .order_by("created_at", "id")
        )
        done: list[int] = []
        for job in rows:
            if broker_failure is not None:
                errors[job.pk] = _describe(broker_failure)
                continue
            try:
                # Run eagerly, the task's own writes get a savepoint: its failure spoils no other row.
                with transaction.atomic() if eager else nullcontext():
                    _send(job)
            except Exception as exc:
                errors[job.pk] = _describe(exc)
                Job.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1, last_error=errors[job.pk])
                if not eager:
                    broker_failure = exc
            else:
                done.append(job.pk)
        if done:
            Job.objects.filter(pk__in=done).update(
                attempts=F("attempts") + 1, published_at=timezone.now(), last_error=""
            )
    if broker_failure is not None:
        _trip_breaker()
    return errors


@service(audited=False, atomic=False, reason="publishes what the broker missed: the outbox's own bookkeeping")
def publish_pending(*, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES) -> int:
    """Publish unpublished jobs, oldest first, in batches; return how many were published.

    Each batch is one transaction holding its rows' locks (``SKIP LOCKED``: rows another sweep or a request is
    publishing are left to it). A broker failure ends the run, and the row keeps its error for the next one;
    run eagerly (no broker), a failing task is recorded and the sweep goes on with the next row.
    """
    published = 0
    eager = _eager()
    for _batch in range(max_batches):
        failure: Exception | None = None
        with transaction.atomic():
            rows = list(
                Job.objects.select_for_update(skip_locked=True)
                .filter(published_at__isnull=True)
                .order_by("created_at", "id")[:batch_size]
            )
            done: list[int] = []
            for job in rows:
                try:
                    with transaction.atomic() if eager else nullcontext():
                        _send(job)
                except Exception as exc:
                    Job.objects.filter(pk=job.pk).update(
                        attempts=F("attempts") + 1, last_error=_describe(exc)
                    )
                    logger.warning("could not publish job %s (%s): %s", job.pk, job.task, exc)
                    if not eager:
                        failure = exc
                        break
                else:
                    done.append(job.pk)
            if done:
                Job.objects.filter(pk__in=done).update(
                    attempts=F("attempts") + 1, published_at=timezone.now(), last_error=""
                )
        published += len(done)
        if failure is not None:
            _trip_breaker()
            break
        if done and not eager:
            _reset_breaker()  # the broker is back: requests may publish again at once
        if len(rows) < batch_size:
            break
    return published


@service(audited=False, reason="deletes the outbox's own published rows after a week")
def prune_published(*, older_than: timedelta = KEEP_PUBLISHED) -> int:
    """Delete published jobs older than ``older_than``; return how many."""
    deleted, _by_model = Job.objects.filter(published_at__lt=timezone.now() - older_than).delete()
    return deleted
