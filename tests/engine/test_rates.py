"""Appeal rates, the composite score and hot spots: hand-computed cases and properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comity.engine.calendar import WorkingCalendar
from comity.engine.rates import (
    ZHUNGEER_WEIGHTS,
    AppealRecord,
    HotSpot,
    Period,
    Rate,
    Weights,
    by_periods,
    composite_score,
    hot_spots,
    on_time_rate,
    rates_by,
    resolution_rate,
    response_rate,
    satisfaction_rate,
    scorecard,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 0) -> datetime:
    """A moment in May 2025, Shanghai time (1 May is a Thursday)."""
    return datetime(2025, 5, day, hour, tzinfo=SHANGHAI)


MAY_1_TO_10 = Period(at(1), at(11))


def appeal(received: int, **fields: object) -> AppealRecord:
    """An appeal received at 09:00 on day ``received``, due seven days later."""
    base = AppealRecord(received_at=at(received, 9), due_at=at(received + 7, 9))
    return replace(base, **fields)  # type: ignore[arg-type]


def test_response_rate_counts_signing_within_24_hours() -> None:
    records = [
        appeal(2, signed_for_at=at(2, 10)),  # 1 h
        appeal(2, signed_for_at=at(3, 9)),  # exactly 24 h: on time
        appeal(2, signed_for_at=at(3, 10)),  # 25 h: late
        appeal(2),  # never signed for
        appeal(2, signed_for_at=at(2, 10), withdrawn=True),  # excluded
        appeal(2, signed_for_at=at(2, 10), merged=True),  # excluded
        appeal(20, signed_for_at=at(20, 10)),  # outside the period
    ]
    rate = response_rate(records, period=MAY_1_TO_10)
    assert (rate.numerator, rate.denominator, rate.value) == (Fraction(2), 4, Fraction(1, 2))


def test_response_rate_leaves_out_appeals_whose_limit_is_still_running() -> None:
    records = [appeal(10, signed_for_at=at(10, 11)), appeal(10)]
    assert response_rate(records, period=MAY_1_TO_10).value == Fraction(1, 2)
    assert response_rate(records, period=MAY_1_TO_10, now=at(10, 20)).value == 1
    assert response_rate(records, period=MAY_1_TO_10, now=at(11, 10)).value == Fraction(1, 2)


def test_response_rate_on_working_hours() -> None:
    # Received Friday 2 May 16:00, signed Monday 5 May 10:00: 2 working hours with 09:00–17:00 days.
    calendar = WorkingCalendar.daily(time(9), time(17))
    record = AppealRecord(received_at=at(2, 16), due_at=at(9, 16), signed_for_at=at(5, 10))
    assert response_rate([record]).value == 0
    assert response_rate([record], hours=2, clock="working", calendar=calendar).value == 1


def test_resolution_rate_and_partly_resolved() -> None:
    records = [
        appeal(1, closed_at=at(3), contacted=True, resolved="yes"),
        appeal(1, closed_at=at(3), contacted=True, resolved="yes"),
        appeal(1, closed_at=at(3), contacted=True, resolved="partly"),
        appeal(1, closed_at=at(3), contacted=True, resolved="no"),
        appeal(1, closed_at=at(3), contacted=False, resolved="yes"),  # no valid return visit
        appeal(1, closed_at=at(3), contacted=True),  # visited, no answer
        appeal(1, closed_at=at(20), contacted=True, resolved="yes"),  # closed after the period
    ]
    assert resolution_rate(records, period=MAY_1_TO_10) == Rate(Fraction(2), 4)
    assert resolution_rate(records, period=MAY_1_TO_10).value == Fraction(1, 2)
    half = resolution_rate(records, period=MAY_1_TO_10, partly_credit=Fraction(1, 2))
    assert half.value == Fraction(5, 8)
    with pytest.raises(ValueError, match="partly_credit"):
        resolution_rate(records, partly_credit=Fraction(2))


def test_satisfaction_rate_counts_basically_satisfied() -> None:
    records = [
        appeal(1, closed_at=at(3), contacted=True, satisfaction="satisfied"),
        appeal(1, closed_at=at(3), contacted=True, satisfaction="basically_satisfied"),
        appeal(1, closed_at=at(3), contacted=True, satisfaction="unsatisfied"),
        appeal(1, closed_at=at(3), contacted=None, satisfaction="unsatisfied"),  # no contact
        appeal(1, closed_at=at(3), contacted=True, satisfaction="satisfied", merged=True),
    ]
    rate = satisfaction_rate(records, period=MAY_1_TO_10)
    assert (rate.numerator, rate.denominator, rate.value) == (Fraction(2), 3, Fraction(2, 3))


def test_on_time_rate_counts_each_appeal_once_when_its_verdict_is_known() -> None:
    records = [
        appeal(1, closed_at=at(5)),  # due 8 May, closed 5 May: on time, verdict 5 May
        appeal(1, closed_at=at(8, 9)),  # closed exactly at due: on time
        appeal(1, closed_at=at(12)),  # late: verdict at due (8 May), counts in this period
        appeal(2),  # open, due 9 May: late
        appeal(9, closed_at=at(10)),  # due 16 May, closed on time 10 May: counts here
        appeal(9),  # open, due 16 May: verdict in a later period
        AppealRecord(received_at=at(1), due_at=at(2), closed_at=at(15), withdrawn=True),
    ]
    rate = on_time_rate(records, period=MAY_1_TO_10)
    assert rate == Rate(Fraction(3), 5)
    # Before 9 May 09:00 the open appeal received on 2 May has not yet missed its limit.
    assert on_time_rate(records, period=MAY_1_TO_10, now=at(8, 12)).denominator == 3


def test_empty_denominators_give_no_value() -> None:
    assert response_rate([]).value is None
    assert satisfaction_rate([appeal(1, withdrawn=True)]).value is None


def test_composite_with_zhungeer_weights() -> None:
    # 0.3 × 1/2 + 0.35 × 1/2 + 0.35 × 2/3 = 0.15 + 0.175 + 0.2333… = 67/120
    score = composite_score(
        response=Rate(Fraction(1), 2),
        resolution=Rate(Fraction(2), 4),
        satisfaction=Rate(Fraction(2), 3),
        on_time=Rate(Fraction(0), 0),
    )
    assert score == Fraction(67, 120)


def test_composite_needs_every_weighted_rate() -> None:
    full, empty, half = Rate(Fraction(1), 1), Rate(Fraction(0), 0), Rate(Fraction(1), 2)
    assert composite_score(response=full, resolution=full, satisfaction=empty, on_time=half) is None
    weights = Weights(Fraction(1, 4), Fraction(1, 4), Fraction(0), Fraction(1, 2))
    score = composite_score(response=full, resolution=full, satisfaction=empty, on_time=half, weights=weights)
    assert score == Fraction(3, 4)


def test_weights_must_be_exact_and_sum_to_one() -> None:
    assert sum((ZHUNGEER_WEIGHTS.response, ZHUNGEER_WEIGHTS.resolution, ZHUNGEER_WEIGHTS.satisfaction)) == 1
    with pytest.raises(ValueError, match="sum to exactly 1"):
        Weights(Fraction(3, 10), Fraction(35, 100), Fraction(34, 100))
    with pytest.raises(TypeError, match="float"):
        Weights(0.3, 0.35, 0.35)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="between 0 and 1"):
        Weights(Fraction(-1, 2), Fraction(1), Fraction(1, 2))


def test_scorecard_rates_by_group_and_by_period() -> None:
    records = [
        appeal(2, signed_for_at=at(2, 10), closed_at=at(4), contacted=True, resolved="yes",
               satisfaction="satisfied", area="b3", subject="property"),
        appeal(2, closed_at=at(12), contacted=True, resolved="no",
               satisfaction="unsatisfied", area="b1", subject="property"),
    ]  # fmt: skip
    card = scorecard(records, period=MAY_1_TO_10)
    assert (card.response.value, card.resolution.value, card.satisfaction.value) == (
        Fraction(1, 2),
        Fraction(1),
        Fraction(1),
    )
    assert card.score == Fraction(3, 10) * Fraction(1, 2) + Fraction(7, 10)
    grouped = rates_by(records, key="area")
    assert list(grouped) == ["b1", "b3"]
    assert grouped["b3"].score == 1
    assert grouped["b1"].score == 0
    assert list(rates_by(records, key=lambda record: record.subject)) == ["property"]
    may, later = by_periods(records, periods=[MAY_1_TO_10, Period(at(11), at(21))])
    assert may.satisfaction.denominator == 1
    assert later.satisfaction.value == 0


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        AppealRecord(received_at=datetime(2025, 5, 1), due_at=at(2))
    with pytest.raises(ValueError, match="naive"):
        Period(datetime(2025, 5, 1), at(2))


def test_hot_spot_rule() -> None:
    now = at(15)
    week = timedelta(days=7)

    def cell(category: str, area: str, days: list[int]) -> list[AppealRecord]:
        return [appeal(day, category=category, area=area) for day in days]

    records = [
        *cell("noise", "b3", [2, 3, 9, 10, 11, 12]),  # 2 → 4: doubled
        *cell("lifts", "b1", [9, 10, 11]),  # 0 → 3: new
        *cell("parking", "east", [1, 2, 3, 4, 9, 10, 11, 12, 13]),  # 4 → 5: below growth 3/2
        *cell("waste", "b2", [9, 10]),  # 0 → 2: below min_count
        appeal(9, category="lifts", area="b1", withdrawn=True),
    ]
    spots = hot_spots(records, window=week, now=now)
    assert spots == [HotSpot("lifts", "b1", 3, Fraction(0)), HotSpot("noise", "b3", 4, Fraction(2))]
    assert spots[1].growth == 2
    assert spots[0].growth is None
    # Two previous windows halve the baselines: parking 4/2 → 5 becomes hot; every rise is 3, so count decides.
    two = hot_spots(records, window=week, now=now, previous_windows=2)
    assert [(spot.category, spot.count, spot.baseline) for spot in two] == [
        ("parking", 5, Fraction(2)),
        ("noise", 4, Fraction(1)),
        ("lifts", 3, Fraction(0)),
    ]
    with pytest.raises(ValueError, match="window"):
        hot_spots(records, window=timedelta(0), now=now)


days = st.integers(min_value=1, max_value=20)
records_strategy = st.lists(
    st.builds(
        lambda received, signed, closed, contacted, resolved, satisfaction, withdrawn, merged, area: appeal(
            received,
            signed_for_at=None if signed is None else at(received, 9) + timedelta(hours=signed),
            closed_at=None if closed is None else at(received, 9) + timedelta(days=closed),
            contacted=contacted,
            resolved=resolved,
            satisfaction=satisfaction,
            withdrawn=withdrawn,
            merged=merged,
            area=area,
            category="noise",
        ),
        days,
        st.none() | st.integers(min_value=0, max_value=72),
        st.none() | st.integers(min_value=0, max_value=12),
        st.none() | st.booleans(),
        st.sampled_from([None, "yes", "partly", "no"]),
        st.sampled_from([None, "satisfied", "basically_satisfied", "unsatisfied"]),
        st.booleans(),
        st.booleans(),
        st.sampled_from(["b1", "b2", "b3"]),
    ),
    max_size=25,
)


@given(records_strategy)
def test_every_rate_lies_between_zero_and_one(records: list[AppealRecord]) -> None:
    card = scorecard(records, period=MAY_1_TO_10, partly_credit=Fraction(1, 2))
    for rate in (card.response, card.resolution, card.satisfaction, card.on_time):
        assert rate.value is None or 0 <= rate.value <= 1
    assert card.score is None or 0 <= card.score <= 1


@given(records_strategy, st.randoms(use_true_random=False))
def test_permuting_records_changes_nothing(records: list[AppealRecord], random: object) -> None:
    shuffled = list(records)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert scorecard(shuffled, period=MAY_1_TO_10) == scorecard(records, period=MAY_1_TO_10)
    assert rates_by(shuffled, key="area") == rates_by(records, key="area")
    now, week = at(15), timedelta(days=7)
    assert hot_spots(shuffled, window=week, now=now, min_count=1) == hot_spots(
        records, window=week, now=now, min_count=1
    )


@given(records_strategy, days)
def test_a_satisfied_rated_appeal_never_lowers_satisfaction(records: list[AppealRecord], day: int) -> None:
    before = satisfaction_rate(records).value
    extra = appeal(day, closed_at=at(day, 12), contacted=True, satisfaction="satisfied")
    after = satisfaction_rate([*records, extra]).value
    assert after is not None
    assert before is None or after >= before


@given(st.lists(st.fractions(min_value=0, max_value=1, max_denominator=20), min_size=3, max_size=3))
def test_weights_are_accepted_exactly_when_they_sum_to_one(parts: list[Fraction]) -> None:
    response, resolution, satisfaction = parts
    rest = Fraction(1) - response - resolution - satisfaction
    if 0 <= rest <= 1:
        assert Weights(response, resolution, satisfaction, on_time=rest).on_time == rest
    else:
        with pytest.raises(ValueError, match="between 0 and 1"):
            Weights(response, resolution, satisfaction, on_time=rest)
    if sum(parts) != 1:
        with pytest.raises(ValueError, match="sum to exactly 1"):
            Weights(response, resolution, satisfaction)
