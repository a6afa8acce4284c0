"""The rest of the closed loop: return visits, notes, disputes rejected, duplicates merged, bulk dispatch, and
supervision (督办) — the warnings before a deadline and the escalation after it, run as scheduled checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.appeals.following.followers import carry_over
from comity.appeals.models import Appeal, DispatchEnd
from comity.appeals.notifying import notify_step
from comity.appeals.services.common import _act, _end_dispatches, _finish
from comity.appeals.services.lifecycle import redispatch
from comity.appeals.timeline import write_event
from comity.engine import appeals as engine
from comity.engine.appeals import Actor
from comity.foundation.audit import record_audit
from comity.foundation.services import lock, require, service
from comity.structure.models import GovernanceSubject


@service
def note(actor: User, appeal: Appeal, *, text: str) -> Appeal:
    """An internal note on the timeline, seen by staff taking part and never by the requester."""
    now = timezone.now()
    appeal, part, transition = _act(actor, appeal, engine.AppealEvent.NOTE, text=text)
    return _finish(
        actor,
        appeal,
        part,
        transition,
        at=now,
        summary=gettext_noop("Added a note to appeal %(number)s"),
        note=text.strip(),
    )


@service
def visit(actor: User, appeal: Appeal, *, contacted: bool, note: str = "") -> Appeal:
    """A return visit (回访) by the committee or the street office.

    Only a visit that reached the requester moves the appeal on; an attempt that did not is kept on the
    timeline as a note, so the next attempt can be planned.
    """
    now = timezone.now()
    if not contacted:
        text = note.strip() or str(_("Return visit attempted; the requester could not be reached."))
        appeal, part, transition = _act(actor, appeal, engine.AppealEvent.NOTE, text=text)
        return _finish(
            actor,
            appeal,
            part,
            transition,
            at=now,
            summary=gettext_noop("Tried a return visit for appeal %(number)s"),
            note=text,
            data={"visit": "not_reached"},
        )
    appeal, part, transition = _act(actor, appeal, engine.AppealEvent.VISIT, contacted=True)
    return _finish(
        actor,
        appeal,
        part,
        transition,
        at=now,
        summary=gettext_noop("Made a return visit for appeal %(number)s"),
        note=note.strip(),
        data={"visit": "reached"},
    )


@service
def reject_dispute(actor: User, appeal: Appeal, *, reason: str) -> Appeal:
    """The committee or street office keep the dispatch: the lead must sign for it after all."""
    now = timezone.now()
    locked = lock(appeal, "community__street", "lead_subject")
    current = locked.lead_subject
    street_level = current is not None and current.community_id is None
    appeal, part, transition = _act(
        actor, locked, engine.AppealEvent.REJECT_DISPUTE, reason=reason, involves_street_level=street_level
    )
    return _finish(
        actor,
        appeal,
        part,
        transition,
        at=now,
        summary=gettext_noop("Rejected the dispute about appeal %(number)s"),
        note=reason.strip(),
    )


@service
def merge(actor: User, duplicate: Appeal, *, into: Appeal, reason: str = "") -> Appeal:
    """Merge a duplicate into another open appeal of the community; its requester follows that appeal.

    The duplicate's dispatches end, it leaves every rate (``merged``) and its timeline points at the primary;
    the primary's timeline records the merge as a note by the same person.
    """
    now = timezone.now()
    if into.community_id != duplicate.community_id:
        require(actor, "appeals.act_on_appeal", duplicate)
        raise ValidationError({"into": [str(_("Choose an appeal of the same community."))]})
    list(
        Appeal.objects.select_for_update()
        .filter(pk__in=[duplicate.pk, into.pk])
        .order_by("pk")
        .values_list("pk")
    )
    primary = lock(into, "community__street", "lead_subject")
    appeal, part, transition = _act(
        actor,
        duplicate,
        engine.AppealEvent.MERGE,
        appeal=duplicate.pk,
        primary=primary.pk,
        primary_status=primary.status,
    )
    appeal.merged_into = primary
    _end_dispatches(appeal, at=now, reason=DispatchEnd.REDISPATCHED)
    _finish(
        actor,
        appeal,
        part,
        transition,
        at=now,
        summary=gettext_noop("Merged appeal %(number)s into another appeal"),
        fields=("merged_into",),
        note=reason.strip(),
        data={"into": primary.pk, "into_number": primary.number},
        notify={"into": primary.number},
    )
    carry_over(appeal, primary)
    text = str(_("Appeal %(number)s was merged into this one.")) % {"number": appeal.number}
    note_transition = engine.apply_event(primary.status, engine.AppealEvent.NOTE, actor=part, text=text)
    write_event(
        primary,
        kind=note_transition.timeline_kind,
        actor=actor,
        from_status=primary.status,
        at=now,
        note=text,
        data={"merged": appeal.pk, "merged_number": appeal.number},
    )
    return appeal


@service
def bulk_redispatch(
    actor: User, appeals: list[Appeal], *, lead_subject: GovernanceSubject, reason: str
) -> list[Appeal]:
    """Dispatch several appeals to one lead at once: all of them, or none when any is refused.

    A refusal names the appeal it is about, so the user can take it out of the selection and try again.
    """
    done: list[Appeal] = []
    for appeal in sorted(appeals, key=lambda a: a.pk):
        try:
            done.append(redispatch(actor, appeal, lead_subject=lead_subject, reason=reason))
        except ValidationError as error:
            messages = [f"{appeal.number}: {message}" for message in error.messages]
            raise ValidationError(messages) from error
    return done


def _system_event(appeal: Appeal, event: engine.AppealEvent, *, at: datetime, data: dict[str, Any]) -> bool:
    """A scheduled step on a locked appeal; ``False`` when the engine no longer allows it (status moved on)."""
    try:
        transition = engine.apply_event(appeal.status, event, actor=Actor.SYSTEM)
    except engine.TransitionError:
        return False
    write_event(
        appeal, kind=transition.timeline_kind, actor=None, from_status=appeal.status, at=at, data=data
    )
    return True


@service(
    audited=False,
    reason="a scheduled warning to the handlers before the deadline, kept on the appeal's timeline; "
    "nothing about the appeal is decided or changes hands",
)
def remind_before_deadline(appeal: Appeal, *, now: datetime) -> Appeal | None:
    """Warn the handlers of an appeal near its deadline, once: the appeal warned, or ``None`` when it needs no
    warning (any more)."""
    appeal = lock(appeal, "community__street", "lead_subject")
    if appeal.reminded_at is not None or appeal.due_at is None or appeal.due_at <= now:
        return None
    data: dict[str, Any] = {"due_at": appeal.due_at.isoformat()}
    if not _system_event(appeal, engine.AppealEvent.REMIND, at=now, data=data):
        return None
    appeal.reminded_at = now
    appeal.save(update_fields=["reminded_at"])
    notify_step(appeal, "reminded")
    return appeal


@service
def escalate_overdue(appeal: Appeal, *, now: datetime) -> Appeal | None:
    """Escalate an appeal past its deadline to the street office, once: the appeal escalated, or ``None`` when it
    was already (or its status moved on)."""
    appeal = lock(appeal, "community__street", "lead_subject")
    if appeal.escalated_at is not None:
        return None
    data = {"due_at": appeal.due_at.isoformat() if appeal.due_at else None}
    if not _system_event(appeal, engine.AppealEvent.ESCALATE, at=now, data=data):
        return None
    appeal.escalated_at = now
    appeal.save(update_fields=["escalated_at"])
    record_audit(
        actor=None,
        action="appeal.escalate",
        obj=appeal,
        community=appeal.community,
        summary=gettext_noop("Appeal %(number)s is past its deadline and was escalated to the street office"),
        params={"number": appeal.number},
    )
    notify_step(appeal, "escalated")
    return appeal
