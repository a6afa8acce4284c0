"""Platform staff read the activities app's rows; only services write them."""

from django.contrib import admin

from comity.activities.models import Activity, Registration
from comity.foundation.admin import ReadOnlyAdmin


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("title", "community", "organiser", "kind", "status", "starts_at", "capacity")
    list_filter = ("kind", "status")
    exclude = ("check_in_secret",)


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("activity", "arrival", "person", "status", "registered_at", "checked_in_at")
    list_filter = ("status", "check_in_method")
    raw_id_fields = ("person", "user", "recorded_by", "checked_in_by")
