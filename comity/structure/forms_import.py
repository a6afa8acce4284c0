"""The upload form of the registry import. The service checks size and content, for the CLI as well."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPTED_TYPES = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RegistryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_(
            "The first row holds the column headers of the template; each further row is one owner or unit."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only: show what would change, import nothing"),
        required=False,
    )
