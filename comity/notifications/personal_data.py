"""The notifications app's personal information: what was sent to whom, and the development SMS outbox."""

from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

declare(
    Holding(
        "notifications.Notification",
        "account",
        subject=("recipient",),
        retention=Retention(365, "created_at", Ending.DELETE),
    ),
    Holding(
        "notifications.OutboxMessage",
        "contact",
        subject=("delivery__notification__recipient",),
        retention=Retention(90, "created_at", Ending.DELETE),
    ),
)
