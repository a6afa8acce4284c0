"""Forms for comments on proposals and their moderation. They parse and label; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comity.budgeting.models import COMMENT_MAX_LENGTH, COMMENT_MIN_LENGTH, HIDE_REASON_MAX_LENGTH


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        min_length=COMMENT_MIN_LENGTH,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write your comment first."),
            "min_length": _("Write at least %(limit_value)d characters."),
            "max_length": _("Keep it to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filled in per request, so that it is in the reader's language.
        self.fields["text"].help_text = _(
            "Plain text, up to %(max)d characters. Everyone in the community can read it; your name is not shown."
        ) % {"max": COMMENT_MAX_LENGTH}


class HideCommentForm(forms.Form):
    reason = forms.CharField(
        label=_("Why hide it"),
        max_length=HIDE_REASON_MAX_LENGTH,
        help_text=_("The author and every reader see this reason."),
        error_messages={
            "required": _("Say why the comment is hidden; its author and readers see it."),
            "max_length": _("Keep the reason to %(limit_value)d characters."),
        },
    )
