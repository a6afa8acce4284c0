"""Forms of the privacy pages: consent, requests about one's data, and the committee's answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comity.appeals.models import Appeal
from comity.engine.privacy import REGISTER
from comity.foundation.idempotency import OnceTokenFormMixin
from comity.privacy.models import Channel
from comity.privacy.register import WORDS, consent_categories
from comity.privacy.services.requests import ANSWER_MAX, DETAILS_MAX, PROPOSED_MAX
from comity.structure.models import Person

CORRECTION_FIELDS = (
    ("full_name", _("My name")),
    ("phone", _("My phone number")),
    ("birth_year", _("My year of birth")),
    ("gender", _("My gender")),
)


def _details(required: bool = False, label: Any = None, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label or _("Details"),
        required=required,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": DETAILS_MAX}),
        help_text=help_text,
    )


class CorrectionRequestForm(OnceTokenFormMixin):
    target = forms.ChoiceField(label=_("What is wrong"), choices=CORRECTION_FIELDS)
    proposed = forms.CharField(
        label=_("The correct value"),
        required=False,
        max_length=PROPOSED_MAX,
        help_text=_(
            "For gender write f, m or leave it empty for not stated; a year of birth as four digits."
        ),
    )
    details = _details(
        help_text=_("Anything that helps the committee check it, such as where the mistake shows.")
    )


class DeletionRequestForm(OnceTokenFormMixin):
    target = forms.ChoiceField(label=_("What to delete"))
    details = _details()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("all", _("All my data"))]
        choices += [(item.code, WORDS[item.code].name) for item in REGISTER]
        self.fields["target"].choices = choices  # type: ignore[attr-defined]


class ReviewRequestForm(OnceTokenFormMixin):
    target = forms.ChoiceField(label=_("What to review"), required=False)
    details = _details(
        required=True,
        label=_("What was decided automatically, and why it seems wrong"),
    )

    def __init__(self, *args: Any, appeals: list[Appeal] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("An automatic step I describe below"))]
        choices += [
            (f"appeal:{appeal.pk}", _("Appeal %(number)s") % {"number": appeal.number})
            for appeal in appeals or []
        ]
        self.fields["target"].choices = choices  # type: ignore[attr-defined]


REQUEST_FORMS: dict[str, type[forms.Form]] = {
    "correction": CorrectionRequestForm,
    "deletion": DeletionRequestForm,
    "review": ReviewRequestForm,
}


class ConsentForm(forms.Form):
    """Give or withdraw one's own consent; withdrawing asks to confirm first."""

    action = forms.ChoiceField(choices=(("give", _("Give")), ("withdraw", _("Withdraw"))))
    confirmed = forms.BooleanField(required=False)


class CorrectionAnswerForm(forms.Form):
    value = forms.CharField(label=_("Correct value to record"), required=False, max_length=PROPOSED_MAX)
    answer = forms.CharField(
        label=_("Message to the resident"),
        required=False,
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": ANSWER_MAX}),
    )


class RefuseForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for refusing"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_MAX}),
        error_messages={"required": _("Give the reasons for refusing.")},
    )


class ReviewAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("What the review found"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_MAX}),
        error_messages={"required": _("Write what the review found.")},
    )


class AssistedConsentForm(OnceTokenFormMixin):
    """Staff record a consent given, or withdrawn, in person or on paper."""

    action = forms.ChoiceField(
        label=_("The person"),
        choices=(("give", _("gives consent")), ("withdraw", _("withdraws consent"))),
        widget=forms.RadioSelect,
        initial="give",
    )
    category = forms.ChoiceField(label=_("To what"))
    channel = forms.ChoiceField(
        label=_("How"),
        choices=[(Channel.ASSISTED, Channel.ASSISTED.label), (Channel.PAPER, Channel.PAPER.label)],
        widget=forms.RadioSelect,
        initial=Channel.ASSISTED,
    )
    document = forms.CharField(
        label=_("Paper form"),
        required=False,
        max_length=120,
        help_text=_("Where the signed form is kept, e.g. its number."),
    )
    guardian = forms.ModelChoiceField(
        label=_("Parent or guardian who consents"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Only for a child under 14: an adult of the child's household."),
    )

    def __init__(self, *args: Any, guardians: list[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (item.code, WORDS[item.code].name) for item in consent_categories()
        ]
        ids = [person.pk for person in guardians or []]
        guardian = self.fields["guardian"]
        assert isinstance(guardian, forms.ModelChoiceField)
        guardian.queryset = Person.objects.filter(pk__in=ids).order_by("full_name")
        if not ids:
            self.fields["guardian"].widget = forms.HiddenInput()
