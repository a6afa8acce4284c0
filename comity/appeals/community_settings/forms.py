"""Forms of the appeal settings pages. The rules that a saved calendar must keep
(:mod:`comity.appeals.community_settings.validation`) are the service's; the forms reuse them so the page shows
every problem at once."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from comity.appeals.community_settings.validation import (
    EMERGENCY_HOURS,
    REMIND_PERCENT,
    REOPEN_DAYS,
    WEIGHTS,
    calendar_errors,
    weights_error,
)
from comity.appeals.models import AppealSettings, Clock, Urgency
from comity.engine.responsibility import MAX_TIME_LIMIT_HOURS, MIN_TIME_LIMIT_HOURS
from comity.structure.models import Community, GovernanceSubject, MatterCategory

#: ``2026-10-01``, ``2026/10/1``, ``2026.10.1`` or ``2026年10月1日``.
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class DateLinesField(forms.CharField):
    """Dates typed one per line, as a sorted list without repeats."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(day) for day in value)
        return value

    def to_python(self, value: Any) -> list[date]:  # type: ignore[override]
        text = super().to_python(value) or ""
        if len(text) > 20_000:
            raise ValidationError(
                _("The list is too long: at most one date per line, 400 dates."), code="long"
            )
        days: set[date] = set()
        errors = []
        for line in (line.strip() for line in text.splitlines()):
            if not line:
                continue
            found = _DATE.match(line)
            try:
                if found is None:
                    raise ValueError(line)
                days.add(date(*(int(part) for part in found.groups())))
            except ValueError:
                errors.append(
                    ValidationError(
                        _("“%(line)s” is not a date; write it like 2026-10-01."),
                        code="invalid_date",
                        params={"line": line},
                    )
                )
        if errors:
            raise ValidationError(errors)
        return sorted(days)


def _time_input() -> forms.TimeInput:
    # A text input: comity.css styles text inputs for touch, and "09:00" is quick to type on any keyboard.
    return forms.TimeInput(format="%H:%M", attrs={"placeholder": "09:00", "autocomplete": "off"})


class AppealSettingsForm(forms.Form):
    clock = forms.ChoiceField(
        label=_("Count time limits in"),
        choices=Clock.choices,
        widget=forms.RadioSelect,
        help_text=_("Working hours skip nights, weekends and public holidays."),
    )
    work_starts = forms.TimeField(
        label=_("Working day starts"), widget=_time_input(), help_text=_("24-hour clock, like 09:00.")
    )
    work_ends = forms.TimeField(
        label=_("Working day ends"), widget=_time_input(), help_text=_("24-hour clock, like 17:30.")
    )
    working_weekdays = forms.TypedMultipleChoiceField(
        label=_("Working weekdays"),
        choices=[(day, WEEKDAYS[day]) for day in range(7)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    holidays = DateLinesField(
        label=_("Public holidays"),
        required=False,
        help_text=_("One date per line, like 2026-10-01. These days do not count as working time."),
    )
    adjusted_working_days = DateLinesField(
        label=_("Weekend days worked"),
        required=False,
        help_text=_("One date per line: weekend days that are working days because a holiday was moved."),
    )
    emergency_hours = forms.IntegerField(
        label=_("Time limit for emergencies (hours)"),
        min_value=EMERGENCY_HOURS[0],
        max_value=EMERGENCY_HOURS[1],
        help_text=_("Applies to emergencies without a time limit of their own below."),
    )
    remind_percent = forms.IntegerField(
        label=_("Warn the handler when this share of the time has passed (%)"),
        min_value=REMIND_PERCENT[0],
        max_value=REMIND_PERCENT[1],
    )
    reopen_days = forms.IntegerField(
        label=_("Days in which a requester may reopen"),
        min_value=REOPEN_DAYS[0],
        max_value=REOPEN_DAYS[1],
        help_text=_("Counted from the reply, or from the rating when the requester was not satisfied."),
    )
    weight_response = forms.IntegerField(label=_("Response rate (%)"), min_value=0, max_value=100)
    weight_resolution = forms.IntegerField(label=_("Resolution rate (%)"), min_value=0, max_value=100)
    weight_satisfaction = forms.IntegerField(label=_("Satisfaction rate (%)"), min_value=0, max_value=100)
    weight_on_time = forms.IntegerField(label=_("On-time rate (%)"), min_value=0, max_value=100)

    @staticmethod
    def initial_from(config: AppealSettings) -> dict[str, Any]:
        initial = {name: getattr(config, name) for name in AppealSettingsForm.base_fields}
        initial["working_weekdays"] = [int(day) for day in config.working_weekdays]
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        calendar = ("work_starts", "work_ends", "working_weekdays", "holidays", "adjusted_working_days")
        if all(name in cleaned for name in calendar):
            problems = calendar_errors(
                work_starts=cleaned["work_starts"],
                work_ends=cleaned["work_ends"],
                working_weekdays=cleaned["working_weekdays"],
                holidays=cleaned["holidays"],
                adjusted=cleaned["adjusted_working_days"],
            )
            for name, messages in problems.items():
                for message in messages:
                    self.add_error(name, message)
        if all(name in cleaned for name in WEIGHTS):
            error = weights_error({name: cleaned[name] for name in WEIGHTS})
            if error is not None:
                self.add_error(None, error)
        return cleaned

    @property
    def weights_errors(self) -> list[str]:
        """The weights' own error, shown next to them as well as at the top of the form."""
        return [
            m
            for error in self.non_field_errors().as_data()
            if error.code == "weights"
            for m in error.messages
        ]


class CategoryChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Categories in catalogue order, subcategories indented under their parent."""

    def label_from_instance(self, obj: Any) -> str:
        return f"— {obj.name}" if obj.parent_id else str(obj.name)


class TimeLimitPolicyForm(forms.Form):
    category = CategoryChoiceField(
        label=_("Matter"),
        queryset=MatterCategory.objects.order_by("position", "code"),
        help_text=_("A time limit for a general matter also applies to its specific matters."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect)
    hours = forms.IntegerField(
        label=_("Time limit (hours)"),
        min_value=MIN_TIME_LIMIT_HOURS,
        max_value=MAX_TIME_LIMIT_HOURS,
        help_text=_("For example 2 for emergencies, 24 for utilities, 168 for a week."),
    )
    clock = forms.ChoiceField(label=_("Counted in"), choices=Clock.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, reference_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reference_url:
            self.fields["category"].widget.attrs.update(
                {
                    "hx-get": reference_url,
                    "hx-trigger": "change",
                    "hx-target": "#policy-reference",
                    "aria-controls": "policy-reference",
                }
            )


class SubjectChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ReplyTemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=4000)
    subject = SubjectChoiceField(
        label=_("For"),
        queryset=GovernanceSubject.objects.none(),
        required=False,
        empty_label=_("Everyone who answers appeals here"),
        help_text=_("Only this subject's staff are offered the template; leave empty for everyone."),
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = GovernanceSubject.objects.filter(  # type: ignore[attr-defined]
            community=community, is_active=True
        ).order_by("kind", "name")
