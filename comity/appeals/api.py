"""REST API for appeals: list and submit, one appeal with its timeline, its steps, and category suggestions.

Thin, like the pages: parse → permission → service → serialise. Every write goes through the same service as
the pages (:mod:`comity.appeals.services`), so the engine decides every step and a refusal is a 400 with the
service's translated message (the ``LocaleMiddleware`` follows ``Accept-Language``). What a caller sees of
contact data and internal notes is decided in :mod:`comity.appeals.serializers`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.accounts.models import User
from comity.accounts.selectors import signed_in
from comity.appeals import selectors, services
from comity.appeals.models import Appeal
from comity.appeals.selectors import catalogue_specs
from comity.appeals.serializers import (
    EVENT_BODIES,
    OPEN,
    AppealDetailSerializer,
    AppealListFilterSerializer,
    AppealSubmitSerializer,
    AppealSummarySerializer,
    EventBodySerializer,
    SuggestionSerializer,
    SuggestQuerySerializer,
    viewer_of,
)
from comity.engine.category_suggest import suggest_categories
from comity.foundation.idempotency import State, claim
from comity.foundation.personal_data import Read
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community, MatterCategory
from comity.structure.reads import note_reads


def _community(user: Any, community_id: int, perm: str | None = None) -> Community:
    community = structure_selectors.get_community_for_user(user, community_id)
    if perm is not None and not user.has_perm(perm, community):
        raise PermissionDenied
    return community


def _detail(request: Request, appeal: Appeal) -> dict[str, Any]:
    fresh = selectors.appeal_for_detail(appeal)
    viewer = viewer_of(request.user, fresh)
    timeline = list(selectors.appeal_timeline(fresh).select_related("actor__person"))
    if not viewer.takes_part_as_staff:
        timeline = [entry for entry in timeline if entry.kind != "note"]
    context = {"request": request, "viewer": viewer, "timeline": timeline, "now": timezone.now()}
    data: dict[str, Any] = AppealDetailSerializer(fresh, context=context).data
    if fresh.requester_id is not None and fresh.requester_user_id != request.user.pk:
        note_reads(request, fresh.community_id, [fresh.requester_id], Read.CASE_CONTACT)
    return data


def _in_category(appeals: QuerySet[Appeal], category: MatterCategory) -> QuerySet[Appeal]:
    """The category and its subcategories (codes are dotted paths: ``facilities`` › ``facilities.lifts``)."""
    return appeals.filter(Q(category__code=category.code) | Q(category__code__startswith=f"{category.code}."))


class AppealList(generics.GenericAPIView):  # type: ignore[type-arg]
    """The appeals of a community the caller may open; residents submit theirs here."""

    serializer_class = AppealSummarySerializer

    @extend_schema(parameters=[AppealListFilterSerializer], responses=AppealSummarySerializer(many=True))
    def get(self, request: Request, community_id: int) -> Response:
        community = _community(request.user, community_id)
        filters = AppealListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        appeals = selectors.visible_appeals(request.user, community)
        if wanted.get("status"):
            appeals = appeals.filter(status__in=sorted(wanted["status"]))
        if wanted.get("category") is not None:
            appeals = _in_category(appeals, wanted["category"])
        now = timezone.now()
        if wanted.get("overdue"):
            appeals = appeals.filter(status__in=sorted(OPEN), due_at__lt=now)
        appeals = appeals.select_related(
            "category", "lead_subject", "area__parent", "unit__building"
        ).order_by("-received_at", "-pk")
        page = self.paginate_queryset(appeals)
        data = AppealSummarySerializer(page, many=True, context={"now": now}).data
        return self.get_paginated_response(data)

    @extend_schema(
        request={
            "application/json": AppealSubmitSerializer,
            "multipart/form-data": AppealSubmitSerializer,
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description=gettext_lazy(
                    "A unique key (8 to 255 letters, digits, - or _) that makes a retry safe: sending the same "
                    "key again within a day creates nothing and returns the appeal the first request created "
                    "(200); while the first request is still running, 409."
                ),
            )
        ],
        responses={
            201: AppealDetailSerializer,
            200: OpenApiResponse(
                AppealDetailSerializer,
                description=gettext_lazy("Already created with this Idempotency-Key: the same appeal."),
            ),
            409: OpenApiResponse(
                description=gettext_lazy("A request with this Idempotency-Key is still running.")
            ),
        },
    )
    def post(self, request: Request, community_id: int) -> Response:
        community = _community(request.user, community_id, "appeals.submit_appeal")
        attempt = claim(
            request.user, request.headers.get("Idempotency-Key"), scope=f"api.appeals.submit:{community.pk}"
        )
        if attempt.state == State.DONE:
            first = resolve(attempt.url).kwargs["appeal_id"]
            return Response(_detail(request, selectors.get_appeal_for_user(request.user, community, first)))
        if attempt.state == State.PENDING:
            return Response(
                {"detail": _("A request with this Idempotency-Key is still running; try again shortly.")},
                status=status.HTTP_409_CONFLICT,
            )
        try:
            body = AppealSubmitSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            appeal = services.submit_appeal(signed_in(request), community, **body.validated_data)
        except BaseException:
            attempt.release()
            raise
        attempt.complete(reverse("api-appeal", args=[community.pk, appeal.pk]))
        return Response(_detail(request, appeal), status=status.HTTP_201_CREATED)


class AppealDetail(APIView):
    @extend_schema(responses=AppealDetailSerializer)
    def get(self, request: Request, community_id: int, appeal_id: int) -> Response:
        community = _community(request.user, community_id)
        appeal = selectors.get_appeal_for_user(request.user, community, appeal_id)
        return Response(_detail(request, appeal))


def _merge(user: User, appeal: Appeal, data: dict[str, Any]) -> Appeal:
    primary = selectors.appeal_in_community(appeal.community_id, data["into"])
    if primary is None:
        raise DjangoValidationError({"into": [_("No appeal of this community has this id.")]})
    return services.merge(user, appeal, into=primary, reason=data["reason"])


#: Each event's service call, from the validated body.
STEPS: dict[str, Callable[[User, Appeal, dict[str, Any]], object]] = {
    "sign_for": lambda user, appeal, data: services.sign_for(user, appeal),
    "start": lambda user, appeal, data: services.start(user, appeal),
    "close": lambda user, appeal, data: services.close(user, appeal),
    "withdraw": lambda user, appeal, data: services.withdraw(user, appeal),
    "reply": lambda user, appeal, data: services.reply(user, appeal, text=data["text"]),
    "note": lambda user, appeal, data: services.note(user, appeal, text=data["text"]),
    "dispute": lambda user, appeal, data: services.dispute(user, appeal, reason=data["reason"]),
    "reject_dispute": lambda user, appeal, data: services.reject_dispute(user, appeal, reason=data["reason"]),
    "reopen": lambda user, appeal, data: services.reopen(user, appeal, reason=data["reason"]),
    "redispatch": lambda user, appeal, data: services.redispatch(
        user, appeal, lead_subject=data["lead_subject"], reason=data["reason"]
    ),
    "visit": lambda user, appeal, data: services.visit(
        user, appeal, contacted=data["contacted"], note=data["note"]
    ),
    "rate": lambda user, appeal, data: services.rate(
        user,
        appeal,
        contacted=data["contacted"],
        resolved=data["resolved"],
        satisfaction=data["satisfaction"],
        comment=data["comment"],
        method=data["method"],
    ),
    "merge": _merge,
}

EVENT_REQUEST = PolymorphicProxySerializer(
    component_name="AppealEventRequest",
    serializers=dict(EVENT_BODIES),
    resource_type_field_name="event",
)


class AppealEvents(APIView):
    """Take one step in the appeal's lifecycle. The engine decides whether the caller may take it now."""

    @extend_schema(
        request=EVENT_REQUEST,
        responses={
            200: AppealDetailSerializer,
            400: OpenApiResponse(
                description=_("The step is not allowed now, or a field is missing or wrong.")
            ),
            403: OpenApiResponse(description=gettext_lazy("The caller takes no part in this appeal.")),
        },
    )
    def post(self, request: Request, community_id: int, appeal_id: int) -> Response:
        community = _community(request.user, community_id)
        appeal = selectors.get_appeal_for_user(request.user, community, appeal_id)
        if not request.user.has_perm("appeals.act_on_appeal", appeal):
            raise PermissionDenied
        kind = EventBodySerializer(data=request.data)
        kind.is_valid(raise_exception=True)
        event = kind.validated_data["event"]
        body = EVENT_BODIES[event](data=request.data)
        body.is_valid(raise_exception=True)
        STEPS[event](signed_in(request), appeal, dict(body.validated_data))
        return Response(_detail(request, appeal))


class CategorySuggestions(APIView):
    """Categories the words of an appeal point to, best first (:mod:`comity.engine.category_suggest`)."""

    @extend_schema(parameters=[SuggestQuerySerializer], responses=SuggestionSerializer(many=True))
    def get(self, request: Request, community_id: int) -> Response:
        _community(request.user, community_id, "appeals.submit_appeal")
        query = SuggestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = suggest_categories(
            query.validated_data["text"], catalogue=catalogue_specs(), limit=query.validated_data["limit"]
        )
        names = {code: c.name for code, c in selectors.categories_by_code(s.code for s in found).items()}
        rows = [
            {"code": s.code, "name": names[s.code], "score": float(s.score), "matched": list(s.matched)}
            for s in found
        ]
        return Response(SuggestionSerializer(rows, many=True).data)
