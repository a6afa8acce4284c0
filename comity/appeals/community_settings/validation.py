"""The bounds of a community's appeal settings and the checks on them, shared by the services (which do not trust
the form) and the forms (which show every problem at once)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Bounds of every number the settings take (the form, the service and any other caller keep to them).
EMERGENCY_HOURS = (1, 72)
REMIND_PERCENT = (1, 99)
REOPEN_DAYS = (1, 365)
#: A working day of at least an hour keeps every working-hours due date within decades, not millennia.
MIN_WORKING_DAY = timedelta(hours=1)
#: Holidays and moved working days: dates within these years, and at most this many of each.
DATE_YEARS = (2000, 2100)
MAX_DATES = 400
WEIGHTS = ("weight_response", "weight_resolution", "weight_satisfaction", "weight_on_time")


def calendar_errors(
    *,
    work_starts: time,
    work_ends: time,
    working_weekdays: list[int],
    holidays: list[date],
    adjusted: list[date],
) -> dict[str, list[Any]]:
    """A working calendar the engine accepts (:class:`comity.engine.calendar.WorkingCalendar`), in words."""
    errors: dict[str, list[Any]] = {}
    if not work_starts < work_ends:
        errors["work_ends"] = [_("The working day must end after it starts.")]
    elif datetime.combine(date.min, work_ends) - datetime.combine(date.min, work_starts) < MIN_WORKING_DAY:
        errors["work_ends"] = [_("The working day must last at least one hour.")]
    if not working_weekdays:
        errors["working_weekdays"] = [_("Choose at least one working weekday.")]
    elif not all(0 <= day <= 6 for day in working_weekdays):
        errors["working_weekdays"] = [_("Weekdays run from Monday to Sunday.")]
    for name, listed in (("holidays", holidays), ("adjusted_working_days", adjusted)):
        problem = dates_error(listed)
        if problem:
            errors[name] = [problem]
    both = sorted(set(holidays) & set(adjusted))
    if both:
        days = ", ".join(day.isoformat() for day in both)
        errors["adjusted_working_days"] = [
            _("A day cannot be both a holiday and a working day: %(days)s.") % {"days": days}
        ]
    return errors


def dates_error(days: list[date]) -> str | None:
    """A list of holidays or moved working days that the calendar can use: real years, a bounded list."""
    if len(set(days)) > MAX_DATES:
        return _("List at most %(max)s dates.") % {"max": MAX_DATES}
    outside = sorted(day for day in days if not DATE_YEARS[0] <= day.year <= DATE_YEARS[1])
    if outside:
        return _("Dates must fall in the years %(first)s to %(last)s: %(days)s.") % {
            "first": DATE_YEARS[0],
            "last": DATE_YEARS[1],
            "days": ", ".join(day.isoformat() for day in outside[:5]),
        }
    return None


def range_error(value: int, bounds: tuple[int, int]) -> str | None:
    if bounds[0] <= value <= bounds[1]:
        return None
    return _("Choose a number from %(min)s to %(max)s.") % {"min": bounds[0], "max": bounds[1]}


def weights_error(weights: dict[str, int]) -> ValidationError | None:
    """The composite score's four weights are shares of one whole.

    :func:`comity.appeals.computing.score_weights` turns them into fractions that must sum to one.
    """
    total = sum(weights.values())
    if total == 100:
        return None
    return ValidationError(
        _("The four weights must add up to 100; now they add up to %(total)d.") % {"total": total},
        code="weights",
    )
