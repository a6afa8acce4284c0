"""The lifecycle services after intake: sign for, start, reply, close, rate, reopen, withdraw, dispute, redispatch.

Each one locks the appeal, checks that the user takes part in it, lets the engine decide the event for the parts
the user plays, stores the new status and timestamps, appends one timeline entry and writes one audit entry.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.appeals.community_settings.selectors import appeal_settings
from comity.appeals.models import (
    Appeal,
    Dispatch,
    DispatchEnd,
    DispatchRole,
    Rating,
)
from comity.appeals.services.common import ERROR_MESSAGES, _act, _end_dispatches, _finish
from comity.appeals.timeline import open_dispatch
from comity.engine import appeals as engine
from comity.engine.appeals import Actor, AppealStatus, ErrorCode
from comity.foundation.services import lock, require, service
from comity.structure.models import (
    Community,
    GovernanceSubject,
)


@service
def sign_for(actor: User, appeal: Appeal) -> Appeal:
    """The lead's staff accept the dispatch (签收); from now on the lead answers for the appeal."""
    now = timezone.now()
    appeal, part, transition = _act(actor, appeal, engine.AppealEvent.SIGN_FOR)
    appeal.dispatches.filter(role=DispatchRole.LEAD, ended_at__isnull=True).update(
        signed_for_at=now, signed_for_by=actor
    )
    appeal.signed_for_at = now
    summary = gettext_noop("Signed for appeal %(number)s")
    return _finish(actor, appeal, part, transition, at=now, summary=summary, fields=("signed_for_at",))


@service
def start(actor: User, appeal: Appeal) -> Appeal:
    """The lead's staff start handling (办理)."""
    now = timezone.now()
    appeal, part, transition = _act(actor, appeal, engine.AppealEvent.START)
    return _finish(
        actor, appeal, part, transition, at=now, summary=gettext_noop("Started handling appeal %(number)s")
    )


@service
def reply(actor: User, appeal: Appeal, *, text: str) -> Appeal:
    """The lead answers the requester (回复); the reply is the timeline entry's note."""
    now = timezone.now()
    appeal, part, transition = _act(actor, appeal, engine.AppealEvent.REPLY, reply_text=text)
    appeal.replied_at = now
    summary = gettext_noop("Replied to appeal %(number)s")
    return _finish(
        actor, appeal, part, transition, at=now, summary=summary, fields=("replied_at",), note=text.strip()
    )


@service
def close(actor: User, appeal: Appeal) -> Appeal:
    """The committee or the street office accept the reply as the end of handling (办结)."""
    now = timezone.now()
    appeal, part, transition = _act(actor, appeal, engine.AppealEvent.CLOSE)
    appeal.closed_at = now
    _end_dispatches(appeal, at=now, reason=DispatchEnd.DONE)
    return _finish(
        actor,
        appeal,
        part,
        transition,
        at=now,
        summary=gettext_noop("Closed appeal %(number)s"),
        fields=("closed_at",),
    )


@service
def rate(
    actor: User,
    appeal: Appeal,
    *,
    contacted: bool,
    resolved: str,
    satisfaction: str,
    comment: str = "",
    method: str | None = None,
) -> Rating:
    """Record the requester's rating (评价); a later rating after a reopening replaces the earlier one."""
    now = timezone.now()
    appeal, part, transition = _act(
        actor, appeal, engine.AppealEvent.RATE, resolved=resolved, satisfaction=satisfaction
    )
    rating, _created = Rating.objects.update_or_create(
        appeal=appeal,
        defaults={
            "community_id": appeal.community_id,
            "method": method or ("self" if part == Actor.REQUESTER else "phone"),
            "collected_by": actor,
            "contacted": contacted,
            "resolved": resolved,
            "satisfaction": satisfaction,
            "comment": comment.strip(),
            "rated_at": now,
        },
    )
    data = {"resolved": resolved, "satisfaction": satisfaction, "contacted": contacted}
    summary = gettext_noop("Rated appeal %(number)s")
    _finish(actor, appeal, part, transition, at=now, summary=summary, note=comment.strip(), data=data)
    return rating


@service
def reopen(actor: User, appeal: Appeal, *, reason: str) -> Appeal:
    """Reopen (重办) a reply the requester rejects, or a handling rated unsatisfied, within the window."""
    now = timezone.now()
    locked = lock(appeal, "community__street", "lead_subject")
    rating = Rating.objects.filter(appeal=locked).first()
    since = rating.rated_at if locked.status == AppealStatus.RATED and rating else locked.replied_at
    window = timedelta(days=appeal_settings(locked.community).reopen_days)
    facts: dict[str, object] = {"reason": reason, "now": now, "reopen_until": (since or now) + window}
    if rating is not None:
        facts["satisfaction"] = rating.satisfaction
    appeal, part, transition = _act(actor, locked, engine.AppealEvent.REOPEN, **facts)
    appeal.closed_at = None
    if (
        appeal.lead_subject is not None
        and not appeal.dispatches.filter(role=DispatchRole.LEAD, ended_at__isnull=True).exists()
    ):
        lead = open_dispatch(appeal, appeal.lead_subject, role=DispatchRole.LEAD, at=now, by=actor)
        Dispatch.objects.filter(pk=lead.pk).update(signed_for_at=now)
    summary = gettext_noop("Reopened appeal %(number)s")
    return _finish(
        actor, appeal, part, transition, at=now, summary=summary, fields=("closed_at",), note=reason.strip()
    )


@service
def withdraw(actor: User, appeal: Appeal) -> Appeal:
    """The requester withdraws the appeal (撤回); every open dispatch ends."""
    now = timezone.now()
    appeal, part, transition = _act(actor, appeal, engine.AppealEvent.WITHDRAW)
    _end_dispatches(appeal, at=now, reason=DispatchEnd.WITHDRAWN)
    return _finish(
        actor, appeal, part, transition, at=now, summary=gettext_noop("Withdrew appeal %(number)s")
    )


@service
def dispute(actor: User, appeal: Appeal, *, reason: str) -> Appeal:
    """The lead's staff contest the dispatch before signing for it; the committee or street office decide."""
    now = timezone.now()
    appeal, part, transition = _act(actor, appeal, engine.AppealEvent.DISPUTE, reason=reason)
    summary = gettext_noop("Disputed the dispatch of appeal %(number)s")
    return _finish(actor, appeal, part, transition, at=now, summary=summary, note=reason.strip())


def _serves(subject: GovernanceSubject, community: Community) -> bool:
    return subject.is_active and (
        subject.community_id == community.pk
        or (subject.community_id is None and subject.street_id == community.street_id)
    )


@service
def redispatch(actor: User, appeal: Appeal, *, lead_subject: GovernanceSubject, reason: str) -> Appeal:
    """Dispatch the appeal to another lead (改派): after a dispute, or by the street office at any time.

    The committee decides only between community subjects; when a street-level subject is involved, the street
    office decides (data-model §2, ``Dispute``). The old lead dispatch ends and a new one opens; the due date
    stays the one counted from receipt.
    """
    now = timezone.now()
    locked = lock(appeal, "community__street", "lead_subject")
    errors: dict[str, list[str]] = {}
    if not _serves(lead_subject, locked.community):
        errors["lead_subject"] = [str(_("This subject does not serve the community."))]
    if not reason.strip():
        errors["reason"] = [str(ERROR_MESSAGES[ErrorCode.EMPTY_TEXT])]
    if errors:
        require(actor, "appeals.act_on_appeal", locked)
        raise ValidationError(errors)
    current = locked.lead_subject
    street_level = lead_subject.community_id is None or (current is not None and current.community_id is None)
    appeal, part, transition = _act(
        actor,
        locked,
        engine.AppealEvent.REDISPATCH,
        current_lead=current.pk if current else None,
        new_lead=lead_subject.pk,
        involves_street_level=street_level,
    )
    ended = (
        DispatchEnd.DISPUTE_UPHELD
        if transition.from_status == AppealStatus.DISPUTED
        else DispatchEnd.REDISPATCHED
    )
    _end_dispatches(appeal, at=now, reason=ended, role=DispatchRole.LEAD)
    appeal.dispatches.filter(subject=lead_subject, ended_at__isnull=True).update(
        ended_at=now, end_reason=DispatchEnd.REDISPATCHED
    )
    open_dispatch(appeal, lead_subject, role=DispatchRole.LEAD, at=now, by=actor)
    appeal.lead_subject = lead_subject
    appeal.signed_for_at = None
    data = {"from_lead": current.pk if current else None, "to_lead": lead_subject.pk}
    summary = gettext_noop("Dispatched appeal %(number)s to another subject")
    return _finish(
        actor,
        appeal,
        part,
        transition,
        at=now,
        summary=summary,
        fields=("lead_subject", "signed_for_at"),
        note=reason.strip(),
        data=data,
    )
