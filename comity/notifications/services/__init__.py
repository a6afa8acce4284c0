"""Writing notifications. :func:`notify` is the one way the other apps tell users that something happened.

Notifying must never lose or block the caller's work (``docs/notifications.md``): nothing is written until the
caller's transaction commits, every error after that is logged rather than raised, and each external delivery
is sent by a Celery task (:mod:`comity.notifications.tasks`) that retries with exponential backoff.

None of these writes is audited: a notification tells users about an act its caller has already recorded, and
the rest is the deliveries' own bookkeeping and a user's own reading.
"""

from comity.notifications.services.deliveries import (
    MAX_ATTEMPTS,
    MAX_RETRIES,
    claim_failed_delivery,
    record_delivery_failed,
    record_delivery_sent,
)
from comity.notifications.services.notifying import CHANNELS, IN_APP, notify, queue_delivery
from comity.notifications.services.reading import mark_all_read, mark_read

__all__ = [
    "CHANNELS",
    "IN_APP",
    "MAX_ATTEMPTS",
    "MAX_RETRIES",
    "claim_failed_delivery",
    "mark_all_read",
    "mark_read",
    "notify",
    "queue_delivery",
    "record_delivery_failed",
    "record_delivery_sent",
]
