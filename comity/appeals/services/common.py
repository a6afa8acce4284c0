"""What the appeal services share: the engine's refusal codes as translated messages, applying an event as
whichever part a user plays, and finishing a step (the new status, the timeline entry, the audit entry and the
notifications)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comity.accounts.models import User
from comity.appeals.models import STATUS_LABELS, Appeal, DispatchEnd, DispatchRole
from comity.appeals.notifying import notify_step
from comity.appeals.permissions import parts_in
from comity.appeals.timeline import acting_subject, write_event
from comity.engine import appeals as engine
from comity.engine.appeals import Actor, AppealStatus, ErrorCode, Transition, TransitionError
from comity.foundation.audit import record_audit
from comity.foundation.services import lock, require

#: The engine's refusal codes in words. Codes about unknown values are programming errors, not user errors.
ERROR_MESSAGES: dict[str, Promise] = {
    ErrorCode.TERMINAL_STATUS: _("This appeal was withdrawn or merged; nothing more can be done with it."),
    ErrorCode.EVENT_NOT_ALLOWED: _("This cannot be done while the appeal is “%(status)s”."),
    ErrorCode.ACTOR_NOT_ALLOWED: _("You cannot do this while the appeal is “%(status)s”."),
    ErrorCode.MISSING_FACT: _("Some information is missing."),
    ErrorCode.INVALID_FACT: _("Some information is not valid."),
    ErrorCode.EMPTY_TEXT: _("This field cannot be empty."),
    ErrorCode.SAME_LEAD: _("The appeal is already dispatched to this subject."),
    ErrorCode.LEAD_AMONG_CO_HANDLERS: _("The lead subject cannot also be a co-handler."),
    ErrorCode.STREET_LEVEL_DECISION: _("A street-level subject is involved: the street office decides."),
    ErrorCode.NOT_CONTACTED: _("A return visit counts only when the requester was reached."),
    ErrorCode.INVALID_SATISFACTION: _("Choose how satisfied the requester is."),
    ErrorCode.INVALID_RESOLVED: _("Choose whether the matter was resolved."),
    ErrorCode.NOT_UNSATISFIED: _("Only an unsatisfied rating can reopen the appeal."),
    ErrorCode.REOPEN_WINDOW_CLOSED: _("The time to reopen this appeal has passed."),
    ErrorCode.MERGE_INTO_ITSELF: _("An appeal cannot be merged into itself."),
    ErrorCode.PRIMARY_NOT_OPEN: _("Appeals can only be merged into an appeal that is still being handled."),
}
#: The form field each engine fact comes from, so that a refusal can be shown next to it.
FACT_FIELDS = {
    "reason": "reason",
    "reply_text": "text",
    "satisfaction": "satisfaction",
    "resolved": "resolved",
}


def _refusal(error: TransitionError, status: str) -> ValidationError:
    if error.code not in ERROR_MESSAGES:
        raise error
    params = {"status": STATUS_LABELS.get(AppealStatus(status), status)}
    message = str(ERROR_MESSAGES[error.code]) % params
    field = FACT_FIELDS.get(str(error.params.get("fact", "")))
    if error.code in {ErrorCode.INVALID_SATISFACTION, ErrorCode.INVALID_RESOLVED}:
        field = "satisfaction" if error.code == ErrorCode.INVALID_SATISFACTION else "resolved"
    if field:
        return ValidationError({field: ValidationError(message, code=str(error.code))})
    return ValidationError(message, code=str(error.code))


def _apply_as_party(
    user: User, appeal: Appeal, event: engine.AppealEvent, /, **facts: object
) -> tuple[Actor, Transition]:
    """Apply ``event`` as the first part ``user`` plays that the engine accepts.

    When every part is refused, the most telling refusal wins: a failed requirement (an empty reason) says
    more than "not your part to play".
    """
    errors: list[TransitionError] = []
    for part in parts_in(user, appeal):
        try:
            return part, engine.apply_event(appeal.status, event, actor=part, **facts)
        except TransitionError as error:
            errors.append(error)
    if not errors:
        raise PermissionDenied
    best = next((e for e in errors if e.code != ErrorCode.ACTOR_NOT_ALLOWED), errors[0])
    raise _refusal(best, appeal.status)


def _act(
    actor: User, appeal: Appeal, event: engine.AppealEvent, /, **facts: object
) -> tuple[Appeal, Actor, Transition]:
    """Lock the appeal, check that the user takes part in it, and let the engine decide the event."""
    locked = lock(appeal, "community__street", "lead_subject")
    require(actor, "appeals.act_on_appeal", locked)
    part, transition = _apply_as_party(actor, locked, event, **facts)
    return locked, part, transition


def _finish(
    actor: User,
    appeal: Appeal,
    part: Actor,
    transition: Transition,
    *,
    at: datetime,
    summary: str,
    fields: tuple[str, ...] = (),
    note: str = "",
    data: dict[str, Any] | None = None,
    notify: dict[str, Any] | None = None,
) -> Appeal:
    """Store the new status, append the timeline entry and audit the event."""
    appeal.status = transition.to_status
    appeal.save(update_fields=["status", *fields])
    write_event(
        appeal,
        kind=transition.timeline_kind,
        actor=actor,
        from_status=transition.from_status,
        at=at,
        subject=acting_subject(actor, appeal, part),
        note=note,
        data=data,
    )
    record_audit(
        actor=actor,
        action=f"appeal.{transition.event.value}",
        obj=appeal,
        community=appeal.community,
        summary=summary,
        params={"number": appeal.number},
        changes={"status": [transition.from_status.value, transition.to_status.value]},
    )
    notify_step(appeal, transition.timeline_kind, **(notify or {}))
    return appeal


def _end_dispatches(
    appeal: Appeal, *, at: datetime, reason: DispatchEnd, role: DispatchRole | None = None
) -> None:
    rows = appeal.dispatches.filter(ended_at__isnull=True)
    if role is not None:
        rows = rows.filter(role=role)
    rows.update(ended_at=at, end_reason=reason)
