"""``{{ appeal|place }}`` and ``{{ appeal|public_place }}``: the wording of :mod:`comity.appeals.places`."""

from __future__ import annotations

from typing import Any

from django import template

from comity.appeals.places import place_label, public_place_label

register = template.Library()


@register.filter
def place(appeal: Any) -> str:
    return place_label(appeal)


@register.filter
def public_place(appeal: Any) -> str:
    return public_place_label(appeal)
