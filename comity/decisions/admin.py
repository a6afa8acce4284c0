"""Django admin for platform staff: decisions are read here, never written (the services are the only writer, and
an edit here would break the ballot log). Ballots and participations are left out on purpose: how an owner voted
is not for browsing, and the ballot log page shows what may be shown."""

from django.contrib import admin

from comity.decisions import models
from comity.foundation.admin import ReadOnlyAdmin


@admin.register(models.Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["title", "community", "area", "rule_name", "status", "passed", "opens_at", "closes_at"]
    list_filter = ["status", "rule_name", "ballot_kind", "secret", "community"]
    search_fields = ["title", "agenda"]
    list_select_related = ["community", "area"]
    exclude = ["result"]


@admin.register(models.LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["decision", "sequence", "hash"]
    list_select_related = ["decision"]


@admin.register(models.Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["decision", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["decision"]


@admin.register(models.Mediation)
class MediationAdmin(ReadOnlyAdmin):
    list_display = ["decision", "held_on", "outcome"]
    list_select_related = ["decision"]


@admin.register(models.CostPlan)
class CostPlanAdmin(ReadOnlyAdmin):
    list_display = ["decision", "method", "total_fen", "subsidy_percent"]
    exclude = ["plan"]
    list_select_related = ["decision"]
