"""What the appeal-rate dashboards show: the chosen period, the figures per grouping, the trend, the hot spots.

Reads only. The figures come from :mod:`comity.appeals.rates.data` (the engine's definitions counted by the
database); this module chooses periods, names the groups in the reader's language and ranks them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from functools import cached_property

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comity.appeals.community_settings.selectors import appeal_settings
from comity.appeals.computing import score_weights
from comity.appeals.models import Appeal
from comity.appeals.rates.data import (
    HOT_SPOT_PREVIOUS_WINDOWS,
    HOT_SPOT_WINDOW,
    Cell,
    Dimension,
    Keys,
    Tally,
    appeals_of,
    cell_tallies,
    month_periods,
    monthly_tallies,
    reporting_session,
    roll_up,
    tallies_by_period,
    total,
)
from comity.appeals.rates.periods import PeriodChoice, month_start
from comity.appeals.rates.records import hot_spots_for
from comity.engine.rates import ZHUNGEER_WEIGHTS, Period, Scorecard, Weights
from comity.structure.models import Area, Community, GovernanceSubject, MatterCategory, Street

TREND_MONTHS = 12
#: Hot spots listed on a dashboard, those that rose most first.
HOT_SPOTS_SHOWN = 10


# --- What the pages show ---------------------------------------------------------------------------------


def percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value * 100):.1f}%"


def _amount(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.1f}"


@dataclass(frozen=True)
class Figure:
    """One rate (or the score) as shown in a card or a table cell."""

    key: str
    label: str
    title: str
    value: Fraction | None
    numerator: Fraction | None = None
    denominator: int | None = None

    @property
    def text(self) -> str:
        return percent(self.value)

    @property
    def detail(self) -> str:
        if self.numerator is None or self.denominator is None:
            return ""
        return f"{_amount(self.numerator)} / {self.denominator}"

    @property
    def bar(self) -> int:
        """Width of a bar in percent (0 when there is nothing to show)."""
        return 0 if self.value is None else round(float(self.value * 100))


def figures(card: Scorecard) -> list[Figure]:
    rates = [
        ("response", _("Response"), _("Response rate"), card.response),
        ("resolution", _("Resolution"), _("Resolution rate"), card.resolution),
        ("satisfaction", _("Satisfaction"), _("Satisfaction rate"), card.satisfaction),
        ("on_time", _("On time"), _("On-time rate"), card.on_time),
    ]
    return [
        *(
            Figure(key, label, title, rate.value, rate.numerator, rate.denominator)
            for key, label, title, rate in rates
        ),
        Figure("score", _("Score"), _("Composite score"), card.score),
    ]


@dataclass(frozen=True)
class GroupRow:
    key: str
    label: str
    tally: Tally
    card: Scorecard
    note: str = ""
    url: str = ""
    rank: int | None = None

    @cached_property
    def figures(self) -> list[Figure]:
        """Computed once per row (a page reads them many times); in the language of the cached report."""
        return figures(self.card)

    @property
    def score(self) -> Figure:
        return self.figures[-1]


@dataclass(frozen=True)
class Grouping:
    dimension: str
    title: str
    rows: list[GroupRow]
    ranked: bool = False


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    label: str
    short: str
    tally: Tally
    card: Scorecard

    @cached_property
    def figures(self) -> list[Figure]:
        return figures(self.card)


@dataclass(frozen=True)
class HotSpotRow:
    category: str
    place: str
    count: int
    baseline: Fraction
    growth: Fraction | None
    count_bar: int = 0
    baseline_bar: int = 0

    @property
    def baseline_text(self) -> str:
        return f"{float(self.baseline):.1f}"

    @property
    def growth_text(self) -> str:
        return _("new") if self.growth is None else f"×{float(self.growth):.1f}"


@dataclass(frozen=True)
class RatesReport:
    choice: PeriodChoice
    weights: Weights
    total: GroupRow
    groupings: list[Grouping]
    trend: list[TrendPoint]
    hot_spots: list[HotSpotRow]
    hot_spot_as_of: datetime
    more_hot_spots: int
    has_appeals: bool
    weights_fallback: bool = False
    weight_parts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def hot_spot_window_days(self) -> int:
        return HOT_SPOT_WINDOW.days

    @property
    def hot_spot_baseline_days(self) -> int:
        return HOT_SPOT_WINDOW.days * HOT_SPOT_PREVIOUS_WINDOWS


def weight_parts(weights: Weights) -> list[tuple[str, int]]:
    """The weights as whole percents, e.g. response 30, resolution 35, satisfaction 35 (zero weights left out)."""
    parts = [
        (_("Response"), weights.response),
        (_("Resolution"), weights.resolution),
        (_("Satisfaction"), weights.satisfaction),
        (_("On time"), weights.on_time),
    ]
    return [(label, round(weight * 100)) for label, weight in parts if weight]


# --- Names of the groups -----------------------------------------------------------------------------


def _ids(keys: Iterable[str]) -> list[int]:
    return [int(key) for key in keys if key]


def _labels(
    dimension: Dimension, keys: Iterable[str], *, with_community: bool = True
) -> dict[str, tuple[str, str]]:
    """``key -> (name, note)`` in the reader's language, in one query; a subject's note names its community
    only where several communities are shown."""
    keys = list(keys)
    labels: dict[str, tuple[str, str]] = {}
    if dimension == Dimension.COMMUNITY:
        for community in Community.objects.filter(pk__in=_ids(keys)):
            labels[str(community.pk)] = (community.name, "")
    elif dimension == Dimension.SUBJECT:
        subjects = GovernanceSubject.objects.filter(pk__in=_ids(keys)).select_related("community")
        for subject in subjects:
            if subject.community is None:
                note = f"{subject.get_kind_display()} · {_('street level')}"
            elif with_community:
                note = f"{subject.get_kind_display()} · {subject.community.name}"
            else:
                note = str(subject.get_kind_display())
            labels[str(subject.pk)] = (subject.name, note)
        labels[""] = (_("No lead subject"), "")
    elif dimension in (Dimension.CATEGORY, Dimension.TOP_CATEGORY):
        for category in MatterCategory.objects.filter(pk__in=_ids(keys)).select_related("parent"):
            note = category.parent.name if dimension == Dimension.CATEGORY and category.parent else ""
            labels[str(category.pk)] = (category.name, note)
    else:
        for area in Area.objects.filter(pk__in=_ids(keys)):
            labels[str(area.pk)] = (area.name, area.get_kind_display())
        labels[""] = (_("No place given"), "")
    return labels


def _rows(
    tallies: Mapping[str, Tally],
    dimension: Dimension,
    *,
    weights: Weights,
    ranked: bool,
    urls: Mapping[str, str] | None = None,
    with_community: bool = True,
) -> list[GroupRow]:
    labels = _labels(dimension, tallies, with_community=with_community)
    rows = [
        GroupRow(
            key=key,
            label=labels.get(key, (key, ""))[0],
            note=labels.get(key, (key, ""))[1],
            tally=tally,
            card=tally.scorecard(weights=weights),
            url=(urls or {}).get(key, ""),
        )
        for key, tally in tallies.items()
    ]
    if not ranked:
        return sorted(rows, key=lambda row: (-row.tally.received, row.label, row.key))
    rows.sort(key=lambda row: (row.card.score is None, -(row.card.score or 0), row.label, row.key))
    return [
        GroupRow(**{**row.__dict__, "rank": position if row.card.score is not None else None})
        for position, row in enumerate(rows, start=1)
    ]


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


#: Whole-month periods are read month by month together with the trend when they span at most this many months.
MAX_SHARED_MONTHS = 36


def _figures(
    appeals: QuerySet[Appeal], choice: PeriodChoice, *, now: datetime, by: tuple[str, ...]
) -> tuple[dict[Cell, Tally], list[tuple[Period, Tally]]]:
    """The period's cell tallies and the trend's monthly totals.

    A period of whole months (every preset) is read in the same three queries as the trend, month by month;
    any other period costs three queries more.
    """
    trend_last = min(choice.last_day, timezone.localdate(now))
    trend_first = month_start(trend_last, TREND_MONTHS - 1)
    if choice.whole_months:
        first = min(choice.first_day, trend_first)
        last = max(choice.last_day, trend_last)
        if _months_between(first, last) <= MAX_SHARED_MONTHS:
            months = month_periods(last, _months_between(first, last))
            per_month = tallies_by_period(appeals, periods=months, now=now, by=by)
            start, end = choice.period.start, choice.period.end
            cells: defaultdict[Cell, Tally] = defaultdict(Tally)
            trend = []
            for month, month_cells in zip(months, per_month, strict=True):
                if start <= month.start and month.end <= end:
                    for cell, tally in month_cells.items():
                        cells[cell] += tally
                if month.start.date() >= trend_first and month.start.date() <= trend_last:
                    trend.append((month, total(month_cells.values())))
            return dict(cells), trend
    months = month_periods(trend_last, TREND_MONTHS)
    trend_tallies = monthly_tallies(appeals, months=months, now=now)
    cells_in_period = cell_tallies(appeals, period=choice.period, now=now, by=by)
    return cells_in_period, list(zip(months, trend_tallies, strict=True))


def _trend(trend: list[tuple[Period, Tally]], weights: Weights) -> list[TrendPoint]:
    return [
        TrendPoint(
            period=month,
            label=formats.date_format(month.start, "YEAR_MONTH_FORMAT"),
            short=str(month.start.month),
            tally=tally,
            card=tally.scorecard(weights=weights),
        )
        for month, tally in trend
    ]


def _hot_spots(
    appeals: QuerySet[Appeal], as_of: datetime, *, with_community: bool
) -> tuple[list[HotSpotRow], int]:
    """The hot spots that rose most (at most :data:`HOT_SPOTS_SHOWN`), and how many more there are."""
    found = hot_spots_for(appeals, now=as_of)
    spots = found[:HOT_SPOTS_SHOWN]
    if not spots:
        return [], 0
    categories = _labels(Dimension.CATEGORY, (spot.category for spot in spots))
    areas = {
        str(area.pk): area
        for area in Area.objects.filter(pk__in=_ids(spot.area for spot in spots)).select_related("community")
    }
    most: Fraction = max(max(Fraction(spot.count), spot.baseline) for spot in spots)
    rows = []
    for spot in spots:
        area = areas.get(spot.area)
        if area is None:
            place = _("No place given")
        elif with_community:
            place = f"{area.name} · {area.community.name}"
        else:
            place = area.name
        rows.append(
            HotSpotRow(
                category=categories.get(spot.category, (spot.category, ""))[0],
                place=place,
                count=spot.count,
                baseline=spot.baseline,
                growth=spot.growth,
                count_bar=round(100 * spot.count / most),
                baseline_bar=round(float(100 * spot.baseline / most)),
            )
        )
    return rows, len(found) - len(spots)


def _community_weights(community: Community) -> tuple[Weights, bool]:
    """The community's weights; Zhungeer's 30/35/35 when its settings do not add up to 100 %."""
    try:
        return score_weights(appeal_settings(community)), False
    except ValueError:
        return ZHUNGEER_WEIGHTS, True


def community_report(community: Community, choice: PeriodChoice, *, now: datetime) -> RatesReport:
    """The community dashboard: totals, per lead subject, kind of matter, matter and place, trend, hot spots."""
    weights, fallback = _community_weights(community)
    appeals = appeals_of([community.pk])
    with reporting_session():
        cells, trend = _figures(appeals, choice, now=now, by=("subject", "category", "area"))
        keys = Keys.for_cells(cells)
        groupings = [
            Grouping(
                dimension,
                title,
                _rows(
                    roll_up(cells, dimension, keys),
                    dimension,
                    weights=weights,
                    ranked=False,
                    with_community=False,
                ),
            )
            for dimension, title in (
                (Dimension.SUBJECT, _("By lead subject")),
                (Dimension.TOP_CATEGORY, _("By kind of matter")),
                (Dimension.CATEGORY, _("By matter")),
                (Dimension.AREA, _("By building or place")),
            )
        ]
        as_of = min(choice.period.end, now)
        hot, more_hot = _hot_spots(appeals, as_of, with_community=False)
        has_appeals = bool(cells) or appeals.exists()
    everything = total(cells.values())
    return RatesReport(
        choice=choice,
        weights=weights,
        total=GroupRow("", community.name, everything, everything.scorecard(weights=weights)),
        groupings=groupings,
        trend=_trend(trend, weights),
        hot_spots=hot,
        more_hot_spots=more_hot,
        hot_spot_as_of=as_of,
        has_appeals=has_appeals,
        weights_fallback=fallback,
        weight_parts=weight_parts(weights),
    )


def street_report(street: Street, choice: PeriodChoice, *, now: datetime) -> RatesReport:
    """The street view: its communities and its subjects ranked by score, the street's trend and hot spots.

    Communities are ranked with one yardstick, Zhungeer's 30/35/35, whatever weights each community chose
    for its own dashboard. Every community is listed, one without appeals last.
    """
    weights = ZHUNGEER_WEIGHTS
    community_ids = list(Community.objects.filter(street=street).values_list("pk", flat=True))
    appeals = appeals_of(community_ids)
    with reporting_session():
        cells, trend = _figures(appeals, choice, now=now, by=("community", "subject"))
        keys = Keys({}, {})
        by_community = {str(pk): Tally() for pk in community_ids} | roll_up(cells, Dimension.COMMUNITY, keys)
        urls = {
            key: reverse("appeal_rates:community", args=[int(key)]) + "?" + choice.query
            for key in by_community
        }
        groupings = [
            Grouping(
                Dimension.COMMUNITY,
                _("Communities"),
                _rows(by_community, Dimension.COMMUNITY, weights=weights, ranked=True, urls=urls),
                ranked=True,
            ),
            Grouping(
                Dimension.SUBJECT,
                _("Subjects"),
                _rows(
                    roll_up(cells, Dimension.SUBJECT, keys), Dimension.SUBJECT, weights=weights, ranked=True
                ),
                ranked=True,
            ),
        ]
        as_of = min(choice.period.end, now)
        hot, more_hot = _hot_spots(appeals, as_of, with_community=True)
        has_appeals = bool(cells) or appeals.exists()
    everything = total(cells.values())
    return RatesReport(
        choice=choice,
        weights=weights,
        total=GroupRow("", street.name, everything, everything.scorecard(weights=weights)),
        groupings=groupings,
        trend=_trend(trend, weights),
        hot_spots=hot,
        more_hot_spots=more_hot,
        hot_spot_as_of=as_of,
        has_appeals=has_appeals,
        weight_parts=weight_parts(weights),
    )
