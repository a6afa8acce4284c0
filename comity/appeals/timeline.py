"""The timeline and the dispatch rows: the two things every appeal service appends to.

Callers hold the appeal row locked (``select_for_update``), so the next ``seq`` cannot collide.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from comity.accounts.models import User
from comity.appeals.models import Appeal, AppealEvent, Dispatch, DispatchRole
from comity.engine.appeals import Actor
from comity.structure.models import GovernanceSubject, Responsibility, SubjectKind
from comity.structure.scope import scope_for


def acting_subject(user: User, appeal: Appeal, part: Actor) -> GovernanceSubject | None:
    """The subject the user acts for in this part (none for the requester)."""
    acting = scope_for(user).acting_subject_ids
    subjects = GovernanceSubject.objects.filter(pk__in=acting)
    if part == Actor.HANDLER:
        return appeal.lead_subject
    if part == Actor.CO_HANDLER:
        return subjects.filter(dispatches__appeal=appeal, dispatches__ended_at__isnull=True).first()
    if part == Actor.FIRST_RECEIVER:
        return subjects.filter(community=appeal.community_id, kind=SubjectKind.RESIDENTS_COMMITTEE).first()
    if part == Actor.SUPERVISOR:
        return subjects.filter(community__isnull=True, street=appeal.community.street_id).first()
    return None


def write_event(
    appeal: Appeal,
    *,
    kind: str,
    actor: User | None,
    from_status: str,
    at: datetime,
    subject: GovernanceSubject | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> AppealEvent:
    """Append one entry to the timeline. The caller holds the appeal row locked, so ``seq`` cannot collide."""
    last = appeal.events.order_by("-seq").values_list("seq", flat=True).first() or 0
    return AppealEvent.objects.create(
        community_id=appeal.community_id,
        appeal=appeal,
        seq=last + 1,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        acting_subject=subject,
        from_status=from_status,
        to_status=appeal.status,
        note=note,
        data=data or {},
        at=at,
    )


def open_dispatch(
    appeal: Appeal,
    subject: GovernanceSubject,
    *,
    role: DispatchRole,
    at: datetime,
    by: User | None = None,
    responsibility: Responsibility | None = None,
) -> Dispatch:
    return Dispatch.objects.create(
        community_id=appeal.community_id,
        appeal=appeal,
        subject=subject,
        role=role,
        responsibility=responsibility,
        dispatched_by=by,
        dispatched_at=at,
        due_at=appeal.due_at,
    )
