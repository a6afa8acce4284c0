"""The report page's one form: a decision draft from the statements a manager ticked.

The ticked numbers must be accepted statements of this consultation; anything else (another consultation's
number, text instead of a number) is refused with a message, never a server error. The service checks again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comity.foundation.forms import no_double_colon


class ReportDraftForm(forms.Form):
    title = forms.CharField(label=_("Title of the draft"), max_length=160)
    statements = forms.TypedMultipleChoiceField(
        label=_("Statements to put in the draft"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one statement for the draft."),
            "invalid_choice": _("Only statements of this consultation can go into its decision draft."),
            "invalid_list": _("Only statements of this consultation can go into its decision draft."),
        },
    )

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statements"].choices = [(str(n), f"#{n}") for n in numbers]  # type: ignore[attr-defined]
        no_double_colon(self)
