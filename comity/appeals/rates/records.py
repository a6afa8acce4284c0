"""Appeals as the engine's records, and the hot spots the engine finds among them.

:func:`records_for` projects appeals into :class:`~comity.engine.rates.AppealRecord`s, named as :class:`~comity
.appeals.rates.data.Keys` names the groups, so that ``tests/apps/test_appeal_rates.py`` can check figure by figure
that the SQL of :mod:`comity.appeals.rates.data` equals the engine; :func:`hot_spots_for` reads only the records of
the cells that can be hot.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from datetime import datetime, timedelta
from fractions import Fraction

from django.db.models import Count, Q, QuerySet

from comity.appeals.models import Appeal
from comity.appeals.rates.data import (
    HOT_SPOT_PREVIOUS_WINDOWS,
    HOT_SPOT_WINDOW,
    RESOLVED_ANSWERS,
    SATISFACTION_ANSWERS,
    place_map,
)
from comity.engine.appeals import AppealStatus
from comity.engine.rates import (
    AppealRecord,
    HotSpot,
    hot_spots,
)


def _key(value: int | None) -> str:
    return "" if value is None else str(value)


RECORD_VALUES = (
    "received_at",
    "due_at",
    "signed_for_at",
    "replied_at",
    "closed_at",
    "status",
    "merged_into_id",
    "lead_subject_id",
    "category_id",
    "area_id",
    "rating__contacted",
    "rating__resolved",
    "rating__satisfaction",
)


def records_for(appeals: QuerySet[Appeal]) -> list[AppealRecord]:
    """The engine's records of ``appeals`` in two queries (the appeals with their rating, then their places).

    ``subject`` is the lead subject's id, ``category`` the (leaf) category's id and ``area`` the id of the place
    from :func:`place_map`, each as a string ("" when unknown), as :class:`Keys` names the groups.
    """
    rows = list(appeals.filter(due_at__isnull=False).order_by().values_list(*RECORD_VALUES))
    places = place_map(row[9] for row in rows)
    records = []
    for (
        received_at,
        due_at,
        signed_for_at,
        replied_at,
        closed_at,
        status,
        merged_into_id,
        subject_id,
        category_id,
        area_id,
        contacted,
        resolved,
        satisfaction,
    ) in rows:
        records.append(
            AppealRecord(
                received_at=received_at,
                due_at=due_at,
                signed_for_at=signed_for_at,
                replied_at=replied_at,
                closed_at=closed_at,
                status=status,
                contacted=contacted,
                resolved=resolved if resolved in RESOLVED_ANSWERS else None,
                satisfaction=satisfaction if satisfaction in SATISFACTION_ANSWERS else None,
                withdrawn=status == AppealStatus.WITHDRAWN,
                merged=status == AppealStatus.MERGED or merged_into_id is not None,
                subject=_key(subject_id),
                category=_key(category_id),
                area="" if area_id is None else _key(places.get(area_id, area_id)),
            )
        )
    return records


def hot_spots_for(
    appeals: QuerySet[Appeal],
    *,
    now: datetime,
    window: timedelta = HOT_SPOT_WINDOW,
    previous_windows: int = HOT_SPOT_PREVIOUS_WINDOWS,
    min_count: int = 3,
    growth: Fraction = Fraction(3, 2),
) -> list[HotSpot]:
    """The engine's :func:`~comity.engine.rates.hot_spots` (category × place) as of ``now``.

    Only the recent windows are read, and only the records of cells that can be hot: a first grouped query
    counts each cell's appeals in the latest and earlier windows and keeps the cells that pass the engine's
    rule; the engine then decides on those cells' records. The rule is per cell, so the result equals the
    engine's over every record (checked in the golden test).
    """
    oldest = now - window * (previous_windows + 1)
    latest_from = now - window
    recent = appeals.filter(received_at__gte=oldest, received_at__lt=now, due_at__isnull=False).exclude(
        status=AppealStatus.WITHDRAWN
    )
    counts = list(
        recent.order_by()
        .values_list("category_id", "area_id")
        .annotate(latest=Count("pk", filter=Q(received_at__gte=latest_from)), total=Count("pk"))
    )
    places = place_map(area_id for _, area_id, _, _ in counts)
    cells: defaultdict[tuple[int, int | None], list[int]] = defaultdict(lambda: [0, 0])
    for category_id, area_id, latest, everything in counts:
        cell = (category_id, None if area_id is None else places.get(area_id, area_id))
        cells[cell][0] += latest
        cells[cell][1] += everything - latest
    candidates = {
        cell
        for cell, (latest, earlier) in cells.items()
        if latest >= min_count
        and latest * previous_windows > earlier
        and latest >= growth * earlier / previous_windows
    }
    if not candidates:
        return []
    areas_of: defaultdict[int, set[int]] = defaultdict(set)
    for area_id, building in places.items():
        areas_of[building].add(area_id)
    places_by_category: defaultdict[int, set[int | None]] = defaultdict(set)
    for category, place in candidates:
        places_by_category[category].add(place)
    terms = []
    for category, wanted in places_by_category.items():
        in_place = Q(area_id__in={area for place in wanted if place is not None for area in areas_of[place]})
        if None in wanted:
            in_place |= Q(area__isnull=True)
        terms.append(Q(category_id=category) & in_place)
    in_cells = functools.reduce(operator.or_, terms)
    narrowed = recent.filter(in_cells)
    return hot_spots(
        records_for(narrowed),
        window=window,
        now=now,
        min_count=min_count,
        growth=growth,
        previous_windows=previous_windows,
    )
