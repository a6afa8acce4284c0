"""REST API for consultations: the list, one consultation with its statements, voting, adding a statement and
the opinion map.

Thin, like the pages: parse → permission → service → serialise. Every write goes through the same services as the
pages (:mod:`comity.consultations.services`), so a refusal is a 400 with the service's translated message
(``Accept-Language`` chooses the language) or a 403. The opinion map never reveals who is who: participants are
listed without ids, and only the caller's own point is marked; statements flagged for moderators are flagged only
for those who run consultations.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.accounts.selectors import signed_in
from comity.consultations import selectors, services
from comity.consultations.models import Consultation, ConsultationStatus, Moderation, VoteValue
from comity.consultations.permissions import may_take_part
from comity.structure import selectors as structure_selectors


def _consultation(request: Request, community_id: int, consultation_id: int) -> Consultation:
    community = structure_selectors.get_community_for_user(request.user, community_id)
    return selectors.get_consultation_for_user(request.user, community, consultation_id)


class ConsultationSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    question = serializers.CharField()
    status = serializers.ChoiceField(choices=ConsultationStatus.choices)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    area = serializers.CharField(source="area.name", default=None, allow_null=True)
    participants = serializers.IntegerField(source="n_participants")
    statements = serializers.IntegerField(source="n_statements")


class StatementSerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField()
    text = serializers.CharField()
    is_seed = serializers.BooleanField()
    is_meta = serializers.BooleanField()
    my_vote = serializers.IntegerField(allow_null=True)


class AnalysisStateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    computed_at = serializers.DateTimeField(allow_null=True)
    votes_seen = serializers.IntegerField()
    out_of_date = serializers.BooleanField(source="dirty")


class ConsultationDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    question = serializers.CharField()
    background = serializers.CharField()
    status = serializers.ChoiceField(choices=ConsultationStatus.choices)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    allow_statements = serializers.BooleanField()
    may_take_part = serializers.BooleanField()
    voted = serializers.IntegerField()
    total = serializers.IntegerField()
    next_statement = serializers.IntegerField(allow_null=True)
    statements = StatementSerializer(many=True)
    analysis = AnalysisStateSerializer(allow_null=True)


class VoteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    statement = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text=_("The statement's number.")
    )
    value = serializers.ChoiceField(choices=VoteValue.choices, help_text=_("1 agree, -1 disagree, 0 pass."))


class NewStatementSerializer(serializers.Serializer):  # type: ignore[type-arg]
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class StatementCreatedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField()
    text = serializers.CharField()
    moderation = serializers.ChoiceField(choices=Moderation.choices)


class ReportAnswerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    computed_at = serializers.DateTimeField(allow_null=True)
    votes_seen = serializers.IntegerField()
    out_of_date = serializers.BooleanField()
    report = serializers.JSONField(
        allow_null=True,
        help_text=_(
            "Groups, representative and consensus statements, bridging and divisive statements; null until the "
            "first opinion map is computed."
        ),
    )


class ConsultationList(APIView):
    """The consultations of a community the caller may open (open first, then upcoming, then closed)."""

    @extend_schema(responses=ConsultationSummarySerializer(many=True))
    def get(self, request: Request, community_id: int) -> Response:
        community = structure_selectors.get_community_for_user(request.user, community_id)
        if not request.user.has_perm("consultations.see_consultations", community):
            raise Http404
        consultations = selectors.consultations_for(request.user, community)
        return Response(ConsultationSummarySerializer(consultations, many=True).data)


class ConsultationDetail(APIView):
    """One consultation: its statements with the caller's own votes, progress and the statement to show next."""

    @extend_schema(responses=ConsultationDetailSerializer)
    def get(self, request: Request, community_id: int, consultation_id: int) -> Response:
        consultation = _consultation(request, community_id, consultation_id)
        user = request.user
        taking_part = may_take_part(user, consultation)
        mine = selectors.my_vote_values(user, consultation)
        statements = [
            {
                "number": s.number,
                "text": s.text,
                "is_seed": s.is_seed,
                "is_meta": s.is_meta,
                "my_vote": mine.get(s.pk),
            }
            for s in selectors.votable(consultation).order_by("number")
        ]
        voted = sum(1 for s in statements if s["my_vote"] is not None)
        following = None
        if taking_part and consultation.is_open:
            chosen = selectors.next_statement_for(user, consultation, voted=voted)
            following = chosen.number if chosen else None
        analysis = selectors.analysis_of(consultation)
        data = {
            "id": consultation.pk,
            "title": consultation.title,
            "question": consultation.question,
            "background": consultation.background,
            "status": consultation.status.value,
            "opens_at": consultation.opens_at,
            "closes_at": consultation.closes_at,
            "allow_statements": consultation.allow_statements,
            "may_take_part": taking_part,
            "voted": voted,
            "total": len(statements),
            "next_statement": following,
            "statements": statements,
            "analysis": analysis,
        }
        return Response(ConsultationDetailSerializer(data).data)


class ConsultationVotes(APIView):
    """Vote on a statement (by its number); a second vote on it changes the first."""

    @extend_schema(request=VoteSerializer, responses={201: VoteSerializer})
    def post(self, request: Request, community_id: int, consultation_id: int) -> Response:
        consultation = _consultation(request, community_id, consultation_id)
        incoming = VoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        statement = selectors.statement_by_number(consultation, incoming.validated_data["statement"])
        if statement is None:
            raise serializers.ValidationError({"statement": [_("No such statement in this consultation.")]})
        vote = services.cast_vote(signed_in(request), statement, int(incoming.validated_data["value"]))
        return Response({"statement": statement.number, "value": vote.value}, status=status.HTTP_201_CREATED)


class ConsultationStatements(APIView):
    """Add a statement; with strict moderation it waits for review."""

    @extend_schema(request=NewStatementSerializer, responses={201: StatementCreatedSerializer})
    def post(self, request: Request, community_id: int, consultation_id: int) -> Response:
        consultation = _consultation(request, community_id, consultation_id)
        incoming = NewStatementSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        statement = services.add_statement(signed_in(request), consultation, incoming.validated_data["text"])
        return Response(
            {"number": statement.number, "text": statement.text, "moderation": statement.moderation},
            status=status.HTTP_201_CREATED,
        )


class ConsultationReport(APIView):
    """The last opinion map: groups, representative and consensus statements, bridging, divisive statements."""

    @extend_schema(responses=ReportAnswerSerializer)
    def get(self, request: Request, community_id: int, consultation_id: int) -> Response:
        consultation = _consultation(request, community_id, consultation_id)
        analysis = selectors.analysis_of(consultation)
        if analysis is None or analysis.computed_at is None:
            return Response({"computed_at": None, "votes_seen": 0, "out_of_date": True, "report": None})
        manager = request.user.has_perm("consultations.manage_consultations", consultation)
        return Response(
            {
                "computed_at": analysis.computed_at,
                "votes_seen": analysis.votes_seen,
                "out_of_date": analysis.dirty,
                "report": public_report(analysis.report, consultation, request.user, manager=manager),
            }
        )


def public_report(
    report: dict[str, Any], consultation: Consultation, user: Any, *, manager: bool
) -> dict[str, Any]:
    """The stored report for one viewer: no participant ids, the viewer's own point marked, texts added."""
    own = getattr(user, "pk", None)
    texts = selectors.statement_texts(consultation)
    out = dict(report)
    out["participants"] = [
        {key: value for key, value in p.items() if key != "id"} | {"you": p.get("id") == own}
        for p in report.get("participants", [])
    ]
    out["statements"] = [s | {"text": texts.get(s["id"], "")} for s in report.get("statements", [])]
    if not manager:
        out["bridging"] = [{k: v for k, v in b.items() if k != "flagged"} for b in report.get("bridging", [])]
    return out
