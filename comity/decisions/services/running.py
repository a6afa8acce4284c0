"""Running a decision: create and edit the draft, declare affected units and the cost plan, open voting (freezing
the register), extend it once within the rule's limit, close it (sealing secret ballots into the log and freezing
the result), cancel it, write the minutes, record proxies."""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.decisions import notifying
from comity.decisions.counting import count, passed_of, rule_of
from comity.decisions.models import (
    AffectedUnit,
    Ballot,
    BallotKind,
    CostPlan,
    Decision,
    DecisionOption,
    DecisionStatus,
    Elector,
    Impact,
    Participation,
    ProxyAuthorization,
)
from comity.decisions.register import build_register, units_in_scope
from comity.decisions.services.common import (
    MANAGE,
    append_log,
    locked,
    new_pseudonyms,
    require,
    require_status,
    when,
)
from comity.engine.decisions.ballot_log import canonical
from comity.engine.decisions.costs import CostError, ShareUnit, Subsidy, split_costs
from comity.engine.decisions.rules import Electorate, get_rule
from comity.foundation.audit import record_audit
from comity.structure.models import Area, AreaKind, Community, GovernanceSubject, Person, SubjectKind

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
#: A written authorization signed more than a year before voting opened is not for this vote.
PROXY_MAX_AGE_DAYS = 366
#: The largest cost a plan may share, in fen (CNY 1,000,000,000).
MAX_COST_FEN = 100_000_000_000
#: Places a decision may be scoped to: where owners and residents are.
SCOPE_KINDS = (AreaKind.ZONE, AreaKind.BUILDING, AreaKind.STAIRWELL)


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _validate(community: Community, data: dict[str, Any], options: list[str]) -> None:
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
        DecisionOption(decision=decision, position=i, label=label) for i, label in enumerate(options, start=1)
    )


@transaction.atomic
def create_decision(
    actor: Any, community: Community, data: dict[str, Any], options: list[str] | None = None
) -> Decision:
    require(actor, MANAGE, community)
    options = options or []
    _validate(community, data, options)
    decision = Decision(
        community=community, created_by=actor, **{k: data.get(k) for k in FIELDS if k in data}
    )
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


@transaction.atomic
def update_decision(
    actor: Any, decision: Decision, data: dict[str, Any], options: list[str] | None = None
) -> Decision:
    require(actor, MANAGE, decision)
    decision = locked(decision)
    require_status(decision, DecisionStatus.DRAFT)
    options = options or []
    _validate(decision.community, data, options)
    for key in FIELDS:
        if key in data:
            setattr(decision, key, data[key])
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


@transaction.atomic
def add_affected_unit(actor: Any, decision: Decision, unit: Any, impact: str, note: str = "") -> AffectedUnit:
    require(actor, MANAGE, decision)
    decision = locked(decision)
    require_status(decision, DecisionStatus.DRAFT)
    if not units_in_scope(decision).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("Choose a unit of the building or stairwell that decides.")})
    if AffectedUnit.objects.filter(decision=decision, unit=unit).exists():
        raise ValidationError({"unit": _("This unit is already listed as affected.")})
    if impact not in Impact.values:
        raise ValidationError({"impact": _("Choose how the unit is affected.")})
    if len(note) > 255:
        raise ValidationError({"note": _("Keep the note under 255 characters.")})
    affected = AffectedUnit.objects.create(decision=decision, unit=unit, impact=impact, note=note)
    record_audit(
        actor=actor,
        action="decisions.affected",
        obj=decision,
        summary=gettext_noop("Listed unit %(unit)s as affected by “%(title)s”"),
        params={"unit": unit, "title": decision.title},
        community=decision.community,
    )
    return affected


@transaction.atomic
def remove_affected_unit(actor: Any, decision: Decision, affected_id: int) -> None:
    require(actor, MANAGE, decision)
    decision = locked(decision)
    require_status(decision, DecisionStatus.DRAFT)
    deleted, _rows = AffectedUnit.objects.filter(decision=decision, pk=affected_id).delete()
    if not deleted:
        raise ValidationError(_("This unit is not listed as affected."))


def _floor_values(raw: dict[str, Any], *, percent: bool) -> dict[int, Fraction]:
    values = {}
    for floor, value in raw.items():
        number = Fraction(Decimal(str(value)))
        values[int(floor)] = number / 100 if percent else number
    return values


def compute_plan(decision: Decision, plan: CostPlan) -> dict[str, Any]:
    units = list(units_in_scope(decision))
    if not units:
        raise ValidationError(_("There are no units to share the cost among."))
    share_units = [ShareUnit(unit=str(u), floor=u.floor, area=Fraction(u.exclusive_area)) for u in units]
    subsidy = None
    if plan.subsidy_percent:
        subsidy = Subsidy(Fraction(Decimal(plan.subsidy_percent)) / 100, plan.subsidy_cap_fen)
    try:
        result = split_costs(
            plan.total_fen,
            share_units,
            method=plan.method,
            coefficients=_floor_values(plan.floor_values, percent=False)
            if plan.method == "floor-coefficient" and plan.floor_values
            else None,
            floor_table=_floor_values(plan.floor_values, percent=True)
            if plan.method == "floor-table"
            else None,
            subsidy=subsidy,
            compensation_fen={int(k): int(v) for k, v in plan.compensation.items()},
        )
    except CostError as error:
        raise ValidationError(
            _("The cost cannot be shared this way: %(reason)s") % {"reason": error}
        ) from error
    data = result.to_dict()
    unit_ids = {str(u): u.pk for u in units}
    for share in data["shares"]:
        share["unit_id"] = unit_ids[share["unit"]]
    return data


@transaction.atomic
def set_cost_plan(actor: Any, decision: Decision, data: dict[str, Any]) -> CostPlan:
    """Attach (or replace) the cost-sharing plan the owners vote on; only before voting opens."""
    require(actor, MANAGE, decision)
    decision = locked(decision)
    require_status(decision, DecisionStatus.DRAFT)
    too_much = [
        name
        for name in ("total_fen", "subsidy_cap_fen")
        if data.get(name) is not None and int(data[name]) > MAX_COST_FEN
    ]
    if too_much:
        raise ValidationError(
            {name: [_("At most CNY %(max)s.") % {"max": f"{MAX_COST_FEN // 100:,}"}] for name in too_much}
        )
    plan = CostPlan.objects.filter(decision=decision).first() or CostPlan(decision=decision)
    for key in ("total_fen", "method", "subsidy_percent", "subsidy_cap_fen", "floor_values", "compensation"):
        if key in data:
            setattr(plan, key, data[key])
    plan.plan = compute_plan(decision, plan)
    plan.full_clean(exclude=["decision"])
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


def register_digest(electors: list[Elector]) -> str:
    """A hash of the frozen register, written into the log's first entry so the register cannot change unseen."""
    rows = [[e.key, str(e.area), e.affected, e.units] for e in electors]
    return hashlib.sha256(canonical({"register": rows})).hexdigest()


@transaction.atomic
def open_voting(actor: Any, decision: Decision) -> dict[str, int]:
    """Freeze the register from the registry and open the decision for ballots from ``opens_at``."""
    require(actor, MANAGE, decision)
    decision = locked(decision)
    require_status(decision, DecisionStatus.DRAFT)
    if decision.closes_at <= timezone.now():
        raise ValidationError(_("The closing time has passed; set a later one before opening the vote."))
    register = build_register(decision)
    if not register.entries:
        raise ValidationError(_("Nobody could vote on this decision: the register for it is empty."))
    affected_units = set(AffectedUnit.objects.filter(decision=decision).values_list("unit_id", flat=True))
    pseudonyms = new_pseudonyms(len(register.entries))
    electors = [
        Elector(
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
    append_log(
        decision,
        {
            "type": "opened",
            "rule": rule.name,
            "version": rule.version,
            "ballot": decision.ballot_kind,
            "secret": decision.secret,
            "electors": len(electors),
            "register": register_digest(list(saved.values())),
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
    return {"electors": len(electors), "unowned": register.unowned, "age_unknown": register.age_unknown}


@transaction.atomic
def extend_voting(actor: Any, decision: Decision, closes_at: datetime) -> Decision:
    require(actor, MANAGE, decision)
    decision = locked(decision)
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
    append_log(decision, {"type": "extended", "from": previous.isoformat(), "to": closes_at.isoformat()})
    record_audit(
        actor=actor,
        action="decisions.extend",
        obj=decision,
        summary=gettext_noop("Extended voting on “%(title)s” to %(date)s"),
        params={"title": decision.title, "date": when(closes_at)},
        community=decision.community,
    )
    return decision


def close_now(decision: Decision, actor: Any = None) -> Decision:
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
            entry = append_log(
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
    append_log(decision, {"type": "closed", "passed": decision.passed, "ballots": result["ballots"]})
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


@transaction.atomic
def close_decision(actor: Any, decision: Decision) -> Decision:
    require(actor, MANAGE, decision)
    return close_now(locked(decision), actor)


@transaction.atomic
def cancel_decision(actor: Any, decision: Decision, reason: str) -> Decision:
    require(actor, MANAGE, decision)
    decision = locked(decision)
    require_status(decision, DecisionStatus.DRAFT, DecisionStatus.OPEN)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the decision is cancelled.")]})
    was_open = decision.status == DecisionStatus.OPEN
    decision.status = DecisionStatus.CANCELLED
    decision.minutes = reason.strip()
    decision.save(update_fields=["status", "minutes"])
    if was_open:
        append_log(decision, {"type": "cancelled"})
    record_audit(
        actor=actor,
        action="decisions.cancel",
        obj=decision,
        summary=gettext_noop("Cancelled the decision “%(title)s”"),
        params={"title": decision.title},
        community=decision.community,
    )
    return decision


@transaction.atomic
def save_minutes(actor: Any, decision: Decision, minutes: str) -> Decision:
    require(actor, MANAGE, decision)
    decision = locked(decision)
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


@transaction.atomic
def record_proxy(
    actor: Any, decision: Decision, elector: Elector, proxy: Person, document: str, signed_on: date
) -> ProxyAuthorization:
    """Record an owner's written authorization for ``proxy`` to vote for them (before they have voted)."""
    require(actor, MANAGE, decision)
    decision = locked(decision)
    require_status(decision, DecisionStatus.OPEN)
    errors: dict[str, list[str]] = {}
    if elector.decision_id != decision.pk:
        errors["elector"] = [_("Choose an elector of this decision.")]
    elif Participation.objects.filter(decision=decision, elector=elector).exists():
        errors["elector"] = [_("This elector has already voted.")]
    elif ProxyAuthorization.objects.filter(decision=decision, elector=elector).exists():
        errors["elector"] = [_("A proxy is already recorded for this elector.")]
    if proxy.community_id != decision.community_id or proxy.verified_at is None or proxy.user_id is None:
        errors["proxy"] = [_("The proxy must be a verified person of this community with an account.")]
    elif elector.persons.filter(pk=proxy.pk).exists():
        errors["proxy"] = [_("This person can already vote for the elector; no proxy is needed.")]
    if not document.strip():
        errors["document"] = [_("Say where the signed authorization is kept.")]
    if signed_on > timezone.localdate():
        errors["signed_on"] = [_("The authorization cannot be signed in the future.")]
    elif signed_on < timezone.localdate(decision.opens_at) - timedelta(days=PROXY_MAX_AGE_DAYS):
        errors["signed_on"] = [
            _("An authorization for this vote is signed at most a year before voting opened.")
        ]
    if errors:
        raise ValidationError(errors)
    authorization = ProxyAuthorization.objects.create(
        decision=decision,
        elector=elector,
        proxy=proxy,
        document=document.strip(),
        signed_on=signed_on,
        recorded_by=actor,
    )
    append_log(decision, {"type": "proxy", "elector": elector.pseudonym})
    record_audit(
        actor=actor,
        action="decisions.proxy",
        obj=decision,
        summary=gettext_noop("Recorded %(proxy)s as proxy for %(elector)s in “%(title)s”"),
        params={"proxy": proxy.full_name, "elector": elector.name, "title": decision.title},
        community=decision.community,
    )
    return authorization


def scope_areas(community: Community) -> list[Area]:
    return list(Area.objects.filter(community=community, kind__in=SCOPE_KINDS).order_by("kind", "code"))


def subjects_for(community: Community) -> Any:
    return GovernanceSubject.objects.filter(community=community, is_active=True).exclude(
        kind__in=[SubjectKind.STREET_OFFICE, SubjectKind.GOVERNMENT_DEPARTMENT]
    )
