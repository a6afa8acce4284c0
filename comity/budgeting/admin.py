"""Django admin for platform staff: funds and cycles are read here, never written (the services are the only
writer; the ledger is append-only). Ballots are left out on purpose."""

from django.contrib import admin

from comity.budgeting import models
from comity.foundation.admin import ReadOnlyAdmin


@admin.register(models.Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["name", "year", "community"]
    list_filter = ["year", "community"]


@admin.register(models.LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["fund", "occurred_on", "kind", "source", "amount_fen", "proposal", "receipt_number"]
    list_filter = ["kind", "source"]
    list_select_related = ["fund", "proposal"]


@admin.register(models.Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ["title", "community", "status", "ballot_kind", "rule"]
    list_filter = ["status", "ballot_kind", "rule"]


@admin.register(models.Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "cycle", "status", "cost"]
    list_filter = ["status"]
    list_select_related = ["cycle"]
