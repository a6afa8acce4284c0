"""A cycle's preparation and stages: created with its districts, opened for proposals, reviewed, opened for voting,
cancelled. (Closing is in :mod:`.closing`.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.budgeting.models import MAX_CHOICES, MAX_POINTS, Cycle, CycleStatus, District, ProposalStatus
from comity.budgeting.selectors import summarise
from comity.budgeting.services.common import (
    MANAGE,
    _check_yuan,
    _fen_of,
    _locked_cycle,
    _notify_followers,
    _require_funded,
    _require_status,
    _tell,
)
from comity.budgeting.services.inputs import CycleData, DistrictSpec
from comity.budgeting.wording import fen_text
from comity.foundation.audit import record_audit
from comity.foundation.services import require, service
from comity.structure.models import Area, AreaKind, Community


def _audit(actor: User, cycle: Cycle, action: str, summary: str, obj: Any = None, **params: Any) -> None:
    record_audit(
        actor=actor,
        action=f"budgeting.{action}",
        obj=obj or cycle,
        summary=summary,
        params={"cycle": cycle.title, **params},
        community=cycle.community,
    )


def _check_buildings(community: Community, buildings: list[Area]) -> None:
    for building in buildings:
        if building.community_id != community.pk or building.kind != AreaKind.BUILDING:
            raise ValidationError({"buildings": _("Choose buildings of this community.")})


@service
def create_cycle(
    actor: User, community: Community, data: CycleData, districts: list[DistrictSpec] | None = None
) -> Cycle:
    """A cycle in preparation, with its districts (one for the whole community when none is given)."""
    require(actor, MANAGE, community)
    fund = data.get("fund")
    if fund is not None and fund.community_id != community.pk:
        raise ValidationError({"fund": _("Choose a fund of this community.")})
    budget = data.pop("budget", None)
    _check_yuan("project_cap", data.get("project_cap"))
    max_choices = data.get("max_choices")
    if max_choices is not None and not 1 <= int(max_choices) <= MAX_CHOICES:
        raise ValidationError(
            {"max_choices": _("Give 1 to %(high)s projects, or no limit.") % {"high": MAX_CHOICES}}
        )
    points = data.get("points")
    if points is not None and not 1 <= int(points) <= MAX_POINTS:
        raise ValidationError(
            {"points": _("Give each voter 1 to %(high)s points.") % {"high": f"{MAX_POINTS:,}"}}
        )
    cycle = Cycle.objects.create(community=community, created_by=actor, **data)
    if not districts:
        if not budget:
            raise ValidationError({"budget": _("Give the budget of the cycle.")})
        districts = [{"name": _("Whole community"), "budget": budget, "buildings": []}]
    for spec in districts:
        add_district(actor, cycle, spec)
    _audit(actor, cycle, "cycle_created", gettext_noop("Prepared the budget cycle “%(cycle)s”."))
    return cycle


@service
def add_district(actor: User, cycle: Cycle, spec: DistrictSpec) -> District:
    """A district of a cycle in preparation, with its budget (which the cycle's fund must be able to pay)."""
    require(actor, MANAGE, cycle)
    cycle = _locked_cycle(cycle)
    _require_status(cycle, CycleStatus.DRAFT, CycleStatus.PROPOSING)
    buildings = list(spec.get("buildings") or [])
    _check_buildings(cycle.community, buildings)
    budget_fen = _fen_of("budget", spec.get("budget") or 0)
    if budget_fen <= 0:
        raise ValidationError({"budget": _("The budget must be more than zero.")})
    _check_yuan("budget", budget_fen, fen=True)
    if cycle.fund is not None:
        available = summarise(cycle.fund).available
        needed = cycle.budget_fen + budget_fen
        if needed > available:
            raise ValidationError(
                {
                    "budget": _(
                        "The fund “%(fund)s” has %(available)s yuan not yet allocated; with this district the "
                        "cycle would need %(needed)s yuan."
                    )
                    % {"fund": cycle.fund.name, "available": fen_text(available), "needed": fen_text(needed)}
                }
            )
    if cycle.districts.filter(name=spec["name"]).exists():
        raise ValidationError({"name": _("This cycle already has a district of that name.")})
    taken = set(
        Area.objects.filter(budget_districts__cycle=cycle, pk__in=[b.pk for b in buildings]).values_list(
            "name", flat=True
        )
    )
    if taken:
        raise ValidationError(
            {"buildings": _("Already in another district: %(names)s.") % {"names": ", ".join(sorted(taken))}}
        )
    district = District.objects.create(
        community_id=cycle.community_id, cycle=cycle, name=spec["name"], budget_fen=budget_fen
    )
    district.buildings.set(buildings)
    _audit(
        actor,
        cycle,
        "district_added",
        gettext_noop("Gave the district “%(district)s” of “%(cycle)s” a budget of %(budget)s yuan."),
        obj=district,
        district=district.name,
        budget=fen_text(budget_fen),
    )
    return district


def _advance(actor: User, cycle: Cycle, source: str, target: str, action: str, summary: str) -> Cycle:
    require(actor, MANAGE, cycle)
    cycle = _locked_cycle(cycle)
    _require_status(cycle, source)
    cycle.status = target
    cycle.save(update_fields=["status"])
    _audit(actor, cycle, action, summary)
    return cycle


@service
def open_proposals(actor: User, cycle: Cycle, closes_at: datetime | None = None) -> Cycle:
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError({"proposals_close_at": _("Choose a time in the future.")})
    cycle = _advance(
        actor,
        cycle,
        CycleStatus.DRAFT,
        CycleStatus.PROPOSING,
        "proposals_opened",
        gettext_noop("Opened “%(cycle)s” for proposals."),
    )
    if closes_at is not None:
        cycle.proposals_close_at = closes_at
        cycle.save(update_fields=["proposals_close_at"])
    return cycle


@service
def start_review(actor: User, cycle: Cycle) -> Cycle:
    return _advance(
        actor,
        cycle,
        CycleStatus.PROPOSING,
        CycleStatus.REVIEWING,
        "review_started",
        gettext_noop("Closed proposals to “%(cycle)s” and started the review."),
    )


@service
def cancel_cycle(actor: User, cycle: Cycle) -> Cycle:
    require(actor, MANAGE, cycle)
    cycle = _locked_cycle(cycle)
    _require_status(
        cycle, CycleStatus.DRAFT, CycleStatus.PROPOSING, CycleStatus.REVIEWING, CycleStatus.VOTING
    )
    cycle.status = CycleStatus.CANCELLED
    cycle.save(update_fields=["status"])
    _audit(actor, cycle, "cycle_cancelled", gettext_noop("Cancelled the budget cycle “%(cycle)s”."))
    return cycle


@service
def open_voting(actor: User, cycle: Cycle, closes_at: datetime) -> Cycle:
    require(actor, MANAGE, cycle)
    cycle = _locked_cycle(cycle)
    _require_status(cycle, CycleStatus.REVIEWING)
    now = timezone.now()
    if closes_at <= now:
        raise ValidationError({"voting_closes_at": _("Choose a closing time in the future.")})
    waiting = cycle.proposals.filter(status__in=[ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE]).count()
    if waiting:
        raise ValidationError(
            _("%(count)s proposals still await review or costing.") % {"count": waiting},
            code="cycle_unreviewed",
        )
    if not cycle.proposals.filter(status=ProposalStatus.ON_BALLOT).exists():
        raise ValidationError(_("No proposal is on the ballot."), code="cycle_empty")
    _require_funded(cycle)
    cycle.status = CycleStatus.VOTING
    cycle.voting_opens_at = now
    cycle.voting_closes_at = closes_at
    cycle.save(update_fields=["status", "voting_opens_at", "voting_closes_at"])
    _audit(actor, cycle, "voting_opened", gettext_noop("Opened voting on “%(cycle)s”."))
    _notify_followers(
        cycle.proposals.filter(status=ProposalStatus.ON_BALLOT).order_by("number"),
        "voting_opened",
        closes=timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M"),
    )
    _tell(
        _voters_of(cycle.community),
        kind="budgeting.opened",
        summary=gettext_noop(
            "Voting on “%(cycle)s” is open until %(closes)s: choose the projects for your community."
        ),
        params={"cycle": cycle.title, "closes": timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M")},
        url=reverse("budgeting:vote", args=[cycle.community_id, cycle.pk]),
        community=cycle.community,
    )
    return cycle


def _voters_of(community: Community) -> QuerySet[User]:
    """The accounts of the community's verified residents and owners (who may vote)."""
    today = timezone.localdate()
    return User.objects.filter(
        Q(person__community=community, person__verified_at__isnull=False, person__is_resident=True)
        | Q(
            person__verified_at__isnull=False,
            person__ownerships__community=community,
            person__ownerships__until__isnull=True,
        )
        | Q(
            person__verified_at__isnull=False,
            person__ownerships__community=community,
            person__ownerships__until__gte=today,
        ),
        is_active=True,
    ).distinct()
