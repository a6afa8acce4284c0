"""Running a vote: open it (freezing the register), extend it once within the rule's limit, close it (sealing
secret ballots into the log and freezing the result), cancel it, and write the minutes."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.decisions import notifying
from comity.decisions.checks import add_months, require_status
from comity.decisions.computing import count, passed_of, rule_of
from comity.decisions.models import AffectedUnit, Ballot, Decision, DecisionStatus, Elector, Participation
from comity.decisions.register import build_register
from comity.decisions.services.common import MANAGE, _append_log, _locked, _new_pseudonyms
from comity.engine.decisions.ballot_log import canonical
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, require, service, when


class Opened(TypedDict):
    """What opening a vote tells staff: the register's size, units with no owner on record (owners' decisions)
    and adults whose year of birth is unknown, counted in (residents' meetings)."""

    electors: int
    unowned: int
    age_unknown: int


def _register_digest(electors: list[Elector]) -> str:
    """A hash of the frozen register, written into the log's first entry so the register cannot change unseen."""
    rows = [[e.key, str(e.area), e.affected, e.units] for e in electors]
    return hashlib.sha256(canonical({"register": rows})).hexdigest()


@service
def open_voting(actor: Actor, decision: Decision) -> Opened:
    """Freeze the register from the registry and open the decision for ballots from ``opens_at``."""
    require(actor, MANAGE, decision)
    decision = _locked(decision)
    require_status(decision, DecisionStatus.DRAFT)
    if decision.closes_at <= timezone.now():
        raise ValidationError(_("The closing time has passed; set a later one before opening the vote."))
    register = build_register(decision)
    if not register.entries:
        raise ValidationError(_("Nobody could vote on this decision: the register for it is empty."))
    affected_units = set(AffectedUnit.objects.filter(decision=decision).values_list("unit_id", flat=True))
    pseudonyms = _new_pseudonyms(len(register.entries))
    electors = [
        Elector(
            community_id=decision.community_id,
            decision=decision,
            key=entry.key,
            pseudonym=pseudonym,
            label=entry.label,
            units=", ".join(entry.units),
            building=entry.building,
            area=entry.area,
            affected=bool(affected_units & set(entry.unit_ids)),
            developer=entry.developer,
        )
        for entry, pseudonym in zip(register.entries, pseudonyms, strict=True)
    ]
    Elector.objects.bulk_create(electors)
    saved = {e.key: e for e in Elector.objects.filter(decision=decision)}
    through = Elector.persons.through
    through.objects.bulk_create(
        through(elector_id=saved[entry.key].pk, person_id=person_id)
        for entry in register.entries
        for person_id in entry.person_ids
    )
    rule = rule_of(decision)
    decision.status = DecisionStatus.OPEN
    decision.rule_version = rule.version
    decision.opened_at = timezone.now()
    decision.planned_closes_at = decision.closes_at
    decision.save(update_fields=["status", "rule_version", "opened_at", "planned_closes_at"])
    _append_log(
        decision,
        {
            "type": "opened",
            "rule": rule.name,
            "version": rule.version,
            "ballot": decision.ballot_kind,
            "secret": decision.secret,
            "electors": len(electors),
            "register": _register_digest(list(saved.values())),
            "opens_at": decision.opens_at.isoformat(),
            "closes_at": decision.closes_at.isoformat(),
        },
    )
    notifying.voting_opened(decision)
    record_audit(
        actor=actor,
        action="decisions.open",
        obj=decision,
        summary=gettext_noop("Opened voting on “%(title)s” for %(n)s electors"),
        params={"title": decision.title, "n": len(electors)},
        community=decision.community,
    )
    return Opened(electors=len(electors), unowned=register.unowned, age_unknown=register.age_unknown)


@service
def extend_voting(actor: Actor, decision: Decision, closes_at: datetime) -> Decision:
    require(actor, MANAGE, decision)
    decision = _locked(decision)
    require_status(decision, DecisionStatus.OPEN)
    rule = rule_of(decision)
    planned = decision.planned_closes_at or decision.closes_at
    limit = add_months(planned, rule.max_extension_months)
    if decision.planned_closes_at and decision.closes_at != decision.planned_closes_at:
        raise ValidationError(
            {"closes_at": [_("Voting has already been extended once; it cannot be extended again.")]}
        )
    if closes_at <= decision.closes_at:
        raise ValidationError({"closes_at": [_("An extension must end after the current closing time.")]})
    if closes_at > limit:
        raise ValidationError(
            {
                "closes_at": [
                    _("Voting may be extended by at most %(months)s months, until %(date)s.")
                    % {"months": rule.max_extension_months, "date": when(limit)}
                ]
            }
        )
    previous = decision.closes_at
    decision.closes_at = closes_at
    decision.save(update_fields=["closes_at"])
    _append_log(decision, {"type": "extended", "from": previous.isoformat(), "to": closes_at.isoformat()})
    record_audit(
        actor=actor,
        action="decisions.extend",
        obj=decision,
        summary=gettext_noop("Extended voting on “%(title)s” to %(date)s"),
        params={"title": decision.title, "date": when(closes_at)},
        community=decision.community,
    )
    return decision


@service
def close_now(decision: Decision, actor: Actor | None = None) -> Decision:
    """Close a decision whose voting time is over (the caller holds its lock and checked permission)."""
    require_status(decision, DecisionStatus.OPEN)
    if timezone.now() < decision.closes_at:
        raise ValidationError(
            _("Voting runs until %(date)s; it can be closed only then.") % {"date": when(decision.closes_at)}
        )
    waiting = Participation.objects.filter(decision=decision, counted=False).count()
    if waiting:
        raise ValidationError(
            _("%(n)s paper ballots still wait for their second check; check them before closing.")
            % {"n": waiting}
        )
    if decision.secret:
        for ballot in Ballot.objects.filter(decision=decision, counted=True).order_by("receipt_hash"):
            entry = _append_log(
                decision,
                {
                    "type": "sealed-ballot",
                    "choice": ballot.choice,
                    "selection": ballot.selection,
                    "area": str(ballot.area),
                    "receipt": ballot.receipt_hash,
                },
            )
            Ballot.objects.filter(pk=ballot.pk).update(log_sequence=entry.sequence)
    decision.status = DecisionStatus.CLOSED
    result = count(decision)
    decision.result = result
    decision.passed = passed_of(result)
    decision.closed_at = timezone.now()
    decision.save(update_fields=["status", "result", "passed", "closed_at"])
    _append_log(decision, {"type": "closed", "passed": decision.passed, "ballots": result["ballots"]})
    notifying.result_published(decision)
    record_audit(
        actor=actor,
        action="decisions.close",
        obj=decision,
        summary=gettext_noop("Closed voting on “%(title)s” and published the result"),
        params={"title": decision.title},
        community=decision.community,
    )
    return decision


@service
def close_decision(actor: Actor, decision: Decision) -> Decision:
    require(actor, MANAGE, decision)
    return close_now(_locked(decision), actor)


@service
def cancel_decision(actor: Actor, decision: Decision, reason: str) -> Decision:
    require(actor, MANAGE, decision)
    decision = _locked(decision)
    require_status(decision, DecisionStatus.DRAFT, DecisionStatus.OPEN)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the decision is cancelled.")]})
    was_open = decision.status == DecisionStatus.OPEN
    decision.status = DecisionStatus.CANCELLED
    decision.minutes = reason.strip()
    decision.save(update_fields=["status", "minutes"])
    if was_open:
        _append_log(decision, {"type": "cancelled"})
    record_audit(
        actor=actor,
        action="decisions.cancel",
        obj=decision,
        summary=gettext_noop("Cancelled the decision “%(title)s”"),
        params={"title": decision.title},
        community=decision.community,
    )
    return decision


@service
def save_minutes(actor: Actor, decision: Decision, minutes: str) -> Decision:
    require(actor, MANAGE, decision)
    decision = _locked(decision)
    require_status(decision, DecisionStatus.CLOSED)
    decision.minutes = minutes.strip()
    decision.save(update_fields=["minutes"])
    record_audit(
        actor=actor,
        action="decisions.minutes",
        obj=decision,
        summary=gettext_noop("Wrote the minutes of “%(title)s”"),
        params={"title": decision.title},
        community=decision.community,
    )
    return decision
