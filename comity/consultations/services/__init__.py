"""Writes to consultations. Each service: one transaction, a permission check first, clear refusals in the
user's language (``ValidationError`` keyed by form field, or ``PermissionDenied``) and an audit entry — except
votes, which stay out of the staff-readable audit log (see :func:`cast_vote`).
"""

from comity.consultations.services.common import mark_analysis_dirty
from comity.consultations.services.moderation import moderate
from comity.consultations.services.participation import add_statement, cast_vote
from comity.consultations.services.running import (
    create_consultation,
    create_decision_draft,
    publish_consultation,
    update_consultation,
)

__all__ = [
    "add_statement",
    "cast_vote",
    "create_consultation",
    "create_decision_draft",
    "mark_analysis_dirty",
    "moderate",
    "publish_consultation",
    "update_consultation",
]
