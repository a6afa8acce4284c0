"""The funds with their balances and public ledgers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.budgeting import selectors
from comity.budgeting.api.common import (
    community_for,
    fund_for,
)
from comity.budgeting.models import (
    EntryKind,
    Fund,
    LedgerEntry,
    Proposal,
    SourceKind,
)


class FundSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    income = serializers.IntegerField()
    income_by_source = serializers.DictField(
        child=serializers.IntegerField(), help_text=gettext_lazy("Fen per source, every source listed.")
    )
    allocated = serializers.IntegerField()
    disbursed = serializers.IntegerField()
    returned = serializers.IntegerField()
    available = serializers.IntegerField()
    cash = serializers.IntegerField()


class FundSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    fixed_fen = serializers.IntegerField()
    per_100_residents_fen = serializers.IntegerField()
    residents = serializers.IntegerField()
    formula_fen = serializers.IntegerField()
    description = serializers.CharField()
    summary = FundSummarySerializer()


class ProjectRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    cycle = serializers.IntegerField()


class EntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    source = serializers.ChoiceField(  # type: ignore[assignment]  # the field, not Field.source
        choices=SourceKind.choices, allow_null=True
    )
    amount_fen = serializers.IntegerField()
    description = serializers.CharField()
    counterparty = serializers.CharField()
    project = ProjectRefSerializer(allow_null=True)
    decision = serializers.IntegerField(allow_null=True)
    receipt_number = serializers.CharField()
    has_receipt = serializers.BooleanField()


class ProjectMoneySerializer(serializers.Serializer):  # type: ignore[type-arg]
    project = ProjectRefSerializer()
    allocated = serializers.IntegerField()
    disbursed = serializers.IntegerField()
    returned = serializers.IntegerField()
    outstanding = serializers.IntegerField()
    entries = serializers.ListField(child=serializers.IntegerField())


class LedgerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    fund = FundSerializer()
    entries = EntrySerializer(many=True)
    projects = ProjectMoneySerializer(many=True)


def _project_ref(proposal: Proposal | None) -> dict[str, Any] | None:
    if proposal is None:
        return None
    return {"id": proposal.pk, "number": proposal.number, "title": proposal.title, "cycle": proposal.cycle_id}


def _fund_data(fund: Fund, summary: selectors.FundSummary) -> dict[str, Any]:
    return {
        "id": fund.pk,
        "name": fund.name,
        "year": fund.year,
        "fixed_fen": fund.fixed_fen,
        "per_100_residents_fen": fund.per_100_residents_fen,
        "residents": fund.residents,
        "formula_fen": fund.formula_fen,
        "description": fund.description,
        "summary": {
            "income": summary.income,
            "income_by_source": {
                source: summary.income_by_source.get(source, 0) for source in SourceKind.values
            },
            "allocated": summary.allocated,
            "disbursed": summary.disbursed,
            "returned": summary.returned,
            "available": summary.available,
            "cash": summary.cash,
        },
    }


def _entry_data(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "date": entry.occurred_on,
        "kind": entry.kind,
        "source": entry.source or None,
        "amount_fen": entry.amount_fen,
        "description": entry.description,
        "counterparty": entry.counterparty,
        "project": _project_ref(entry.proposal),
        "decision": entry.decision_id,
        "receipt_number": entry.receipt_number,
        "has_receipt": bool(entry.receipt),
    }


class FundList(APIView):
    """The community's funds, each with its balances in fen: income by source, allocated, paid out, returned,
    available (neither allocated nor spent) and cash (income less payments)."""

    @extend_schema(responses=FundSerializer(many=True))
    def get(self, request: Request, community_id: int) -> Response:
        community = community_for(request, community_id, "budgeting.see_funds")
        funds = selectors.funds_of(community)
        data = [_fund_data(fund, selectors.summarise(fund)) for fund in funds]
        return Response(FundSerializer(data, many=True).data)


class FundLedger(APIView):
    """A fund's public ledger, oldest entry first, and the money of each project it pays for."""

    @extend_schema(responses=LedgerSerializer)
    def get(self, request: Request, community_id: int, fund_id: int) -> Response:
        fund = fund_for(request, community_id, fund_id)
        summary = selectors.summarise(fund)
        entries = fund.entries.select_related("proposal").order_by("occurred_on", "pk")
        projects = [
            {
                "project": _project_ref(money.proposal),
                "allocated": money.allocated,
                "disbursed": money.disbursed,
                "returned": money.returned,
                "outstanding": money.outstanding,
                "entries": [entry.pk for entry in money.entries],
            }
            for money in summary.projects
        ]
        data = {
            "fund": _fund_data(fund, summary),
            "entries": [_entry_data(entry) for entry in entries],
            "projects": projects,
        }
        return Response(LedgerSerializer(data).data)
