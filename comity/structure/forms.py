"""Forms for the registry pages. Validation messages are translatable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from comity.engine.responsibility import MAX_TIME_LIMIT_HOURS, MIN_TIME_LIMIT_HOURS
from comity.structure.fields import (
    UNIT_HELP,
    NaturalAreaChoiceField,
    PhoneField,
    UnitPickerWidget,
    resolve_unit,
)
from comity.structure.models import (
    STREET_LEVEL_KINDS,
    Area,
    ClaimRelation,
    Community,
    GovernanceSubject,
    LegalStatus,
    MatterCategory,
    MembershipRole,
    SubjectKind,
)
from comity.structure.selectors import subjects_serving


class SubjectChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class SubjectMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ResponsibilityForm(forms.Form):
    lead_subject = SubjectChoiceField(label=_("Lead subject"), queryset=GovernanceSubject.objects.none())
    co_handlers = SubjectMultipleChoiceField(
        label=_("Co-handling subjects"),
        queryset=GovernanceSubject.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    time_limit_hours = forms.IntegerField(
        label=_("Time limit (hours)"),
        min_value=MIN_TIME_LIMIT_HOURS,
        max_value=MAX_TIME_LIMIT_HOURS,
        help_text=_("For example 2 for emergencies, 24 for utilities, 168 for general matters."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subjects = subjects_serving(community).order_by("kind", "name")
        self.fields["lead_subject"].queryset = subjects  # type: ignore[attr-defined]
        self.fields["co_handlers"].queryset = subjects  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lead = cleaned.get("lead_subject")
        co = cleaned.get("co_handlers") or []
        if lead is not None and any(subject.pk == lead.pk for subject in co):
            self.add_error("co_handlers", _("The lead subject cannot also be a co-handler."))
        return cleaned


class NewResponsibilityForm(ResponsibilityForm):
    category = forms.ModelChoiceField(label=_("Matter category"), queryset=MatterCategory.objects.all())
    scope_area = NaturalAreaChoiceField(
        label=_("Scope"), queryset=Area.objects.none(), required=False, empty_label=_("Whole community")
    )
    field_order = ["category", "scope_area", "lead_subject", "co_handlers", "time_limit_hours", "notes"]

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, community=community, **kwargs)
        self.fields["scope_area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            community=community
        ).order_by("kind", "code")
        self.fields["time_limit_hours"].required = False
        self.fields["time_limit_hours"].help_text = _("Leave empty to use the category's default time limit.")


class ClaimForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.select_related("street").order_by("street__name", "name"),
    )
    unit = forms.CharField(
        label=_("Your unit"),
        max_length=80,
        help_text=UNIT_HELP,
        widget=UnitPickerWidget(community_field="community"),
    )
    relation = forms.ChoiceField(label=_("You are the unit's"), choices=ClaimRelation.choices)
    full_name = forms.CharField(label=_("Your full name"), max_length=120)
    phone = PhoneField(label=_("Phone"), required=False)
    message = forms.CharField(
        label=_("Message to the committee"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self) -> dict[str, Any]:
        """Read the unit typed or picked ("3-2-502", "3号楼2单元502") in the chosen community."""
        cleaned = super().clean() or {}
        community = cleaned.get("community")
        text = (cleaned.get("unit") or "").strip()
        if community and text:
            try:
                cleaned["unit"] = resolve_unit(community, text)
            except ValidationError as error:
                self.add_error("unit", error)
        return cleaned


class RejectClaimForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the claimant"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class SubjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    name = forms.CharField(label=_("Name"), max_length=160)
    legal_status = forms.ChoiceField(
        label=_("Legal status"),
        required=False,
        help_text=_(
            "Social organisations only: registered with civil affairs, filed with the street, or guided."
        ),
    )
    scope_area = NaturalAreaChoiceField(
        label=_("Area served"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("Self-governance groups act for one area, such as a building or courtyard."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    phone = PhoneField(label=_("Phone"), required=False)
    address = forms.CharField(label=_("Address"), required=False, max_length=255)
    established_on = forms.DateField(
        label=_("Established on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, community: Community | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [
            (value, label)
            for value, label in SubjectKind.choices
            if (community is None) == (value in STREET_LEVEL_KINDS)
        ]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["legal_status"].choices = [("", "—"), *LegalStatus.choices]  # type: ignore[attr-defined]
        if community is None:
            del self.fields["scope_area"]
        else:
            self.fields["scope_area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
                community=community
            ).order_by("kind", "code")


class MembershipForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    phone = PhoneField(
        label=_("Phone"),
        required=False,
        help_text=_("Needed only when several people in the registry share the name."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
