"""Form fields shared by every form where a person enters a phone number or chooses a unit.

* :class:`PhoneField` takes a mainland mobile or landline number as people type it and cleans it to its stored
  spelling (:mod:`comity.engine.phones`), or says exactly what it wants.
* :class:`UnitPickerWidget` is an accessible combobox (WAI-ARIA Authoring Practices, "Combobox With Listbox
  Popup"): a text input that asks ``structure:unit_search`` for matching units with htmx and lists them as
  options to pick with touch or the arrow keys. Without JavaScript it is a plain text input, and the form reads
  the address typed ("3-2-502", "3号楼2单元502") on the server (:func:`comity.structure.unit_search.find_units`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comity.engine.phones import PhoneError, normalise_phone
from comity.engine.unit_address import natural_key
from comity.structure.models import Area, AreaKind, Community, Unit
from comity.structure.unit_search import find_units, unit_label

PHONE_HELP = _(
    "A mobile number such as 139 1234 5678, or a landline with its area code such as 010-12345678."
)
UNIT_HELP = _("Building, stairwell and unit, like 3-2-502 or 3号楼2单元502. Type, then pick from the list.")


def phone_error(value: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(value)s” is not a phone number. Enter a mobile number such as 139 1234 5678, or a landline "
            "with its area code such as 010-12345678."
        ),
        code="invalid_phone",
        params={"value": value},
    )


def clean_phone(value: str) -> str:
    """The number in its stored spelling; ``ValidationError`` in the user's language otherwise."""
    try:
        return normalise_phone(value or "")
    except PhoneError:
        raise phone_error(value) from None


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", PHONE_HELP)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value: Any) -> str:
        return clean_phone(super().clean(value))


class UnitPickerWidget(forms.TextInput):
    template_name = "structure/widgets/unit_picker.html"

    def __init__(
        self, *, community: Community | None = None, community_field: str = "", attrs: Any = None
    ) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.community = community
        self.community_field = community_field

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values: dict[str, Any] = {"field": name}
        if self.community is not None:
            values["community"] = self.community.pk
        context["widget"].update(
            {
                "search_url": reverse("structure:unit_search"),
                "hx_vals": json.dumps(values),
                "hx_include": f"[name={self.community_field}]" if self.community_field else "",
            }
        )
        return context


def resolve_unit(community: Community, text: str) -> Unit:
    """The one unit the text names in the community, or a ``ValidationError`` that says what to type."""
    units = find_units(community, text)
    if units is None:
        raise ValidationError(
            gettext(
                "Type the building, stairwell and unit, like 3-2-502 or 3号楼2单元502 (or building and unit, "
                "like 3-502)."
            ),
            code="unit_format",
        )
    if not units:
        raise ValidationError(
            gettext("There is no unit “%(unit)s” in %(community)s. Check the numbers, or pick from the list.")
            % {"unit": text.strip(), "community": community},
            code="no_unit",
        )
    if len(units) > 1:
        raise ValidationError(
            gettext("Several units match: %(units)s. Add the stairwell, like %(example)s.")
            % {"units": ", ".join(unit_label(unit) for unit in units[:6]), "example": unit_label(units[0])},
            code="several_units",
        )
    return units[0]


class UnitField(forms.CharField):
    """A unit of one community, typed or picked from the search; cleans to the :class:`Unit`."""

    def __init__(self, *, community: Community, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("help_text", UNIT_HELP)
        kwargs.setdefault("widget", UnitPickerWidget(community=community))
        super().__init__(**kwargs)
        self.community = community

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Unit):
            return unit_label(value)
        if isinstance(value, int):
            unit = Unit.objects.filter(pk=value, community=self.community).select_related(
                "building", "stairwell"
            )
            return unit_label(unit.get()) if unit.exists() else ""
        return value

    def clean(self, value: Any) -> Unit | None:
        text = super().clean(value)
        if not text:
            return None
        return resolve_unit(self.community, text)


class _NaturalOrder(ModelChoiceIterator):
    """Choices sorted as people count (building 2 before building 10), not as the database sorts text."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset if self.queryset is not None else []
        for obj in sorted(queryset, key=area_sort_key):
            yield self.choice(obj)


def area_sort_key(area: Area) -> tuple[object, ...]:
    return (AREA_KIND_ORDER.get(area.kind, 99), natural_key(area.code))


#: Areas listed by kind in the order of the physical tree: zones, buildings, stairwells, common spaces, grids.
AREA_KIND_ORDER = {kind: index for index, kind in enumerate(AreaKind.values)}


class NaturalAreaChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = _NaturalOrder


def in_natural_order(field: forms.Field) -> None:
    """List an area field's choices (single or multiple) as people count: building 2 before building 10."""
    field.iterator = _NaturalOrder  # type: ignore[attr-defined]
    # The widget took its choices when the queryset was set: give it the ones in natural order.
    field.widget.choices = field.choices  # type: ignore[attr-defined]
