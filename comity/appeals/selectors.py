"""Reads of appeals, scoped by community.

``get_appeal_for_user`` is the one way views and API endpoints will reach an appeal: ``Http404`` when it does
not exist in the community, ``PermissionDenied`` when the user takes no part in it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from comity.accounts.models import User
from comity.appeals.models import Appeal, AppealEvent, Attachment, Dispatch, DispatchRole
from comity.engine.appeals import OPEN_STATUSES, AppealStatus, is_open
from comity.engine.catalogue import CategorySpec
from comity.engine.duplicates import DEFAULT_WINDOW, AppealKey, Candidate, duplicate_candidates
from comity.engine.roles import Role
from comity.structure.models import Area, Community, GovernanceSubject, MatterCategory, Unit
from comity.structure.scope import scope_for

M = TypeVar("M", bound=models.Model)
#: Whoever reads: a signed-in user or an anonymous visitor (``request.user``).
Reader = User | AnonymousUser

OPEN = [status.value for status in OPEN_STATUSES]
#: Roles that see every appeal of their community.
ALL_APPEALS_ROLES = frozenset({Role.COMMITTEE_STAFF, Role.GRID_WORKER})


def get_appeal_for_user(
    user: Reader, community: Community, appeal_id: int, *, only: tuple[str, ...] = ()
) -> Appeal:
    """The community's appeal, read whole with what its pages show, or with the fields ``only`` names alone (and
    ``community`` as its community: the row the caller read, with its street) when the caller may need no more."""
    rows = (
        Appeal.objects.only(*only)
        if only
        else Appeal.objects.select_related(
            "community__street", "category", "lead_subject", "area__parent", "unit__building"
        )
    )
    try:
        appeal = rows.get(community=community, pk=appeal_id)
    except Appeal.DoesNotExist as exc:
        raise Http404 from exc
    if only:
        appeal.community = community
    if not user.has_perm("appeals.see_appeal", appeal):
        raise PermissionDenied
    return appeal


def appeal_for_case(appeal: Appeal) -> Appeal:
    """``appeal`` read again whole, with the rows its case page shows (category, lead, place)."""
    found = Appeal.objects.select_related("category", "lead_subject", "area__parent", "unit__building").get(
        pk=appeal.pk
    )
    found.community = appeal.community
    return found


def sees_every_appeal(user: Reader, community: Community) -> bool:
    """Whether ``user`` sees every appeal of the community by their roles alone (committee staff, grid workers,
    the street's officials, platform staff): what they see then depends on no appeal naming them."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    return bool(
        scope.is_platform_staff
        or community.street_id in scope.street_ids
        or scope.roles_in(community.pk) & ALL_APPEALS_ROLES
    )


def visible_appeals(user: Reader, community: Community) -> QuerySet[Appeal]:
    """The appeals of the community ``user`` may open (``appeals.see_appeal``), as one query.

    Committee staff, grid workers, the street's officials and platform staff see every appeal of the community;
    a subject's staff see the appeals ever dispatched to their subjects; a resident sees their own and the
    ones their duplicates were merged into.
    """
    appeals = Appeal.objects.filter(community=community)
    if not getattr(user, "is_authenticated", False):
        return appeals.none()
    if sees_every_appeal(user, community):
        return appeals
    scope = scope_for(user)
    mine = Q(requester_user=user) | Q(duplicates__requester_user=user)
    if scope.acting_subject_ids:
        handled = Dispatch.objects.filter(community=community, subject_id__in=scope.acting_subject_ids)
        mine |= Q(pk__in=handled.values("appeal_id"))
    return appeals.filter(mine).distinct()


def community_appeals(community: Community) -> QuerySet[Appeal]:
    """Every appeal of the community, newest first."""
    return Appeal.objects.filter(community=community).select_related("category", "lead_subject")


def appeal_timeline(appeal: Appeal) -> QuerySet[AppealEvent]:
    """The case's timeline with each entry's photos, in three queries however long it is.

    Ordered by ``seq`` (and the photos by id) explicitly: the models' default orderings start with ``appeal``,
    which would join the appeal table to sort rows that all belong to one appeal.
    """
    return (
        AppealEvent.objects.filter(community=appeal.community_id, appeal=appeal)
        .select_related("actor", "acting_subject")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("seq")
    )


def appeal_photos(appeal: Appeal) -> QuerySet[Attachment]:
    """Every photo of the case, oldest first."""
    return Attachment.objects.filter(community=appeal.community_id, appeal=appeal).order_by("pk")


def open_dispatches(appeal: Appeal) -> QuerySet[Dispatch]:
    return (
        Dispatch.objects.filter(community=appeal.community_id, appeal=appeal, ended_at__isnull=True)
        .select_related("subject")
        .order_by("dispatched_at", "pk")
    )


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


# --- pages and API: what they look up --------------------------------------------------------------------------


def my_appeals(user: Reader, community: Community) -> QuerySet[Appeal]:
    """The appeals ``user`` made in the community and those their duplicates joined, newest first."""
    return (
        Appeal.objects.filter(community=community)
        .filter(Q(requester_user=user) | Q(duplicates__requester_user=user))
        .select_related("category", "lead_subject")
        .distinct()
        .order_by("-received_at")
    )


def appeal_numbered(community: Community, number: str) -> Appeal | None:
    """The community's appeal with this number (``2026-000123``), if any: the case page's merge names it so."""
    return Appeal.objects.filter(community=community, number=number.strip()).first()


def appeal_in_community(community_id: int, appeal_id: int) -> Appeal | None:
    """The community's appeal with this id, if any: the API's merge names it so."""
    return Appeal.objects.filter(community=community_id, pk=appeal_id).first()


def appeals_chosen(community: Community, ids: Iterable[int]) -> list[Appeal]:
    """The community's appeals among ``ids`` (a bulk step's selection); other ids are ignored."""
    return list(Appeal.objects.filter(community=community, pk__in=list(ids)))


def appeal_for_detail(appeal: Appeal) -> Appeal:
    """The appeal read again with everything its detail shows (category, lead, rating, place, photos, dispatches)."""
    return (
        Appeal.objects.select_related("category", "lead_subject", "rating", "area__parent", "unit__building")
        .prefetch_related("attachments", "dispatches__subject")
        .get(pk=appeal.pk)
    )


def categories_by_code(codes: Iterable[str]) -> dict[str, MatterCategory]:
    """The catalogue's categories with these codes, by code."""
    return {category.code: category for category in MatterCategory.objects.filter(code__in=list(codes))}


def _picked(queryset: QuerySet[M], value: object) -> M | None:
    text = str(value or "")
    return queryset.filter(pk=int(text)).first() if text.isdigit() and len(text) < 19 else None


@dataclass(frozen=True)
class TypedPlace:
    """What an intake form names so far (unknown or foreign ids are ``None``)."""

    category: MatterCategory | None
    area: Area | None
    unit: Unit | None


def typed_place(community: Community, *, category: object, area: object, unit: object) -> TypedPlace:
    """The category, place and home a half-typed intake form names, by their ids as sent."""
    return TypedPlace(
        category=_picked(MatterCategory.objects.all(), category),
        area=_picked(Area.objects.filter(community=community), area),
        unit=_picked(Unit.objects.filter(community=community).select_related("building"), unit),
    )


# --- the staff workbench ------------------------------------------------------------------------------------------


def queue_subjects(user: Reader, community: Community) -> QuerySet[GovernanceSubject]:
    """The subjects the workbench offers ``user``: every subject serving the community to those who dispatch in
    bulk (and platform staff), else the subjects the user acts for."""
    scope = scope_for(user)
    serving = GovernanceSubject.objects.filter(
        Q(community=community) | Q(community__isnull=True, street=community.street_id)
    )
    if user.has_perm("appeals.dispatch_in_bulk", community) or scope.is_platform_staff:
        return serving.order_by("name")
    return serving.filter(pk__in=scope.acting_subject_ids).order_by("name")


@dataclass(frozen=True)
class QueueFilter:
    """The workbench's filters. ``status`` is a status, ``"open"`` for every open one, or ``""`` for any."""

    mine: str = ""
    status: str = "open"
    category: str = ""
    area: Area | None = None
    subject: GovernanceSubject | None = None
    overdue: bool = False
    q: str = ""


def _mine(appeals: QuerySet[Appeal], mine: str, acting: frozenset[int] | set[int]) -> QuerySet[Appeal]:
    """The workbench's "mine" filter over the subjects the user acts for: appeals waiting for them to sign for,
    those they lead, and those they help with (an open co-handling dispatch)."""
    if mine == "to_sign":
        return appeals.filter(status=AppealStatus.DISPATCHED, lead_subject__in=acting)
    if mine == "lead":
        return appeals.filter(lead_subject__in=acting)
    if mine == "help":
        helping = Dispatch.objects.filter(
            role=DispatchRole.CO_HANDLER, ended_at__isnull=True, subject_id__in=acting
        ).values("appeal_id")
        return appeals.filter(pk__in=helping)
    return appeals


def filter_queue(
    appeals: QuerySet[Appeal], wanted: QueueFilter, acting: frozenset[int] | set[int], *, now: datetime
) -> QuerySet[Appeal]:
    """``appeals`` narrowed by the workbench's filters."""
    appeals = _mine(appeals, wanted.mine, acting)
    if wanted.status == "open":
        appeals = appeals.filter(status__in=OPEN)
    elif wanted.status:
        appeals = appeals.filter(status=wanted.status)
    if wanted.category:
        code = wanted.category
        appeals = appeals.filter(Q(category__code=code) | Q(category__code__startswith=f"{code}."))
    if wanted.area is not None:
        area = wanted.area
        appeals = appeals.filter(Q(area=area) | Q(area__parent=area) | Q(unit__building=area))
    if wanted.subject is not None:
        appeals = appeals.filter(lead_subject=wanted.subject)
    if wanted.overdue:
        appeals = appeals.filter(status__in=OPEN, due_at__lt=now)
    if wanted.q:
        q = wanted.q.strip()
        appeals = appeals.filter(Q(number__icontains=q) | Q(description__icontains=q))
    return appeals
