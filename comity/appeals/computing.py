"""The adapter between appeals' rows and the engine: what dispatch needs, and a community's settings as the
engine's values.

Dispatch: the place's area chain, the matrix row, the first receiver and the next number. Resolution itself is
the engine's (:func:`comity.engine.responsibility.resolve_responsibility`: the category from the most specific to
the most general first, then the place from the most specific area up to the whole community); this module only
gathers its inputs from the database. Settings: the community's working calendar
(:class:`~comity.engine.calendar.WorkingCalendar`) and the composite score's weights
(:class:`~comity.engine.rates.Weights`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.appeals.models import Appeal, AppealSettings
from comity.engine.appeals import lead_for_dispatch
from comity.engine.calendar import WorkingCalendar
from comity.engine.rates import Weights
from comity.engine.responsibility import resolve_responsibility
from comity.structure.models import (
    Area,
    Community,
    GovernanceSubject,
    MatterCategory,
    Responsibility,
    SubjectKind,
    Unit,
)
from comity.structure.selectors import category_chain

#: Digits of the running number in ``2026-000123``.
NUMBER_DIGITS = 6


@dataclass(frozen=True)
class Route:
    """Where an appeal goes on intake."""

    lead: GovernanceSubject
    co_handlers: list[GovernanceSubject]
    #: The matrix row used, or ``None`` when the residents' committee keeps the appeal as first receiver.
    responsibility: Responsibility | None
    time_limit_hours: int
    #: The category's codes from itself up to its top-level category (for the time-limit policy too).
    categories: list[str]


def area_chain(*, area: Area | None, unit: Unit | None) -> list[int]:
    """The place and the areas containing it, most specific first: stairwell → building → zone(s)."""
    start: Area | None = area
    if start is None and unit is not None:
        start = unit.stairwell if unit.stairwell_id else unit.building
    chain: list[int] = []
    while start is not None and start.pk not in chain:
        chain.append(start.pk)
        start = start.parent
    return chain


def first_receiver(community: Community) -> GovernanceSubject:
    """The community's residents' committee, which receives every appeal first."""
    committee = (
        GovernanceSubject.objects.filter(
            community=community, kind=SubjectKind.RESIDENTS_COMMITTEE, is_active=True
        )
        .order_by("pk")
        .first()
    )
    if committee is None:
        raise ValidationError(_("This community has no residents' committee to receive appeals."))
    return committee


def route_appeal(
    community: Community, *, category: MatterCategory, area: Area | None, unit: Unit | None
) -> Route:
    """The lead, co-handlers and time limit from the matrix, or the first receiver when no row covers it."""
    categories = category_chain(category)
    rows: dict[tuple[str, Hashable | None], Responsibility] = {
        (row.category.code, row.scope_area_id): row
        for row in Responsibility.objects.filter(community=community, category__code__in=categories)
        .select_related("category", "lead_subject")
        .prefetch_related("co_handlers")
    }
    found = resolve_responsibility(
        rows, category_chain=categories, area_chain=area_chain(area=area, unit=unit)
    )
    row = found.row if found is not None else None
    committee = first_receiver(community)
    lead = lead_for_dispatch(row.lead_subject if row else None, first_receiver=committee)
    return Route(
        lead=lead,
        co_handlers=sorted(row.co_handlers.all(), key=lambda s: s.pk) if row else [],
        responsibility=row,
        time_limit_hours=row.time_limit_hours if row else category.default_time_limit_hours,
        categories=categories,
    )


def next_number(community: Community, received_at: datetime) -> str:
    """The next number of the year in the community. Call it with the community row locked."""
    prefix = f"{timezone.localtime(received_at).year}-"
    last = (
        Appeal.objects.filter(community=community, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    running = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{running:0{NUMBER_DIGITS}d}"


# --- A community's settings as the engine's values ------------------------------------------------------


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
