"""Forms of the consultation pages. They only shape what the user typed; the services decide what is allowed
(statement length, duplicates, dates, places), so every refusal reads the same on the page and in the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from comity.consultations.models import STATEMENT_MAX_LENGTH, Consultation, Moderation, VoteValue
from comity.consultations.selectors import scope_areas
from comity.foundation.forms import no_double_colon
from comity.structure.fields import in_natural_order
from comity.structure.models import Area, Community

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
#: Years a consultation's times may fall in. Outside them a typo (0202, 9999) would overflow the conversion to UTC.
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: The largest statement number a form accepts (the database's integer), so a tampered number is a clear refusal.
MAX_NUMBER = 2**31 - 1


def sane_moment(value: Any) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Give a date between the years %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        validators=[sane_moment],
    )


class AreaChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ConsultationForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("heading of a text", "Title"), max_length=160)
    question = forms.CharField(
        label=_("The question residents answer"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    background = forms.CharField(
        label=_("Background"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What residents should know before they vote: the facts, the options, what happens next."
        ),
    )
    area = AreaChoiceField(
        label=_("Who takes part"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Residents and owners of the whole community"),
    )
    opens_at = _datetime_field(_("Opens at"))
    closes_at = _datetime_field(_("Closes at"))
    allow_statements = forms.BooleanField(
        label=_("Residents may add statements"), required=False, initial=True
    )
    strict_moderation = forms.BooleanField(
        label=_("Check residents' statements before they appear"),
        required=False,
        help_text=_("Otherwise they appear at once and you can take them down later, with a reason."),
    )
    group_count = forms.IntegerField(
        label=_("Number of opinion groups"),
        required=False,
        min_value=2,
        max_value=9,
        help_text=_("Leave empty to let the analysis choose (2 to 5 groups, as Pol.is)."),
    )
    seed_statements = forms.CharField(
        label=_("Seed statements, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scope_areas(community)  # type: ignore[attr-defined]
        in_natural_order(self.fields["area"])
        for name in ("seed_statements", "new_seed_statements"):
            if name in self.fields:
                self.fields[name].help_text = gettext(
                    "Short statements residents agree or disagree with, at most %(max)d characters each."
                ) % {"max": STATEMENT_MAX_LENGTH}
        no_double_colon(self)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["seed_statements"] = data.get("seed_statements", "").splitlines()
        return data


class ConsultationEditForm(ConsultationForm):
    seed_statements = None  # type: ignore[assignment]
    new_seed_statements = forms.CharField(
        label=_("Add seed statements, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    @classmethod
    def for_consultation(cls, consultation: Consultation, data: Any = None) -> ConsultationEditForm:
        initial = {
            name: getattr(consultation, name)
            for name in [
                "title",
                "question",
                "background",
                "area",
                "opens_at",
                "closes_at",
                "allow_statements",
                "strict_moderation",
                "group_count",
            ]
        }
        return cls(data, initial=initial, community=consultation.community)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["new_seed_statements"] = data.get("new_seed_statements", "").splitlines()
        return data


class StatementForm(forms.Form):
    # Length, emptiness and duplicates are checked by the service, with its own words.
    text = forms.CharField(
        label=_("Your statement"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": STATEMENT_MAX_LENGTH}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = gettext(
            "One idea others can agree or disagree with, at most %(max)d characters."
        ) % {"max": STATEMENT_MAX_LENGTH}


class VoteForm(forms.Form):
    statement = forms.IntegerField(min_value=1, max_value=MAX_NUMBER)
    value = forms.TypedChoiceField(
        coerce=int,
        choices=[(str(value), label) for value, label in VoteValue.choices],
        error_messages={"invalid_choice": _("Choose agree, disagree or pass.")},
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Moderation.ACCEPTED.value, _("Accept")), (Moderation.REJECTED.value, _("Take down"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason, shown to the author"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_meta = forms.BooleanField(
        label=_("About the process, not the question (left out of the opinion map)"), required=False
    )


class DecisionDraftForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("heading of a text", "Title"), max_length=160)
    body = forms.CharField(label=_("Text of the draft"), widget=forms.Textarea(attrs={"rows": 6}))
    statements = forms.TypedMultipleChoiceField(
        label=_("Statements it comes from"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, statements: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(s.number), f"#{s.number} {s.text}") for s in statements]
        self.fields["statements"].choices = choices  # type: ignore[attr-defined]
        no_double_colon(self)
