"""The voices around a vote: objections (usually of affected owners) and the mediation record while the vote runs
and during the rule's objection period, and minority statements published with the result."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.decisions.counting import rule_of
from comity.decisions.models import (
    Decision,
    DecisionStatus,
    Mediation,
    MinorityStatement,
    Objection,
    ObjectionStatus,
)
from comity.decisions.services.common import MANAGE, locked, require, require_status, when
from comity.decisions.services.voting import electors_for
from comity.foundation.audit import record_audit

TEXT_LIMIT = 2000


def objection_deadline(decision: Decision) -> Any:
    """Objections are taken while the vote runs and for the rule's objection period after it closes."""
    if decision.status != DecisionStatus.CLOSED or decision.closed_at is None:
        return None
    return decision.closed_at + timedelta(days=rule_of(decision).objection_days)


def may_object(decision: Decision) -> bool:
    if decision.status == DecisionStatus.OPEN:
        return True
    deadline = objection_deadline(decision)
    return deadline is not None and timezone.now() < deadline


def _own_elector(actor: Any, decision: Decision, elector_id: Any) -> Any:
    own = {e.elector.pk: e.elector for e in electors_for(actor, decision) if not e.proxy}
    try:
        return own[int(elector_id)]
    except (KeyError, TypeError, ValueError) as error:
        raise PermissionDenied from error


def _text(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: [_("Write what you want to say.")]})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({field: [_("Keep it under %(n)s characters.") % {"n": TEXT_LIMIT}]})
    return text


@transaction.atomic
def submit_objection(actor: Any, decision: Decision, elector_id: Any, text: str) -> Objection:
    decision = locked(decision)
    elector = _own_elector(actor, decision, elector_id)
    if not may_object(decision):
        deadline = objection_deadline(decision)
        if deadline is not None:
            raise ValidationError(
                _("The objection period ended on %(date)s.") % {"date": when(deadline)},
                code="objections_closed",
            )
        raise ValidationError(_("Objections are taken while voting is open."), code="objections_closed")
    return Objection.objects.create(
        decision=decision, elector=elector, author=actor, text=_text(text, "text")
    )


@transaction.atomic
def record_mediation(
    actor: Any,
    decision: Decision,
    *,
    objection_id: Any,
    held_on: date,
    attendees: str,
    record: str,
    outcome: str,
) -> Mediation:
    require(actor, MANAGE, decision)
    decision = locked(decision)
    require_status(decision, DecisionStatus.OPEN, DecisionStatus.CLOSED)
    errors: dict[str, list[str]] = {}
    objection = None
    if objection_id not in (None, ""):
        objection = Objection.objects.filter(decision=decision, pk=objection_id).first()
        if objection is None:
            errors["objection"] = [_("Choose an objection to this decision.")]
    if held_on > timezone.localdate():
        errors["held_on"] = [_("A mediation cannot be recorded before it is held.")]
    elif held_on < timezone.localdate(decision.opens_at) - timedelta(days=366):
        errors["held_on"] = [
            _("A mediation about this decision is held at most a year before voting opened.")
        ]
    if not attendees.strip():
        errors["attendees"] = [_("Say who took part.")]
    if errors:
        raise ValidationError(errors)
    mediation = Mediation.objects.create(
        decision=decision,
        objection=objection,
        held_on=held_on,
        attendees=attendees.strip(),
        record=_text(record, "record"),
        outcome=outcome,
        recorded_by=actor,
    )
    if objection is not None and outcome != "continuing":
        objection.status = ObjectionStatus.MEDIATED if outcome == "agreed" else ObjectionStatus.MAINTAINED
        objection.save(update_fields=["status"])
    record_audit(
        actor=actor,
        action="decisions.mediation",
        obj=decision,
        summary=gettext_noop("Recorded a mediation about “%(title)s”"),
        params={"title": decision.title},
        community=decision.community,
    )
    return mediation


@transaction.atomic
def withdraw_objection(actor: Any, decision: Decision, objection_id: Any) -> None:
    objection = Objection.objects.filter(decision=decision, pk=objection_id, author=actor).first()
    if objection is None:
        raise PermissionDenied
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("Only an open objection can be withdrawn."))
    objection.status = ObjectionStatus.WITHDRAWN
    objection.save(update_fields=["status"])


def may_write_minority(actor: Any, decision: Decision) -> list[Any]:
    """Electors of ``actor`` who may still add a minority statement to a published result: those who took part
    and were outvoted — in an open ballot of a motion, who did not vote yes when it passed, or voted yes when it
    failed (a secret ballot or a choice among options: anyone who took part)."""
    if decision.status != DecisionStatus.CLOSED:
        return []
    written = set(MinorityStatement.objects.filter(decision=decision).values_list("elector_id", flat=True))
    out = []
    for eligibility in electors_for(actor, decision):
        elector = eligibility.elector
        if eligibility.proxy or elector.pk in written:
            continue
        participation = elector.participations.filter(counted=True).select_related("ballot").first()
        if participation is None:
            continue
        ballot = getattr(participation, "ballot", None)
        if ballot is not None and ballot.choice and (ballot.choice == "yes") == bool(decision.passed):
            continue  # on the winning side
        out.append(elector)
    return out


@transaction.atomic
def add_minority_statement(actor: Any, decision: Decision, elector_id: Any, text: str) -> MinorityStatement:
    decision = locked(decision)
    require_status(decision, DecisionStatus.CLOSED)
    allowed = {e.pk: e for e in may_write_minority(actor, decision)}
    try:
        elector = allowed[int(elector_id)]
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError(
            _("Only those who took part and were outvoted can add a minority statement, once.")
        ) from error
    return MinorityStatement.objects.create(
        decision=decision, elector=elector, author=actor, text=_text(text, "text")
    )
