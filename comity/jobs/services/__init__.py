"""Background work through a transactional outbox (``docs/jobs.md``).

:func:`enqueue` writes a job row in the caller's transaction and publishes it to Celery once that commits;
:func:`publish_pending` (beat, every 30 seconds) publishes what the broker missed. None of these writes is
audited: a job row is the queue's own bookkeeping for a change its caller has recorded.
"""

from comity.jobs.services.common import NotPublished
from comity.jobs.services.publishing import (
    BATCH_SIZE,
    KEEP_PUBLISHED,
    prune_published,
    publish,
    publish_many,
    publish_pending,
)
from comity.jobs.services.queueing import enqueue, enqueue_each

__all__ = [
    "BATCH_SIZE",
    "KEEP_PUBLISHED",
    "NotPublished",
    "enqueue",
    "enqueue_each",
    "prune_published",
    "publish",
    "publish_many",
    "publish_pending",
]
