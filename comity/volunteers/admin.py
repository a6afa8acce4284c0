"""Platform staff read the volunteers' rows; only services write them (the ledger above all)."""

from django.contrib import admin

from comity.foundation.admin import ReadOnlyAdmin
from comity.volunteers.models import Account, HonourRoll, HoursClaim, Ledger, LedgerEntry, Policy, Redemption


@admin.register(HoursClaim)
class HoursClaimAdmin(ReadOnlyAdmin):
    list_display = ("pk", "community", "organiser", "served_on", "hours", "status")
    list_filter = ("status",)
    raw_id_fields = ("person", "activity")


@admin.register(Ledger)
class LedgerAdmin(ReadOnlyAdmin):
    list_display = ("community", "length", "head")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("community", "sequence", "kind", "debit", "credit", "hours", "recorded_at")
    list_filter = ("kind",)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("community", "code", "kind", "balance")
    list_filter = ("kind",)
    raw_id_fields = ("person",)


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ("community", "cap", "min_age", "transfers", "updated_at")


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ("community", "account", "relation", "service", "hours", "recorded_at")
    raw_id_fields = ("beneficiary",)


@admin.register(HonourRoll)
class HonourRollAdmin(ReadOnlyAdmin):
    list_display = ("community", "as_of", "posted_on", "ends_on")
