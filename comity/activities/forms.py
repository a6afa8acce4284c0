"""Forms of the activities pages: the activity, registering at the counter, check-in by code, the places."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comity.activities.models import ActivityKind
from comity.activities.permissions import subjects_that_may_organise
from comity.engine.activities import MAX_CAPACITY
from comity.foundation.forms import no_double_colon
from comity.structure.models import Area, Community, GovernanceSubject
from comity.structure.scope import scope_for

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CAPACITY_MESSAGES = {
    "min_value": _("An activity has at least one place."),
    "max_value": _("An activity has at most %(limit_value)s places."),
    "invalid": _("Enter a whole number of places."),
    "required": _("Say how many people can come."),
}


def capacity_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=MAX_CAPACITY,
        error_messages=CAPACITY_MESSAGES,
        help_text=_("When they are taken, further registrations join the wait-list in order."),
    )


class ActivityForm(forms.Form):
    organiser = forms.ModelChoiceField(queryset=GovernanceSubject.objects.none(), label=_("Organiser"))
    title = forms.CharField(label=_("Title"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    place = forms.CharField(
        label=_("Where"), max_length=200, help_text=_("E.g. the community hall, 2nd floor.")
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), label=_("Area of the community"), required=False
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME_WIDGET)
    capacity = capacity_field()
    registration_closes_at = forms.DateTimeField(
        label=_("Registration closes at"),
        required=False,
        widget=DATETIME_WIDGET,
        help_text=_("Empty: registration stays open until the activity starts."),
    )
    volunteer_hours = forms.DecimalField(
        label=_("Volunteer hours credited"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(24),
        max_digits=5,
        decimal_places=2,
        help_text=_("Hours each verified volunteer is credited in the time bank; empty if none."),
        error_messages={
            "min_value": _("Between 0 and 24 hours."),
            "max_value": _("Between 0 and 24 hours."),
            "invalid": _("Enter a number of hours, e.g. 2.5."),
        },
    )

    def __init__(self, *args: Any, community: Community, organisers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["area"].queryset = Area.objects.filter(community=community).order_by("kind", "code")  # type: ignore[attr-defined]
        no_double_colon(self)


def organisers_for(user: Any, community: Community) -> Any:
    """The subjects the user may announce activities for: all of the community's and street's for the committee's
    staff and platform staff, else those the user acts for."""
    subjects = GovernanceSubject.objects.filter(subjects_that_may_organise(community), is_active=True)
    if user.has_perm("activities.run_activity", community):
        return subjects.order_by("name")
    return subjects.filter(pk__in=scope_for(user).acting_subject_ids).order_by("name")


class CapacityForm(forms.Form):
    capacity = capacity_field()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code under the QR code"),
        max_length=60,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Scan a code or type the code printed under it.")},
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or unit"), max_length=60, required=False, help_text=_("E.g. Wang or 3-502.")
    )


class CancelActivityForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=200, required=False)
