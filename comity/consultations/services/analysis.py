"""The opinion map's bookkeeping: marking it out of date so that the background job computes it again."""

from __future__ import annotations

from comity.consultations.models import Consultation
from comity.consultations.services.common import _mark_analysis_dirty
from comity.foundation.services import service


@service(
    audited=False,
    reason=(
        "bookkeeping of the opinion map (a dirty flag and a queued recomputation); the vote, statement, "
        "moderation or edit that made the map stale is the act, and its own service audits it"
    ),
)
def mark_analysis_dirty(consultation: Consultation) -> None:
    """Ask the background job to compute the consultation's opinion map again (queued once the caller commits)."""
    _mark_analysis_dirty(consultation)
