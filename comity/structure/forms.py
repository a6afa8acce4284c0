"""Forms for the registry pages. Validation messages are translatable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
    Unit,
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
        min_value=1,
        max_value=24 * 90,
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
    scope_area = forms.ModelChoiceField(
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
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.all())
    building = forms.CharField(label=_("Building number"), max_length=40)
    unit_number = forms.CharField(label=_("Unit number"), max_length=20)
    relation = forms.ChoiceField(label=_("You are the unit's"), choices=ClaimRelation.choices)
    full_name = forms.CharField(label=_("Your full name"), max_length=120)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    message = forms.CharField(
        label=_("Message to the committee"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        community = cleaned.get("community")
        building = (cleaned.get("building") or "").strip()
        number = (cleaned.get("unit_number") or "").strip()
        if community and building and number:
            unit = (
                Unit.objects.filter(community=community, building__code=building, number=number)
                .select_related("community", "building")
                .first()
            )
            if unit is None:
                self.add_error(
                    "unit_number",
                    _("There is no unit %(unit)s in building %(building)s of %(community)s.")
                    % {"unit": number, "building": building, "community": community},
                )
            cleaned["unit"] = unit
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
    scope_area = forms.ModelChoiceField(
        label=_("Area served"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("Self-governance groups act for one area, such as a building or courtyard."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
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
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("Needed only when several people in the registry share the name."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
