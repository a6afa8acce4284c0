"""Moderation (staff): accepting or taking down statements, with a reason the author reads."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.consultations.models import Moderation, Statement
from comity.consultations.services.common import MANAGE, _mark_analysis_dirty
from comity.foundation.audit import record_audit
from comity.foundation.services import lock, require, service


@service
def moderate(
    actor: User,
    statement: Statement,
    *,
    accept: bool,
    reason: str = "",
    is_meta: bool | None = None,
) -> Statement:
    """Accept a statement, or take it down with a reason shown to its author.

    A decision can be changed later. Votes on a statement taken down are kept but the opinion map leaves them
    out (Pol.is zeroes moderated-out comments rather than deleting them). ``is_meta`` marks a statement about
    the process itself: still shown for voting, left out of the map.
    """
    locked = lock(statement, "consultation__community__street")
    consultation = locked.consultation
    require(actor, MANAGE, consultation)
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError(
            {"reason": [_("Say why the statement is not accepted; its author will read it.")]},
            code="reason_missing",
        )
    before = (locked.moderation, locked.is_meta)
    locked.moderation = Moderation.ACCEPTED if accept else Moderation.REJECTED
    locked.moderation_reason = reason
    locked.moderated_by = actor
    locked.moderated_at = timezone.now()
    if is_meta is not None:
        locked.is_meta = is_meta
    locked.save(update_fields=["moderation", "moderation_reason", "moderated_by", "moderated_at", "is_meta"])
    if before != (locked.moderation, locked.is_meta):
        _mark_analysis_dirty(consultation)
    record_audit(
        actor=actor,
        action="consultation.moderate",
        obj=locked,
        community=consultation.community,
        summary=(
            gettext_noop("Accepted statement #%(number)s of the consultation “%(title)s”")
            if accept
            else gettext_noop("Took down statement #%(number)s of the consultation “%(title)s”")
        ),
        params={"number": locked.number, "title": consultation.title},
        changes={
            "before": before[0],
            "after": locked.moderation,
            "reason": reason,
            "is_meta": locked.is_meta,
        },
    )
    return locked
