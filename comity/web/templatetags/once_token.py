"""``{% once_token %}``: the hidden one-time token of a create form (:mod:`comity.foundation.idempotency`).

For templates whose form is not a :class:`~comity.foundation.idempotency.OnceTokenFormMixin`. A page shown again
after a POST (an error to correct) keeps the posted token, so the corrected form is still one sending.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from comity.foundation.idempotency import TOKEN_FIELD, new_token

register = template.Library()


@register.simple_tag(takes_context=True)
def once_token(context: Any) -> SafeString:
    request = context.get("request")
    posted = request.POST.get(TOKEN_FIELD, "") if request is not None and request.method == "POST" else ""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, posted or new_token())
