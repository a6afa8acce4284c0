"""Writes to consultations. Each service: one transaction (``@service``), a permission check first, clear refusals
in the user's language (``ValidationError`` keyed by form field, or ``PermissionDenied``) and an audit entry —
except votes, which stay out of the staff-readable audit log (see :func:`cast_vote`), and the opinion map's dirty
flag (:func:`mark_analysis_dirty`), bookkeeping of the acts that are audited.
"""

from comity.consultations.services.analysis import mark_analysis_dirty
from comity.consultations.services.imports import ImportDetails, create_imported_consultation
from comity.consultations.services.moderation import moderate
from comity.consultations.services.participation import add_statement, cast_vote
from comity.consultations.services.running import (
    create_consultation,
    create_decision_draft,
    publish_consultation,
    update_consultation,
)

__all__ = [
    "ImportDetails",
    "add_statement",
    "cast_vote",
    "create_consultation",
    "create_decision_draft",
    "create_imported_consultation",
    "mark_analysis_dirty",
    "moderate",
    "publish_consultation",
    "update_consultation",
]
