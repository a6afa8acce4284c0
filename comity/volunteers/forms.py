"""Forms of the volunteers' pages: hours, their verification, redemptions, transfers, the policy and the roll.
Every number has its bounds; a service's refusal is shown on the field it concerns (``add_service_errors``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comity.foundation.idempotency import OnceTokenFormMixin
from comity.structure.models import GovernanceSubject, Person
from comity.volunteers.models import MAX_BANK_HOURS, MAX_HOURS, MIN_HOURS, RelationChoice, TransferChoice


def _hours_field(high: Decimal = MAX_HOURS, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=kwargs.pop("label", _("Hours")),
        min_value=MIN_HOURS,
        max_value=high,
        max_digits=9,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
        **kwargs,
    )


class HoursForm(OnceTokenFormMixin):
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=GovernanceSubject.objects.none())
    person = forms.ModelChoiceField(label=_("Volunteer"), queryset=Person.objects.none())
    served_on = forms.DateField(label=_("Served on"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = _hours_field(help_text=_("In quarters of an hour, at most 24."))
    description = forms.CharField(label=_("What was done"), max_length=200, required=False)

    def __init__(self, *args: Any, organisers: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500})
    )


class RedeemForm(OnceTokenFormMixin):
    beneficiary = forms.ModelChoiceField(label=_("For whom"), queryset=Person.objects.none())
    relation = forms.ChoiceField(label=_("Relation to the account holder"), choices=RelationChoice.choices)
    service = forms.CharField(label=_("Service"), max_length=200, help_text=_("A service, never cash."))
    provider = forms.ModelChoiceField(
        label=_("Provided by"), queryset=GovernanceSubject.objects.none(), required=False
    )
    hours = _hours_field(MAX_BANK_HOURS)

    def __init__(self, *args: Any, people: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].queryset = people  # type: ignore[attr-defined]
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]


class TransferForm(OnceTokenFormMixin):
    beneficiary = forms.ModelChoiceField(label=_("To whom"), queryset=Person.objects.none())
    relation = forms.ChoiceField(label=_("Relation to the account holder"), choices=RelationChoice.choices)
    hours = _hours_field(MAX_BANK_HOURS)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].queryset = people  # type: ignore[attr-defined]


class PolicyForm(forms.Form):
    cap = forms.DecimalField(
        label=_("Hours an account may hold"),
        required=False,
        min_value=Decimal(1),
        max_value=MAX_BANK_HOURS,
        max_digits=9,
        decimal_places=2,
        help_text=_("Hours past this are donated to the community pool. Empty: no cap."),
    )
    min_age = forms.IntegerField(label=_("Minimum age to receive services"), min_value=0, max_value=120)
    beneficiaries = forms.MultipleChoiceField(
        label=_("Who may benefit"), choices=RelationChoice.choices, widget=forms.CheckboxSelectMultiple
    )
    yearly_limit = forms.DecimalField(
        label=_("Hours an account may redeem in a year"),
        required=False,
        min_value=Decimal(1),
        max_value=MAX_BANK_HOURS,
        max_digits=9,
        decimal_places=2,
        help_text=_("Empty: no limit but the balance."),
    )
    transfers = forms.ChoiceField(label=_("Transfers"), choices=TransferChoice.choices)


class RollForm(forms.Form):
    as_of = forms.DateField(
        label=_("Count hours verified up to"), widget=forms.DateInput(attrs={"type": "date"})
    )
