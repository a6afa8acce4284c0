"""Form widgets drawn in Python where Django's template per option costs more than the page's own work.

Django draws a ``<select>`` through one template for the select and one more for every ``<option>``; a filter bar
with a community's hundred buildings, its subjects and the catalogue's matters spent most of a workbench's time
there. :class:`QuickSelect` writes the same HTML (the same attributes, options and groups, escaped alike) with
``format_html`` instead.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """Attributes as ``django/forms/widgets/attrs.html`` writes them: in order, ``True`` bare, ``False`` left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class QuickSelect(forms.Select):
    """A ``<select>`` (or ``<select multiple>``) as Django's template draws it, without a template per option."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    "" if option["value"] is None else str(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every part is format_html's, escaped
