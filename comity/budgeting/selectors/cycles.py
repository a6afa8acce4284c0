"""Reads of cycles, proposals, ballots and outcomes: who votes where, what each reader is shown."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from comity.accounts.models import User
from comity.budgeting.models import (
    BudgetBallot,
    Cycle,
    District,
    LedgerEntry,
    Outcome,
    Proposal,
    ProposalStatus,
    Rating,
)
from comity.engine.roles import Role
from comity.structure import selectors as structure_selectors
from comity.structure.models import Area, Community, GovernanceSubject, Person
from comity.structure.scope import scope_for

#: Who reads: a signed-in user, or a visitor.
Reader = User | AnonymousUser

MANAGE = "budgeting.manage_cycles"


def cycles_of(community: Community) -> QuerySet[Cycle]:
    """The community's cycles, newest first, with what their lists show."""
    return Cycle.objects.filter(community=community).select_related("fund").prefetch_related("districts")


def get_cycle_for_user(
    user: Reader, community_id: int, cycle_id: int, *, perm: str = "budgeting.see_cycle"
) -> Cycle:
    """The cycle of the community: ``Http404`` when there is no such cycle in a community the user sees,
    ``PermissionDenied`` when the user lacks ``perm`` on it."""
    community = structure_selectors.get_community_for_user(user, community_id, perm="budgeting.see_cycles")
    try:
        cycle = Cycle.objects.select_related("fund").get(community=community, pk=cycle_id)
    except Cycle.DoesNotExist as error:
        raise Http404 from error
    cycle.community = community  # read with its street just above: the same row, not read twice
    if not user.has_perm(perm, cycle):
        raise PermissionDenied
    return cycle


def get_visible_proposal(user: Reader, cycle: Cycle, proposal_id: int) -> Proposal:
    """A proposal of the cycle the user is shown (:func:`visible_proposals`), else ``Http404``."""
    try:
        proposal = visible_proposals(user, cycle).get(pk=proposal_id)
    except Proposal.DoesNotExist as error:
        raise Http404 from error
    return proposal


def get_district(cycle: Cycle, district_id: int) -> District:
    try:
        return cycle.districts.get(pk=district_id)
    except District.DoesNotExist as error:
        raise Http404 from error


def on_ballot(district: District) -> QuerySet[Proposal]:
    """The district's proposals on the ballot, by number."""
    return district.proposals.filter(status=ProposalStatus.ON_BALLOT).order_by("number")


def ballot_with_marks(ballot: BudgetBallot) -> BudgetBallot:
    """The ballot read again with its marks (as just cast)."""
    return BudgetBallot.objects.prefetch_related("marks").get(pk=ballot.pk)


def proposal_with_organisation(proposal: Proposal) -> Proposal:
    """The proposal read again with its organisation (as just submitted)."""
    return Proposal.objects.select_related("organisation").get(pk=proposal.pk)


def awaiting_review(cycle: Cycle) -> int:
    """How many of the cycle's proposals still await review or costing."""
    return cycle.proposals.filter(status__in=[ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE]).count()


def has_ballot(cycle: Cycle) -> bool:
    """Whether any proposal of the cycle is on the ballot."""
    return cycle.proposals.filter(status=ProposalStatus.ON_BALLOT).exists()


def balloted_in(district: District) -> QuerySet[Proposal]:
    """The district's proposals that went to the vote (what the results list)."""
    return district.proposals.exclude(
        status__in=[
            ProposalStatus.WITHDRAWN,
            ProposalStatus.INELIGIBLE,
            ProposalStatus.SUBMITTED,
            ProposalStatus.ELIGIBLE,
        ]
    )


def ledger_of(proposal: Proposal) -> QuerySet[LedgerEntry]:
    """The ledger entries of a project, oldest first, with their fund."""
    return proposal.ledger_entries.select_related("fund").order_by("occurred_on", "pk")


def official_outcome(district: District) -> Outcome | None:
    """The official rule's outcome in the district, once the cycle is closed."""
    return Outcome.objects.filter(community=district.community_id, district=district, official=True).first()


def my_rating(user: Reader, proposal: Proposal) -> Rating | None:
    return proposal.ratings.filter(user_id=user.pk or 0).first()


def home_building(user: Reader, community: Community) -> Area | None:
    """The building of the voter's home in the community (their household's unit, else a unit they own)."""
    if not user.is_authenticated:
        return None
    person = (
        Person.objects.filter(user=user, community=community, verified_at__isnull=False)
        .select_related("household__unit__building")
        .first()
    )
    if person is None:
        person = Person.objects.filter(user=user, verified_at__isnull=False).first()
        if person is None:
            return None
    unit = person.household.unit if person.household_id and person.household else None
    if unit is not None and unit.community_id == community.pk:
        return unit.building
    owned = person.ownerships.filter(unit__community=community).select_related("unit__building").first()
    return owned.unit.building if owned else None


def may_vote(user: Reader, cycle: Cycle) -> bool:
    if not user.is_authenticated:
        return False
    return bool(scope_for(user).roles_in(cycle.community_id) & {Role.RESIDENT, Role.OWNER})


def district_of(user: Reader, cycle: Cycle, building: Area | None = None) -> District | None:
    """The district whose projects the user votes on (from their home's building, looked up unless given), or None
    if they do not vote in this cycle."""
    if not may_vote(user, cycle):
        return None
    districts = list(cycle.districts.prefetch_related("buildings"))
    building = building or home_building(user, cycle.community)
    for district in districts:
        if building is not None and any(b.pk == building.pk for b in district.buildings.all()):
            return district
    whole = [d for d in districts if not d.buildings.all()]
    return whole[0] if whole else None


def my_ballot(user: Reader, cycle: Cycle) -> BudgetBallot | None:
    if not user.is_authenticated:
        return None
    return BudgetBallot.objects.filter(cycle=cycle, voter=user).prefetch_related("marks__proposal").first()


def may_rate(user: Reader, proposal: Proposal) -> bool:
    return proposal.status == ProposalStatus.DELIVERED and may_vote(user, proposal.cycle)


def acting_organisations(user: Reader, community: Community) -> list[GovernanceSubject]:
    """The community's organisations the user acts for (chair, member, staff)."""
    ids = scope_for(user).acting_subject_ids
    return list(
        GovernanceSubject.objects.filter(pk__in=ids, community=community, is_active=True).order_by("name")
    )


def outcomes_of(cycle: Cycle) -> dict[int, list[Outcome]]:
    """Per district pk: its outcomes, the official rule first."""
    grouped: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in Outcome.objects.filter(community=cycle.community_id, cycle=cycle).order_by(
        "-official", "pk"
    ):
        grouped[outcome.district_id].append(outcome)
    return grouped


def voter_counts(cycle: Cycle) -> dict[int, int]:
    return {
        row["district"]: row["n"]
        for row in BudgetBallot.objects.filter(community=cycle.community_id, cycle=cycle)
        .values("district")
        .annotate(n=Count("pk"))
    }


def visible_proposals(user: Reader, cycle: Cycle) -> QuerySet[Proposal]:
    """Everyone sees proposals past review; the proposer and staff also see their own pending ones."""
    qs = cycle.proposals.select_related("district", "organisation")
    if user.has_perm(MANAGE, cycle):
        return qs
    shown = Q(
        status__in=[
            s for s in ProposalStatus.values if s not in (ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN)
        ]
    )
    if user.is_authenticated:
        shown |= Q(proposer=user)
    return qs.filter(shown)


def proposal_url(proposal: Proposal) -> str:
    """The address of a proposal's page."""
    return reverse("budgeting:proposal", args=[proposal.cycle.community_id, proposal.cycle_id, proposal.pk])
