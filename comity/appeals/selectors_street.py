"""The street office's queue: the appeals of its communities that need the street (督办).

Three reasons bring an appeal here, all while it is still being handled: it was **escalated** (past its deadline
when the deadline job ran, ``escalated_at``), it is **overdue** (past its due date now), or it is **disputed**
by a street-level lead (the engine lets only the street office decide such a dispute). Reads only, scoped by
the street's communities; one query for the page of appeals and one for the counts, however many there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from comity.appeals.models import Appeal
from comity.engine.appeals import OPEN_STATUSES, AppealStatus
from comity.structure.models import Community, Street

OPEN = [status.value for status in OPEN_STATUSES]
REASONS = ("escalated", "overdue", "disputed")


def _reason_filters(now: datetime) -> dict[str, Q]:
    return {
        "escalated": Q(escalated_at__isnull=False),
        "overdue": Q(due_at__lt=now),
        "disputed": Q(status=AppealStatus.DISPUTED, lead_subject__community__isnull=True),
    }


def street_queue(street: Street, *, now: datetime) -> QuerySet[Appeal]:
    """Open appeals of the street's communities that are escalated, overdue or in a street-level dispute."""
    reasons = _reason_filters(now)
    return Appeal.objects.filter(community__street=street, status__in=OPEN).filter(
        reasons["escalated"] | reasons["overdue"] | reasons["disputed"]
    )


def narrowed(
    appeals: QuerySet[Appeal],
    *,
    now: datetime,
    reason: str = "",
    community: Community | None = None,
    category: str = "",
) -> QuerySet[Appeal]:
    if reason in REASONS:
        appeals = appeals.filter(_reason_filters(now)[reason])
    if community is not None:
        appeals = appeals.filter(community=community)
    if category:
        appeals = appeals.filter(Q(category__code=category) | Q(category__code__startswith=f"{category}."))
    return appeals


@dataclass(frozen=True)
class Counts:
    total: int
    escalated: int
    overdue: int
    disputed: int


def counts(appeals: QuerySet[Appeal], *, now: datetime) -> Counts:
    """How many appeals each reason brings (one appeal may have two reasons), in one query."""
    reasons = _reason_filters(now)
    row = appeals.aggregate(
        total=Count("pk"),
        **{name: Count("pk", filter=reasons[name]) for name in REASONS},
    )
    return Counts(**{key: int(value or 0) for key, value in row.items()})


def page_rows(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """What each card shows, selected with the appeals; the most overdue first."""
    return appeals.select_related(
        "community", "category", "lead_subject", "area__parent", "unit__building"
    ).order_by("due_at", "received_at", "pk")
