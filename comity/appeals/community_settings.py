"""A community's appeal settings as the engine's values: its working calendar, its clock and its weights."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from django.conf import settings

from comity.appeals.models import AppealSettings
from comity.engine.calendar import WorkingCalendar
from comity.engine.rates import Weights
from comity.structure.models import Community


def appeal_settings(community: Community) -> AppealSettings:
    """The community's settings row, or an unsaved row with the defaults when it has none."""
    found = AppealSettings.objects.filter(community=community).first()
    return found if found is not None else AppealSettings(community=community)


def _dates(values: list[str]) -> frozenset[date]:
    return frozenset(date.fromisoformat(value) for value in values)


def working_calendar(config: AppealSettings) -> WorkingCalendar:
    return WorkingCalendar.daily(
        config.work_starts,
        config.work_ends,
        working_weekdays=frozenset(int(day) for day in config.working_weekdays),
        holidays=_dates(config.holidays),
        adjusted_working_days=_dates(config.adjusted_working_days),
        timezone=settings.TIME_ZONE,
    )


def score_weights(config: AppealSettings) -> Weights:
    """The composite score's weights as exact fractions (the settings form makes them sum to 100 %)."""
    return Weights(
        Fraction(config.weight_response, 100),
        Fraction(config.weight_resolution, 100),
        Fraction(config.weight_satisfaction, 100),
        Fraction(config.weight_on_time, 100),
    )
