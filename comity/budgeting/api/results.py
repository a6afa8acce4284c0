"""The results of every rule in every district of a closed cycle."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.budgeting import computing, selectors, wording
from comity.budgeting.api.common import (
    BUDGET_FEN,
    BUDGET_YUAN,
    COST_FEN,
    COST_YUAN,
    cycle_for,
    fen_field,
    yuan_field,
)
from comity.budgeting.models import (
    CycleStatus,
    Proposal,
    ProposalStatus,
    Rule,
)


class ResultProjectSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    cost = yuan_field(COST_YUAN, allow_null=True)
    cost_fen = fen_field(COST_FEN, allow_null=True)
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
    cost = yuan_field(gettext_lazy("What the rule funds, in yuan; the same amount as cost_fen."))
    cost_fen = fen_field(gettext_lazy("What the rule funds, in fen, exactly."))
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
    budget = yuan_field(BUDGET_YUAN)
    budget_fen = fen_field(BUDGET_FEN)
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
        cycle = cycle_for(request, community_id, cycle_id)
        if cycle.status != CycleStatus.CLOSED:
            raise DjangoValidationError(_("The results are published when voting closes."))
        grouped = selectors.outcomes_of(cycle)
        counts = selectors.voter_counts(cycle)
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
