"""Reads of a community's appeal settings: its settings row (or the defaults), its time limits and reply templates.

The settings as the engine's values (working calendar, score weights) are :mod:`comity.appeals.computing`'s.
"""

from __future__ import annotations

from comity.appeals.models import AppealSettings
from comity.structure.models import Community


def appeal_settings(community: Community) -> AppealSettings:
    """The community's settings row, or an unsaved row with the defaults when it has none."""
    found = AppealSettings.objects.filter(community=community).first()
    return found if found is not None else AppealSettings(community=community)
