"""Platform staff read the ngos app's rows; only services write them."""

from django.contrib import admin

from comity.foundation.admin import ReadOnlyAdmin
from comity.ngos.models import (
    Filing,
    FilingDocument,
    Grade,
    HostedEntry,
    Incubation,
    OrganisationProfile,
    ServiceArea,
    ServiceOffer,
    SupportGiven,
)


@admin.register(OrganisationProfile)
class OrganisationProfileAdmin(ReadOnlyAdmin):
    list_display = ("subject", "community", "tier", "registered_or_filed_on", "fiscal_host")
    list_filter = ("tier",)


@admin.register(Filing)
class FilingAdmin(ReadOnlyAdmin):
    list_display = ("pk", "profile", "community", "tier", "status", "submitted_at", "decided_at")
    list_filter = ("status", "tier")


@admin.register(FilingDocument)
class FilingDocumentAdmin(ReadOnlyAdmin):
    list_display = ("filing", "title", "content_type", "size", "uploaded_at")


@admin.register(ServiceOffer)
class ServiceOfferAdmin(ReadOnlyAdmin):
    list_display = ("profile", "title", "category", "service_type", "capacity", "is_active")
    list_filter = ("service_type", "is_active")


@admin.register(Incubation)
class IncubationAdmin(ReadOnlyAdmin):
    list_display = ("profile", "incubator", "stage", "applied_on", "started_on", "ended_on")
    list_filter = ("stage",)


@admin.register(SupportGiven)
class SupportGivenAdmin(ReadOnlyAdmin):
    list_display = ("incubation", "kind", "amount_fen", "given_on")
    list_filter = ("kind",)


@admin.register(HostedEntry)
class HostedEntryAdmin(ReadOnlyAdmin):
    list_display = ("profile", "host", "on", "amount_fen", "balance_fen")


@admin.register(Grade)
class GradeAdmin(ReadOnlyAdmin):
    list_display = ("profile", "band", "total", "assessed_on", "valid_until", "assessor")
    list_filter = ("band",)


@admin.register(ServiceArea)
class ServiceAreaAdmin(ReadOnlyAdmin):
    list_display = ("offer", "area", "community")
