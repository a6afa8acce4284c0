"""REST API: a community's organisations against the target of 10, and one organisation's profile.

The contact person's name and phone are not in the API (the organisation's page shows them)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.engine.ngo_grading import is_eligible
from comity.ngos.models import Grade, OrganisationProfile, ServiceOffer
from comity.ngos.selectors import (
    OrganisationRow,
    counted,
    get_subject_in,
    organisation_rows,
    target_words,
)
from comity.structure.selectors import get_community_for_user


class NgoOfferSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField()
    category = serializers.CharField(help_text=_("The matter category's code."))
    service_type = serializers.CharField()
    capacity = serializers.IntegerField(help_text=_("Places per month."))
    areas = serializers.ListField(child=serializers.CharField(), help_text=_("Codes of the areas served."))


class NgoGradeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    band = serializers.CharField(help_text=_("1A to 5A."))
    total = serializers.IntegerField(help_text=_("Points of 1000."))
    basic_conditions = serializers.IntegerField()
    internal_governance = serializers.IntegerField()
    performance = serializers.IntegerField()
    social_evaluation = serializers.IntegerField()
    assessed_on = serializers.DateField()
    valid_until = serializers.DateField()
    assessor = serializers.CharField()


class NgoOrganisationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(help_text=_("The governance subject's id."))
    name = serializers.CharField()
    kind = serializers.CharField()
    tier = serializers.CharField(allow_blank=True, help_text=_("registered, filed or community_guided."))
    incubation_stage = serializers.CharField(
        allow_blank=True, help_text=_("applied, incubating, graduated, left, or empty.")
    )
    grade = NgoGradeSerializer(allow_null=True, help_text=_("The grade valid today, if any."))
    services = NgoOfferSerializer(many=True)


class NgoTargetSerializer(serializers.Serializer):  # type: ignore[type-arg]
    count = serializers.IntegerField()
    target = serializers.IntegerField()
    met = serializers.BooleanField()
    short = serializers.IntegerField()


class NgoOrganisationListSerializer(serializers.Serializer):  # type: ignore[type-arg]
    target = NgoTargetSerializer()
    results = NgoOrganisationSerializer(many=True)


class NgoProfileSerializer(NgoOrganisationSerializer):
    credit_code = serializers.CharField(allow_blank=True)
    founded_on = serializers.DateField(allow_null=True)
    registered_or_filed_on = serializers.DateField(allow_null=True)
    eligible_for_grading = serializers.BooleanField()
    service_fields = serializers.CharField(allow_blank=True)
    fiscal_host = serializers.CharField(allow_null=True)
    grades = NgoGradeSerializer(many=True)


def _offer(offer: ServiceOffer) -> dict[str, Any]:
    return {
        "title": offer.title,
        "category": offer.category.code,
        "service_type": offer.service_type,
        "capacity": offer.capacity,
        "areas": [area.code for area in offer.areas.all()],
    }


def _grade(grade: Grade | None) -> dict[str, Any] | None:
    if grade is None:
        return None
    return {
        field: getattr(grade, field)
        for field in (
            "band",
            "total",
            "basic_conditions",
            "internal_governance",
            "performance",
            "social_evaluation",
            "assessed_on",
            "valid_until",
            "assessor",
        )
    }


def _row(row: OrganisationRow) -> dict[str, Any]:
    return {
        "id": row.subject.pk,
        "name": row.subject.name,
        "kind": row.subject.kind,
        "tier": row.tier or "",
        "incubation_stage": row.stage,
        "grade": _grade(row.grade),
        "services": [_offer(offer) for offer in row.offers],
    }


class OrganisationList(APIView):
    """The community's social organisations and volunteer teams, with the count against the target of 10."""

    @extend_schema(operation_id="ngos_organisations_list", responses=NgoOrganisationListSerializer)
    def get(self, request: Request, community_id: int) -> Response:
        community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
        data = {
            "target": target_words(counted(community)),
            "results": [_row(row) for row in organisation_rows(community)],
        }
        return Response(NgoOrganisationListSerializer(data).data)


class OrganisationDetail(APIView):
    """One organisation's profile, services and grades."""

    @extend_schema(operation_id="ngos_organisation_retrieve", responses=NgoProfileSerializer)
    def get(self, request: Request, community_id: int, subject_id: int) -> Response:
        community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
        subject = get_subject_in(request.user, community, subject_id)
        row = next(row for row in organisation_rows(community) if row.subject.pk == subject.pk)
        profile: OrganisationProfile | None = row.profile
        data = _row(row) | {
            "credit_code": profile.credit_code if profile else "",
            "founded_on": profile.founded_on if profile else subject.established_on,
            "registered_or_filed_on": profile.registered_or_filed_on if profile else None,
            "eligible_for_grading": bool(
                profile and is_eligible(profile.registered_or_filed_on, timezone.localdate())
            ),
            "service_fields": profile.service_fields if profile else "",
            "fiscal_host": profile.fiscal_host.name if profile and profile.fiscal_host else None,
            "grades": [_grade(grade) for grade in profile.grades.all()] if profile else [],
        }
        return Response(NgoProfileSerializer(data).data)
