"""REST API for decisions: the list, one decision with its rule in words, the live count or published result and
the caller's ballots; casting a ballot; checking a receipt; the ballot log.

Thin, like the pages: every write goes through the same services (:mod:`comity.decisions.services`), so a refusal
is a 400 with the service's translated message (``Accept-Language`` chooses the language) or a 403. The API never
says who voted how: the count is aggregated, secret counts show participation only until the close, and the
register's names are not exposed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.decisions import computing, results, selectors, services
from comity.decisions.closing import log_document
from comity.decisions.models import BallotKind, Decision, DecisionStatus
from comity.structure import selectors as structure_selectors


def _decision(request: Request, community_id: int, decision_id: int) -> Decision:
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="decisions.see_decisions"
    )
    return selectors.get_decision_for_user(request.user, community, decision_id)


class DecisionSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=DecisionStatus.choices)
    rule = serializers.CharField(source="rule_name")
    ballot = serializers.ChoiceField(source="ballot_kind", choices=BallotKind.choices)
    secret = serializers.BooleanField()
    area = serializers.CharField(source="area.name", default=None, allow_null=True)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    passed = serializers.BooleanField(allow_null=True)


class MyElectorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    elector = serializers.IntegerField(source="elector.pk")
    units = serializers.CharField(source="elector.units")
    proxy = serializers.BooleanField()
    voted = serializers.BooleanField()


class OptionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    position = serializers.IntegerField()
    text = serializers.CharField()


class DecisionDetailSerializer(DecisionSummarySerializer):
    agenda = serializers.CharField()
    rule_title = serializers.CharField()
    rule_explained = serializers.ListField(child=serializers.CharField())
    options = OptionSerializer(many=True)
    my_ballots = MyElectorSerializer(many=True)
    count = serializers.JSONField(
        allow_null=True, help_text=_("The engine's tally: totals, thresholds, shortfalls.")
    )
    explained = serializers.ListField(child=serializers.CharField())


class BallotSerializer(serializers.Serializer):  # type: ignore[type-arg]
    elector = serializers.IntegerField(help_text=_("One of your electors (my_ballots)."))
    choice = serializers.ChoiceField(choices=["yes", "no", "abstain"], required=False)
    selection = serializers.JSONField(
        required=False,
        help_text=_(
            "Approval: a list of option positions. Ranked: {position: rank}, 1 for the first choice."
        ),
    )


class ReceiptSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(max_length=40)


class ReceiptCheckSerializer(serializers.Serializer):  # type: ignore[type-arg]
    found = serializers.BooleanField(help_text=_("Whether a ballot of this decision has this receipt code."))
    counted = serializers.BooleanField()
    choice = serializers.CharField(allow_blank=True)
    selection = serializers.JSONField(help_text=_("What an approval or ranked ballot chose."))
    log_entry = serializers.IntegerField(
        allow_null=True, help_text=_("The ballot's entry in the ballot log, once it is there.")
    )


class LogEntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    sequence = serializers.IntegerField()
    content = serializers.DictField(help_text=_("What the entry records; electors appear by pseudonym."))
    previous = serializers.CharField(
        help_text=_("The hash of the entry before (the genesis value for the first).")
    )
    hash = serializers.CharField()


class NamedElectorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    who = serializers.CharField()
    units = serializers.CharField()


class BallotLogSerializer(serializers.Serializer):  # type: ignore[type-arg]
    decision = serializers.IntegerField()
    title = serializers.CharField()
    head = serializers.CharField(help_text=_("The hash of the last entry."))
    entries = LogEntrySerializer(many=True)
    yours = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("The pseudonyms of the caller's own electors."),
    )
    named = serializers.DictField(
        child=NamedElectorSerializer(),
        required=False,
        help_text=_("Who each pseudonym is; only for those who may inspect the named record."),
    )


class DecisionList(APIView):
    """The decisions of a community the caller may open (drafts only for those who run them)."""

    @extend_schema(responses=DecisionSummarySerializer(many=True))
    def get(self, request: Request, community_id: int) -> Response:
        community = structure_selectors.get_community_for_user(
            request.user, community_id, perm="decisions.see_decisions"
        )
        decisions = selectors.get_decisions_for_user(request.user, community)
        return Response(DecisionSummarySerializer(decisions, many=True).data)


class DecisionDetail(APIView):
    """One decision with its rule in words, the live count (or the published result) and the caller's ballots."""

    @extend_schema(responses=DecisionDetailSerializer)
    def get(self, request: Request, community_id: int, decision_id: int) -> Response:
        decision = _decision(request, community_id, decision_id)
        rule = computing.rule_of(decision)
        result = results.published_result_of(decision)
        data = {
            **DecisionSummarySerializer(decision).data,
            "agenda": decision.agenda,
            "rule_title": results.rule_title(rule),
            "rule_explained": results.rule_lines(rule),
            "options": [{"position": o.position, "text": o.label} for o in decision.options.all()],
            "my_ballots": MyElectorSerializer(selectors.electors_for(request.user, decision), many=True).data,
            "count": result.to_json() if result else None,
            "explained": [line.text for line in results.explain(result)] if result else [],
        }
        return Response(data)


class DecisionBallots(APIView):
    """Cast the ballot of one of the caller's electors; the answer holds the receipt code, shown only this once."""

    @extend_schema(request=BallotSerializer, responses={201: ReceiptSerializer})
    def post(self, request: Request, community_id: int, decision_id: int) -> Response:
        decision = _decision(request, community_id, decision_id)
        incoming = BallotSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        code = services.cast_ballot(
            request.user,
            decision,
            data["elector"],
            choice=data.get("choice"),
            selection=data.get("selection"),
        )
        return Response({"code": code}, status=status.HTTP_201_CREATED)


class DecisionReceipt(APIView):
    """Check a receipt code: whether the ballot is counted, as what, and its entry in the ballot log."""

    @extend_schema(request=ReceiptSerializer, responses={200: ReceiptCheckSerializer})
    def post(self, request: Request, community_id: int, decision_id: int) -> Response:
        decision = _decision(request, community_id, decision_id)
        incoming = ReceiptSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        check = selectors.check_receipt(decision, incoming.validated_data["code"])
        return Response(
            {
                "found": check.found,
                "counted": check.counted,
                "choice": check.choice,
                "selection": list(check.selection),
                "log_entry": check.entry.sequence if check.entry else None,
            }
        )


class DecisionLog(APIView):
    """The hash-chained ballot log, as downloaded from the page (``comity decide verify-log`` checks it)."""

    @extend_schema(responses=BallotLogSerializer)
    def get(self, request: Request, community_id: int, decision_id: int) -> Response:
        decision = _decision(request, community_id, decision_id)
        return Response(log_document(decision, viewer=request.user))
