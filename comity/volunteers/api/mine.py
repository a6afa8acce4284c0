"""REST API: the signed-in volunteer's hours, stars and time-bank account, and the account's ledger entries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.foundation.services import require
from comity.volunteers.selectors.mine import person_of, summary


class VolunteerHoursSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    served_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=9, decimal_places=2)
    organiser = serializers.CharField(source="organiser.name")
    description = serializers.CharField()
    status = serializers.CharField(help_text=_("claimed, verified, rejected or revoked"))
    reason = serializers.CharField(help_text=_("Why the hours were rejected or revoked."))


class VolunteeringSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    in_registry = serializers.BooleanField(help_text=_("Whether the account has a registry record."))
    verified_hours = serializers.DecimalField(max_digits=11, decimal_places=2)
    stars_awarded = serializers.IntegerField(help_text=_("Stars awarded by the last roll of honour (0–5)."))
    stars_earned = serializers.IntegerField(
        help_text=_("Stars the verified hours earn, awarded at the next roll.")
    )
    hours_to_next_star = serializers.DecimalField(max_digits=11, decimal_places=2, allow_null=True)
    account = serializers.CharField(allow_null=True, help_text=_("The time-bank account's code."))
    balance = serializers.DecimalField(max_digits=11, decimal_places=2)
    pending = VolunteerHoursSerializer(many=True)


class TimeBankEntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    sequence = serializers.IntegerField()
    kind = serializers.CharField(help_text=_("deposit, donation, redemption, transfer or correction"))
    hours = serializers.DecimalField(
        max_digits=11, decimal_places=2, help_text=_("Positive into the account, negative out of it.")
    )
    recorded_at = serializers.DateTimeField()
    hash = serializers.CharField()


class TimeBankLedgerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    account = serializers.CharField(allow_null=True)
    results = TimeBankEntrySerializer(many=True)


class MyVolunteering(APIView):
    """My verified hours, stars, time-bank balance and the hours waiting for verification."""

    @extend_schema(responses=VolunteeringSummarySerializer)
    def get(self, request: Request) -> Response:
        require(request.user, "volunteers.see_own")
        found = summary(person_of(request.user))
        data: dict[str, Any] = {
            "in_registry": found.person is not None,
            "verified_hours": found.verified,
            "stars_awarded": found.stars_awarded,
            "stars_earned": found.stars_earned,
            "hours_to_next_star": found.to_next_star,
            "account": found.account.code if found.account else None,
            "balance": found.account.balance if found.account else 0,
            "pending": found.pending,
        }
        return Response(VolunteeringSummarySerializer(data).data)


class MyLedger(APIView):
    """My time-bank account's last 50 ledger entries, newest first."""

    @extend_schema(responses=TimeBankLedgerSerializer)
    def get(self, request: Request) -> Response:
        require(request.user, "volunteers.see_own")
        found = summary(person_of(request.user))
        account = found.account
        results = [
            {
                "sequence": entry.sequence,
                "kind": entry.kind,
                "hours": -entry.hours if account and entry.debit_id == account.pk else entry.hours,
                "recorded_at": entry.recorded_at,
                "hash": entry.hash,
            }
            for entry in found.entries
        ]
        return Response(
            TimeBankLedgerSerializer({"account": account.code if account else None, "results": results}).data
        )
