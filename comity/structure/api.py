"""REST API for the governance structure (read for members, matrix edits for committee staff)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.engine.responsibility import MAX_TIME_LIMIT_HOURS, MIN_TIME_LIMIT_HOURS
from comity.structure import selectors, services
from comity.structure.models import Community, GovernanceSubject, Responsibility


class CommunitySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    street = serializers.CharField(source="street.name", read_only=True)

    class Meta:
        model = Community
        fields = ["id", "code", "name", "street", "address", "built_year"]


class SubjectSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    scope_area = serializers.CharField(
        source="scope_area.code", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = GovernanceSubject
        fields = ["id", "name", "kind", "kind_label", "legal_status", "community", "scope_area", "is_active"]


class ResponsibilitySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    scope_area = serializers.CharField(
        source="scope_area.code", default=None, allow_null=True, read_only=True
    )
    lead_subject = serializers.PrimaryKeyRelatedField(queryset=GovernanceSubject.objects.all())
    co_handlers = serializers.PrimaryKeyRelatedField(queryset=GovernanceSubject.objects.all(), many=True)
    time_limit_hours = serializers.IntegerField(
        min_value=MIN_TIME_LIMIT_HOURS, max_value=MAX_TIME_LIMIT_HOURS
    )

    class Meta:
        model = Responsibility
        fields = [
            "id",
            "category",
            "category_name",
            "scope_area",
            "lead_subject",
            "co_handlers",
            "time_limit_hours",
            "notes",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class CommunityCountsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    buildings = serializers.IntegerField()
    stairwells = serializers.IntegerField()
    units = serializers.IntegerField()
    households = serializers.IntegerField()
    residents = serializers.IntegerField()
    elderly = serializers.IntegerField()
    owners = serializers.IntegerField()
    tenants = serializers.IntegerField()
    grids = serializers.IntegerField()
    subjects_by_kind = serializers.DictField(child=serializers.IntegerField())


class CommunityOverviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    community = CommunitySerializer()
    counts = CommunityCountsSerializer()


class CommunityList(generics.ListAPIView):  # type: ignore[type-arg]
    """Communities the caller may open."""

    serializer_class = CommunitySerializer

    def get_queryset(self) -> Any:
        return selectors.communities_for_user(self.request.user).order_by("pk")


class CommunityDetail(APIView):
    @extend_schema(responses=CommunityOverviewSerializer)
    def get(self, request: Request, community_id: int) -> Response:
        community = selectors.get_community_for_user(request.user, community_id)
        counts = selectors.community_counts(community)
        names = [
            "buildings",
            "stairwells",
            "units",
            "households",
            "residents",
            "elderly",
            "owners",
            "tenants",
            "grids",
        ]
        data: dict[str, Any] = {name: getattr(counts, name) for name in names}
        data["subjects_by_kind"] = {kind: n for kind, _label, n in counts.subjects_by_kind}
        return Response({"community": CommunitySerializer(community).data, "counts": data})


class SubjectList(generics.ListAPIView):  # type: ignore[type-arg]
    serializer_class = SubjectSerializer

    def get_queryset(self) -> Any:
        community = selectors.get_community_for_user(self.request.user, self.kwargs["community_id"])
        return selectors.subjects_serving(community).select_related("scope_area").order_by("kind", "name")


class ResponsibilityList(generics.ListAPIView):  # type: ignore[type-arg]
    serializer_class = ResponsibilitySerializer

    def get_queryset(self) -> Any:
        community = selectors.get_community_for_user(self.request.user, self.kwargs["community_id"])
        return selectors.responsibility_matrix(community)


class ResponsibilityDetail(APIView):
    """Read one matrix row; committee staff change it with PATCH (through the same service as the page)."""

    @extend_schema(responses=ResponsibilitySerializer)
    def get(self, request: Request, community_id: int, responsibility_id: int) -> Response:
        community = selectors.get_community_for_user(request.user, community_id)
        row = selectors.responsibility_matrix(community).filter(pk=responsibility_id).first()
        if row is None:
            raise NotFound
        return Response(ResponsibilitySerializer(row).data)

    @extend_schema(request=ResponsibilitySerializer, responses=ResponsibilitySerializer)
    def patch(self, request: Request, community_id: int, responsibility_id: int) -> Response:
        community = selectors.get_community_for_user(request.user, community_id, perm="structure.edit_matrix")
        row = selectors.get_responsibility_for_user(request.user, community, responsibility_id)
        serializer = ResponsibilitySerializer(row, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.update_responsibility(
            request.user,
            row,
            lead_subject=data.get("lead_subject", row.lead_subject),
            co_handlers=data.get("co_handlers", list(row.co_handlers.all())),
            time_limit_hours=data.get("time_limit_hours", row.time_limit_hours),
            notes=data.get("notes", row.notes),
        )
        fresh = selectors.responsibility_matrix(community).get(pk=row.pk)
        return Response(ResponsibilitySerializer(fresh).data)
