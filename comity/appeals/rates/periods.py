"""The period an appeal-rate dashboard shows: a preset (this month, last month, this quarter, this year, the last
12 months) or custom days, in local time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comity.engine.rates import Period

#: Custom periods outside these years are refused (the last day of year 9999 has no following midnight).
FIRST_YEAR, LAST_YEAR = 1990, 2999

PRESETS: dict[str, Promise] = {
    "this_month": gettext_lazy("This month"),
    "last_month": gettext_lazy("Last month"),
    "this_quarter": gettext_lazy("This quarter"),
    "this_year": gettext_lazy("This year"),
    "last_12_months": gettext_lazy("Last 12 months"),
}
DEFAULT_PRESET = "last_12_months"
CUSTOM = "custom"


def month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return month_start(day, -1) - timedelta(days=1)


def preset_days(preset: str, today: date) -> tuple[date, date]:
    """First and last day (inclusive) of a preset period."""
    if preset == "this_month":
        return month_start(today), month_end(today)
    if preset == "last_month":
        start = month_start(today, 1)
        return start, month_end(start)
    if preset == "this_quarter":
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return start, month_end(month_start(start, -2))
    if preset == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if preset == "last_12_months":
        return month_start(today, 11), month_end(today)
    raise ValueError(f"unknown period {preset!r}")


@dataclass(frozen=True)
class PeriodChoice:
    """The period a dashboard shows: a preset, or custom days (both ends included)."""

    preset: str
    first_day: date
    last_day: date
    error: str = ""

    @property
    def period(self) -> Period:
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.first_day, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(self.last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        return Period(start, end)

    @property
    def whole_months(self) -> bool:
        """From the first day of a month to the last day of a month."""
        return self.first_day.day == 1 and self.last_day == month_end(self.last_day)

    @property
    def label(self) -> str:
        first = formats.date_format(self.first_day, "DATE_FORMAT")
        last = formats.date_format(self.last_day, "DATE_FORMAT")
        return f"{first} – {last}"

    @property
    def query(self) -> str:
        """The query string that shows this period again (for links and exports)."""
        if self.preset == CUSTOM:
            return urlencode(
                {"period": CUSTOM, "from": self.first_day.isoformat(), "to": self.last_day.isoformat()}
            )
        return urlencode({"period": self.preset})


def choose_period(params: Mapping[str, str], today: date) -> PeriodChoice:
    """The period asked for in the query string; the default (last 12 months) with an error if it is unusable."""
    preset = params.get("period") or (CUSTOM if params.get("from") or params.get("to") else DEFAULT_PRESET)
    if preset in PRESETS:
        return PeriodChoice(preset, *preset_days(preset, today))
    fallback = PeriodChoice(DEFAULT_PRESET, *preset_days(DEFAULT_PRESET, today))
    if preset != CUSTOM:
        return PeriodChoice(fallback.preset, fallback.first_day, fallback.last_day, _("Unknown period."))
    try:
        first = date.fromisoformat(params.get("from", ""))
        last = date.fromisoformat(params.get("to", ""))
    except ValueError:
        error = _("Give both dates of the period, as year-month-day.")
        return PeriodChoice(fallback.preset, fallback.first_day, fallback.last_day, error)
    if not (first.year >= FIRST_YEAR and last.year <= LAST_YEAR):
        error = _("Choose dates between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        return PeriodChoice(fallback.preset, fallback.first_day, fallback.last_day, error)
    if last < first:
        error = _("The period cannot end before it starts.")
        return PeriodChoice(fallback.preset, fallback.first_day, fallback.last_day, error)
    return PeriodChoice(CUSTOM, first, last)
