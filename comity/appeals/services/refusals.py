"""The engine's refusal codes as translated messages, and applying an event as whichever part a user plays."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comity.appeals.models import (
    STATUS_LABELS,
    Appeal,
)
from comity.appeals.permissions import parts_in
from comity.engine import appeals as engine
from comity.engine.appeals import Actor, AppealStatus, ErrorCode, Transition, TransitionError

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


def require(actor: Any, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


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


def apply_as_party(
    user: Any, appeal: Appeal, event: engine.AppealEvent, /, **facts: object
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
