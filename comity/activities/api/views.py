"""REST API: a community's activities, one activity with the caller's registration, registering and cancelling."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.activities import selectors
from comity.activities.models import Activity, Registration, RegistrationStatus
from comity.activities.services.registrations import cancel_registration, register
from comity.structure.selectors import get_community_for_user


class ActivitySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField(help_text=_("clinic, class, performance, clean_up, volunteer or other."))
    status = serializers.CharField(help_text=_("draft, published or cancelled."))
    description = serializers.CharField()
    place = serializers.CharField()
    organiser = serializers.CharField(source="organiser.name", help_text=_("The organising subject's name."))
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    registration_closes_at = serializers.DateTimeField(allow_null=True)
    capacity = serializers.IntegerField(help_text=_("Places."))
    registered = serializers.IntegerField(source="registered_count", help_text=_("Places taken."))
    waiting = serializers.IntegerField(source="waiting_count", help_text=_("People on the wait-list."))


class ActivityRegistrationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    position = serializers.IntegerField(
        allow_null=True, help_text=_("Place on the wait-list, 1 first; null when registered or cancelled.")
    )
    registered_at = serializers.DateTimeField()
    checked_in_at = serializers.DateTimeField(allow_null=True)


class ActivityDetailSerializer(ActivitySerializer):
    mine = ActivityRegistrationSerializer(allow_null=True, help_text=_("The caller's registration, if any."))


def _registration(row: Registration | None) -> dict[str, Any] | None:
    if row is None:
        return None
    data = {
        "id": row.pk,
        "status": row.status,
        "position": selectors.queue_position(row),
        "registered_at": row.registered_at,
        "checked_in_at": row.checked_in_at,
    }
    out: dict[str, Any] = ActivityRegistrationSerializer(data).data
    return out


def _detail(request: Request, activity: Activity) -> dict[str, Any]:
    mine = selectors.active_registration(activity, selectors.person_of(request.user))
    data: dict[str, Any] = dict(ActivitySerializer(activity).data)
    data["mine"] = _registration(mine)
    return data


class ActivityList(APIView):
    """The community's coming activities (published; drafts too for those who run them), soonest first."""

    @extend_schema(responses=ActivitySerializer(many=True))
    def get(self, request: Request, community_id: int) -> Response:
        community = get_community_for_user(request.user, community_id, perm="activities.see_activities")
        rows = selectors.community_activities(request.user, community)
        return Response(ActivitySerializer(rows, many=True).data)


class ActivityDetail(APIView):
    """One activity, with the caller's registration and place on the wait-list."""

    @extend_schema(responses=ActivityDetailSerializer)
    def get(self, request: Request, activity_id: int) -> Response:
        activity = selectors.get_activity_for_user(request.user, activity_id)
        return Response(_detail(request, activity))


class MyRegistration(APIView):
    """Register the caller (again: the same registration, 200), or cancel their registration."""

    @extend_schema(
        request=None,
        responses={
            201: ActivityRegistrationSerializer,
            200: OpenApiResponse(
                ActivityRegistrationSerializer, description=_("Already registered: the same registration.")
            ),
        },
    )
    def post(self, request: Request, activity_id: int) -> Response:
        activity = selectors.get_activity_for_user(request.user, activity_id, perm="activities.register")
        existing = selectors.active_registration(activity, selectors.person_of(request.user))
        registration = register(request.user, activity)  # type: ignore[arg-type]
        code = status.HTTP_200_OK if existing is not None else status.HTTP_201_CREATED
        return Response(_registration(registration), status=code)

    @extend_schema(
        request=None,
        responses={
            200: ActivityRegistrationSerializer,
            404: OpenApiResponse(description=_("The caller has no registration for this activity.")),
        },
    )
    def delete(self, request: Request, activity_id: int) -> Response:
        activity = selectors.get_activity_for_user(request.user, activity_id)
        mine = selectors.active_registration(activity, selectors.person_of(request.user))
        if mine is None:
            return Response({"detail": _("You have no registration for this activity.")}, status=404)
        return Response(_registration(cancel_registration(request.user, mine)))
