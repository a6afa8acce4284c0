"""Taking part (residents and owners): adding statements and voting on them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.consultations.models import Consultation, Moderation, Statement, Vote, VoteValue
from comity.consultations.permissions import require_participant
from comity.consultations.services.common import (
    _clean_statement_text,
    _existing_texts,
    _lock,
    _mark_analysis_dirty,
    _next_number,
    _require_open,
)
from comity.foundation.audit import record_audit
from comity.foundation.services import service


@service
def add_statement(actor: User, consultation: Consultation, text: str) -> Statement:
    """Add a resident's statement, numbered after the last one.

    With strict moderation it waits for review; otherwise it is accepted at once and may be taken down later.
    Refused, with nothing written: outside the open period, when the consultation takes no statements, and for
    an empty, too long or duplicate text.
    """
    require_participant(actor, consultation)
    locked = _lock(consultation)
    _require_open(locked, doing="statement")
    if not locked.allow_statements:
        raise ValidationError(
            _("This consultation does not take statements from residents; vote on the ones shown."),
            code="statements_not_allowed",
        )
    try:
        cleaned = _clean_statement_text(text, taken=_existing_texts(locked))
    except ValidationError as error:
        raise ValidationError({"text": error.error_list}) from error
    accepted = not locked.strict_moderation
    statement = Statement.objects.create(
        community_id=locked.community_id,
        consultation=locked,
        number=_next_number(locked),
        text=cleaned,
        author=actor,
        moderation=Moderation.ACCEPTED if accepted else Moderation.PENDING,
    )
    if accepted:
        _mark_analysis_dirty(locked)
    record_audit(
        actor=actor,
        action="consultation.statement_add",
        obj=statement,
        community=locked.community,
        summary=gettext_noop("Added statement #%(number)s to the consultation “%(title)s”"),
        params={"number": statement.number, "title": locked.title},
    )
    return statement


def _check_votable(statement: Statement) -> None:
    if statement.moderation == Moderation.PENDING:
        raise ValidationError(
            _("This statement is still waiting for review; it can be voted on once it is accepted."),
            code="statement_pending",
        )
    if statement.moderation == Moderation.REJECTED:
        raise ValidationError(
            _("This statement was taken down and can no longer be voted on."), code="statement_rejected"
        )


@service(
    audited=False,
    reason=(
        "a vote is the resident's own: the audit log is read by staff, and how a resident voted is theirs alone "
        "(one entry per vote would also bury the log's real acts); the vote row itself records who, what and when"
    ),
)
def cast_vote(actor: User, statement: Statement, value: int) -> Vote:
    """Record ``actor``'s vote on ``statement``: +1 agree, −1 disagree, 0 pass.

    A second vote on the same statement changes the first (``created_at`` stays); the unique constraint and
    ``update_or_create`` (which locks an existing row and retries a clashing insert) leave exactly one row when
    the same vote arrives twice at once. Votes are not written to the audit log: the log is read by staff, and
    how a resident voted is theirs alone.
    """
    statement = Statement.objects.select_related("consultation__community", "consultation__area").get(
        pk=statement.pk
    )
    consultation = statement.consultation
    require_participant(actor, consultation)
    if value not in VoteValue.values:
        raise ValidationError({"value": [_("Choose agree, disagree or pass.")]}, code="invalid_value")
    _require_open(consultation, doing="vote")
    _check_votable(statement)
    now = timezone.now()
    vote, _created = Vote.objects.update_or_create(
        statement=statement,
        participant=actor,
        defaults={"value": value, "updated_at": now},
        create_defaults={
            "value": value,
            "created_at": now,
            "updated_at": now,
            "consultation": consultation,
            "community_id": consultation.community_id,
        },
    )
    _mark_analysis_dirty(consultation)
    return vote
