"""Appeal rates, their weighted score and complaint hot spots.

Beijing's 接诉即办 regulation assesses handling by **response, resolution and satisfaction rates** (响应率 /
解决率 / 满意率); Zhungeer weights them 30 % / 35 % / 35 % and keeps "24-hour signing rate" and "7-day closure
rate" as floor KPIs; a county sets ≥ 85 % satisfaction as its floor; Panjin adds on-time feedback; streets must
act on complaint hot spots before residents call (主动治理 / 未诉先办). Sources: ``shared/reference/
domain-practice.md`` §3. The regulation names the rates but the sources give no formulas, so the exact
definitions below are Comity's and are documented in ``docs/algorithms/appeal-rates.md``:

* only **counted** appeals enter any rate: withdrawn appeals and merged duplicates are left out (the primary
  of a merge counts once);
* **response** — signed for within the response limit, over appeals *received* in the period;
* **resolution** — rated resolved, over appeals with a valid return visit and a resolution answer, *closed*
  in the period; "partly" earns ``partly_credit`` (0 by default);
* **satisfaction** — satisfied or basically satisfied, over appeals with a valid return visit and a
  satisfaction answer, *closed* in the period;
* **on-time** — closed by ``due_at``, over appeals whose on-time verdict became known in the period: at
  closing if closed on time, at ``due_at`` otherwise. Each appeal thus counts in exactly one period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Literal

from comity.engine.calendar import Clock, Hours, WorkingCalendar, due_at

Resolved = Literal["yes", "partly", "no"]
Satisfaction = Literal["satisfied", "basically_satisfied", "unsatisfied"]
SATISFIED: frozenset[str] = frozenset({"satisfied", "basically_satisfied"})
#: Zhungeer's response limit for its "24-hour signing rate".
RESPONSE_HOURS = 24


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} is a naive datetime: rates need timezone-aware datetimes")


@dataclass(frozen=True, slots=True, kw_only=True)
class AppealRecord:
    """What the rates need to know about one appeal (a plain projection of ``Appeal`` and its ``Rating``)."""

    received_at: datetime
    due_at: datetime
    signed_for_at: datetime | None = None
    replied_at: datetime | None = None
    closed_at: datetime | None = None
    status: str = ""
    #: A valid return visit reached the requester; ``None`` while no visit was attempted.
    contacted: bool | None = None
    resolved: Resolved | None = None
    satisfaction: Satisfaction | None = None
    withdrawn: bool = False
    merged: bool = False
    subject: str = ""
    category: str = ""
    area: str = ""

    def __post_init__(self) -> None:
        for name in ("received_at", "due_at", "signed_for_at", "replied_at", "closed_at"):
            value = getattr(self, name)
            if value is not None:
                _require_aware(value, name)
        if self.resolved not in (None, "yes", "partly", "no"):
            raise ValueError(f"unknown resolution answer {self.resolved!r}")
        if self.satisfaction not in (None, "satisfied", "basically_satisfied", "unsatisfied"):
            raise ValueError(f"unknown satisfaction answer {self.satisfaction!r}")

    @property
    def counted(self) -> bool:
        """Withdrawn appeals and merged duplicates stay out of every rate."""
        return not (self.withdrawn or self.merged)


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open interval ``[start, end)`` of aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start, "period start")
        _require_aware(self.end, "period end")
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, datetime) and self.start <= moment < self.end


def _in(period: Period | None, moment: datetime | None) -> bool:
    if moment is None:
        return False
    return period is None or moment in period


@dataclass(frozen=True, slots=True)
class Rate:
    """``numerator / denominator``; ``value`` is ``None`` when nothing was counted."""

    numerator: Fraction
    denominator: int

    @property
    def value(self) -> Fraction | None:
        if self.denominator == 0:
            return None
        return self.numerator / self.denominator


def response_rate(
    records: Iterable[AppealRecord],
    *,
    period: Period | None = None,
    now: datetime | None = None,
    hours: Hours = RESPONSE_HOURS,
    clock: Clock = "calendar",
    calendar: WorkingCalendar | None = None,
) -> Rate:
    """Signed for within ``hours`` of receipt, over counted appeals received in ``period``.

    With ``now``, an appeal not yet signed for whose response limit is still running is left out of the
    denominator: it can still respond on time.
    """
    numerator = denominator = 0
    for record in records:
        if not (record.counted and _in(period, record.received_at)):
            continue
        limit = due_at(record.received_at, hours=hours, clock=clock, calendar=calendar)
        signed = record.signed_for_at
        if signed is None and now is not None and now <= limit:
            continue
        denominator += 1
        numerator += signed is not None and signed <= limit
    return Rate(Fraction(numerator), denominator)


def resolution_rate(
    records: Iterable[AppealRecord], *, period: Period | None = None, partly_credit: Fraction = Fraction(0)
) -> Rate:
    """Rated resolved, over counted appeals closed in ``period`` with a valid return visit and an answer.

    "Partly resolved" earns ``partly_credit`` (0 by default: the rate never overstates resolution;
    ``Fraction(1, 2)`` counts it as half).
    """
    if not 0 <= partly_credit <= 1:
        raise ValueError("partly_credit must lie between 0 and 1")
    credit = {"yes": Fraction(1), "partly": Fraction(partly_credit), "no": Fraction(0)}
    numerator, denominator = Fraction(0), 0
    for record in records:
        if (
            record.counted
            and record.contacted
            and record.resolved is not None
            and _in(period, record.closed_at)
        ):
            denominator += 1
            numerator += credit[record.resolved]
    return Rate(numerator, denominator)


def satisfaction_rate(records: Iterable[AppealRecord], *, period: Period | None = None) -> Rate:
    """Satisfied or basically satisfied, over counted appeals closed in ``period`` with contact and an answer."""
    numerator = denominator = 0
    for record in records:
        if (
            record.counted
            and record.contacted
            and record.satisfaction is not None
            and _in(period, record.closed_at)
        ):
            denominator += 1
            numerator += record.satisfaction in SATISFIED
    return Rate(Fraction(numerator), denominator)


def on_time_verdict_at(record: AppealRecord) -> datetime:
    """When it became known whether ``record`` was closed on time: its closing if on time, else its due date."""
    if record.closed_at is not None and record.closed_at <= record.due_at:
        return record.closed_at
    return record.due_at


def on_time_rate(
    records: Iterable[AppealRecord], *, period: Period | None = None, now: datetime | None = None
) -> Rate:
    """Closed by ``due_at``, over counted appeals whose verdict (:func:`on_time_verdict_at`) fell in ``period``.

    With ``now``, verdicts still in the future (open and not yet due) are left out.
    """
    numerator = denominator = 0
    for record in records:
        verdict = on_time_verdict_at(record)
        if not (record.counted and _in(period, verdict)) or (now is not None and verdict > now):
            continue
        denominator += 1
        numerator += record.closed_at is not None and record.closed_at <= record.due_at
    return Rate(Fraction(numerator), denominator)


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the composite score: exact fractions in [0, 1] summing to exactly 1."""

    response: Fraction
    resolution: Fraction
    satisfaction: Fraction
    on_time: Fraction = Fraction(0)

    def __post_init__(self) -> None:
        values = (self.response, self.resolution, self.satisfaction, self.on_time)
        if any(isinstance(value, bool) or not isinstance(value, int | Fraction) for value in values):
            raise TypeError("weights must be ints or Fractions, never floats")
        if any(not 0 <= value <= 1 for value in values):
            raise ValueError("each weight must lie between 0 and 1")
        if sum(values) != 1:
            raise ValueError(f"weights must sum to exactly 1, not {sum(values)}")


#: Zhungeer: response 30 %, resolution 35 %, satisfaction 35 % (domain-practice.md §3).
ZHUNGEER_WEIGHTS = Weights(Fraction(3, 10), Fraction(7, 20), Fraction(7, 20))


@dataclass(frozen=True, slots=True)
class Scorecard:
    response: Rate
    resolution: Rate
    satisfaction: Rate
    on_time: Rate
    score: Fraction | None


def composite_score(
    *,
    response: Rate,
    resolution: Rate,
    satisfaction: Rate,
    on_time: Rate,
    weights: Weights = ZHUNGEER_WEIGHTS,
) -> Fraction | None:
    """``Σ weight × rate``; ``None`` when a rate with a positive weight is undefined (nothing to count).

    No score is better than one silently re-weighted over the rates that happen to have data.
    """
    total = Fraction(0)
    for weight, rate in (
        (weights.response, response),
        (weights.resolution, resolution),
        (weights.satisfaction, satisfaction),
        (weights.on_time, on_time),
    ):
        if weight == 0:
            continue
        if rate.value is None:
            return None
        total += weight * rate.value
    return total


def scorecard(
    records: Iterable[AppealRecord],
    *,
    period: Period | None = None,
    now: datetime | None = None,
    weights: Weights = ZHUNGEER_WEIGHTS,
    response_hours: Hours = RESPONSE_HOURS,
    clock: Clock = "calendar",
    calendar: WorkingCalendar | None = None,
    partly_credit: Fraction = Fraction(0),
) -> Scorecard:
    """All four rates and the composite score of ``records`` for one period."""
    items = list(records)
    rates = {
        "response": response_rate(
            items, period=period, now=now, hours=response_hours, clock=clock, calendar=calendar
        ),
        "resolution": resolution_rate(items, period=period, partly_credit=partly_credit),
        "satisfaction": satisfaction_rate(items, period=period),
        "on_time": on_time_rate(items, period=period, now=now),
    }
    return Scorecard(**rates, score=composite_score(**rates, weights=weights))


GroupKey = Callable[[AppealRecord], Hashable]


def rates_by(
    records: Iterable[AppealRecord],
    *,
    key: Literal["subject", "category", "area"] | GroupKey,
    period: Period | None = None,
    now: datetime | None = None,
    weights: Weights = ZHUNGEER_WEIGHTS,
    response_hours: Hours = RESPONSE_HOURS,
    clock: Clock = "calendar",
    calendar: WorkingCalendar | None = None,
    partly_credit: Fraction = Fraction(0),
) -> dict[Hashable, Scorecard]:
    """One scorecard per group, groups in ascending key order (keys must be mutually comparable)."""
    group_of: GroupKey = key if callable(key) else (lambda record: str(getattr(record, key)))
    groups: defaultdict[Hashable, list[AppealRecord]] = defaultdict(list)
    for record in records:
        groups[group_of(record)].append(record)
    return {
        group: scorecard(
            groups[group],
            period=period,
            now=now,
            weights=weights,
            response_hours=response_hours,
            clock=clock,
            calendar=calendar,
            partly_credit=partly_credit,
        )
        for group in sorted(groups)  # type: ignore[type-var]
    }


@dataclass(frozen=True, slots=True)
class HotSpot:
    category: str
    area: str
    #: Appeals received in the latest window.
    count: int
    #: Mean count over the previous windows.
    baseline: Fraction

    @property
    def growth(self) -> Fraction | None:
        """``count / baseline``; ``None`` for a cell new in the latest window."""
        return None if self.baseline == 0 else self.count / self.baseline


def hot_spots(
    records: Iterable[AppealRecord],
    *,
    window: timedelta,
    now: datetime,
    min_count: int = 3,
    growth: Fraction = Fraction(3, 2),
    previous_windows: int = 1,
    include_duplicates: bool = True,
) -> list[HotSpot]:
    """Category × area cells whose appeal count rose in the latest window.

    The latest window is ``[now − window, now)``; the baseline is the mean count over the ``previous_windows``
    windows before it. A cell is hot when ``count ≥ min_count``, ``count > baseline`` and
    ``count ≥ growth × baseline``. Withdrawn appeals never count; merged duplicates count by default because
    each is a resident raising the matter. Ordered by rise (``count − baseline``) descending, then count
    descending, then category and area ascending.
    """
    _require_aware(now, "now")
    if window <= timedelta(0):
        raise ValueError("the window must be positive")
    if previous_windows < 1:
        raise ValueError("at least one previous window is needed")
    if min_count < 1 or growth < 1:
        raise ValueError("min_count must be at least 1 and growth at least 1")
    oldest = now - window * (previous_windows + 1)
    latest: defaultdict[tuple[str, str], int] = defaultdict(int)
    earlier: defaultdict[tuple[str, str], int] = defaultdict(int)
    for record in records:
        if record.withdrawn or (record.merged and not include_duplicates):
            continue
        if not oldest <= record.received_at < now:
            continue
        cell = (record.category, record.area)
        if record.received_at >= now - window:
            latest[cell] += 1
        else:
            earlier[cell] += 1
    spots = []
    for (category, area), count in latest.items():
        baseline = Fraction(earlier[category, area], previous_windows)
        if count >= min_count and count > baseline and count >= growth * baseline:
            spots.append(HotSpot(category, area, count, baseline))
    spots.sort(key=lambda spot: (-(spot.count - spot.baseline), -spot.count, spot.category, spot.area))
    return spots


def by_periods(
    records: Iterable[AppealRecord],
    *,
    periods: Sequence[Period],
    now: datetime | None = None,
    weights: Weights = ZHUNGEER_WEIGHTS,
    response_hours: Hours = RESPONSE_HOURS,
    clock: Clock = "calendar",
    calendar: WorkingCalendar | None = None,
    partly_credit: Fraction = Fraction(0),
) -> list[Scorecard]:
    """One scorecard per period, in the given order (e.g. monthly, for the ranking of streets)."""
    items = list(records)
    return [
        scorecard(
            items,
            period=period,
            now=now,
            weights=weights,
            response_hours=response_hours,
            clock=clock,
            calendar=calendar,
            partly_credit=partly_credit,
        )
        for period in periods
    ]
