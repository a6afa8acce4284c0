"""Django admin for platform staff: appeals are read here, never written (the services are the only writer)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from comity.appeals import models
from comity.foundation.admin import ReadOnlyAdmin
from comity.structure.admin import ReadsRecorded


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.AppealEvent
    fields = readonly_fields = (
        "seq",
        "kind",
        "from_status",
        "to_status",
        "actor",
        "acting_subject",
        "note",
        "at",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DispatchInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.Dispatch
    fields = readonly_fields = (
        "subject",
        "role",
        "dispatched_at",
        "due_at",
        "signed_for_at",
        "ended_at",
        "end_reason",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Appeal)
class AppealAdmin(ReadsRecorded, ReadOnlyAdmin):
    person_field = "requester_id"
    list_shows_people = False
    list_display = [
        "number",
        "community",
        "kind",
        "category",
        "status",
        "lead_subject",
        "received_at",
        "due_at",
    ]
    list_filter = ["status", "kind", "channel", "community"]
    search_fields = ["number", "description", "contact_name"]
    list_select_related = ["community", "category", "lead_subject"]
    inlines = [DispatchInline, EventInline]


@admin.register(models.Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "method", "resolved", "satisfaction", "rated_at"]
    list_filter = ["method", "resolved", "satisfaction"]
