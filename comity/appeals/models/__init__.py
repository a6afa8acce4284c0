"""Appeals (诉求): a resident's request, its dispatch to a lead subject, its timeline and its rating.

The lifecycle itself is the engine's state machine (:mod:`comity.engine.appeals`); these models store where an
appeal stands, who was dispatched and what happened, and the services (:mod:`comity.appeals.services`) are the
only writers. The design is ``docs/data-model.md`` §2. Disputes and merges are timeline events (with the appeal's
``merged_into``) rather than rows of their own; a community's calendar, reopen window and rate weights are one
``AppealSettings`` row.

The tables by module: the appeal and its timeline (:mod:`.appeal`), its handling (:mod:`.handling`), a
community's settings (:mod:`.configuration`) and the neighbours who follow it (:mod:`.following`). All belong to
the app label ``appeals``.
"""

from comity.appeals.models.appeal import (
    EVENT_CHOICES,
    EVENT_LABELS,
    RECEIVED,
    STATUS_CHOICES,
    STATUS_LABELS,
    Appeal,
    AppealEvent,
    AppealKind,
    Channel,
    Clock,
    Urgency,
    default_weekdays,
)
from comity.appeals.models.configuration import (
    AppealSettings,
    ReplyTemplate,
    TimeLimitPolicy,
)
from comity.appeals.models.following import (
    AppealFollower,
    AppealMeToo,
)
from comity.appeals.models.handling import (
    Attachment,
    Dispatch,
    DispatchEnd,
    DispatchRole,
    Rating,
    RatingMethod,
    Resolved,
    Satisfaction,
    attachment_path,
)

__all__ = [
    "EVENT_CHOICES",
    "EVENT_LABELS",
    "RECEIVED",
    "STATUS_CHOICES",
    "STATUS_LABELS",
    "Appeal",
    "AppealEvent",
    "AppealFollower",
    "AppealKind",
    "AppealMeToo",
    "AppealSettings",
    "Attachment",
    "Channel",
    "Clock",
    "Dispatch",
    "DispatchEnd",
    "DispatchRole",
    "Rating",
    "RatingMethod",
    "ReplyTemplate",
    "Resolved",
    "Satisfaction",
    "TimeLimitPolicy",
    "Urgency",
    "attachment_path",
    "default_weekdays",
]
