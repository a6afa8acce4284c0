"""The engine's appeal rates, counted by the database.

:mod:`comity.engine.rates` defines the response, resolution, satisfaction and on-time rates over
``AppealRecord``s. A street's dashboard over a million appeals cannot load them all, so this module asks the
database for the same numerators and denominators with conditional aggregation (``Count(..., filter=Q(...))``)
and hands the engine only the resulting :class:`~comity.engine.rates.Rate`s for the composite score. Every
condition below mirrors one line of the engine; :func:`comity.appeals.rates.records.records_for` projects appeals
into records so that ``tests/apps/test_appeal_rates.py`` can check, figure by figure, that the SQL equals the
engine (``docs/algorithms/appeal-rates.md``, "Dashboards").

Counts are additive: three grouped queries (one per moment the rates go by: receipt, closing, on-time verdict)
serve every grouping of a page, and :func:`roll_up` sums their cells in Python; a period of whole months is read
month by month together with the trend (:func:`tallies_by_period`).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from fractions import Fraction
from typing import Any, NamedTuple

from django.db import connections, transaction
from django.db.models import Case, Count, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.lookups import LessThan
from django.utils import timezone

from comity.appeals.models import Appeal
from comity.engine.appeals import AppealStatus
from comity.engine.rates import (
    RESPONSE_HOURS,
    SATISFIED,
    ZHUNGEER_WEIGHTS,
    Period,
    Rate,
    Scorecard,
    Weights,
    composite_score,
)
from comity.foundation.replica import read_alias
from comity.structure.models import Area, AreaKind, MatterCategory

#: The response limit, always in calendar hours: Zhungeer's "24-hour signing rate" is one yardstick for every
#: community of a street, whatever clock a community counts its time limits in (those shape ``due_at``, and so
#: the on-time rate, at intake).
RESPONSE_LIMIT = timedelta(hours=RESPONSE_HOURS)
RESOLVED_ANSWERS = ("yes", "partly", "no")
SATISFACTION_ANSWERS = ("satisfied", "basically_satisfied", "unsatisfied")

#: Hot spots compare the last 30 days with the mean of the 90 days before them.
HOT_SPOT_WINDOW = timedelta(days=30)
HOT_SPOT_PREVIOUS_WINDOWS = 3


class Dimension(StrEnum):
    """The ways a dashboard groups appeals."""

    COMMUNITY = "community"
    SUBJECT = "subject"
    TOP_CATEGORY = "top_category"
    CATEGORY = "category"
    AREA = "area"


class Cell(NamedTuple):
    """A group the database returns; every :class:`Dimension` is a sum of cells.

    A query groups by some of the fields (``by``); the others stay ``None`` and cannot be rolled up.
    """

    community: int | None = None
    subject: int | None = None
    category: int | None = None
    area: int | None = None


CELL_FIELDS = ("community", "subject", "category", "area")
_COLUMNS = {
    "community": "community_id",
    "subject": "lead_subject_id",
    "category": "category_id",
    "area": "area_id",
}


@dataclass(frozen=True, slots=True)
class Tally:
    """Numerators and denominators of the four rates for one group and period; tallies add up."""

    received: int = 0
    responded: int = 0
    response_base: int = 0
    resolved: int = 0
    partly_resolved: int = 0
    resolution_base: int = 0
    satisfied: int = 0
    satisfaction_base: int = 0
    on_time: int = 0
    on_time_base: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Tally)))

    def scorecard(
        self, *, weights: Weights = ZHUNGEER_WEIGHTS, partly_credit: Fraction = Fraction(0)
    ) -> Scorecard:
        """The engine's scorecard: the four ``Rate``s, and the score by :func:`composite_score`."""
        rates = {
            "response": Rate(Fraction(self.responded), self.response_base),
            "resolution": Rate(self.resolved + partly_credit * self.partly_resolved, self.resolution_base),
            "satisfaction": Rate(Fraction(self.satisfied), self.satisfaction_base),
            "on_time": Rate(Fraction(self.on_time), self.on_time_base),
        }
        return Scorecard(**rates, score=composite_score(**rates, weights=weights))


TALLY_FIELDS = tuple(f.name for f in fields(Tally))


def appeals_of(community_ids: Iterable[int]) -> QuerySet[Appeal]:
    """The appeals the rates read. An appeal without a due date is still inside its intake transaction."""
    return Appeal.objects.filter(community_id__in=list(community_ids), due_at__isnull=False)


# --- The engine's definitions as conditions --------------------------------------------------------------

#: ``AppealRecord.counted``: withdrawn appeals and merged duplicates stay out of every rate.
COUNTED = Q(merged_into__isnull=True) & ~Q(status__in=[AppealStatus.WITHDRAWN, AppealStatus.MERGED])
#: ``on_time_rate``'s numerator: closed by ``due_at``.
CLOSED_ON_TIME = Q(closed_at__lte=F("due_at"))
LATE_OR_OPEN = Q(closed_at__isnull=True) | Q(closed_at__gt=F("due_at"))


def _within(field: str, period: Period | None) -> Q:
    """``_in(period, moment)``: the moment is known and, with a period, falls in ``[start, end)``."""
    if period is None:
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _not_after(field: str, now: datetime | None) -> Q:
    return Q() if now is None else Q(**{f"{field}__lte": now})


@dataclass(frozen=True)
class _Family:
    """The figures that assign an appeal to a period by the same moment, counted in one query.

    ``where`` picks the appeals the family judges in the period, ``counts`` the figures among them and
    ``moment`` is the instant that places an appeal in a month.
    """

    where: Q
    counts: dict[str, Q]
    moment: Any


def _families(period: Period | None, now: datetime | None) -> list[_Family]:
    # response_rate: counted appeals received in the period; one not yet signed for whose limit is still
    # running (now <= received + 24 h) is left out of the denominator.
    pending_left_out = (
        Q() if now is None else Q(signed_for_at__isnull=False) | Q(received_at__lt=now - RESPONSE_LIMIT)
    )
    received = _Family(
        where=COUNTED & _within("received_at", period),
        counts={
            "received": Q(),
            "responded": Q(signed_for_at__lte=F("received_at") + RESPONSE_LIMIT),
            "response_base": pending_left_out,
        },
        moment=F("received_at"),
    )
    # resolution_rate / satisfaction_rate: closed in the period, a valid return visit, an answer.
    visited = _Family(
        where=COUNTED & Q(rating__contacted=True) & _within("closed_at", period),
        counts={
            "resolved": Q(rating__resolved="yes"),
            "partly_resolved": Q(rating__resolved="partly"),
            "resolution_base": Q(rating__resolved__in=RESOLVED_ANSWERS),
            "satisfied": Q(rating__satisfaction__in=sorted(SATISFIED)),
            "satisfaction_base": Q(rating__satisfaction__in=SATISFACTION_ANSWERS),
        },
        moment=F("closed_at"),
    )
    # on_time_rate: the verdict is the closing when closed on time, else the due date; never in the future.
    on_time = CLOSED_ON_TIME & _within("closed_at", period) & _not_after("closed_at", now)
    late = LATE_OR_OPEN & _within("due_at", period) & _not_after("due_at", now)
    verdict = _Family(
        where=COUNTED & (on_time | late),
        counts={"on_time": CLOSED_ON_TIME, "on_time_base": Q()},
        moment=Case(
            When(CLOSED_ON_TIME, then=F("closed_at")), default=F("due_at"), output_field=DateTimeField()
        ),
    )
    return [received, visited, verdict]


def _aggregates(family: _Family) -> dict[str, Any]:
    return {
        name: Count("pk", filter=condition) if condition else Count("pk")
        for name, condition in family.counts.items()
    }


# --- Queries ---------------------------------------------------------------------------------------------


@contextmanager
def reporting_session() -> Iterator[None]:
    """The reads of one dashboard, in one transaction; on PostgreSQL without JIT compilation, which costs more
    than it saves on aggregates that run for well under a second (PostgreSQL manual, "When to JIT?")."""
    alias = read_alias()  # the replica, on a page that reads from it (comity.foundation.replica)
    with transaction.atomic(using=alias):
        if connections[alias].vendor == "postgresql":
            with connections[alias].cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def _period_index(moment: Any, ends: Sequence[datetime], low: int = 0, high: int | None = None) -> Any:
    """Which of contiguous periods (given by their ends) a moment inside them falls in: a binary search written
    as nested ``CASE``s, so about log₂(n) comparisons a row; cheaper than truncating every timestamp to its local
    month, and the same on every database."""
    high = len(ends) - 1 if high is None else high
    if low == high:
        return Value(low)
    middle = (low + high) // 2
    return Case(
        When(LessThan(moment, Value(ends[middle])), then=_period_index(moment, ends, low, middle)),
        default=_period_index(moment, ends, middle + 1, high),
        output_field=IntegerField(),
    )


def _tallies(
    appeals: QuerySet[Appeal],
    *,
    span: Period | None,
    now: datetime | None,
    by: Sequence[str],
    ends: Sequence[datetime] = (),
) -> list[dict[Cell, Tally]]:
    """Three grouped queries, one per moment the rates go by (receipt, closing, on-time verdict), each reading
    only the appeals that moment puts in ``span``, with one filtered count per figure; split by the periods
    ending at ``ends`` when more than one."""
    columns = [_COLUMNS[field] for field in by]
    sums: list[defaultdict[Cell, dict[str, int]]] = [
        defaultdict(lambda: dict.fromkeys(TALLY_FIELDS, 0)) for _ in range(max(len(ends), 1))
    ]
    for family in _families(span, now):
        query = appeals.filter(family.where).order_by()
        if len(ends) > 1:
            query = query.annotate(period_index=_period_index(family.moment, ends))
            columns_here = [*columns, "period_index"]
        else:
            columns_here = columns
        if not columns_here:
            rows: Iterable[Mapping[str, Any]] = [query.aggregate(**_aggregates(family))]
        else:
            rows = query.values(*columns_here).annotate(**_aggregates(family))
        for row in rows:
            cell = Cell(**{field: row[_COLUMNS[field]] for field in by})
            target = sums[row.get("period_index", 0)][cell]
            for name in family.counts:
                target[name] += int(row[name])
    return [
        {cell: Tally(**values) for cell, values in period.items() if any(values.values())} for period in sums
    ]


def cell_tallies(
    appeals: QuerySet[Appeal],
    *,
    period: Period | None,
    now: datetime | None = None,
    by: Sequence[str] = CELL_FIELDS,
) -> dict[Cell, Tally]:
    """One tally per group of ``by`` (community, lead subject, category, place given) with anything to count
    in ``period``."""
    return _tallies(appeals, span=period, now=now, by=by)[0]


def tallies_by_period(
    appeals: QuerySet[Appeal],
    *,
    periods: Sequence[Period],
    now: datetime | None = None,
    by: Sequence[str] = CELL_FIELDS,
) -> list[dict[Cell, Tally]]:
    """:func:`cell_tallies` for each of contiguous ``periods`` (e.g. months), in the same three queries."""
    if not periods:
        return []
    if any(before.end != after.start for before, after in itertools.pairwise(periods)):
        raise ValueError("the periods must follow one another without gaps")
    span = Period(periods[0].start, periods[-1].end)
    return _tallies(appeals, span=span, now=now, by=by, ends=[period.end for period in periods])


def month_periods(last_month: date, count: int, *, zone: tzinfo | None = None) -> list[Period]:
    """``count`` calendar months ending with the month of ``last_month``, in local time, oldest first."""
    zone = zone or timezone.get_current_timezone()
    months = []
    year, month = last_month.year, last_month.month
    for _ in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    periods = []
    for year, month in reversed(months):
        following = (year, month + 1) if month < 12 else (year + 1, 1)
        periods.append(Period(datetime(year, month, 1, tzinfo=zone), datetime(*following, 1, tzinfo=zone)))
    return periods


def monthly_tallies(
    appeals: QuerySet[Appeal], *, months: Sequence[Period], now: datetime | None = None
) -> list[Tally]:
    """One tally per period of ``months`` (contiguous, e.g. from :func:`month_periods`), in three queries."""
    return [total(cells.values()) for cells in tallies_by_period(appeals, periods=months, now=now, by=())]


# --- Keys of the groupings ------------------------------------------------------------------------------


def place_map(area_ids: Iterable[int]) -> dict[int, int]:
    """The place an appeal is grouped under: the building of a stairwell or of a common space inside a
    building; any other area (a building, a zone, a grid) stands for itself."""
    ids = {area_id for area_id in area_ids if area_id is not None}
    rows = Area.objects.filter(pk__in=ids).values_list("pk", "kind", "parent_id", "parent__kind")
    return {
        pk: parent_id
        if kind in (AreaKind.STAIRWELL, AreaKind.COMMON_SPACE)
        and parent_id is not None
        and parent_kind == AreaKind.BUILDING
        else pk
        for pk, kind, parent_id, parent_kind in rows
    }


def category_roots() -> dict[int, int]:
    """Each matter category's top-level category (the catalogue is small and shared)."""
    parents = dict(MatterCategory.objects.values_list("pk", "parent_id"))
    roots = {}
    for pk in parents:
        root, seen = pk, set()
        while parents.get(root) is not None and root not in seen:
            seen.add(root)
            root = parents[root]
        roots[pk] = root
    return roots


def _key(value: int | None) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Keys:
    """Turns a :class:`Cell` into the string key of a grouping, the same string
    :func:`~comity.appeals.rates.records.records_for` puts in a record's ``subject``, ``category`` and ``area``."""

    roots: Mapping[int, int]
    places: Mapping[int, int]

    @classmethod
    def for_cells(cls, cells: Iterable[Cell]) -> Keys:
        return cls(category_roots(), place_map(cell.area for cell in cells if cell.area is not None))

    def place(self, area_id: int | None) -> str:
        return "" if area_id is None else _key(self.places.get(area_id, area_id))

    def of(self, cell: Cell, dimension: Dimension) -> str:
        if dimension == Dimension.COMMUNITY:
            return _key(cell.community)
        if dimension == Dimension.SUBJECT:
            return _key(cell.subject)
        if dimension == Dimension.CATEGORY:
            return _key(cell.category)
        if dimension == Dimension.TOP_CATEGORY:
            return "" if cell.category is None else _key(self.roots.get(cell.category, cell.category))
        return self.place(cell.area)


def roll_up(tallies: Mapping[Cell, Tally], dimension: Dimension, keys: Keys) -> dict[str, Tally]:
    """Sum cell tallies into one tally per group of ``dimension``."""
    groups: defaultdict[str, Tally] = defaultdict(Tally)
    for cell, tally in tallies.items():
        group = keys.of(cell, dimension)
        groups[group] = groups[group] + tally
    return dict(groups)


def total(tallies: Iterable[Tally]) -> Tally:
    return sum(tallies, Tally())
