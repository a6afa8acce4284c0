"""Form helpers every app's pages use: labels without a doubled colon, several files in one input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def no_double_colon(form: forms.Form) -> None:
    """Django adds ":" after a label unless it ends in ASCII punctuation; Chinese labels end in "？" or "："."""
    for field in form.fields.values():
        if field.label and str(field.label)[-1:] in "？！。：":
            field.label_suffix = ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by :func:`comity.foundation.photos.check_photos`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal on the form that was posted: field errors on their fields (on the form as a whole when it
    has no such field), other messages on the form as a whole, so that the page shows them with what was typed."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in field_errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)
