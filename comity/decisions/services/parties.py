"""The voices around a vote: objections (usually of affected owners) and the mediation record while the vote runs
and during the rule's objection period, and minority statements published with the result."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.decisions.checks import require_status
from comity.decisions.models import (
    Decision,
    DecisionStatus,
    Elector,
    Mediation,
    MinorityStatement,
    Objection,
    ObjectionStatus,
)
from comity.decisions.selectors import electors_for, may_object, may_write_minority, objection_deadline
from comity.decisions.services.common import MANAGE, _locked
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, require, service, when

TEXT_LIMIT = 2000


def _own_elector(actor: Actor, decision: Decision, elector_id: Any) -> Elector:
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


@service
def submit_objection(actor: Actor, decision: Decision, elector_id: Any, text: str) -> Objection:
    decision = _locked(decision)
    elector = _own_elector(actor, decision, elector_id)
    if not may_object(decision):
        deadline = objection_deadline(decision)
        if deadline is not None:
            raise ValidationError(
                _("The objection period ended on %(date)s.") % {"date": when(deadline)},
                code="objections_closed",
            )
        raise ValidationError(_("Objections are taken while voting is open."), code="objections_closed")
    objection = Objection.objects.create(
        community_id=decision.community_id,
        decision=decision,
        elector=elector,
        author_id=actor.pk,
        text=_text(text, "text"),
    )
    record_audit(
        actor=actor,
        action="decisions.objection",
        obj=decision,
        summary=gettext_noop("Objected to “%(title)s”"),
        params={"title": decision.title},
        community=decision.community,
    )
    return objection


@service
def record_mediation(
    actor: Actor,
    decision: Decision,
    *,
    objection_id: Any,
    held_on: date,
    attendees: str,
    record: str,
    outcome: str,
) -> Mediation:
    require(actor, MANAGE, decision)
    decision = _locked(decision)
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
        community_id=decision.community_id,
        decision=decision,
        objection=objection,
        held_on=held_on,
        attendees=attendees.strip(),
        record=_text(record, "record"),
        outcome=outcome,
        recorded_by_id=actor.pk,
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


@service
def withdraw_objection(actor: Actor, decision: Decision, objection_id: Any) -> None:
    objection = Objection.objects.filter(decision=decision, pk=objection_id, author_id=actor.pk).first()
    if objection is None:
        raise PermissionDenied
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("Only an open objection can be withdrawn."))
    objection.status = ObjectionStatus.WITHDRAWN
    objection.save(update_fields=["status"])
    record_audit(
        actor=actor,
        action="decisions.objection_withdrawn",
        obj=decision,
        summary=gettext_noop("Withdrew an objection to “%(title)s”"),
        params={"title": decision.title},
        community=decision.community,
    )


@service
def add_minority_statement(actor: Actor, decision: Decision, elector_id: Any, text: str) -> MinorityStatement:
    decision = _locked(decision)
    require_status(decision, DecisionStatus.CLOSED)
    allowed = {e.pk: e for e in may_write_minority(actor, decision)}
    try:
        elector = allowed[int(elector_id)]
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError(
            _("Only those who took part and were outvoted can add a minority statement, once.")
        ) from error
    statement = MinorityStatement.objects.create(
        community_id=decision.community_id,
        decision=decision,
        elector=elector,
        author_id=actor.pk,
        text=_text(text, "text"),
    )
    record_audit(
        actor=actor,
        action="decisions.minority_statement",
        obj=decision,
        summary=gettext_noop("Added a minority statement to the result of “%(title)s”"),
        params={"title": decision.title},
        community=decision.community,
    )
    return statement
