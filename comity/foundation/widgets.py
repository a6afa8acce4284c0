"""Form widgets drawn in Python where Django's template per option costs more than the page's own work.

Django draws a ``<select>`` through one template for the select and one more for every ``<option>``; a filter bar
with a community's hundred buildings, its subjects and the catalogue's matters spent most of a workbench's time
there. :class:`QuickSelect` writes the same HTML (the same attributes, options and groups, escaped alike) with
``format_html`` instead.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape, format_html, format_html_join
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


def choices_in_one_query(field: forms.Field) -> None:
    """Give a model choice field's widget its choices as a list, read with one ordinary query.

    Django's ``ModelChoiceIterator`` reads the queryset with ``QuerySet.iterator()`` each time the select is drawn,
    which on PostgreSQL declares a server-side cursor (round trips to declare, fetch and close it). The list holds
    the same values and labels in the same order; the field still validates what is posted against its queryset.
    Fields whose choices come from another iterator (``structure.fields.in_natural_order``) are left alone.
    """
    choices = getattr(field.widget, "choices", None)
    if type(choices) is not ModelChoiceIterator:
        return
    empty = [] if choices.field.empty_label is None else [("", choices.field.empty_label)]
    field.widget.choices = [*empty, *(choices.choice(obj) for obj in choices.queryset)]


class QuickSelect(forms.Select):
    """A ``<select>`` (or ``<select multiple>``) as Django's template draws it, without a template per option.

    The options are written straight from ``choices``, as ``ChoiceWidget.optgroups`` would choose them (the first
    matching option selected, every match when the select takes several) but without building a dictionary of
    attributes for each: a ``<select>``'s options inherit none of the select's attributes.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        select_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            select_attrs["multiple"] = True
        wanted = self.format_value(value)
        multiple = self.allow_multiple_selected
        has_selected = False
        parts: list[str] = [format_html('<select name="{}"{}>', name, _attrs(select_attrs))]
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                group_name, options = ("" if option_value is None else option_value), option_label
            else:
                group_name, options = None, [("" if option_value is None else option_value, option_label)]
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for subvalue, sublabel in options:
                selected = (not has_selected or multiple) and str(subvalue) in wanted
                has_selected |= selected
                escaped_value = conditional_escape("" if subvalue is None else str(subvalue))
                flag = " selected" if selected else ""
                parts.append(f'<option value="{escaped_value}"{flag}>{conditional_escape(sublabel)}</option>')
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every value and label escaped above, the attributes by format_html
