"""Reads of appeals, scoped by community.

``get_appeal_for_user`` is the one way views and API endpoints will reach an appeal: ``Http404`` when it does
not exist in the community, ``PermissionDenied`` when the user takes no part in it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from comity.accounts.scope import scope_for
from comity.appeals.models import Appeal, AppealEvent, Dispatch
from comity.engine.catalogue import CategorySpec
from comity.engine.roles import Role
from comity.structure.models import Community, MatterCategory

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
