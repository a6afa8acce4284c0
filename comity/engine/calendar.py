"""Time limits for appeals: due dates in calendar hours or in working hours.

The 12345 hotline practice sets a limit per matter: 2 hours for emergencies, 24 hours for water, power, gas and
heat, 7 days for general matters and 15 days for complex ones; a bureau rule counts consultations in 3 working
days and complaints in 13, with a reminder notice when a case runs over (``shared/reference/domain-practice.md``
§3; both marked *unverified* there). A community therefore needs two clocks:

* **calendar hours** — elapsed time, ``start + hours``, whatever the day;
* **working hours** — only the time inside a :class:`WorkingCalendar`'s working periods counts, skipping
  weekends and public holidays but counting adjusted working days (调休: a Saturday worked to bridge a holiday).

All arithmetic is done on absolute (UTC) instants, so an hour is always 3 600 seconds, also across a daylight
saving change; working periods are wall-clock times in the calendar's time zone. Naive datetimes are rejected:
a due date without a zone is ambiguous by up to a day. See ``docs/algorithms/time-limits.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import Literal
from zoneinfo import ZoneInfo

Clock = Literal["calendar", "working"]
Hours = int | Fraction

_MICROSECONDS_PER_HOUR = 3_600_000_000
_MONDAY_TO_FRIDAY = frozenset(range(5))


def _require_aware(*values: datetime) -> None:
    for value in values:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} given: time limits need timezone-aware datetimes"
            )


def hours_to_timedelta(hours: Hours) -> timedelta:
    """Exact hours as a ``timedelta``, rounded half to even to the microsecond (its resolution)."""
    if isinstance(hours, bool) or not isinstance(hours, int | Fraction):
        raise TypeError("hours must be an int or a Fraction, never a float")
    if hours < 0:
        raise ValueError("hours cannot be negative")
    return timedelta(microseconds=round(Fraction(hours) * _MICROSECONDS_PER_HOUR))


def timedelta_to_hours(delta: timedelta) -> Fraction:
    """A ``timedelta`` as exact hours."""
    microseconds = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return Fraction(microseconds, _MICROSECONDS_PER_HOUR)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """When a community's handlers work.

    ``periods`` are the daily working periods as wall-clock ``(start, end)`` pairs, e.g.
    ``((time(9), time(12)), (time(13, 30), time(17, 30)))``; ``working_weekdays`` uses Python's numbering
    (Monday = 0). A date in ``adjusted_working_days`` is worked whatever its weekday; otherwise a date in
    ``holidays`` is not; otherwise the weekday decides. ``timezone`` is an IANA name (``Asia/Shanghai``).
    """

    periods: tuple[tuple[time, time], ...] = ((time(9), time(17)),)
    working_weekdays: frozenset[int] = _MONDAY_TO_FRIDAY
    holidays: frozenset[date] = frozenset()
    adjusted_working_days: frozenset[date] = frozenset()
    timezone: str = "Asia/Shanghai"
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", ZoneInfo(self.timezone))
        if not self.periods:
            raise ValueError("a working calendar needs at least one working period")
        previous_end: time | None = None
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("working periods are wall-clock times without a zone; set timezone instead")
            if not start < end:
                raise ValueError(f"working period {start}–{end} must start before it ends")
            if previous_end is not None and start < previous_end:
                raise ValueError("working periods must be in order and must not overlap")
            previous_end = end
        if not all(0 <= day <= 6 for day in self.working_weekdays):
            raise ValueError("working weekdays run from 0 (Monday) to 6 (Sunday)")
        both = self.holidays & self.adjusted_working_days
        if both:
            raise ValueError(f"dates both holiday and adjusted working day: {sorted(both)}")

    @classmethod
    def daily(
        cls,
        start: time,
        end: time,
        *,
        working_weekdays: frozenset[int] = _MONDAY_TO_FRIDAY,
        holidays: frozenset[date] = frozenset(),
        adjusted_working_days: frozenset[date] = frozenset(),
        timezone: str = "Asia/Shanghai",
    ) -> WorkingCalendar:
        """A calendar with one working period a day, ``start``–``end``."""
        return cls(
            periods=((start, end),),
            working_weekdays=working_weekdays,
            holidays=holidays,
            adjusted_working_days=adjusted_working_days,
            timezone=timezone,
        )

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    @property
    def hours_per_day(self) -> Fraction:
        """Wall-clock working hours in one working day (a "working day" limit is this many working hours)."""
        total = Fraction(0)
        for start, end in self.periods:
            seconds = (
                (end.hour - start.hour) * 3600 + (end.minute - start.minute) * 60 + end.second - start.second
            )
            total += Fraction(seconds, 3600) + Fraction(
                end.microsecond - start.microsecond, _MICROSECONDS_PER_HOUR
            )
        return total

    def is_working_day(self, day: date) -> bool:
        """Adjusted working days first, then holidays, then the weekday."""
        if day in self.adjusted_working_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() in self.working_weekdays

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working intervals of one local date as UTC instants (empty on a day off)."""
        if not self.is_working_day(day):
            return []
        intervals = []
        for start, end in self.periods:
            begin = datetime.combine(day, start, tzinfo=self._zone).astimezone(UTC)
            finish = datetime.combine(day, end, tzinfo=self._zone).astimezone(UTC)
            if finish > begin:
                intervals.append((begin, finish))
        return intervals

    def _last_possible_working_day(self) -> date | None:
        """``None`` when working days recur forever; else the last adjusted working day (or ``date.min``)."""
        if self.working_weekdays:
            return None
        return max(self.adjusted_working_days, default=date.min)

    def intervals_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals from ``day`` on, endlessly; raises ``ValueError`` once none can follow."""
        last = self._last_possible_working_day()
        while True:
            if last is not None and day > last:
                raise ValueError("the working calendar has no working time left after this date")
            yield from self.intervals_on(day)
            day += timedelta(days=1)


def _local_date(instant: datetime, calendar: WorkingCalendar) -> date:
    # One day earlier covers a period that started before local midnight of the instant's date.
    return instant.astimezone(calendar.zone).date() - timedelta(days=1)


def working_time_between(a: datetime, b: datetime, calendar: WorkingCalendar) -> timedelta:
    """Working time from ``a`` to ``b``; negative when ``b`` comes before ``a``."""
    _require_aware(a, b)
    if b < a:
        return -working_time_between(b, a, calendar)
    a_utc, b_utc = a.astimezone(UTC), b.astimezone(UTC)
    total = timedelta(0)
    day = _local_date(a_utc, calendar)
    last_day = b_utc.astimezone(calendar.zone).date()
    while day <= last_day:
        for begin, finish in calendar.intervals_on(day):
            overlap = min(finish, b_utc) - max(begin, a_utc)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def _add_working_time(start: datetime, remaining: timedelta, calendar: WorkingCalendar) -> datetime:
    start_utc = start.astimezone(UTC)
    if remaining == timedelta(0):
        return start_utc
    for begin, finish in calendar.intervals_from(_local_date(start_utc, calendar)):
        if finish <= start_utc:
            continue
        begin = max(begin, start_utc)
        available = finish - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: intervals_from never ends without raising")  # pragma: no cover


def _check_clock(clock: Clock, calendar: WorkingCalendar | None) -> WorkingCalendar | None:
    if clock == "calendar":
        return None
    if clock != "working":
        raise ValueError(f"clock must be 'calendar' or 'working', not {clock!r}")
    if calendar is None:
        raise ValueError("working-hour limits need a working calendar")
    return calendar


def due_at(
    start: datetime, *, hours: Hours, clock: Clock = "calendar", calendar: WorkingCalendar | None = None
) -> datetime:
    """The deadline ``hours`` after ``start`` on the given clock, in ``start``'s time zone.

    On the working clock, time before the first working period is skipped, so an appeal received on Friday at
    16:00 with 2 working hours and 09:00–17:00 days is due on Monday at 10:00. Ending exactly at the close of a
    working period keeps the deadline there (17:00), not at the next opening. Zero hours give ``start``.
    """
    _require_aware(start)
    delta = hours_to_timedelta(hours)
    working = _check_clock(clock, calendar)
    if working is None:
        return (start.astimezone(UTC) + delta).astimezone(start.tzinfo)
    return _add_working_time(start, delta, working).astimezone(start.tzinfo)


def remind_at(
    start: datetime,
    due: datetime,
    *,
    fraction: Fraction = Fraction(3, 4),
    clock: Clock = "calendar",
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """When to warn the handler: after ``fraction`` of the time from ``start`` to ``due`` on the given clock.

    The default three quarters matches ``TimeLimitPolicy.remind_at`` in the data model (``docs/data-model.md`` §2).
    """
    _require_aware(start, due)
    if not 0 <= fraction <= 1:
        raise ValueError("the reminder fraction must lie between 0 and 1")
    if due < start:
        raise ValueError("the due date comes before the start")
    working = _check_clock(clock, calendar)
    if working is None:
        span = due.astimezone(UTC) - start.astimezone(UTC)
        return (start.astimezone(UTC) + hours_to_timedelta(timedelta_to_hours(span) * fraction)).astimezone(
            start.tzinfo
        )
    span_hours = timedelta_to_hours(working_time_between(start, due, working))
    return due_at(start, hours=span_hours * fraction, clock="working", calendar=working)


def is_overdue(due: datetime, now: datetime) -> bool:
    """An appeal is overdue once ``now`` is strictly past its deadline (closing at ``due`` itself is on time)."""
    _require_aware(due, now)
    return now > due


def overdue_by(
    due: datetime, now: datetime, *, clock: Clock = "calendar", calendar: WorkingCalendar | None = None
) -> timedelta:
    """How long past the deadline ``now`` is on the given clock; zero when not overdue."""
    _require_aware(due, now)
    if not is_overdue(due, now):
        return timedelta(0)
    working = _check_clock(clock, calendar)
    if working is None:
        return now.astimezone(UTC) - due.astimezone(UTC)
    return working_time_between(due, now, working)
