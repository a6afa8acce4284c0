"""Platform staff read the privacy app's rows; only services write them."""

from django.contrib import admin

from comity.foundation.admin import ReadOnlyAdmin
from comity.privacy.models import (
    AccessAlert,
    AccessRecord,
    Consent,
    NoticeVersion,
    RetentionRun,
    RightsRequest,
)


@admin.register(NoticeVersion)
class NoticeVersionAdmin(ReadOnlyAdmin):
    list_display = ("number", "published_at", "changed")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("person", "category", "notice", "channel", "given_at", "withdrawn_at")
    list_filter = ("category", "channel")
    raw_id_fields = ("person", "guardian")


@admin.register(RightsRequest)
class RightsRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "community", "kind", "status", "created_at", "due_at", "answered_at")
    list_filter = ("kind", "status")


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "viewer", "role", "person", "what")
    list_filter = ("what", "role")
    raw_id_fields = ("person", "viewer")


@admin.register(AccessAlert)
class AccessAlertAdmin(ReadOnlyAdmin):
    list_display = ("hour", "community", "viewer", "people", "households", "reviewed_at")


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ("ran_at", "community", "counts")
