"""Forms of the community-organisation pages, with their bounds and messages in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comity.engine.ngo_grading import DEFAULT_MAXIMA, Dimension
from comity.foundation.forms import MultipleFileField
from comity.foundation.idempotency import OnceTokenFormMixin
from comity.ngos.models import ServiceType, SupportKind
from comity.structure.models import Area, GovernanceSubject, LegalStatus, MatterCategory

DATE = forms.DateInput(attrs={"type": "date"})
FILING_TIERS = [
    (LegalStatus.FILED, LegalStatus.FILED.label),
    (LegalStatus.COMMUNITY_GUIDED, LegalStatus.COMMUNITY_GUIDED.label),
]
DIMENSION_WORDS = {
    Dimension.BASIC_CONDITIONS: _("Basic conditions"),
    Dimension.INTERNAL_GOVERNANCE: _("Internal governance"),
    Dimension.PERFORMANCE: _("Performance"),
    Dimension.SOCIAL_EVALUATION: _("Social evaluation"),
}


class ProfileForm(forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), choices=LegalStatus.choices)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        required=False,
        max_length=18,
        help_text=_("18 characters; registered organisations only."),
    )
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=80)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=32)
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DATE)
    registered_or_filed_on = forms.DateField(
        label=_("Registered or filed on"),
        required=False,
        widget=DATE,
        help_text=_("Grading is possible two years after this day."),
    )
    service_fields = forms.CharField(label=_("Fields of service"), required=False, max_length=255)
    fiscal_host = forms.ModelChoiceField(
        label=_("Fiscal host"), required=False, queryset=GovernanceSubject.objects.none()
    )

    def __init__(self, *args: Any, hosts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fiscal_host"].queryset = hosts  # type: ignore[attr-defined]


class OfferForm(OnceTokenFormMixin):
    title = forms.CharField(label=_("Service"), max_length=160)
    category = forms.ModelChoiceField(label=_("Matter category"), queryset=MatterCategory.objects.none())
    service_type = forms.ChoiceField(label=_("Service type"), choices=ServiceType.choices)
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas served"),
        required=False,
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(label=_("Places per month"), min_value=1, max_value=100_000)

    def __init__(self, *args: Any, community: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = MatterCategory.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["areas"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            community=community, kind__in=["zone", "building"]
        ).order_by("kind", "code")


class FilingForm(OnceTokenFormMixin):
    tier = forms.ChoiceField(label=_("Tier asked for"), choices=FILING_TIERS)
    purpose = forms.CharField(
        label=_("Purpose and activities"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    members_count = forms.IntegerField(label=_("Number of members"), min_value=1, max_value=10_000)
    document_title = forms.CharField(
        label=_("What the files are"),
        required=False,
        max_length=120,
        help_text=_("For example: charter, list of members, the leader's ID card."),
    )
    documents = MultipleFileField(
        label=_("Documents"), required=False, help_text=_("PDF, JPEG or PNG, at most 5 MB each.")
    )


class ReviewForm(forms.Form):
    supports = forms.TypedChoiceField(
        label=_("The committee"),
        choices=[("yes", _("Supports the filing")), ("no", _("Does not support it"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What the committee found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons (needed when refusing)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IncubationForm(OnceTokenFormMixin):
    profile = forms.ModelChoiceField(label=_("Organisation"), queryset=GovernanceSubject.objects.none())
    incubator = forms.ModelChoiceField(label=_("Incubator"), queryset=GovernanceSubject.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, profiles: Any, incubators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = profiles  # type: ignore[attr-defined]
        self.fields["incubator"].queryset = incubators  # type: ignore[attr-defined]


class SupportForm(OnceTokenFormMixin):
    kind = forms.ChoiceField(label=_("Support"), choices=SupportKind.choices)
    description = forms.CharField(label=_("What was given"), max_length=255)
    amount = forms.DecimalField(
        label=_("Amount (CNY, seed money only)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        decimal_places=2,
    )
    given_on = forms.DateField(label=_("Given on"), widget=DATE)


class HostedForm(OnceTokenFormMixin):
    direction = forms.ChoiceField(
        label=_("Money"), choices=[("in", _("Received")), ("out", _("Paid out"))], widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), min_value=Decimal("0.01"), max_value=Decimal("1000000"), decimal_places=2
    )
    description = forms.CharField(label=_("What for"), max_length=255)
    on = forms.DateField(label=_("Date"), widget=DATE)


class GradeForm(OnceTokenFormMixin):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    assessor = forms.CharField(label=_("Assessing body"), max_length=160)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dimension in Dimension:
            maximum = DEFAULT_MAXIMA[dimension]
            self.fields[dimension.value] = forms.IntegerField(
                label=DIMENSION_WORDS[dimension],
                min_value=0,
                max_value=maximum,
                help_text=_("0 to %(max)s points") % {"max": maximum},
            )
