from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from comity.accounts import codes


class LoginForm(AuthenticationForm):
    """Django's login form; the template gives it large, labelled fields."""


class SignInCodeForm(forms.Form):
    """A resident's username, the one-time code staff handed over, and the new password twice."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    code = forms.CharField(
        label=_("One-time code"),
        max_length=20,
        help_text=_(
            "Eight letters and digits, as on the slip from your residents' committee, e.g. K7PM-3XQA."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "style": "text-transform:uppercase",
            }
        ),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # In the language of this request (Django's validators translate their own help).
        self.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean_code(self) -> str:
        typed = codes.normalise(self.cleaned_data["code"])
        if len(typed) != codes.LENGTH:
            raise forms.ValidationError(_("A code has eight letters and digits."))
        return typed

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords differ."))
        return cleaned

    def check_password_for(self, user: Any) -> bool:
        """Django's password validators for this account; errors go on the first password field."""
        try:
            password_validation.validate_password(self.cleaned_data["new_password1"], user)
        except forms.ValidationError as error:
            self.add_error("new_password1", error)
            return False
        return True


class SignInHelpSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or username"), max_length=120, required=False)
