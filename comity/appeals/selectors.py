"""Reads of appeals, scoped by community.

``get_appeal_for_user`` is the one way views and API endpoints will reach an appeal: ``Http404`` when it does
not exist in the community, ``PermissionDenied`` when the user takes no part in it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from comity.appeals.models import Appeal, AppealEvent, Dispatch
from comity.engine.appeals import OPEN_STATUSES, is_open
from comity.engine.catalogue import CategorySpec
from comity.engine.duplicates import DEFAULT_WINDOW, AppealKey, Candidate, duplicate_candidates
from comity.engine.roles import Role
from comity.structure.models import Area, Community, MatterCategory, Unit
from comity.structure.scope import scope_for

#: Roles that see every appeal of their community.
ALL_APPEALS_ROLES = frozenset({Role.COMMITTEE_STAFF, Role.GRID_WORKER})


def get_appeal_for_user(user: Any, community: Community, appeal_id: int) -> Appeal:
    try:
        appeal = Appeal.objects.select_related("community__street", "category", "lead_subject").get(
            community=community, pk=appeal_id
        )
    except Appeal.DoesNotExist as exc:
        raise Http404 from exc
    if not user.has_perm("appeals.see_appeal", appeal):
        raise PermissionDenied
    return appeal


def visible_appeals(user: Any, community: Community) -> QuerySet[Appeal]:
    """The appeals of the community ``user`` may open (``appeals.see_appeal``), as one query.

    Committee staff, grid workers, the street's officials and platform staff see every appeal of the community;
    a subject's staff see the appeals ever dispatched to their subjects; a resident sees their own and the
    ones their duplicates were merged into.
    """
    appeals = Appeal.objects.filter(community=community)
    if not getattr(user, "is_authenticated", False):
        return appeals.none()
    scope = scope_for(user)
    roles = scope.roles_in(community.pk)
    if scope.is_platform_staff or community.street_id in scope.street_ids or roles & ALL_APPEALS_ROLES:
        return appeals
    mine = Q(requester_user=user) | Q(duplicates__requester_user=user)
    if scope.acting_subject_ids:
        handled = Dispatch.objects.filter(community=community, subject_id__in=scope.acting_subject_ids)
        mine |= Q(pk__in=handled.values("appeal_id"))
    return appeals.filter(mine).distinct()


def community_appeals(community: Community) -> QuerySet[Appeal]:
    """Every appeal of the community, newest first."""
    return Appeal.objects.filter(community=community).select_related("category", "lead_subject")


def appeal_timeline(appeal: Appeal) -> QuerySet[AppealEvent]:
    return AppealEvent.objects.filter(community=appeal.community_id, appeal=appeal).select_related(
        "actor", "acting_subject"
    )


def open_dispatches(appeal: Appeal) -> QuerySet[Dispatch]:
    return Dispatch.objects.filter(
        community=appeal.community_id, appeal=appeal, ended_at__isnull=True
    ).select_related("subject")


def catalogue_specs() -> tuple[CategorySpec, ...]:
    """The catalogue as the engine's specs, from the database rows (so keywords edited there count)."""
    rows = list(MatterCategory.objects.order_by("position", "code"))
    children: dict[int | None, list[MatterCategory]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    def spec(row: MatterCategory) -> CategorySpec:
        return CategorySpec(
            row.code,
            row.name_en,
            row.name_zh,
            row.default_time_limit_hours,
            row.keywords,
            tuple(spec(child) for child in children.get(row.pk, [])),
        )

    return tuple(spec(row) for row in children.get(None, []))


def _place_key(appeal: Appeal, parents: Mapping[int, int | None]) -> tuple[Hashable, ...]:
    """The place chain the engine compares: the unit (if any), then the area and the areas containing it."""
    chain: list[Hashable] = [("unit", appeal.unit_id)] if appeal.unit_id else []
    area = appeal.area_id
    while area is not None and ("area", area) not in chain:
        chain.append(("area", area))
        area = parents.get(area)
    return tuple(chain)


def possible_duplicates(appeal: Appeal, *, limit: int = 5) -> list[tuple[Appeal, Candidate]]:
    """Open appeals of the community that may report the same matter (:mod:`comity.engine.duplicates`).

    Only appeals received within the engine's window of this one are read, so the query stays small however
    many appeals the community has.
    """
    if not is_open(appeal.status):
        return []
    window = DEFAULT_WINDOW
    pool = list(
        Appeal.objects.filter(
            community=appeal.community_id,
            status__in=[status.value for status in OPEN_STATUSES],
            received_at__gte=appeal.received_at - window,
            received_at__lte=appeal.received_at + window,
        )
        .exclude(pk=appeal.pk)
        .select_related("category")[:200]
    )
    if not pool:
        return []
    parents = dict(Area.objects.filter(community=appeal.community_id).values_list("pk", "parent_id"))

    def key(item: Appeal) -> AppealKey:
        return AppealKey(
            id=item.pk,
            category=item.category.code,
            place=_place_key(item, parents),
            received_at=item.received_at,
            open=is_open(item.status),
        )

    found = duplicate_candidates(
        key(appeal),
        [key(item) for item in pool],
        window=window,
        category_match="exact",
        limit=limit,
    )
    by_id = {item.pk: item for item in pool}
    return [(by_id[int(str(candidate.id))], candidate) for candidate in found]


#: How far back a resident is shown appeals like theirs: a lift out for weeks is still the same matter.
SIMILAR_WINDOW = timedelta(days=30)


def similar_public_appeals(
    community: Community,
    *,
    category: MatterCategory | None,
    area: Area | None,
    unit: Unit | None,
    now: datetime,
    limit: int = 5,
) -> list[Appeal]:
    """Open public appeals a resident about to send one may be repeating: same matter, a shared place, received
    within :data:`SIMILAR_WINDOW` — the engine's duplicate rule (:mod:`comity.engine.duplicates`) with a wider
    window, on what the neighbours chose to share. Best first; two queries whatever the community's size.
    """
    if category is None:
        return []
    pool = list(
        Appeal.objects.filter(
            community=community,
            is_public=True,
            category=category,
            status__in=[status.value for status in OPEN_STATUSES],
            received_at__gte=now - SIMILAR_WINDOW,
        )
        .select_related("category", "area__parent", "unit__building")
        .order_by("-received_at")[:200]
    )
    if not pool:
        return []
    parents = dict(Area.objects.filter(community=community).values_list("pk", "parent_id"))
    if area is None and unit is not None:
        area = unit.stairwell if unit.stairwell_id else unit.building
    draft = Appeal(community=community, unit=unit, area=area)

    def key(item: Appeal, ident: int) -> AppealKey:
        return AppealKey(
            id=ident,
            category=category.code,
            place=_place_key(item, parents),
            received_at=item.received_at if item.pk else now,
        )

    found = duplicate_candidates(
        key(draft, 0),
        [key(item, item.pk) for item in pool],
        window=SIMILAR_WINDOW,
        category_match="exact",
        limit=limit,
    )
    by_id = {item.pk: item for item in pool}
    return [by_id[int(str(candidate.id))] for candidate in found]


# --- the deadline job -----------------------------------------------------------------------------------------


def _due_ids(field: str, now: datetime) -> list[int]:
    stamp = "reminded_at" if field == "remind_at" else "escalated_at"
    filters: dict[str, object] = {
        "status__in": [s.value for s in OPEN_STATUSES],
        f"{field}__isnull": False,
        f"{field}__lt" if field == "due_at" else f"{field}__lte": now,
        f"{stamp}__isnull": True,
    }
    return list(Appeal.objects.filter(**filters).order_by(field).values_list("pk", flat=True))


def due_for_reminder(now: datetime) -> list[int]:
    """Open appeals whose warning time has come and that were not warned yet, by warning time."""
    return _due_ids("remind_at", now)


def overdue_unescalated(now: datetime) -> list[int]:
    """Open appeals past their deadline that were not escalated yet, by deadline."""
    return _due_ids("due_at", now)
