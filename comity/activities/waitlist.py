"""Moving the wait-list up: shared by cancelling a registration, raising the places and editing an activity.

Called with the activity's row locked by the caller's service; the promoted are told after the commit."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from comity.activities.models import Activity, Registration, RegistrationStatus
from comity.engine.activities import Seat, State, to_promote
from comity.foundation.audit import record_audit
from comity.foundation.services import when
from comity.notifications.services import notify


def _seats(activity: Activity) -> list[Seat]:
    rows = (
        Registration.objects.filter(activity=activity)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("pk", "arrival", "status")
    )
    return [Seat(pk, arrival, State(status)) for pk, arrival, status in rows]


def promote_waiting(activity: Activity) -> list[Registration]:
    """Give the free places to the first wait-listed, in arrival order; tell each of them."""
    chosen = [seat.key for seat in to_promote(activity.capacity, _seats(activity))]
    if not chosen:
        return []
    now = timezone.now()
    Registration.objects.filter(pk__in=chosen).update(status=RegistrationStatus.REGISTERED, promoted_at=now)
    promoted = list(
        Registration.objects.filter(pk__in=chosen).select_related("person__user").order_by("arrival")
    )
    for registration in promoted:
        record_audit(
            actor=None,
            action="registration.promote",
            obj=registration,
            summary=gettext_noop("%(person)s moved up from the wait-list of %(title)s"),
            params={"person": registration.person.full_name, "title": activity.title},
            community=activity.community,
        )
    notify(
        [registration.person.user for registration in promoted],
        kind="activity.promoted",
        summary=gettext_noop("A place freed up: you are now registered for %(title)s on %(when)s."),
        params={"title": activity.title, "when": when(activity.starts_at)},
        url=reverse("activities:activity", args=[activity.pk]),
        community=activity.community,
        channels=("in_app", "sms"),
    )
    return promoted
