"""Forms of the appeal pages. Validation that needs the database (places, transitions) is the services' job;
the forms only shape what the user typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comity.appeals.models import (
    STATUS_LABELS,
    AppealKind,
    Channel,
    ReplyTemplate,
    Resolved,
    Satisfaction,
    Urgency,
)
from comity.engine.appeals import AppealStatus
from comity.foundation.forms import MultipleFileField, no_double_colon
from comity.foundation.idempotency import OnceTokenFormMixin
from comity.foundation.photos import MAX_PHOTOS
from comity.foundation.widgets import QuickSelect
from comity.structure.fields import NaturalAreaChoiceField, PhoneField, UnitField, in_natural_order
from comity.structure.models import Area, AreaKind, Community, GovernanceSubject, MatterCategory, Street, Unit


class CategoryChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def category_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Leaf categories grouped under their top-level category (an ``<optgroup>`` each)."""
    rows = list(MatterCategory.objects.select_related("parent").order_by("position", "code"))
    parents = {row.parent_id for row in rows if row.parent_id}
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for row in rows:
        if row.pk in parents or row.parent is None:
            continue
        top = row.parent
        while top.parent_id is not None and top.parent is not None:
            top = top.parent
        groups.setdefault(top.pk, (top.name, []))[1].append((row.pk, row.name))
    return list(groups.values())


class AppealForm(OnceTokenFormMixin):
    kind = forms.ChoiceField(label=_("What is it?"), choices=AppealKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("What happened, and where exactly?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    category = CategoryChoiceField(label=_("Matter"), queryset=MatterCategory.objects.all())
    emergency = forms.BooleanField(
        label=_("This is an emergency: people or property are in danger now"), required=False
    )
    unit = forms.ModelChoiceField(label=_("My home"), queryset=Unit.objects.none(), required=False)
    area = NaturalAreaChoiceField(
        label=_("Or a building or common place"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_(
            "Choosing a place here sends the appeal about that place instead of your home. "
            "Leave both empty for a matter of the whole community."
        ),
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
    )
    is_public = forms.BooleanField(
        label=_("Show this appeal to the community (without my name)"),
        required=False,
        help_text=_("Neighbours with the same problem can see it is being handled."),
    )

    def __init__(
        self, *args: Any, community: Community, user: Any, assisted: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.assisted = assisted
        self.fields["photos"].help_text = _("Up to %(count)d photos, JPEG, PNG or WebP.") % {
            "count": MAX_PHOTOS
        }
        self.fields["category"].choices = [("", "—"), *category_choices()]  # type: ignore[attr-defined]
        self.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            community=community, kind__in=[AreaKind.BUILDING, AreaKind.COMMON_SPACE, AreaKind.ZONE]
        )
        in_natural_order(self.fields["area"])
        if assisted:
            # Staff fill this form while the resident talks to them: it speaks to staff about the resident.
            self.fields["kind"].label = _("What kind of appeal is it?")
            self.fields["description"].label = _("What the resident reports, and where exactly")
            self.fields["emergency"].label = _("An emergency: people or property are in danger now")
            self.fields["area"].label = _("Or a building or common place")
            self.fields["area"].help_text = _(
                "Choose a unit, or a building or common place. Leave both empty for a matter of the whole "
                "community."
            )
            # A search, not a list of thousands of units (structure.fields.UnitField).
            self.fields["unit"] = UnitField(
                community=community, label=_("The resident's home, if it is in the register"), required=False
            )
            self.fields["is_public"].label = _(
                "Show this appeal to the community (without the resident's name)"
            )
            self.fields["contact_name"] = forms.CharField(label=_("Resident's name"), max_length=120)
            self.fields["contact_phone"] = PhoneField(label=_("Resident's phone"))
            self.fields["channel"] = forms.ChoiceField(
                label=_("How the appeal came in"),
                choices=[(c.value, c.label) for c in Channel if c not in {Channel.WEB, Channel.API}],
                initial=Channel.WALK_IN,
            )
            self.fields["consent_note"] = forms.CharField(
                label=_("How the resident agreed"),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("For example: asked in person at the service hall and agreed."),
            )
        else:
            self.fields["unit"].queryset = (  # type: ignore[attr-defined]
                Unit.objects.filter(community=community)
                .filter(Q(households__members__user=user) | Q(ownerships__person__user=user))
                .select_related("building")
                .distinct()
                .order_by("building__code", "number")
            )
            homes = list(self.fields["unit"].queryset)  # type: ignore[attr-defined]
            if not homes:
                del self.fields["unit"]
            elif len(homes) == 1:
                self.fields["unit"].initial = homes[0].pk
        self.order_fields(["contact_name", "contact_phone", "channel", "consent_note"])

        no_double_colon(self)

    def clean(self) -> dict[str, Any]:
        """One place per appeal. A resident's home is chosen for them in advance, so a building or common
        place they pick on purpose replaces it; staff choose both only for a home inside that place (the
        service refuses a home elsewhere)."""
        data = super().clean() or {}
        if not self.assisted and data.get("area") is not None and data.get("unit") is not None:
            data["unit"] = None
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "kind": data["kind"],
            "category": data["category"],
            "description": data["description"],
            "urgency": Urgency.EMERGENCY if data.get("emergency") else Urgency.NORMAL,
            "area": data.get("area"),
            "unit": data.get("unit"),
            "is_public": data.get("is_public", False),
            "photos": data.get("photos") or [],
        }
        if self.assisted:
            kwargs.update(
                for_resident=True,
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                consent_note=data["consent_note"],
                channel=data["channel"],
            )
        return kwargs


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the resident"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RatingForm(forms.Form):
    resolved = forms.ChoiceField(
        label=_("Was the matter resolved?"), choices=Resolved.choices, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the handling?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class VisitForm(forms.Form):
    contacted = forms.TypedChoiceField(
        label=_("Did you reach the requester?"),
        choices=[("yes", _("Yes")), ("no", _("No, not reached"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What the requester said"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RedispatchForm(forms.Form):
    lead_subject = forms.ModelChoiceField(
        label=_("Dispatch to"), queryset=GovernanceSubject.objects.none(), widget=QuickSelect
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_subject"].queryset = GovernanceSubject.objects.filter(  # type: ignore[attr-defined]
            Q(community=community) | Q(community__isnull=True, street=community.street_id), is_active=True
        ).order_by("community", "kind", "name")


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Number of the appeal to merge into"), max_length=20, help_text=_("For example 2026-000123.")
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class QueueFilterForm(forms.Form):
    mine = forms.ChoiceField(
        label=_("Mine"),
        required=False,
        widget=QuickSelect,
        choices=[
            ("", _("Everything I may see")),
            ("to_sign", _("Waiting for me to sign")),
            ("lead", _("I lead")),
            ("help", _("I help")),
        ],
    )
    # The workbench's filter bar: drawn without a template per option (comity.foundation.widgets).
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    category = forms.ChoiceField(label=_("Matter"), required=False, widget=QuickSelect)
    area = forms.ModelChoiceField(
        label=_("Building"), queryset=Area.objects.none(), required=False, widget=QuickSelect
    )
    subject = forms.ModelChoiceField(
        label=_("Lead subject"), queryset=GovernanceSubject.objects.none(), required=False, widget=QuickSelect
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Number or text"), required=False, max_length=100)

    def __init__(self, *args: Any, community: Community, subjects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("Any status")),
            ("open", _("Still being handled")),
            *[(status.value, STATUS_LABELS[status]) for status in AppealStatus],
        ]
        tops = MatterCategory.objects.filter(parent__isnull=True).order_by("position", "code")
        self.fields["category"].choices = [("", _("Any matter")), *[(c.code, c.name) for c in tops]]  # type: ignore[attr-defined]
        self.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            community=community, kind=AreaKind.BUILDING
        )
        in_natural_order(self.fields["area"])
        self.fields["subject"].queryset = subjects  # type: ignore[attr-defined]


def reply_templates(community: Community, subject_ids: set[int]) -> list[ReplyTemplate]:
    return list(
        ReplyTemplate.objects.filter(community=community).filter(
            Q(subject__isnull=True) | Q(subject_id__in=subject_ids)
        )
    )


class StreetQueueFilterForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why"),
        required=False,
        widget=QuickSelect,
        choices=[
            ("", _("Every reason")),
            ("escalated", _("Escalated to the street")),
            ("overdue", _("Overdue")),
            ("disputed", _("Disputed, the street decides")),
        ],
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        required=False,
        empty_label=_("Every community"),
        widget=QuickSelect,
    )
    category = forms.ChoiceField(label=_("Matter"), required=False, widget=QuickSelect)

    def __init__(self, *args: Any, street: Street, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(street=street).order_by("name")  # type: ignore[attr-defined]
        tops = MatterCategory.objects.filter(parent__isnull=True).order_by("position", "code")
        self.fields["category"].choices = [("", _("Any matter")), *[(c.code, c.name) for c in tops]]  # type: ignore[attr-defined]
