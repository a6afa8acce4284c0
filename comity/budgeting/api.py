"""REST API for community funds and participatory budgeting: the funds with their balances and public ledgers, the
cycles with their districts and proposals, casting a ballot, proposing a project, and the results of every rule.

Thin, like the pages: parse → permission → service → serialise. Every write goes through the same services as the
pages (:mod:`comity.budgeting.services`), so a refusal is a 400 with the service's translated message
(``Accept-Language`` chooses the language) or a 403, and who may read what is what the pages allow
(:mod:`comity.budgeting.permissions`). Money in the ledger is in fen (integers). Budgets and project costs are
given twice: exactly in fen (``budget_fen``, ``cost_fen``, integers, as the models keep them) and, under the names
the API has always used, in yuan (``budget``, ``cost``: JSON numbers with at most two decimals, ``740793.05``). The API never says who voted how, nor who proposed what: only the caller's own ballot
and the caller's own proposals are marked.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.budgeting import computing, services, wording
from comity.budgeting.models import (
    BallotKind,
    BudgetBallot,
    Cycle,
    CycleStatus,
    District,
    EntryKind,
    Fund,
    LedgerEntry,
    NegativeReason,
    Proposal,
    ProposalStatus,
    Rule,
    SourceKind,
)
from comity.foundation.api import service_error
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community, GovernanceSubject


def _community(request: Request, community_id: int, perm: str) -> Community:
    return structure_selectors.get_community_for_user(request.user, community_id, perm=perm)


def _fund(request: Request, community_id: int, fund_id: int) -> Fund:
    community = _community(request, community_id, "budgeting.see_funds")
    try:
        fund = Fund.objects.select_related("community").get(community=community, pk=fund_id)
    except Fund.DoesNotExist as error:
        raise Http404 from error
    if not request.user.has_perm("budgeting.see_funds", fund):
        raise PermissionDenied
    return fund


def _cycle(request: Request, community_id: int, cycle_id: int) -> Cycle:
    community = _community(request, community_id, "budgeting.see_cycles")
    try:
        cycle = Cycle.objects.select_related("community__street", "fund").get(
            community=community, pk=cycle_id
        )
    except Cycle.DoesNotExist as error:
        raise Http404 from error
    if not request.user.has_perm("budgeting.see_cycle", cycle):
        raise PermissionDenied
    return cycle


# --- funds ----------------------------------------------------------------------------------------------------


class FundSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    income = serializers.IntegerField()
    income_by_source = serializers.DictField(
        child=serializers.IntegerField(), help_text=gettext_lazy("Fen per source, every source listed.")
    )
    allocated = serializers.IntegerField()
    disbursed = serializers.IntegerField()
    returned = serializers.IntegerField()
    available = serializers.IntegerField()
    cash = serializers.IntegerField()


class FundSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    fixed_fen = serializers.IntegerField()
    per_100_residents_fen = serializers.IntegerField()
    residents = serializers.IntegerField()
    formula_fen = serializers.IntegerField()
    description = serializers.CharField()
    summary = FundSummarySerializer()


class ProjectRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    cycle = serializers.IntegerField()


class EntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    source = serializers.ChoiceField(  # type: ignore[assignment]  # the field, not Field.source
        choices=SourceKind.choices, allow_null=True
    )
    amount_fen = serializers.IntegerField()
    description = serializers.CharField()
    counterparty = serializers.CharField()
    project = ProjectRefSerializer(allow_null=True)
    decision = serializers.IntegerField(allow_null=True)
    receipt_number = serializers.CharField()
    has_receipt = serializers.BooleanField()


class ProjectMoneySerializer(serializers.Serializer):  # type: ignore[type-arg]
    project = ProjectRefSerializer()
    allocated = serializers.IntegerField()
    disbursed = serializers.IntegerField()
    returned = serializers.IntegerField()
    outstanding = serializers.IntegerField()
    entries = serializers.ListField(child=serializers.IntegerField())


class LedgerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    fund = FundSerializer()
    entries = EntrySerializer(many=True)
    projects = ProjectMoneySerializer(many=True)


def _project_ref(proposal: Proposal | None) -> dict[str, Any] | None:
    if proposal is None:
        return None
    return {"id": proposal.pk, "number": proposal.number, "title": proposal.title, "cycle": proposal.cycle_id}


def _fund_data(fund: Fund, summary: services.FundSummary) -> dict[str, Any]:
    return {
        "id": fund.pk,
        "name": fund.name,
        "year": fund.year,
        "fixed_fen": fund.fixed_fen,
        "per_100_residents_fen": fund.per_100_residents_fen,
        "residents": fund.residents,
        "formula_fen": fund.formula_fen,
        "description": fund.description,
        "summary": {
            "income": summary.income,
            "income_by_source": {
                source: summary.income_by_source.get(source, 0) for source in SourceKind.values
            },
            "allocated": summary.allocated,
            "disbursed": summary.disbursed,
            "returned": summary.returned,
            "available": summary.available,
            "cash": summary.cash,
        },
    }


def _entry_data(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "date": entry.occurred_on,
        "kind": entry.kind,
        "source": entry.source or None,
        "amount_fen": entry.amount_fen,
        "description": entry.description,
        "counterparty": entry.counterparty,
        "project": _project_ref(entry.proposal),
        "decision": entry.decision_id,
        "receipt_number": entry.receipt_number,
        "has_receipt": bool(entry.receipt),
    }


class FundList(APIView):
    """The community's funds, each with its balances in fen: income by source, allocated, paid out, returned,
    available (neither allocated nor spent) and cash (income less payments)."""

    @extend_schema(responses=FundSerializer(many=True))
    def get(self, request: Request, community_id: int) -> Response:
        community = _community(request, community_id, "budgeting.see_funds")
        funds = Fund.objects.filter(community=community)
        data = [_fund_data(fund, services.summarise(fund)) for fund in funds]
        return Response(FundSerializer(data, many=True).data)


class FundLedger(APIView):
    """A fund's public ledger, oldest entry first, and the money of each project it pays for."""

    @extend_schema(responses=LedgerSerializer)
    def get(self, request: Request, community_id: int, fund_id: int) -> Response:
        fund = _fund(request, community_id, fund_id)
        summary = services.summarise(fund)
        entries = fund.entries.select_related("proposal").order_by("occurred_on", "pk")
        projects = [
            {
                "project": _project_ref(money.proposal),
                "allocated": money.allocated,
                "disbursed": money.disbursed,
                "returned": money.returned,
                "outstanding": money.outstanding,
                "entries": [entry.pk for entry in money.entries],
            }
            for money in summary.projects
        ]
        data = {
            "fund": _fund_data(fund, summary),
            "entries": [_entry_data(entry) for entry in entries],
            "projects": projects,
        }
        return Response(LedgerSerializer(data).data)


# --- cycles ---------------------------------------------------------------------------------------------------


def _yuan(help_text: Any, **kwargs: Any) -> serializers.DecimalField:
    """An amount in yuan as a JSON number with at most two decimals (the ``*_fen`` field beside it is exact)."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=2, coerce_to_string=False, help_text=help_text, **kwargs
    )


def _fen(help_text: Any, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=help_text, **kwargs)


BUDGET_YUAN = gettext_lazy("Yuan, with fen as two decimals; the same amount as budget_fen.")
BUDGET_FEN = gettext_lazy("The budget in fen (1 yuan = 100 fen), exactly.")
COST_YUAN = gettext_lazy("Yuan, with fen as two decimals; the same amount as cost_fen.")
COST_FEN = gettext_lazy("The cost in fen (1 yuan = 100 fen), exactly.")


class CycleSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=CycleStatus.choices)
    ballot_kind = serializers.ChoiceField(choices=BallotKind.choices)
    rule = serializers.ChoiceField(choices=Rule.choices)
    budget = _yuan(gettext_lazy("Yuan, all districts together."))
    budget_fen = _fen(BUDGET_FEN)
    fund = serializers.IntegerField(source="fund_id", allow_null=True)
    proposals_close_at = serializers.DateTimeField(allow_null=True)
    voting_opens_at = serializers.DateTimeField(allow_null=True)
    voting_closes_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class DistrictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    budget = _yuan(BUDGET_YUAN)
    budget_fen = _fen(BUDGET_FEN)
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
    cost = _yuan(COST_YUAN, allow_null=True)
    cost_fen = _fen(COST_FEN, allow_null=True)
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
        community = _community(request, community_id, "budgeting.see_cycles")
        cycles = Cycle.objects.filter(community=community).prefetch_related("districts")
        if not request.user.has_perm(services.MANAGE, community):
            cycles = cycles.exclude(status=CycleStatus.DRAFT)
        return Response(CycleSummarySerializer(cycles, many=True).data)


class CycleDetail(APIView):
    """One cycle: its ballot and rule, its districts, the proposals the caller may see (with the reasons an
    ineligible one was ruled out), the caller's district and ballot."""

    @extend_schema(responses=CycleDetailSerializer)
    def get(self, request: Request, community_id: int, cycle_id: int) -> Response:
        cycle = _cycle(request, community_id, cycle_id)
        user = request.user
        counts = services.voter_counts(cycle)
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
        proposals = services.visible_proposals(user, cycle).order_by("number")
        my_district = services.district_of(user, cycle)
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
            "my_ballot": _ballot_data(cycle, services.my_ballot(user, cycle)),
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
        cycle = _cycle(request, community_id, cycle_id)
        incoming = BallotRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        marks = [(int(m["proposal"]), int(m["value"])) for m in incoming.validated_data["marks"]]
        try:
            ballot = services.cast_ballot(request.user, cycle, marks)
        except DjangoValidationError as error:
            raise service_error(error) from error
        fresh = BudgetBallot.objects.prefetch_related("marks").get(pk=ballot.pk)
        return Response(MyBallotSerializer(_ballot_data(cycle, fresh)).data, status=status.HTTP_201_CREATED)


class ProposalRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField(max_length=160)
    description = serializers.CharField()
    location = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
    estimated_cost = serializers.IntegerField(
        min_value=1, max_value=services.MAX_YUAN, required=False, allow_null=True, default=None
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
        cycle = _cycle(request, community_id, cycle_id)
        if not request.user.has_perm("budgeting.propose", cycle.community):
            raise PermissionDenied
        organisations = services.acting_organisations(request.user, cycle.community)
        incoming = ProposalRequestSerializer(data=request.data, cycle=cycle, organisations=organisations)
        incoming.is_valid(raise_exception=True)
        try:
            proposal = services.submit_proposal(request.user, cycle, dict(incoming.validated_data))
        except DjangoValidationError as error:
            raise service_error(error) from error
        fresh = Proposal.objects.select_related("organisation").get(pk=proposal.pk)
        return Response(
            ProposalSerializer(_proposal_data(fresh, request.user)).data, status=status.HTTP_201_CREATED
        )


# --- results --------------------------------------------------------------------------------------------------


class ResultProjectSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    cost = _yuan(COST_YUAN, allow_null=True)
    cost_fen = _fen(COST_FEN, allow_null=True)
    status = serializers.ChoiceField(choices=ProposalStatus.choices)


class RuleOutcomeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    rule = serializers.ChoiceField(choices=Rule.choices)
    title = serializers.CharField()
    summary = serializers.CharField()
    official = serializers.BooleanField()
    selected = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=gettext_lazy("Proposal ids, in the order the rule funded them."),
    )
    cost = _yuan(gettext_lazy("What the rule funds, in yuan; the same amount as cost_fen."))
    cost_fen = _fen(gettext_lazy("What the rule funds, in fen, exactly."))
    measures = serializers.JSONField(
        help_text=gettext_lazy(
            "Satisfaction, the share of voters with a funded project, Gini, per building, EJR/PJR."
        )
    )
    explanations = serializers.JSONField(
        help_text=gettext_lazy("Per proposal id: the rule's numbers (exact fractions as “n/d” strings).")
    )
    explained = serializers.DictField(child=serializers.CharField())


class DistrictResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    budget = _yuan(BUDGET_YUAN)
    budget_fen = _fen(BUDGET_FEN)
    voters = serializers.IntegerField()
    official_rule = serializers.ChoiceField(choices=Rule.choices)
    selected = ResultProjectSerializer(many=True)
    projects = ResultProjectSerializer(many=True)
    rules = RuleOutcomeSerializer(many=True)


class ResultsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cycle = serializers.IntegerField()
    rule = serializers.ChoiceField(choices=Rule.choices)
    districts = DistrictResultSerializer(many=True)


def _result_project(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "number": proposal.number,
        "title": proposal.title,
        "cost": proposal.cost,
        "cost_fen": proposal.cost_fen,
        "status": proposal.status,
    }


class CycleResults(APIView):
    """Once voting has closed: per district, the official rule's funded projects in order, and every rule side by
    side with its balance measures and, per project, why it was or was not funded (numbers and words)."""

    @extend_schema(
        responses={
            200: ResultsSerializer,
            400: OpenApiResponse(description=gettext_lazy("Voting has not closed yet.")),
        }
    )
    def get(self, request: Request, community_id: int, cycle_id: int) -> Response:
        cycle = _cycle(request, community_id, cycle_id)
        if cycle.status != CycleStatus.CLOSED:
            raise service_error(DjangoValidationError(_("The results are published when voting closes.")))
        grouped = services.outcomes_of(cycle)
        counts = services.voter_counts(cycle)
        districts = []
        for district in cycle.districts.all():
            outcomes = grouped.get(district.pk, [])
            if not outcomes:
                continue
            projects = {p.pk: p for p in computing.balloted(district)}
            official = outcomes[0]
            districts.append(
                {
                    "id": district.pk,
                    "name": district.name,
                    "budget": district.budget,
                    "budget_fen": district.budget_fen,
                    "voters": counts.get(district.pk, 0),
                    "official_rule": official.rule,
                    "selected": [_result_project(projects[pk]) for pk in official.selected if pk in projects],
                    "projects": [_result_project(p) for p in projects.values()],
                    "rules": [
                        {
                            "rule": outcome.rule,
                            "title": outcome.get_rule_display(),
                            "summary": wording.RULE_SUMMARIES[Rule(outcome.rule)](),
                            "official": outcome.official,
                            "selected": list(outcome.selected),
                            "cost": outcome.cost,
                            "cost_fen": outcome.cost_fen,
                            "measures": outcome.measures,
                            "explanations": outcome.explanations,
                            "explained": {
                                pk: wording.explain(item) for pk, item in outcome.explanations.items()
                            },
                        }
                        for outcome in outcomes
                    ],
                }
            )
        data = {"cycle": cycle.pk, "rule": cycle.rule, "districts": districts}
        return Response(ResultsSerializer(data).data)
