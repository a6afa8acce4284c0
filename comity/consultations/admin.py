"""Django admin for platform staff: consultations are read here, never written (the services are the only
writer). Votes are left out on purpose: how a resident voted is not for browsing."""

from django.contrib import admin

from comity.consultations import models
from comity.foundation.admin import ReadOnlyAdmin


@admin.register(models.Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["title", "community", "area", "published", "opens_at", "closes_at"]
    list_filter = ["published", "community"]
    search_fields = ["title", "question"]
    list_select_related = ["community", "area"]


@admin.register(models.Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["number", "consultation", "text", "is_seed", "is_meta", "moderation"]
    list_filter = ["moderation", "is_seed", "is_meta"]
    search_fields = ["text"]
    list_select_related = ["consultation"]


@admin.register(models.Analysis)
class AnalysisAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "computed_at", "votes_seen", "dirty", "requested_at"]
    list_filter = ["dirty"]
    exclude = ["state", "polis"]


@admin.register(models.DecisionDraft)
class DecisionDraftAdmin(ReadOnlyAdmin):
    list_display = ["title", "consultation", "created_by", "created_at"]
    search_fields = ["title", "body"]
