"""The outbox in Django's admin, for platform staff: what waits for the broker and why."""

from __future__ import annotations

from django.contrib import admin

from comity.foundation.admin import ReadOnlyAdmin
from comity.jobs.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "task", "args", "community", "published_at", "attempts", "last_error"]
    list_filter = [("published_at", admin.EmptyFieldListFilter), "task"]
    search_fields = ["task", "dedupe_key", "last_error"]
    readonly_fields = [f.name for f in Job._meta.fields]
    date_hierarchy = "created_at"
