"""Reads of requests about personal data: a resident's own, and the committee's queue with the overdue flagged."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from comity.appeals.community_settings.selectors import appeal_settings
from comity.appeals.computing import working_calendar
from comity.appeals.models import Appeal
from comity.engine import calendar as engine_calendar
from comity.foundation.services import require
from comity.privacy.models import RequestStatus, RightsRequest
from comity.structure.models import Community, Person

#: PIPL Art. 50 asks for a timely answer; Comity's notice promises 15 working days.
WORKING_DAYS = 15
#: How many rows a list shows at most.
LIST_LIMIT = 200


def due_after(community: Community, start: datetime) -> datetime:
    """``WORKING_DAYS`` working days of the community's working calendar after ``start`` (calendar days when the
    calendar has no working time left)."""
    calendar = working_calendar(appeal_settings(community))
    try:
        return engine_calendar.due_at(
            start, hours=calendar.hours_per_day * WORKING_DAYS, clock="working", calendar=calendar
        )
    except (OverflowError, ValueError):
        return start + timedelta(days=WORKING_DAYS * 7 // 5)


def person_of(user: Any) -> Person | None:
    """The signed-in user's record in a register, with their home."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.select_related("community", "household__unit").filter(user_id=user.pk).first()


def my_requests(user: Any, limit: int = 50) -> list[RightsRequest]:
    """The user's requests, newest first."""
    return list(RightsRequest.objects.filter(user_id=user.pk).order_by("-created_at", "-id")[:limit])


def get_my_request(user: Any, request_id: int) -> RightsRequest:
    """One of the user's own requests, or ``Http404`` (another's request is not said to exist)."""
    found = (
        RightsRequest.objects.select_related("community", "person")
        .filter(pk=request_id, user_id=user.pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def request_queue(community: Community, status: str = "") -> QuerySet[RightsRequest]:
    """The community's requests: open ones first, soonest due first; then answered ones, newest first."""
    rows = RightsRequest.objects.filter(community=community).select_related("person")
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    is_open = Case(
        When(status=RequestStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return rows.annotate(closed=is_open).order_by("closed", "due_at", "-id")


def queue_counts(community: Community) -> dict[str, int]:
    """How many requests of the community are in each status (for the filters)."""
    counts = dict.fromkeys(RequestStatus.values, 0)
    rows = (
        RightsRequest.objects.filter(community=community).order_by().values("status").annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def get_request_for_handling(user: Any, community: Community, request_id: int) -> RightsRequest:
    """A request of the community for those who handle them; ``Http404`` for another community's."""
    require(user, "privacy.handle_requests", community)
    found = (
        RightsRequest.objects.select_related("community", "person__household__unit", "user", "recorded_by")
        .filter(pk=request_id, community=community)
        .first()
    )
    if found is None:
        raise Http404
    return found


def household_members(person: Person) -> list[Person]:
    """The others registered in the person's household."""
    if person.household_id is None:
        return []
    return list(
        Person.objects.filter(household_id=person.household_id)
        .exclude(pk=person.pk)
        .order_by("full_name")[:20]
    )


def own_appeals(person: Person | None, user: Any, limit: int = 30) -> list[Appeal]:
    """The appeals a person made, newest first: what a review may be asked of."""
    if person is None:
        return []
    mine = Q(requester=person)
    if getattr(user, "is_authenticated", False):
        mine |= Q(requester_user_id=user.pk)
    return list(
        Appeal.objects.filter(mine, community_id=person.community_id)
        .order_by("-id")
        .only("id", "number", "kind")[:limit]
    )
