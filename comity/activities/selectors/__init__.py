"""What the activities pages and API read: activities with their counts, a person's registrations, the queue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from comity.activities.models import Activity, ActivityStatus, Registration, RegistrationStatus
from comity.engine.activities import Seat, State, waitlist_position
from comity.foundation.services import Actor, require
from comity.structure.models import Community, Person

ACTIVE = ~Q(status=RegistrationStatus.CANCELLED)


def with_counts(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
        ),
        waiting_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
    )


def community_activities(actor: Actor, community: Community, *, past: bool = False) -> list[Activity]:
    """Published activities (upcoming, or past), and the drafts and cancelled ones the actor runs."""
    now = timezone.now()
    rows = Activity.objects.filter(community=community).select_related("organiser")
    rows = rows.filter(ends_at__lt=now).order_by("-starts_at") if past else rows.filter(ends_at__gte=now)
    shown = [
        activity
        for activity in with_counts(rows)[:200]
        if activity.status == ActivityStatus.PUBLISHED or actor.has_perm("activities.run_activity", activity)
    ]
    return shown


def get_activity_for_user(
    actor: Actor, activity_id: int, perm: str = "activities.see_activities"
) -> Activity:
    """The activity, if the actor may see it (a draft only by those who run it); 404 otherwise."""
    activity = (
        with_counts(Activity.objects.select_related("community__street", "organiser", "area"))
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise Http404
    require(actor, perm, activity)
    if activity.status == ActivityStatus.DRAFT and not actor.has_perm("activities.run_activity", activity):
        raise Http404
    return activity


def person_of(actor: Actor) -> Person | None:
    return Person.objects.filter(user_id=actor.pk).first() if actor.pk is not None else None


def active_registration(activity: Activity, person: Person | None) -> Registration | None:
    if person is None:
        return None
    return Registration.objects.filter(ACTIVE, activity=activity, person=person).first()


def queue_position(registration: Registration) -> int | None:
    """1 for the first wait-listed; None when the registration holds a place or is cancelled."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    rows = Registration.objects.filter(
        activity_id=registration.activity_id, status=RegistrationStatus.WAITLISTED
    )
    seats = [Seat(pk, arrival, State.WAITLISTED) for pk, arrival in rows.values_list("pk", "arrival")]
    return waitlist_position(seats, registration.pk)


def waiting_ahead_of_newcomer(activity: Activity) -> int:
    """Where someone registering now would stand in the queue (1 = first)."""
    return Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITLISTED).count() + 1


@dataclass(frozen=True)
class MyRegistration:
    registration: Registration
    position: int | None


def my_registrations(actor: Actor) -> list[MyRegistration]:
    person = person_of(actor)
    if person is None:
        return []
    rows = (
        Registration.objects.filter(ACTIVE, person=person, activity__ends_at__gte=timezone.now())
        .select_related("activity__community")
        .order_by("activity__starts_at")
    )
    return [MyRegistration(row, queue_position(row)) for row in rows[:100]]


def get_my_registration(actor: Actor, registration_id: int) -> Registration:
    row = (
        Registration.objects.select_related("activity__community", "person")
        .filter(pk=registration_id, person__user_id=actor.pk)
        .first()
    )
    if row is None:
        raise Http404
    return row


def registrations_of(activity: Activity) -> dict[str, list[Registration]]:
    """The registered, the wait-list (both in arrival order) and the cancelled, for the organiser's pages."""
    rows = Registration.objects.filter(activity=activity).select_related("person__household__unit")
    grouped: dict[str, list[Registration]] = {status: [] for status in RegistrationStatus.values}
    for row in rows.order_by("arrival"):
        grouped[row.status].append(row)
    return grouped


def get_registration_of(activity: Activity, registration_id: int) -> Registration:
    row = Registration.objects.select_related("person", "activity").filter(
        pk=registration_id, activity=activity
    )
    found = row.first()
    if found is None:
        raise Http404
    return found


def find_people(community: Community, query: str, limit: int = 20) -> list[Person]:
    """People of the registry by name, or by unit ("1-101" or "101"), for registering at the counter."""
    query = query.strip()[:60]
    if len(query) < 1:
        return []
    by_name = Q(full_name__icontains=query)
    by_unit = Q(household__unit__number=query.split("-")[-1])
    if "-" in query:
        by_unit &= Q(household__unit__building__code=query.split("-")[0])
    rows = Person.objects.filter(by_name | by_unit, community=community).select_related("household__unit")
    return list(rows.order_by("full_name", "pk")[:limit])
