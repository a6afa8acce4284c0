"""Django admin for platform staff: the whole registry, searchable and filterable."""

from django.contrib import admin

from comity.structure import models


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
class PersonAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["full_name", "community", "birth_year", "is_resident", "user", "verified_at"]
    list_filter = ["community", "is_resident"]
    search_fields = ["full_name", "phone", "user__username"]
    raw_id_fields = ["household", "user"]
    list_select_related = ["community", "user"]


@admin.register(models.Ownership)
class OwnershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
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
