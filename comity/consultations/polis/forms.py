"""The upload form of the Pol.is import. It only shapes the request; the service reads and checks the files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comity.consultations.forms import DATETIME_INPUT, sane_moment
from comity.foundation.forms import MultipleFileField, MultipleFileInput, no_double_colon

ACCEPTED_TYPES = ".json,.csv,.zip,application/json,text/csv,application/zip"


def _optional_datetime(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        validators=[sane_moment],
    )


class PolisImportForm(forms.Form):
    upload = MultipleFileField(
        label=_("Files of the Pol.is conversation"),
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_TYPES}),
        help_text=_(
            "votes.json and comments.json (Pol.is API), or votes.csv and comments.csv (Pol.is open-data "
            "export), with conversation.json or summary.csv if you have them — or one .zip holding them. "
            "Select several files at once."
        ),
    )
    title = forms.CharField(
        label=pgettext_lazy("heading of a text", "Title"),
        max_length=160,
        required=False,
        help_text=_("Leave empty to use the conversation's topic."),
    )
    question = forms.CharField(
        label=_("The question residents answer"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty to use the conversation's description."),
    )
    background = forms.CharField(
        label=_("Background"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    opens_at = _optional_datetime(_("Opens at"))
    closes_at = _optional_datetime(_("Closes at"))
    publish = forms.BooleanField(
        label=_("Show it to residents now"),
        required=False,
        help_text=_("Otherwise it is saved as a draft that only staff see."),
    )
    vote_sign = forms.ChoiceField(
        label=_("How votes.json codes agreement"),
        choices=[
            ("auto", _("Find out from the comments' agree counts (usual)")),
            ("agree-positive", _("Agree = +1 (files saved by red-dwarf or by Comity)")),
            ("agree-negative", _("Agree = −1 (straight from the live Pol.is API)")),
        ],
        initial="auto",
        help_text=_("Only for votes.json: votes.csv always codes agree as +1."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opens_at"].help_text = _("Leave empty to use the time of the first vote.")
        self.fields["closes_at"].help_text = _("Leave empty to use the time of the last vote.")
        no_double_colon(self)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "question": data["question"],
            "background": data["background"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "publish": data["publish"],
            "vote_sign": data["vote_sign"],
        }
