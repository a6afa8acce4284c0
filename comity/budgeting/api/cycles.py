"""The cycles with their districts and proposals, casting a ballot, proposing a project."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.accounts.selectors import as_user
from comity.budgeting import selectors, services, wording
from comity.budgeting.api.common import (
    BUDGET_FEN,
    BUDGET_YUAN,
    COST_FEN,
    COST_YUAN,
    community_for,
    cycle_for,
    fen_field,
    yuan_field,
)
from comity.budgeting.models import (
    MAX_YUAN,
    BallotKind,
    BudgetBallot,
    Cycle,
    CycleStatus,
    District,
    NegativeReason,
    Proposal,
    ProposalStatus,
    Rule,
)
from comity.structure.models import GovernanceSubject


class CycleSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=CycleStatus.choices)
    ballot_kind = serializers.ChoiceField(choices=BallotKind.choices)
    rule = serializers.ChoiceField(choices=Rule.choices)
    budget = yuan_field(gettext_lazy("Yuan, all districts together."))
    budget_fen = fen_field(BUDGET_FEN)
    fund = serializers.IntegerField(source="fund_id", allow_null=True)
    proposals_close_at = serializers.DateTimeField(allow_null=True)
    voting_opens_at = serializers.DateTimeField(allow_null=True)
    voting_closes_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class DistrictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    budget = yuan_field(BUDGET_YUAN)
    budget_fen = fen_field(BUDGET_FEN)
    buildings = serializers.ListField(child=serializers.CharField())
    voters = serializers.IntegerField()


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    text = serializers.CharField()


class ProposalSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    location = serializers.CharField()
    district = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    estimated_cost = serializers.IntegerField(allow_null=True)
    cost = yuan_field(COST_YUAN, allow_null=True)
    cost_fen = fen_field(COST_FEN, allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    mine = serializers.BooleanField(help_text=gettext_lazy("Whether the caller proposed it."))
    reasons = ReasonSerializer(many=True)
    review_note = serializers.CharField()
    costing_note = serializers.CharField()


class MarkSerializer(serializers.Serializer):  # type: ignore[type-arg]
    proposal = serializers.IntegerField()
    value = serializers.IntegerField(
        default=1,
        help_text=gettext_lazy(
            "Points for a cumulative ballot, the rank (1 first) for a ranked one, else 1."
        ),
    )


class MyBallotSerializer(serializers.Serializer):  # type: ignore[type-arg]
    district = serializers.IntegerField()
    cast_at = serializers.DateTimeField()
    marks = MarkSerializer(many=True)


class CycleDetailSerializer(CycleSummarySerializer):
    description = serializers.CharField()
    max_choices = serializers.IntegerField(allow_null=True)
    points = serializers.IntegerField()
    project_cap = serializers.IntegerField(allow_null=True)
    rule_title = serializers.CharField()
    rule_summary = serializers.CharField()
    accepting = serializers.BooleanField()
    can_propose = serializers.BooleanField()
    districts = DistrictSerializer(many=True)
    proposals = ProposalSerializer(many=True)
    my_district = serializers.IntegerField(allow_null=True)
    my_ballot = MyBallotSerializer(allow_null=True)


def _proposal_data(proposal: Proposal, user: Any) -> dict[str, Any]:
    labels = dict(NegativeReason.choices)
    return {
        "id": proposal.pk,
        "number": proposal.number,
        "title": proposal.title,
        "description": proposal.description,
        "location": proposal.location,
        "district": proposal.district_id,
        "status": proposal.status,
        "estimated_cost": proposal.estimated_cost,
        "cost": proposal.cost,
        "cost_fen": proposal.cost_fen,
        "organisation": proposal.organisation.name if proposal.organisation else None,
        "mine": proposal.proposer_id is not None and proposal.proposer_id == user.pk,
        "reasons": [{"code": code, "text": str(labels.get(code, code))} for code in proposal.reasons],
        "review_note": proposal.review_note,
        "costing_note": proposal.costing_note,
    }


def _ballot_data(cycle: Cycle, ballot: BudgetBallot | None) -> dict[str, Any] | None:
    if ballot is None:
        return None
    ranked = cycle.ballot_kind == BallotKind.RANKED
    marks = sorted(ballot.marks.all(), key=lambda m: (m.rank or 0, m.proposal_id))
    return {
        "district": ballot.district_id,
        "cast_at": ballot.cast_at,
        "marks": [{"proposal": m.proposal_id, "value": m.rank if ranked else m.points} for m in marks],
    }


class CycleList(APIView):
    """The community's budget cycles the caller may open (those being prepared only for those who run them)."""

    @extend_schema(responses=CycleSummarySerializer(many=True))
    def get(self, request: Request, community_id: int) -> Response:
        community = community_for(request, community_id, "budgeting.see_cycles")
        cycles = selectors.cycles_of(community)
        if not request.user.has_perm(services.MANAGE, community):
            cycles = cycles.exclude(status=CycleStatus.DRAFT)
        return Response(CycleSummarySerializer(cycles, many=True).data)


class CycleDetail(APIView):
    """One cycle: its ballot and rule, its districts, the proposals the caller may see (with the reasons an
    ineligible one was ruled out), the caller's district and ballot."""

    @extend_schema(responses=CycleDetailSerializer)
    def get(self, request: Request, community_id: int, cycle_id: int) -> Response:
        cycle = cycle_for(request, community_id, cycle_id)
        user = request.user
        counts = selectors.voter_counts(cycle)
        districts = [
            {
                "id": d.pk,
                "name": d.name,
                "budget": d.budget,
                "budget_fen": d.budget_fen,
                "buildings": [b.name for b in d.buildings.all()],
                "voters": counts.get(d.pk, 0),
            }
            for d in cycle.districts.prefetch_related("buildings")
        ]
        proposals = selectors.visible_proposals(user, cycle).order_by("number")
        my_district = selectors.district_of(user, cycle)
        accepting = cycle.status == CycleStatus.VOTING and (
            cycle.voting_closes_at is None or timezone.now() < cycle.voting_closes_at
        )
        data = {
            **CycleSummarySerializer(cycle).data,
            "description": cycle.description,
            "max_choices": cycle.max_choices,
            "points": cycle.points,
            "project_cap": cycle.project_cap,
            "rule_title": cycle.get_rule_display(),
            "rule_summary": wording.RULE_SUMMARIES[Rule(cycle.rule)](),
            "accepting": accepting,
            "can_propose": cycle.status == CycleStatus.PROPOSING
            and user.has_perm("budgeting.propose", cycle.community),
            "districts": districts,
            "proposals": [_proposal_data(p, user) for p in proposals],
            "my_district": my_district.pk if my_district else None,
            "my_ballot": _ballot_data(cycle, selectors.my_ballot(user, cycle)),
        }
        return Response(CycleDetailSerializer(data).data)


class BallotRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    marks = MarkSerializer(many=True)


class CycleBallot(APIView):
    """Cast the caller's ballot, or replace it while voting is open. Only residents and owners with a verified home
    in one of the cycle's districts vote; the service refuses anyone else, and any ballot that breaks the cycle's
    ballot rules (too many projects, over the budget, too many points, ranks with gaps), with the reason."""

    @extend_schema(
        request=BallotRequestSerializer,
        responses={
            201: MyBallotSerializer,
            400: OpenApiResponse(
                description=gettext_lazy(
                    "The ballot is refused: voting is not open, or the ballot breaks a rule."
                )
            ),
        },
    )
    def post(self, request: Request, community_id: int, cycle_id: int) -> Response:
        cycle = cycle_for(request, community_id, cycle_id)
        incoming = BallotRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        marks = [(int(m["proposal"]), int(m["value"])) for m in incoming.validated_data["marks"]]
        ballot = services.cast_ballot(as_user(request.user), cycle, marks)
        fresh = selectors.ballot_with_marks(ballot)
        return Response(MyBallotSerializer(_ballot_data(cycle, fresh)).data, status=status.HTTP_201_CREATED)


class ProposalRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField(max_length=160)
    description = serializers.CharField()
    location = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
    estimated_cost = serializers.IntegerField(
        min_value=1, max_value=MAX_YUAN, required=False, allow_null=True, default=None
    )
    district = serializers.PrimaryKeyRelatedField(queryset=District.objects.none())
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=GovernanceSubject.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("An organisation the caller acts for; leave it out to propose as yourself."),
    )

    def __init__(
        self, *args: Any, cycle: Cycle | None = None, organisations: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if cycle is not None:
            self.fields["district"].queryset = cycle.districts.all()  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = GovernanceSubject.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        )


class CycleProposals(APIView):
    """Propose a project while the cycle takes proposals; the committee then reviews it against the negative
    list."""

    @extend_schema(request=ProposalRequestSerializer, responses={201: ProposalSerializer})
    def post(self, request: Request, community_id: int, cycle_id: int) -> Response:
        cycle = cycle_for(request, community_id, cycle_id)
        if not request.user.has_perm("budgeting.propose", cycle.community):
            raise PermissionDenied
        organisations = selectors.acting_organisations(request.user, cycle.community)
        incoming = ProposalRequestSerializer(data=request.data, cycle=cycle, organisations=organisations)
        incoming.is_valid(raise_exception=True)
        proposal = services.submit_proposal(
            as_user(request.user),
            cycle,
            cast(services.ProposalData, dict(incoming.validated_data)),
        )
        fresh = selectors.proposal_with_organisation(proposal)
        return Response(
            ProposalSerializer(_proposal_data(fresh, request.user)).data, status=status.HTTP_201_CREATED
        )
