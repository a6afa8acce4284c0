"""Django admin for platform staff: the whole registry, searchable and filterable.

Platform staff reading people's records here are in the "who looked" log like everyone else
(:class:`ReadsRecorded`): the admin is not a way round it.
"""

from collections import defaultdict
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from comity.foundation.personal_data import Read
from comity.structure import models
from comity.structure.reads import note_reads


class ReadsRecorded:
    """An admin whose lists and forms show people's data: the people shown are recorded as read by the viewer.

    ``person_field`` is the row's field holding the person's id (``"pk"`` for a person itself)."""

    person_field = "pk"
    #: Whether the list itself shows people's data (a list of appeals shows numbers and categories only).
    list_shows_people = True

    def _note(self, request: HttpRequest, rows: Any) -> None:
        by_community: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            person_id = getattr(row, self.person_field, None)
            if person_id is not None and getattr(row, "community_id", None) is not None:
                by_community[row.community_id].append(person_id)
        for community_id, ids in by_community.items():
            note_reads(request, community_id, ids, Read.PERSON)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        listing = getattr(response, "context_data", None) or {}
        if self.list_shows_people and "cl" in listing:
            self._note(request, listing["cl"].result_list)
        return response  # type: ignore[no-any-return]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        original = (getattr(response, "context_data", None) or {}).get("original")
        if original is not None:
            self._note(request, [original])
        return response  # type: ignore[no-any-return]


@admin.register(models.Street)
class StreetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "district", "city"]
    search_fields = ["name", "code"]


@admin.register(models.Community)
class CommunityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "street", "built_year"]
    list_filter = ["street"]
    search_fields = ["name", "code"]


@admin.register(models.Area)
class AreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "kind", "community", "floors", "built_year", "has_elevator"]
    list_filter = ["kind", "community"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent", "grid_worker"]
    filter_horizontal = ["grid_buildings"]


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "community", "floor", "exclusive_area", "area_source", "usage"]
    list_filter = ["community", "usage", "area_source"]
    search_fields = ["number", "building__code"]
    raw_id_fields = ["building", "stairwell"]
    list_select_related = ["building", "community"]


@admin.register(models.Household)
class HouseholdAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "community", "moved_in_on"]
    list_filter = ["community"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit__building", "community"]


@admin.register(models.Person)
class PersonAdmin(ReadsRecorded, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["full_name", "community", "birth_year", "is_resident", "user", "verified_at"]
    list_filter = ["community", "is_resident"]
    search_fields = ["full_name", "phone", "user__username"]
    raw_id_fields = ["household", "user"]
    list_select_related = ["community", "user"]


@admin.register(models.Ownership)
class OwnershipAdmin(ReadsRecorded, admin.ModelAdmin):  # type: ignore[type-arg]
    person_field = "person_id"

    list_display = ["__str__", "holder_kind", "share", "community", "since", "until"]
    list_filter = ["community", "holder_kind"]
    raw_id_fields = ["unit", "person"]
    list_select_related = ["unit__building", "person", "community"]


@admin.register(models.Tenancy)
class TenancyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "community", "since", "until"]
    list_filter = ["community"]
    raw_id_fields = ["unit", "household"]


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.Membership
    raw_id_fields = ["person"]
    extra = 0


@admin.register(models.GovernanceSubject)
class GovernanceSubjectAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "legal_status", "community", "street", "is_active"]
    list_filter = ["kind", "legal_status", "street", "community"]
    search_fields = ["name"]
    raw_id_fields = ["scope_area"]
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["person", "subject", "role", "started_on", "ended_on"]
    list_filter = ["role", "subject__kind"]
    search_fields = ["person__full_name", "subject__name"]
    raw_id_fields = ["person", "subject"]


@admin.register(models.MatterCategory)
class MatterCategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name_en", "name_zh", "parent", "default_time_limit_hours"]
    search_fields = ["code", "name_en", "name_zh"]


@admin.register(models.Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["category", "community", "scope_area", "lead_subject", "time_limit_hours"]
    list_filter = ["community"]
    raw_id_fields = ["scope_area", "lead_subject"]
    filter_horizontal = ["co_handlers"]


@admin.register(models.ResidencyClaim)
class ResidencyClaimAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["full_name", "unit", "relation", "status", "community", "created_at"]
    list_filter = ["status", "relation", "community"]
    raw_id_fields = ["unit", "user", "decided_by"]
