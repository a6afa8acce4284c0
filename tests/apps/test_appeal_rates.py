"""The appeal-rate dashboards: the SQL figures equal the engine's, the pages and exports show them, and every
member of the cast gets exactly the access the permissions give.

The golden tests build a varied set of appeals straight through the ORM (rated, unrated, contacted or not,
withdrawn, merged, overdue, reopened, signed for late, across months and places) and check that every figure
:mod:`comity.appeals.rates.data` counts in SQL equals :mod:`comity.engine.rates` on :func:`records_for`.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
from collections.abc import Hashable
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comity.appeals.models import Appeal, AppealSettings, Rating
from comity.appeals.rates.data import (
    CELL_FIELDS,
    Dimension,
    Keys,
    Tally,
    appeals_of,
    cell_tallies,
    month_periods,
    monthly_tallies,
    place_map,
    roll_up,
    tallies_by_period,
    total,
)
from comity.appeals.rates.periods import choose_period, preset_days
from comity.appeals.rates.records import hot_spots_for, records_for
from comity.audit.models import AuditEntry
from comity.engine.rates import (
    ZHUNGEER_WEIGHTS,
    AppealRecord,
    Period,
    Scorecard,
    Weights,
    by_periods,
    hot_spots,
    rates_by,
    scorecard,
)
from comity.structure.models import Area, AreaKind, MatterCategory

from ..cast import World
from ..conftest import CAST
from ..factories import AreaFactory, CommunityFactory, StreetFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: "Now" of the golden data: the middle of a month, so the current month is half over.
NOW = datetime(2026, 5, 20, 10, 0, tzinfo=SHANGHAI)
#: The pages run with the clock frozen here (after the cast's memberships start, which is the real today).
PAGE_NOW = datetime(2030, 6, 15, 12, 0, tzinfo=SHANGHAI)
HOUR = timedelta(hours=1)
EVEN = Weights(Fraction(1, 4), Fraction(1, 4), Fraction(1, 4), Fraction(1, 4))

_numbers = itertools.count(1)


def make_appeal(
    world: World,
    *,
    received: datetime,
    community: Any = None,
    category: str = "facilities.lifts",
    area: Any = None,
    subject: Any = None,
    due_hours: int = 72,
    signed: timedelta | None = None,
    closed: timedelta | None = None,
    status: str | None = None,
    rating: tuple[bool, str, str] | None = None,
    merged_into: Appeal | None = None,
) -> Appeal:
    """An appeal written straight to the database; times are offsets from ``received``."""
    community = community or world.harmony
    closed_at = received + closed if closed is not None else None
    if status is None:
        status = "rated" if rating else "closed" if closed_at else "signed_for" if signed else "dispatched"
    appeal = Appeal.objects.create(
        community=community,
        number=f"T-{next(_numbers):06d}",
        kind="complaint",
        category=MatterCategory.objects.get(code=category),
        area=area,
        description="A test appeal.",
        status=status,
        lead_subject=subject,
        received_at=received,
        due_at=received + timedelta(hours=due_hours),
        signed_for_at=received + signed if signed is not None else None,
        replied_at=closed_at - timedelta(hours=1) if closed_at else None,
        closed_at=closed_at,
        merged_into=merged_into,
    )
    if rating is not None:
        contacted, resolved, satisfaction = rating
        Rating.objects.create(
            community=community,
            appeal=appeal,
            method="phone",
            contacted=contacted,
            resolved=resolved,
            satisfaction=satisfaction,
            rated_at=(closed_at or received) + timedelta(days=1),
        )
    return appeal


# --- The golden data ---------------------------------------------------------------------------------------


def _golden_appeals(world: World) -> dict[str, Any]:
    """About 300 appeals over six months in two communities, with every case the definitions single out."""
    rng = random.Random(20260520)
    building2 = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code="2", name="Building 2")
    zone = AreaFactory(community=world.harmony, kind=AreaKind.ZONE, code="north", name="North court")
    shed = AreaFactory(
        community=world.harmony,
        kind=AreaKind.COMMON_SPACE,
        code="shed",
        name="Bike shed",
        parent=building2,
    )
    river_building = AreaFactory(community=world.riverside, kind=AreaKind.BUILDING, code="R1", name="R1")
    harmony_places = [world.building, world.stairwell, building2, zone, shed, None]
    subjects = {
        world.harmony: [world.property_company, world.committee, world.street_office, None],
        world.riverside: [world.riverside_committee, world.street_office],
    }
    categories = ["facilities.lifts", "facilities.water", "noise.renovation", "noise.square_dancing", "other"]
    start = datetime(2025, 11, 20, tzinfo=SHANGHAI)
    span = (NOW - start).total_seconds()
    primaries: list[Appeal] = []
    for index in range(300):
        community = world.harmony if index % 4 else world.riverside
        places = harmony_places if community == world.harmony else [river_building, None]
        received = start + timedelta(seconds=rng.uniform(0, span))
        if index % 37 == 0:  # exactly on a month boundary, in local time
            received = received.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        due_hours = rng.choice([24, 72, 168])
        signed = rng.choice(
            [None, timedelta(hours=2), timedelta(hours=23), timedelta(hours=24), timedelta(hours=30)]
        )
        if signed is not None and rng.random() < 0.1:
            signed += timedelta(microseconds=1)
        closed = None
        if signed is not None and rng.random() < 0.75:
            closed = rng.choice(
                [timedelta(hours=due_hours), timedelta(hours=due_hours - 1), timedelta(hours=due_hours + 5)]
            )
            closed = max(closed, signed)
        if received + (closed or timedelta()) > NOW:
            closed = None
        if signed is not None and received + signed > NOW:
            signed, closed = None, None
        rating = None
        if closed is not None and rng.random() < 0.8:
            rating = (
                rng.random() < 0.85,
                rng.choice(["yes", "yes", "partly", "no"]),
                rng.choice(["satisfied", "basically_satisfied", "unsatisfied"]),
            )
        status = None
        fate = rng.random()
        if fate < 0.06:
            status = "withdrawn"
        elif fate < 0.1 and rating is not None:
            status, closed = "reopened", None  # the rating stays; closing is undone
        appeal = make_appeal(
            world,
            received=received,
            community=community,
            category=rng.choice(categories),
            area=rng.choice(places),
            subject=rng.choice(subjects[community]),
            due_hours=due_hours,
            signed=signed,
            closed=closed,
            status=status,
            rating=rating,
        )
        if status is None and appeal.community == world.harmony:
            primaries.append(appeal)
    for duplicate in range(12):  # merged duplicates: out of the rates, in the hot spots
        primary = primaries[duplicate * 7]
        make_appeal(
            world,
            received=primary.received_at + timedelta(hours=3),
            category=primary.category.code,
            area=primary.area,
            subject=primary.lead_subject,
            signed=timedelta(hours=1),
            status="merged",
            merged_into=primary,
        )
    # A duplicate that kept a stale status: its merge target alone leaves it out of the rates.
    make_appeal(world, received=primaries[3].received_at, signed=HOUR, merged_into=primaries[3])
    for day in range(6):  # a hot spot: lifts in building 2, six in the last 30 days, one before
        make_appeal(
            world,
            received=NOW - timedelta(days=2 + 4 * day),
            area=building2 if day % 2 else shed,
            subject=world.property_company,
            signed=timedelta(hours=5),
        )
    make_appeal(world, received=NOW - timedelta(days=50), area=building2, subject=world.property_company)
    for day in range(4):  # a new cell with no place: other matters
        make_appeal(world, received=NOW - timedelta(days=1 + day, hours=day), category="other")
    make_appeal(world, received=NOW - timedelta(hours=3))  # still inside its 24 hours
    make_appeal(world, received=NOW - timedelta(hours=30))  # 24 hours passed, never signed for
    return {"building2": building2}


def _non_empty(cards: dict[Hashable, Scorecard]) -> dict[Hashable, Scorecard]:
    return {
        key: card
        for key, card in cards.items()
        if any(rate.denominator for rate in (card.response, card.resolution, card.satisfaction, card.on_time))
    }


def _received(records: list[AppealRecord], period: Period | None) -> int:
    return sum(1 for r in records if r.counted and (period is None or r.received_at in period))


PERIODS = [
    None,
    *month_periods(NOW.date(), 8, zone=SHANGHAI),
    Period(datetime(2026, 1, 15, tzinfo=SHANGHAI), datetime(2026, 3, 10, 17, 30, tzinfo=SHANGHAI)),
    Period(NOW - timedelta(days=30), NOW),
]


@pytest.fixture
def golden(world: World) -> dict[str, Any]:
    extra = _golden_appeals(world)
    ids = [world.harmony.pk, world.riverside.pk]
    return {
        **extra,
        "ids": ids,
        "records": records_for(Appeal.objects.filter(community__in=ids)),
        "roots": dict(MatterCategory.objects.values_list("pk", "parent_id")),
    }


@pytest.mark.parametrize("now", [None, NOW], ids=["without-now", "with-now"])
@pytest.mark.parametrize(
    ("weights", "partly"),
    [(ZHUNGEER_WEIGHTS, Fraction(0)), (EVEN, Fraction(1, 2))],
    ids=["zhungeer", "even-half-credit"],
)
def test_sql_figures_equal_the_engine_for_every_grouping_and_period(
    golden: dict[str, Any], world: World, now: datetime | None, weights: Weights, partly: Fraction
) -> None:
    records: list[AppealRecord] = golden["records"]
    roots = {str(pk): str(parent or pk) for pk, parent in golden["roots"].items()}
    engine_keys: dict[Dimension, Any] = {
        Dimension.SUBJECT: "subject",
        Dimension.CATEGORY: "category",
        Dimension.AREA: "area",
        Dimension.TOP_CATEGORY: lambda record: roots[record.category],
    }
    options: dict[str, Any] = {"now": now, "weights": weights, "partly_credit": partly}
    judged = 0
    for period in PERIODS:
        cells = cell_tallies(appeals_of(golden["ids"]), period=period, now=now)
        keys = Keys.for_cells(cells)
        for dimension, key in engine_keys.items():
            tallies = roll_up(cells, dimension, keys)
            sql = {group: t.scorecard(weights=weights, partly_credit=partly) for group, t in tallies.items()}
            engine = rates_by(records, key=key, period=period, **options)
            assert _non_empty(sql) == _non_empty(engine), (dimension, period)
            judged += len(_non_empty(sql))
        everything = total(cells.values())
        assert everything.scorecard(weights=weights, partly_credit=partly) == scorecard(
            records, period=period, **options
        )
        assert everything.received == _received(records, period)
        by_community = roll_up(cells, Dimension.COMMUNITY, keys)
        for community in (world.harmony, world.riverside):
            own = records_for(Appeal.objects.filter(community=community))
            expected = scorecard(own, period=period, **options)
            got = by_community.get(str(community.pk), Tally()).scorecard(
                weights=weights, partly_credit=partly
            )
            assert got == expected, (community, period)
    assert judged > 100  # the data exercise the groupings, not just empty ones


def test_the_golden_data_cover_every_case_the_definitions_single_out(golden: dict[str, Any]) -> None:
    records: list[AppealRecord] = golden["records"]
    assert any(r.withdrawn for r in records)
    assert any(r.merged for r in records)
    assert any(r.merged and r.status != "merged" for r in records)
    assert any(r.status == "reopened" and r.resolved and r.closed_at is None for r in records)
    assert any(r.contacted is False for r in records)
    assert any(r.contacted is None and r.closed_at for r in records)
    assert any(r.signed_for_at == r.received_at + timedelta(hours=24) for r in records)
    assert any(r.signed_for_at and r.signed_for_at > r.received_at + timedelta(hours=24) for r in records)
    assert any(r.closed_at == r.due_at for r in records)
    assert any(r.closed_at and r.closed_at > r.due_at for r in records)
    assert any(r.closed_at is None and r.due_at < NOW for r in records)
    assert any(r.closed_at is None and r.due_at > NOW for r in records)
    assert any(r.resolved == "partly" and r.contacted for r in records)
    assert len({r.area for r in records}) >= 5
    assert "" in {r.area for r in records}
    assert "" in {r.subject for r in records}


def test_monthly_trend_equals_the_engine_by_periods(golden: dict[str, Any]) -> None:
    months = month_periods(NOW.date(), 12, zone=SHANGHAI)
    for now in (None, NOW):
        tallies = monthly_tallies(appeals_of(golden["ids"]), months=months, now=now)
        expected = by_periods(golden["records"], periods=months, now=now, weights=EVEN)
        assert [t.scorecard(weights=EVEN) for t in tallies] == expected
        assert [t.received for t in tallies] == [_received(golden["records"], m) for m in months]
    assert sum(t.received for t in tallies) > 250


@pytest.mark.parametrize(
    "by",
    [("community", "subject"), ("subject", "category", "area"), CELL_FIELDS],
    ids=["street", "community", "all"],
)
def test_month_by_month_cells_equal_the_engine_for_every_grouping(
    golden: dict[str, Any], world: World, by: tuple[str, ...]
) -> None:
    """The dashboards read a whole-month period and its trend in one pass, month by month and group by group."""
    months = month_periods(NOW.date(), 7, zone=SHANGHAI)
    per_month = tallies_by_period(appeals_of(golden["ids"]), periods=months, now=NOW, by=by)
    roots = {str(pk): str(parent or pk) for pk, parent in golden["roots"].items()}
    engine_keys: dict[Dimension, Any] = {
        Dimension.SUBJECT: "subject",
        Dimension.CATEGORY: "category",
        Dimension.AREA: "area",
        Dimension.TOP_CATEGORY: lambda record: roots[record.category],
    }
    checked = 0
    for month, cells in zip(months, per_month, strict=True):
        assert cells == cell_tallies(appeals_of(golden["ids"]), period=month, now=NOW, by=by)
        keys = Keys.for_cells(cells)
        for dimension, key in engine_keys.items():
            if dimension == Dimension.TOP_CATEGORY and "category" not in by:
                continue
            if dimension.value not in by and dimension != Dimension.TOP_CATEGORY:
                continue
            sql = {group: t.scorecard() for group, t in roll_up(cells, dimension, keys).items()}
            engine = rates_by(golden["records"], key=key, period=month, now=NOW)
            assert _non_empty(sql) == _non_empty(engine), (dimension, month)
            checked += len(_non_empty(sql))
        if "community" in by:
            by_community = roll_up(cells, Dimension.COMMUNITY, keys)
            for community in (world.harmony, world.riverside):
                own = records_for(Appeal.objects.filter(community=community))
                got = by_community.get(str(community.pk), Tally()).scorecard()
                assert got == scorecard(own, period=month, now=NOW)
                checked += 1
    assert checked > 20


def test_periods_must_follow_one_another(world: World) -> None:
    may, june, july = month_periods(datetime(2026, 7, 1).date(), 3, zone=SHANGHAI)
    with pytest.raises(ValueError, match="without gaps"):
        tallies_by_period(appeals_of([world.harmony.pk]), periods=[may, july])
    assert tallies_by_period(appeals_of([world.harmony.pk]), periods=[]) == []
    assert tallies_by_period(appeals_of([world.harmony.pk]), periods=[may, june]) == [{}, {}]


@pytest.mark.parametrize("days_before", [0, 10, 45, 90])
def test_hot_spots_from_the_database_equal_the_engine(golden: dict[str, Any], days_before: int) -> None:
    now = NOW - timedelta(days=days_before)
    got = hot_spots_for(appeals_of(golden["ids"]), now=now)
    expected = hot_spots(golden["records"], window=timedelta(days=30), now=now, previous_windows=3)
    assert got == expected
    if days_before == 0:
        cells = {(spot.category, spot.area) for spot in got}
        lifts = str(MatterCategory.objects.get(code="facilities.lifts").pk)
        other = str(MatterCategory.objects.get(code="other").pk)
        assert (lifts, str(golden["building2"].pk)) in cells  # the shed counts for its building
        assert (other, "") in cells


# --- The definitions, by hand ------------------------------------------------------------------------------


def test_response_at_exactly_24_hours_counts_and_a_moment_later_does_not(world: World) -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
    make_appeal(world, received=start, signed=timedelta(hours=24))
    make_appeal(world, received=start, signed=timedelta(hours=24, microseconds=1))
    make_appeal(world, received=start, status="withdrawn", signed=timedelta(hours=1))
    make_appeal(world, received=NOW - timedelta(hours=1))  # unsigned, still in time: not judged
    cells = cell_tallies(appeals_of([world.harmony.pk]), period=None, now=NOW)
    everything = total(cells.values())
    assert (everything.received, everything.responded, everything.response_base) == (3, 1, 2)


def test_on_time_counts_once_in_the_month_of_its_verdict(world: World) -> None:
    received = datetime(2026, 1, 30, 12, tzinfo=SHANGHAI)
    make_appeal(world, received=received, due_hours=72, signed=timedelta(hours=1), closed=timedelta(hours=72))
    make_appeal(world, received=received, due_hours=72, signed=timedelta(hours=1), closed=timedelta(days=40))
    make_appeal(world, received=received, due_hours=24)  # never closed: late from its due date
    months = month_periods(datetime(2026, 3, 1).date(), 3, zone=SHANGHAI)
    tallies = monthly_tallies(appeals_of([world.harmony.pk]), months=months, now=NOW)
    assert [(t.on_time, t.on_time_base) for t in tallies] == [(0, 1), (1, 2), (0, 0)]
    assert [t.received for t in tallies] == [3, 0, 0]


def test_resolution_and_satisfaction_need_a_reached_requester_and_a_closing(world: World) -> None:
    received = datetime(2026, 2, 2, tzinfo=SHANGHAI)
    closed = timedelta(hours=10)
    make_appeal(world, received=received, closed=closed, rating=(True, "yes", "satisfied"))
    make_appeal(world, received=received, closed=closed, rating=(True, "partly", "basically_satisfied"))
    make_appeal(world, received=received, closed=closed, rating=(False, "yes", "satisfied"))
    make_appeal(world, received=received, status="reopened", rating=(True, "no", "unsatisfied"))
    tally = total(cell_tallies(appeals_of([world.harmony.pk]), period=None, now=NOW).values())
    card = tally.scorecard()
    assert (card.resolution.numerator, card.resolution.denominator) == (1, 2)
    assert (card.satisfaction.numerator, card.satisfaction.denominator) == (2, 2)
    assert tally.scorecard(partly_credit=Fraction(1, 2)).resolution.value == Fraction(3, 4)


# --- Pages ----------------------------------------------------------------------------------------------


def _page_data(world: World) -> None:
    """Last month (May 2030): 4 appeals, 3 signed for in time, 2 closed and rated. This month: 2, 1 in time."""
    may = datetime(2030, 5, 10, 9, tzinfo=SHANGHAI)
    hour = timedelta(hours=1)
    make_appeal(
        world,
        received=may,
        area=world.stairwell,
        subject=world.property_company,
        signed=hour,
        closed=10 * hour,
        rating=(True, "yes", "satisfied"),
    )
    make_appeal(
        world,
        received=may,
        area=world.stairwell,
        subject=world.property_company,
        signed=hour,
        closed=100 * hour,
        rating=(True, "no", "unsatisfied"),
    )
    make_appeal(world, received=may, subject=world.committee, category="noise.renovation", signed=hour)
    make_appeal(world, received=may, subject=world.committee, category="noise.renovation", signed=30 * hour)
    june = datetime(2030, 6, 3, 9, tzinfo=SHANGHAI)
    make_appeal(world, received=june, subject=world.property_company, signed=hour)
    make_appeal(world, received=june, subject=world.property_company, signed=48 * hour)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(PAGE_NOW, tick=False):
        yield


def _cards(response: Any) -> dict[str, str]:
    return {figure.key: figure.text for figure in response.context["report"].total.figures}


def test_dashboard_shows_the_rates_of_the_chosen_period(world: World, client_for: Any, frozen: None) -> None:
    _page_data(world)
    client = client_for("resident")
    url = reverse("appeal_rates:community", args=[world.harmony.pk])

    last_month = client.get(url, {"period": "last_month"})
    assert last_month.status_code == 200
    assert _cards(last_month) == {
        "response": "75.0%",
        "resolution": "50.0%",
        "satisfaction": "50.0%",
        "on_time": "25.0%",  # one closed on time; one closed late; the two open ones fell due in May
        "score": "57.5%",  # 0.3 × 75 + 0.35 × 50 + 0.35 × 50
    }
    html = last_month.content.decode()
    assert "75.0%" in html
    assert "3 / 4" in html
    assert "57.5%" in html
    assert "Response 30% · Resolution 35% · Satisfaction 35%" in html
    subjects = {row.label: row for row in last_month.context["report"].groupings[0].rows}
    assert subjects["Evergreen Property"].tally.received == 2
    assert subjects["Evergreen Property"].figures[0].text == "100.0%"
    assert subjects["Harmony RC"].figures[0].text == "50.0%"
    places = {row.label: row.tally.received for row in last_month.context["report"].groupings[3].rows}
    assert places == {"Building 1": 2, "No place given": 2}  # the stairwell counts for its building

    this_month = client.get(url, {"period": "this_month"})
    assert _cards(this_month)["response"] == "50.0%"
    assert this_month.context["report"].total.tally.received == 2

    custom = client.get(url, {"period": "custom", "from": "2030-05-01", "to": "2030-06-30"})
    assert custom.context["report"].total.tally.received == 6
    assert _cards(custom)["response"] == "66.7%"

    # Days that are not whole months are read apart from the trend, with the same result.
    days = client.get(url, {"period": "custom", "from": "2030-05-10", "to": "2030-06-02"})
    assert days.context["report"].total.tally.received == 4
    assert _cards(days) == _cards(last_month)
    assert [p.tally.received for p in days.context["report"].trend[-2:]] == [
        4,
        2,
    ]  # the trend keeps whole months


def test_community_weights_change_the_score(world: World, client_for: Any, frozen: None) -> None:
    _page_data(world)
    AppealSettings.objects.create(
        community=world.harmony,
        weight_response=50,
        weight_resolution=0,
        weight_satisfaction=0,
        weight_on_time=50,
    )
    response = client_for("committee_staff").get(
        reverse("appeal_rates:community", args=[world.harmony.pk]), {"period": "last_month"}
    )
    cards = _cards(response)
    assert cards["score"] == "50.0%"  # (75 % + 25 %) / 2
    assert "Response 50% · On time 50%" in response.content.decode()


def test_dashboard_trend_chart_and_table_show_the_months(world: World, client_for: Any, frozen: None) -> None:
    _page_data(world)
    response = client_for("owner").get(reverse("appeal_rates:community", args=[world.harmony.pk]))
    trend = response.context["report"].trend
    assert len(trend) == 12
    assert [point.tally.received for point in trend[-2:]] == [4, 2]
    html = response.content.decode()
    assert '<svg class="rates-chart"' in html
    assert "<title" in html
    assert "<desc" in html
    lines = {line.key: line for line in response.context["chart"].lines}
    assert len(lines["response"].points) == 2
    assert len(lines["score"].points) == 1  # June has no closing to judge yet, so no score
    assert "May 2030 · Score 57.5%" in html
    assert "May 2030" in html  # the numbers are a table as well


def test_dashboard_lists_hot_spots_with_a_prompt_to_act(world: World, client_for: Any, frozen: None) -> None:
    for day in range(4):
        make_appeal(world, received=PAGE_NOW - timedelta(days=day + 1), area=world.building)
    response = client_for("resident").get(reverse("appeal_rates:community", args=[world.harmony.pk]))
    (spot,) = response.context["report"].hot_spots
    assert (spot.category, spot.place, spot.count, spot.growth) == ("Lifts", "Building 1", 4, None)
    assert "Act before the next call comes" in response.content.decode()


def test_dashboard_lists_the_ten_hot_spots_that_rose_most(
    world: World, client_for: Any, frozen: None
) -> None:
    codes = list(MatterCategory.objects.filter(parent__isnull=False).values_list("code", flat=True)[:12])
    for rank, code in enumerate(codes):
        for day in range(3 + (12 - rank)):
            make_appeal(
                world, received=PAGE_NOW - timedelta(days=1, hours=day), category=code, area=world.building
            )
    response = client_for("resident").get(reverse("appeal_rates:community", args=[world.harmony.pk]))
    report = response.context["report"]
    assert [spot.count for spot in report.hot_spots] == list(range(15, 5, -1))
    assert report.more_hot_spots == 2
    assert "And 2 more places where a matter is rising." in response.content.decode()


def test_dashboard_without_appeals_says_so(world: World, client_for: Any) -> None:
    response = client_for("resident").get(reverse("appeal_rates:community", args=[world.harmony.pk]))
    assert response.status_code == 200
    assert "No appeals yet." in response.content.decode()
    assert "data-rate" not in response.content.decode()


def test_an_unusable_custom_period_falls_back_with_a_message(world: World, client_for: Any) -> None:
    response = client_for("resident").get(
        reverse("appeal_rates:community", args=[world.harmony.pk]),
        {"period": "custom", "from": "2030-05-31", "to": "2030-05-01"},
    )
    assert response.context["report"].choice.preset == "last_12_months"
    assert "The period cannot end before it starts." in response.content.decode()


def test_street_view_ranks_its_communities_and_subjects(world: World, client_for: Any, frozen: None) -> None:
    _page_data(world)
    may = datetime(2030, 5, 12, tzinfo=SHANGHAI)
    for _ in range(2):
        make_appeal(
            world,
            received=may,
            community=world.riverside,
            subject=world.riverside_committee,
            signed=timedelta(hours=1),
            closed=timedelta(hours=5),
            rating=(True, "yes", "satisfied"),
        )
    response = client_for("street_official").get(
        reverse("appeal_rates:street", args=[world.street.pk]), {"period": "last_month"}
    )
    assert response.status_code == 200
    communities, subjects = response.context["report"].groupings
    assert [(row.rank, row.label, row.score.text) for row in communities.rows] == [
        (1, "Riverside", "100.0%"),
        (2, "Harmony", "57.5%"),
    ]
    assert communities.rows[1].url.startswith(reverse("appeal_rates:community", args=[world.harmony.pk]))
    assert [row.label for row in subjects.rows] == ["Riverside RC", "Evergreen Property", "Harmony RC"]
    assert [row.rank for row in subjects.rows] == [1, 2, None]  # no closing to judge: not ranked
    html = response.content.decode()
    assert "Riverside" in html
    assert "Evergreen Property" in html


def test_dashboard_queries_do_not_grow_with_appeals_groups_or_hot_spots(
    world: World, client_for: Any, frozen: None
) -> None:
    _page_data(world)
    client = client_for("committee_staff")
    url = reverse("appeal_rates:community", args=[world.harmony.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    buildings = [
        AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code=f"b{n}", name=f"B{n}")
        for n in range(5)
    ]
    subjects = [world.property_company, world.committee, world.ngo, world.street_office]
    codes = ["facilities.water", "noise.renovation", "environment.garbage", "safety.fire", "care.meals"]
    for n in range(60):
        make_appeal(
            world,
            received=PAGE_NOW - timedelta(days=n % 25, hours=n),
            area=buildings[n % 5],
            subject=subjects[n % 4],
            category=codes[n % 5],
            signed=(n % 30) * HOUR,
            closed=(n % 30 + 40) * HOUR if n % 3 else None,
            rating=(True, "yes", "satisfied") if n % 3 else None,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["report"].hot_spots  # the narrowed hot-spot read ran too
    assert len(response.context["report"].groupings[2].rows) == 6
    # Only the hot spots add reads (their records, places, matter and place names), however many there are.
    assert len(many) <= len(few) + 4
    assert len(many) <= 28


# --- Exports --------------------------------------------------------------------------------------------


def test_csv_export_has_a_bom_a_header_and_one_row_per_group(
    world: World, client_for: Any, frozen: None
) -> None:
    _page_data(world)
    response = client_for("committee_staff").get(
        reverse("appeal_rates:community", args=[world.harmony.pk]), {"period": "last_month", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="appeal-rates-harmony-2030-05-01-2030-05-31.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Grouping", "Group", "Appeals received", "Response rate (%)"]
    assert rows[1] == [
        "All appeals",
        "Harmony",
        "4",
        "75.0",
        "3",
        "4",
        "50.0",
        "1",
        "2",
        "50.0",
        "1",
        "2",
        "25.0",
        "1",
        "4",
        "57.5",
    ]
    by_subject = {row[1]: row for row in rows if row[0] == "By lead subject"}
    assert by_subject["Evergreen Property"][2:6] == ["2", "100.0", "2", "2"]
    assert len([row for row in rows if row[0] == "By month"]) == 12
    entry = AuditEntry.objects.get(action="appeals.export_rates")
    assert (entry.community, entry.actor) == (world.harmony, world.user("committee_staff"))
    assert entry.changes == {"period": "2030-05-01/2030-05-31", "rows": len(rows) - 1, "format": "csv"}


def test_xlsx_export_has_one_sheet_per_grouping(world: World, client_for: Any, frozen: None) -> None:
    _page_data(world)
    response = client_for("street_official").get(
        reverse("appeal_rates:community", args=[world.harmony.pk]), {"period": "last_month", "format": "xlsx"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "All appeals",
        "By lead subject",
        "By kind of matter",
        "By matter",
        "By building or place",
        "By month",
    ]
    sheet = workbook["All appeals"]
    assert [cell.value for cell in sheet[1]][:4] == ["Grouping", "Group", "Appeals received", "Response rate"]
    values = [cell.value for cell in sheet[2]]
    assert values[1:6] == ["Harmony", 4, 0.75, 3, 4]
    assert values[-1] == pytest.approx(0.575)
    assert sheet.cell(row=2, column=4).number_format == "0.0%"
    places = {row[1].value: row[2].value for row in workbook["By building or place"].iter_rows(min_row=2)}
    assert places == {"Building 1": 2, "No place given": 2}
    assert AuditEntry.objects.filter(action="appeals.export_rates", community=world.harmony).count() == 1


def test_street_export_ranks_communities_and_is_audited_for_the_street(
    world: World, client_for: Any, frozen: None
) -> None:
    _page_data(world)
    response = client_for("platform_staff").get(
        reverse("appeal_rates:street", args=[world.street.pk]), {"period": "last_month", "format": "xlsx"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["All appeals", "Communities", "Subjects", "By month"]
    ranked = [(row[1].value, row[2].value) for row in workbook["Communities"].iter_rows(min_row=2)]
    assert ranked == [("Harmony", 4), ("Riverside", 0)]  # every community, unranked ones last
    entry = AuditEntry.objects.get(action="appeals.export_rates")
    assert (entry.street, entry.community) == (world.street, None)


def test_an_unknown_export_format_is_refused(world: World, client_for: Any) -> None:
    response = client_for("committee_staff").get(
        reverse("appeal_rates:community", args=[world.harmony.pk]), {"format": "pdf"}
    )
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="appeals.export_rates").exists()


# --- Permissions ------------------------------------------------------------------------------------------

VIEWERS = {
    "resident",
    "owner",
    "grid_worker",
    "committee_staff",
    "ngo_staff",
    "enterprise_staff",
    "street_official",
    "platform_staff",
}
EXPORTERS = {"committee_staff", "street_official", "platform_staff"}
OVERSEERS = {"street_official", "platform_staff"}

ENDPOINTS = [
    ("community page", "community", None, VIEWERS),
    ("community csv", "community", "csv", EXPORTERS),
    ("community xlsx", "community", "xlsx", EXPORTERS),
    ("street page", "street", None, OVERSEERS),
    ("street csv", "street", "csv", OVERSEERS),
    ("street xlsx", "street", "xlsx", OVERSEERS),
]


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize(
    ("name", "scope", "file_format", "allowed"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
def test_every_role_gets_exactly_its_rate_permissions(
    world: World,
    client_for: Any,
    role: str,
    name: str,
    scope: str,
    file_format: str | None,
    allowed: set[str],
) -> None:
    make_appeal(world, received=datetime(2026, 3, 2, tzinfo=SHANGHAI), signed=timedelta(hours=1))
    target = world.harmony if scope == "community" else world.street
    url = reverse(f"appeal_rates:{scope}", args=[target.pk])
    response = client_for(role).get(url, {"format": file_format} if file_format else {})
    exports = AuditEntry.objects.filter(action="appeals.export_rates").count()
    if role in allowed:
        assert response.status_code == 200, (name, role)
        assert exports == (1 if file_format else 0)
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    else:
        assert response.status_code == 403, (name, role)
    assert exports == 0


@pytest.mark.parametrize("file_format", [None, "csv"])
def test_a_community_of_another_street_is_closed_to_its_street_official(
    world: World, client_for: Any, file_format: str | None
) -> None:
    elsewhere = CommunityFactory(street=StreetFactory(name="Far Street"), name="Faraway")
    client = client_for("street_official")
    query = {"format": file_format} if file_format else {}
    assert client.get(reverse("appeal_rates:community", args=[elsewhere.pk]), query).status_code == 403
    assert client.get(reverse("appeal_rates:street", args=[elsewhere.street_id]), query).status_code == 403
    assert client.get(reverse("appeal_rates:community", args=[99999]), query).status_code == 404
    assert client.get(reverse("appeal_rates:street", args=[99999]), query).status_code == 404
    assert not AuditEntry.objects.filter(action="appeals.export_rates").exists()


def test_residents_see_no_export_buttons_and_staff_do(world: World, client_for: Any) -> None:
    make_appeal(world, received=datetime(2026, 3, 2, tzinfo=SHANGHAI))
    url = reverse("appeal_rates:community", args=[world.harmony.pk])
    assert "format=csv" not in client_for("resident").get(url).content.decode()
    assert "format=csv" in client_for("committee_staff").get(url).content.decode()
    # the period bar is cached with the figures, apart for those who may export and those who may not
    assert "format=csv" not in client_for("resident").get(url).content.decode()


def test_places_group_stairwells_and_building_spaces_under_their_building(world: World) -> None:
    shed = AreaFactory(
        community=world.harmony, kind=AreaKind.COMMON_SPACE, code="s", name="Shed", parent=world.building
    )
    zone = AreaFactory(community=world.harmony, kind=AreaKind.ZONE, code="z", name="Zone")
    square = AreaFactory(
        community=world.harmony, kind=AreaKind.COMMON_SPACE, code="q", name="Sq", parent=zone
    )
    ids = [world.building.pk, world.stairwell.pk, shed.pk, zone.pk, square.pk]
    assert place_map(ids) == {
        world.building.pk: world.building.pk,
        world.stairwell.pk: world.building.pk,
        shed.pk: world.building.pk,
        zone.pk: zone.pk,
        square.pk: square.pk,
    }
    assert Area.objects.count() >= 5


def test_preset_periods_are_whole_local_months() -> None:
    today = date(2026, 5, 20)
    assert preset_days("this_month", today) == (date(2026, 5, 1), date(2026, 5, 31))
    assert preset_days("last_month", today) == (date(2026, 4, 1), date(2026, 4, 30))
    assert preset_days("this_quarter", today) == (date(2026, 4, 1), date(2026, 6, 30))
    assert preset_days("this_year", today) == (date(2026, 1, 1), date(2026, 12, 31))
    assert preset_days("last_12_months", today) == (date(2025, 6, 1), date(2026, 5, 31))
    assert preset_days("last_month", date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
    choice = choose_period({"period": "custom", "from": "2026-02-01", "to": "2026-02-28"}, today)
    assert choice.whole_months
    assert choice.period == Period(
        datetime(2026, 2, 1, tzinfo=SHANGHAI), datetime(2026, 3, 1, tzinfo=SHANGHAI)
    )
    assert not choose_period({"from": "2026-02-02", "to": "2026-02-28"}, today).whole_months


def test_custom_periods_outside_sensible_years_fall_back() -> None:
    choice = choose_period({"period": "custom", "from": "0001-01-01", "to": "9999-12-31"}, date(2026, 5, 20))
    assert choice.preset == "last_12_months"
    assert choice.error == "Choose dates between 1990 and 2999."
    assert choose_period({"period": "forever"}, date(2026, 5, 20)).error == "Unknown period."
