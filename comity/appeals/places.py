"""Where an appeal is: one wording of its place for every page, the API and the notifications.

An appeal has at most one place chosen by whoever sent it: a home (``unit``, whose stairwell or building is
also stored as ``area`` for routing), or a building or common place (``area`` alone), or nothing — the whole
community. Every reader shows the same thing, so that a handler never goes to the wrong place.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from comity.structure.models import AreaKind


def place_label(appeal: Any) -> str:
    """The home (``3-201``), the place (``Building 3``, ``Building 3 · Stairwell 2``), or the whole community.

    Callers that list many appeals select ``unit__building`` and ``area__parent`` with them.
    """
    if appeal.unit_id is not None:
        return _("Home %(unit)s") % {"unit": appeal.unit}
    area = appeal.area
    if area is None:
        return _("Whole community")
    if area.kind == AreaKind.STAIRWELL and area.parent_id is not None:
        return f"{area.parent.name} · {area.name}"
    return str(area.name)


def place_words(appeal: Any) -> str:
    """The place in words of no language (``3-201``, ``Building 3``, the community's name), for notifications,
    which each recipient reads in their own language."""
    if appeal.unit_id is not None:
        return str(appeal.unit)
    if appeal.area_id is not None:
        area = appeal.area
        if area.kind == AreaKind.STAIRWELL and area.parent_id is not None:
            return f"{area.parent.name} · {area.name}"
        return str(area.name)
    return str(appeal.community.name)


def public_place_label(appeal: Any) -> str:
    """What the public list shows: never a home, only its building (neighbours must not learn who appealed)."""
    area = appeal.area
    if area is None:
        return _("Whole community")
    if area.kind == AreaKind.STAIRWELL and area.parent_id is not None:
        return str(area.parent.name)
    return str(area.name)
