"""Time limits: calendar and working hours, holidays, adjusted working days, reminders and overdue checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comity.engine.calendar import (
    WorkingCalendar,
    due_at,
    hours_to_timedelta,
    is_overdue,
    overdue_by,
    remind_at,
    working_time_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE_TO_FIVE = WorkingCalendar.daily(time(9), time(17))
SPLIT_DAY = WorkingCalendar(periods=((time(9), time(12)), (time(13, 30), time(17, 30))))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# 2025-05-02 is a Friday, 2025-05-05 the following Monday.
FRIDAY_16 = at(2025, 5, 2, 16)


def test_friday_afternoon_appeal_with_two_working_hours_is_due_monday_at_ten() -> None:
    assert due_at(FRIDAY_16, hours=2, clock="working", calendar=NINE_TO_FIVE) == at(2025, 5, 5, 10)


def test_calendar_hours_ignore_weekends() -> None:
    assert due_at(FRIDAY_16, hours=2) == at(2025, 5, 2, 18)
    assert due_at(FRIDAY_16, hours=24) == at(2025, 5, 3, 16)
    assert due_at(FRIDAY_16, hours=7 * 24) == at(2025, 5, 9, 16)


def test_a_limit_ending_at_closing_time_stays_at_closing_time() -> None:
    assert due_at(FRIDAY_16, hours=1, clock="working", calendar=NINE_TO_FIVE) == at(2025, 5, 2, 17)


def test_an_appeal_received_at_night_starts_counting_at_opening() -> None:
    tuesday_night = at(2025, 5, 6, 22)
    assert due_at(tuesday_night, hours=3, clock="working", calendar=NINE_TO_FIVE) == at(2025, 5, 7, 12)


def test_the_lunch_break_does_not_count() -> None:
    # Monday 11:00 + 2 working hours: 1 h until 12:00, lunch, then 1 h from 13:30.
    assert due_at(at(2025, 5, 5, 11), hours=2, clock="working", calendar=SPLIT_DAY) == at(2025, 5, 5, 14, 30)
    assert SPLIT_DAY.hours_per_day == 7


def test_a_holiday_is_skipped() -> None:
    # Wednesday 2025-10-01 is National Day; Tuesday 16:00 + 2 h → 1 h Tuesday, 1 h Thursday.
    calendar = WorkingCalendar.daily(time(9), time(17), holidays=frozenset({date(2025, 10, 1)}))
    assert due_at(at(2025, 9, 30, 16), hours=2, clock="working", calendar=calendar) == at(2025, 10, 2, 10)


def test_an_adjusted_working_saturday_counts() -> None:
    # 调休: Saturday 2025-05-03 declared a working day.
    calendar = WorkingCalendar.daily(time(9), time(17), adjusted_working_days=frozenset({date(2025, 5, 3)}))
    assert due_at(FRIDAY_16, hours=2, clock="working", calendar=calendar) == at(2025, 5, 3, 10)
    assert calendar.is_working_day(date(2025, 5, 3))
    assert not calendar.is_working_day(date(2025, 5, 4))


def test_three_working_days_for_a_consultation() -> None:
    # Received Monday 10:00; 3 working days of 8 h end Thursday 10:00.
    hours = 3 * NINE_TO_FIVE.hours_per_day
    assert due_at(at(2025, 5, 5, 10), hours=hours, clock="working", calendar=NINE_TO_FIVE) == at(
        2025, 5, 8, 10
    )


def test_the_result_keeps_the_start_zone() -> None:
    start_utc = datetime(2025, 5, 2, 8, tzinfo=UTC)  # 16:00 in Shanghai
    due = due_at(start_utc, hours=2, clock="working", calendar=NINE_TO_FIVE)
    assert due.tzinfo is UTC
    assert due == at(2025, 5, 5, 10)


def test_calendar_hours_are_elapsed_time_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    before = datetime(2025, 3, 29, 12, tzinfo=berlin)  # DST starts on 30 March
    assert due_at(before, hours=24) == datetime(2025, 3, 30, 13, tzinfo=berlin)


def test_working_time_between() -> None:
    assert working_time_between(FRIDAY_16, at(2025, 5, 5, 10), NINE_TO_FIVE) == timedelta(hours=2)
    assert working_time_between(at(2025, 5, 5, 10), FRIDAY_16, NINE_TO_FIVE) == timedelta(hours=-2)
    assert working_time_between(at(2025, 5, 3, 8), at(2025, 5, 4, 20), NINE_TO_FIVE) == timedelta(0)
    assert working_time_between(at(2025, 5, 5, 8), at(2025, 5, 5, 20), SPLIT_DAY) == timedelta(hours=7)


def test_reminder_at_three_quarters_of_the_limit() -> None:
    start = at(2025, 5, 5, 9)
    assert remind_at(start, at(2025, 5, 5, 17)) == at(2025, 5, 5, 15)
    assert remind_at(start, at(2025, 5, 12, 9), fraction=Fraction(1, 2)) == at(2025, 5, 8, 21)
    # Working clock: Friday 16:00 → Monday 12:00 is 4 working hours; three quarters end Monday 11:00.
    due = at(2025, 5, 5, 12)
    assert remind_at(FRIDAY_16, due, clock="working", calendar=NINE_TO_FIVE) == at(2025, 5, 5, 11)


def test_overdue() -> None:
    due = at(2025, 5, 2, 17)
    assert not is_overdue(due, due)
    assert is_overdue(due, due + timedelta(seconds=1))
    assert overdue_by(due, at(2025, 5, 2, 16)) == timedelta(0)
    assert overdue_by(due, at(2025, 5, 5, 10)) == timedelta(days=2, hours=17)
    assert overdue_by(due, at(2025, 5, 5, 10), clock="working", calendar=NINE_TO_FIVE) == timedelta(hours=1)


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2025, 5, 2, 16)
    with pytest.raises(ValueError, match="naive"):
        due_at(naive, hours=2)
    with pytest.raises(ValueError, match="naive"):
        is_overdue(FRIDAY_16, naive)
    with pytest.raises(ValueError, match="naive"):
        working_time_between(naive, FRIDAY_16, NINE_TO_FIVE)


def test_invalid_options_are_rejected() -> None:
    with pytest.raises(ValueError, match="working calendar"):
        due_at(FRIDAY_16, hours=2, clock="working")
    with pytest.raises(ValueError, match="clock"):
        due_at(FRIDAY_16, hours=2, clock="lunar")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        due_at(FRIDAY_16, hours=-1)
    with pytest.raises(TypeError, match="float"):
        hours_to_timedelta(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="between 0 and 1"):
        remind_at(FRIDAY_16, at(2025, 5, 3), fraction=Fraction(5, 4))


def test_invalid_calendars_are_rejected() -> None:
    with pytest.raises(ValueError, match="at least one"):
        WorkingCalendar(periods=())
    with pytest.raises(ValueError, match="start before"):
        WorkingCalendar.daily(time(17), time(9))
    with pytest.raises(ValueError, match="overlap"):
        WorkingCalendar(periods=((time(9), time(13)), (time(12), time(17))))
    with pytest.raises(ValueError, match="Monday"):
        WorkingCalendar(working_weekdays=frozenset({7}))
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar(
            holidays=frozenset({date(2025, 5, 3)}), adjusted_working_days=frozenset({date(2025, 5, 3)})
        )


def test_a_calendar_that_runs_out_of_working_days_raises() -> None:
    only_one_day = WorkingCalendar(
        working_weekdays=frozenset(), adjusted_working_days=frozenset({date(2025, 5, 3)})
    )
    assert due_at(FRIDAY_16, hours=8, clock="working", calendar=only_one_day) == at(2025, 5, 3, 17)
    with pytest.raises(ValueError, match="no working time left"):
        due_at(FRIDAY_16, hours=9, clock="working", calendar=only_one_day)


starts = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(SHANGHAI)
).map(lambda moment: moment.replace(microsecond=0))
quarter_hours = st.integers(min_value=0, max_value=4 * 24 * 20).map(lambda quarters: Fraction(quarters, 4))
HOLIDAY_CALENDAR = WorkingCalendar(
    periods=((time(9), time(12)), (time(13, 30), time(17, 30))),
    holidays=frozenset({date(2025, 1, 1), date(2025, 10, 1), date(2025, 10, 2), date(2025, 10, 3)}),
    adjusted_working_days=frozenset({date(2025, 9, 28), date(2025, 10, 11)}),
)


@given(starts, quarter_hours)
def test_due_never_precedes_start(start: datetime, hours: Fraction) -> None:
    assert due_at(start, hours=hours) >= start
    assert due_at(start, hours=hours, clock="working", calendar=HOLIDAY_CALENDAR) >= start


@given(starts, quarter_hours, quarter_hours)
def test_due_is_monotone_in_hours(start: datetime, first: Fraction, second: Fraction) -> None:
    shorter, longer = sorted((first, second))
    for clock in ("calendar", "working"):
        early = due_at(start, hours=shorter, clock=clock, calendar=HOLIDAY_CALENDAR)
        late = due_at(start, hours=longer, clock=clock, calendar=HOLIDAY_CALENDAR)
        assert early <= late


@given(starts, quarter_hours)
def test_working_time_to_the_due_date_equals_the_hours(start: datetime, hours: Fraction) -> None:
    due = due_at(start, hours=hours, clock="working", calendar=HOLIDAY_CALENDAR)
    assert working_time_between(start, due, HOLIDAY_CALENDAR) == hours_to_timedelta(hours)


@given(starts, quarter_hours, st.fractions(min_value=0, max_value=1, max_denominator=8))
def test_reminder_lies_between_start_and_due(start: datetime, hours: Fraction, fraction: Fraction) -> None:
    due = due_at(start, hours=hours, clock="working", calendar=HOLIDAY_CALENDAR)
    reminder = remind_at(start, due, fraction=fraction, clock="working", calendar=HOLIDAY_CALENDAR)
    assert start <= reminder <= due
