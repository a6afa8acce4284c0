"""Queueing work: a row written in the caller's transaction, handed to the broker once that commits."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction

from comity.foundation.services import service
from comity.jobs.models import Job
from comity.jobs.services.common import NotPublished
from comity.jobs.services.publishing import publish
from comity.structure.models import Community

logger = logging.getLogger("comity.jobs")


@service(
    audited=False, reason="queues background work for a change its caller audits, in the caller's transaction"
)
def enqueue(
    task: Any,
    *args: Any,
    community: Community | int,
    dedupe_key: str = "",
    after_commit: bool = True,
    **kwargs: Any,
) -> Job:
    """Write the job row for ``task(*args, **kwargs)`` in the current transaction; publish it after the commit.

    ``task`` is a Celery task (the module that queues it imports it, so it is registered in this process) or its
    name; ``args`` and ``kwargs`` must survive JSON. ``community`` is the community whose change needs the work.
    Work queued again under the same ``dedupe_key`` (per community) before the first row was published is that
    row: a change that asks twice gets one job. With ``after_commit=False`` the caller publishes the row itself
    (:func:`~comity.jobs.services.publish`), once its own writes are committed, and learns whether that worked.

    A rolled-back transaction takes the row with it, and nothing is published. Publishing never raises into the
    caller's request: a broker that is down leaves the row for the sweep (``comity.jobs.publish_pending``).
    """
    name = task if isinstance(task, str) else task.name
    community_id = community if isinstance(community, int) else community.pk
    job = _existing(community_id, dedupe_key) if dedupe_key else None
    if job is None:
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    community_id=community_id,
                    task=name,
                    args=list(args),
                    kwargs=kwargs,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            # Another transaction queued the same work first and has committed: that row is this job.
            job = _existing(community_id, dedupe_key)
            if job is None:
                raise
    if after_commit:
        transaction.on_commit(partial(_publish_quietly, job.pk))
    return job


@service(
    audited=False, reason="queues background work for a change its caller audits, in the caller's transaction"
)
def enqueue_each(
    task: Any,
    calls: list[list[Any]],
    *,
    community: Community | int,
    dedupe_keys: list[str] | None = None,
) -> list[Job]:
    """Write one job row per argument list in ``calls`` at once (a notification's deliveries), for the caller to
    publish with :func:`~comity.jobs.services.publish_many` once its writes are committed.

    The rows are inserted together. If a dedupe key is already queued (unpublished), each call goes through
    :func:`enqueue` instead, which merges it into the waiting row.
    """
    name = task if isinstance(task, str) else task.name
    community_id = community if isinstance(community, int) else community.pk
    keys = dedupe_keys if dedupe_keys is not None else [""] * len(calls)
    if len(keys) != len(calls):
        raise ValueError("one dedupe key per call")
    try:
        with transaction.atomic():
            return Job.objects.bulk_create(
                [
                    Job(community_id=community_id, task=name, args=list(args), kwargs={}, dedupe_key=key)
                    for args, key in zip(calls, keys, strict=True)
                ]
            )
    except IntegrityError:
        return [
            enqueue(task, *args, community=community_id, dedupe_key=key, after_commit=False)
            for args, key in zip(calls, keys, strict=True)
        ]


def _existing(community_id: int, dedupe_key: str) -> Job | None:
    return Job.objects.filter(
        community_id=community_id, dedupe_key=dedupe_key, published_at__isnull=True
    ).first()


def _publish_quietly(job_id: int) -> None:
    """The after-commit half of :func:`enqueue`: nothing may reach the request that committed."""
    try:
        publish(job_id)
    except NotPublished as exc:
        logger.warning("job %s left for the sweep: %s", job_id, exc)
    except Exception:
        logger.exception("job %s left for the sweep", job_id)
