"""REST API: the signed-in resident's "who looked" list, as the page shows it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.foundation.services import require
from comity.privacy.selectors.access import looks_page, person_of_user


class LookSerializer(serializers.Serializer):  # type: ignore[type-arg]
    who = serializers.CharField(help_text=_("The staff member's name."))
    role = serializers.CharField(help_text=_("The role they read it in, in words."))
    what = serializers.CharField(help_text=_("What they read, in words."))
    code = serializers.CharField(
        help_text=_("What they read, as a code (registry, person, case_contact, …).")
    )
    at = serializers.DateTimeField()
    community = serializers.CharField()


class WhoLookedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    in_registry = serializers.BooleanField(
        help_text=_("Whether the account has a registry record (without one, nobody can have read it).")
    )
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = LookSerializer(many=True)


class WhoLooked(APIView):
    """Who read the caller's personal data, in which role, what and when; newest first, 50 a page."""

    @extend_schema(parameters=[OpenApiParameter("page", int, required=False)], responses=WhoLookedSerializer)
    def get(self, request: Request) -> Response:
        require(request.user, "privacy.manage_own_data")
        person = person_of_user(request.user)
        if person is None:
            return Response({"in_registry": False, "count": 0, "page": 1, "pages": 1, "results": []})
        page, looks = looks_page(person, request.query_params.get("page"))
        data: dict[str, Any] = {
            "in_registry": True,
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": LookSerializer(looks, many=True).data,
        }
        return Response(data)
