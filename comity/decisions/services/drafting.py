"""Drafting a decision: create and edit the draft with its options, declare the units it affects and the
cost-sharing plan the owners vote on — all before voting opens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.decisions.checks import add_months, require_status
from comity.decisions.computing import compute_plan
from comity.decisions.models import (
    AffectedUnit,
    BallotKind,
    CostPlan,
    Decision,
    DecisionOption,
    DecisionStatus,
    Impact,
)
from comity.decisions.register import units_in_scope
from comity.decisions.selectors import SCOPE_KINDS
from comity.decisions.services.common import MANAGE, _locked
from comity.decisions.services.inputs import CostPlanData, DecisionData
from comity.engine.decisions.rules import Electorate, get_rule
from comity.engine.money import FEN_PER_YUAN
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, require, service, when
from comity.structure.models import Community, Unit

FIELDS = (
    "title",
    "agenda",
    "rule_name",
    "area",
    "subject",
    "ballot_kind",
    "max_approvals",
    "secret",
    "opens_at",
    "closes_at",
    "retables",
)
#: Bounds of what staff may type: a written vote runs for weeks, rarely months (the rule allows one extension of
#: at most three months on top), and is scheduled within two years (a failed item waits a year before it is put
#: again); a ballot lists a handful of options.
MAX_VOTING_MONTHS = 6
MAX_MONTHS_AHEAD = 24
MAX_OPTIONS = 30
OPTION_MAX_LENGTH = 200
#: The largest cost a plan may share, in fen (CNY 1,000,000,000).
MAX_COST_FEN = 100_000_000_000


def _validate(community: Community, data: DecisionData, options: list[str]) -> None:
    errors: dict[str, list[str]] = {}
    rule = get_rule(data["rule_name"])
    area, subject = data.get("area"), data.get("subject")
    if area is not None and (area.community_id != community.pk or area.kind not in SCOPE_KINDS):
        errors.setdefault("area", []).append(
            _("Choose a courtyard, building or stairwell of this community.")
        )
    if rule.electorate == Electorate.MEMBERS:
        if subject is None:
            errors.setdefault("subject", []).append(_("Choose the body whose members vote on this motion."))
        elif subject.community_id != community.pk:
            errors.setdefault("subject", []).append(_("Choose a body of this community."))
    elif subject is not None:
        errors.setdefault("subject", []).append(
            _("Only a council or committee motion is voted by the members of a body; leave this empty.")
        )
    if data.get("secret") and rule.affected_consent is not None:
        errors.setdefault("secret", []).append(
            _(
                "The affected owners' consent is given by name under this rule, so the ballot cannot be secret."
            )
        )
    kind = data.get("ballot_kind", BallotKind.MOTION)
    if kind == BallotKind.MOTION:
        if options:
            errors.setdefault("options", []).append(_("A yes-or-no vote has no options; leave them empty."))
    else:
        if len(options) < 2:
            errors.setdefault("options", []).append(_("Give at least two options, one per line."))
        if len(set(options)) != len(options):
            errors.setdefault("options", []).append(_("Each option must be different."))
        if rule.affected_consent is not None:
            errors.setdefault("ballot_kind", []).append(
                _("This rule asks the affected owners to consent, which only a yes-or-no vote can record.")
            )
    max_approvals = data.get("max_approvals")
    if max_approvals is not None and (kind != BallotKind.APPROVAL or max_approvals > max(len(options), 1)):
        errors.setdefault("max_approvals", []).append(
            _("A limit applies only to an approval ballot, and to no more than its number of options.")
        )
    if len(options) > MAX_OPTIONS:
        errors.setdefault("options", []).append(_("Give at most %(n)s options.") % {"n": MAX_OPTIONS})
    if any(len(option) > OPTION_MAX_LENGTH for option in options):
        errors.setdefault("options", []).append(
            _("Each option may be at most %(n)s characters long.") % {"n": OPTION_MAX_LENGTH}
        )
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        errors.setdefault("closes_at", []).append(_("Voting must close after it opens."))
    elif opens_at and closes_at and closes_at > add_months(opens_at, MAX_VOTING_MONTHS):
        errors.setdefault("closes_at", []).append(
            _("Voting may last at most %(months)s months; close it by %(date)s.")
            % {"months": MAX_VOTING_MONTHS, "date": when(add_months(opens_at, MAX_VOTING_MONTHS))}
        )
    if opens_at and opens_at > add_months(timezone.now(), MAX_MONTHS_AHEAD):
        errors.setdefault("opens_at", []).append(
            _("Voting must open within %(months)s months from now.") % {"months": MAX_MONTHS_AHEAD}
        )
    retables = data.get("retables")
    if retables is not None:
        if (
            retables.community_id != community.pk
            or retables.status != DecisionStatus.CLOSED
            or retables.passed
        ):
            errors.setdefault("retables", []).append(
                _("Only a failed decision of this community can be put again.")
            )
        else:
            bar = get_rule(retables.rule_name).retable_bar_months
            allowed = add_months(retables.closed_at, bar) if retables.closed_at else None
            if allowed and opens_at and opens_at < allowed:
                errors.setdefault("retables", []).append(
                    _(
                        "A failed item may be put to the vote again only after %(months)s months, from %(date)s."
                    )
                    % {"months": bar, "date": when(allowed)}
                )
    if errors:
        raise ValidationError(errors)


def _save_options(decision: Decision, options: list[str]) -> None:
    DecisionOption.objects.filter(decision=decision).delete()
    DecisionOption.objects.bulk_create(
        DecisionOption(community_id=decision.community_id, decision=decision, position=i, label=label)
        for i, label in enumerate(options, start=1)
    )


@service
def create_decision(
    actor: Actor, community: Community, data: DecisionData, options: list[str] | None = None
) -> Decision:
    require(actor, MANAGE, community)
    options = options or []
    _validate(community, data, options)
    values: dict[str, Any] = {key: value for key, value in data.items() if key in FIELDS}
    decision = Decision(community=community, created_by_id=actor.pk, **values)
    decision.draft = data.get("draft")
    decision.full_clean(exclude=["agenda"] if not decision.agenda else None)
    decision.save()
    _save_options(decision, options)
    record_audit(
        actor=actor,
        action="decisions.create",
        obj=decision,
        summary=gettext_noop("Drafted the decision “%(title)s”"),
        params={"title": decision.title},
        community=community,
    )
    return decision


@service
def update_decision(
    actor: Actor, decision: Decision, data: DecisionData, options: list[str] | None = None
) -> Decision:
    require(actor, MANAGE, decision)
    decision = _locked(decision)
    require_status(decision, DecisionStatus.DRAFT)
    options = options or []
    _validate(decision.community, data, options)
    for key, value in data.items():
        if key in FIELDS:
            setattr(decision, key, value)
    decision.full_clean()
    decision.save()
    _save_options(decision, options)
    record_audit(
        actor=actor,
        action="decisions.update",
        obj=decision,
        summary=gettext_noop("Edited the draft decision “%(title)s”"),
        params={"title": decision.title},
        community=decision.community,
    )
    return decision


@service
def add_affected_unit(
    actor: Actor, decision: Decision, unit: Unit, impact: str, note: str = ""
) -> AffectedUnit:
    require(actor, MANAGE, decision)
    decision = _locked(decision)
    require_status(decision, DecisionStatus.DRAFT)
    if not units_in_scope(decision).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("Choose a unit of the building or stairwell that decides.")})
    if AffectedUnit.objects.filter(decision=decision, unit=unit).exists():
        raise ValidationError({"unit": _("This unit is already listed as affected.")})
    if impact not in Impact.values:
        raise ValidationError({"impact": _("Choose how the unit is affected.")})
    if len(note) > 255:
        raise ValidationError({"note": _("Keep the note under 255 characters.")})
    affected = AffectedUnit.objects.create(
        community_id=decision.community_id, decision=decision, unit=unit, impact=impact, note=note
    )
    record_audit(
        actor=actor,
        action="decisions.affected",
        obj=decision,
        summary=gettext_noop("Listed unit %(unit)s as affected by “%(title)s”"),
        params={"unit": unit, "title": decision.title},
        community=decision.community,
    )
    return affected


@service
def remove_affected_unit(actor: Actor, decision: Decision, affected_id: int) -> None:
    require(actor, MANAGE, decision)
    decision = _locked(decision)
    require_status(decision, DecisionStatus.DRAFT)
    affected = AffectedUnit.objects.filter(decision=decision, pk=affected_id).select_related("unit").first()
    if affected is None:
        raise ValidationError(_("This unit is not listed as affected."))
    unit = affected.unit
    affected.delete()
    record_audit(
        actor=actor,
        action="decisions.affected",
        obj=decision,
        summary=gettext_noop("Removed unit %(unit)s from the units affected by “%(title)s”"),
        params={"unit": unit, "title": decision.title},
        community=decision.community,
    )


@service
def set_cost_plan(actor: Actor, decision: Decision, data: CostPlanData) -> CostPlan:
    """Attach (or replace) the cost-sharing plan the owners vote on; only before voting opens."""
    require(actor, MANAGE, decision)
    decision = _locked(decision)
    require_status(decision, DecisionStatus.DRAFT)
    amounts = {"total_fen": data.get("total_fen"), "subsidy_cap_fen": data.get("subsidy_cap_fen")}
    too_much = [name for name, fen in amounts.items() if fen is not None and int(fen) > MAX_COST_FEN]
    if too_much:
        raise ValidationError(
            {
                name: [_("At most CNY %(max)s.") % {"max": f"{MAX_COST_FEN // FEN_PER_YUAN:,}"}]
                for name in too_much
            }
        )
    plan = CostPlan.objects.filter(decision=decision).first() or CostPlan(
        community_id=decision.community_id, decision=decision
    )
    for key, value in data.items():
        setattr(plan, key, value)
    plan.plan = compute_plan(decision, plan)
    plan.full_clean(exclude=["decision", "community"])
    plan.save()
    record_audit(
        actor=actor,
        action="decisions.cost_plan",
        obj=decision,
        summary=gettext_noop("Set the cost-sharing plan of “%(title)s”"),
        params={"title": decision.title},
        community=decision.community,
    )
    return plan
