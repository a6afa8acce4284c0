"""Announcing and running an activity: create, edit, publish, cancel, and change its number of places.

Raising the places promotes the wait-list in arrival order in the same transaction; lowering them below the people
already registered is refused on the field (nobody loses a place they were given)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.activities.models import Activity, ActivityStatus, Registration, RegistrationStatus
from comity.activities.permissions import subjects_that_may_organise
from comity.activities.waitlist import promote_waiting
from comity.engine.activities import CapacityError, check_capacity
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service, when
from comity.notifications.services import notify
from comity.structure.models import Area, Community, GovernanceSubject

EDITABLE = (
    "title",
    "kind",
    "description",
    "place",
    "area",
    "starts_at",
    "ends_at",
    "registration_closes_at",
    "volunteer_hours",
)


def _capacity_error(error: CapacityError) -> ValidationError:
    if error.code == "below_registered":
        message = _(
            "%(count)d people are already registered: the places cannot be fewer. Cancel registrations first."
        ) % {"count": error.minimum}
    elif error.code == "too_small":
        message = _("An activity has at least one place.")
    else:
        message = _("An activity has at most %(count)d places.") % {"count": error.minimum}
    return ValidationError({"capacity": [message]})


def _check_organiser(actor: Actor, community: Community, organiser: GovernanceSubject) -> None:
    """A subject of the community or its street, that the actor acts for (the committee's staff: any)."""
    if not GovernanceSubject.objects.filter(subjects_that_may_organise(community), pk=organiser.pk).exists():
        raise ValidationError(
            {"organiser": [_("The organiser must be a subject of this community or street.")]}
        )
    if not actor.has_perm("activities.run_activity", Activity(community=community, organiser=organiser)):
        raise ValidationError(
            {"organiser": [_("You may announce activities only for a subject you act for.")]}
        )


def _check_times(values: dict[str, Any]) -> None:
    starts: datetime | None = values.get("starts_at")
    ends: datetime | None = values.get("ends_at")
    closes: datetime | None = values.get("registration_closes_at")
    errors: dict[str, list[str]] = {}
    if starts and ends and ends <= starts:
        errors["ends_at"] = [_("The activity must end after it starts.")]
    if starts and closes and closes > starts:
        errors["registration_closes_at"] = [_("Registration must close before the activity starts.")]
    hours: Decimal | None = values.get("volunteer_hours")
    if hours is not None and not (Decimal(0) <= hours <= Decimal(24)):
        errors["volunteer_hours"] = [_("Between 0 and 24 hours.")]
    if errors:
        raise ValidationError(errors)


def _check_area(community: Community, area: Area | None) -> None:
    if area is not None and area.community_id != community.pk:
        raise ValidationError({"area": [_("Choose a place of this community.")]})


@service
def create_activity(
    actor: User, community: Community, *, organiser: GovernanceSubject, capacity: int, **values: Any
) -> Activity:
    """A draft activity; ``values`` are the editable fields (title, place, starts_at, ends_at, …)."""
    require(actor, "activities.create_activity", community)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _check_organiser(actor, community, organiser)
    _check_times(values)
    _check_area(community, values.get("area"))
    try:
        check_capacity(capacity)
    except CapacityError as error:
        raise _capacity_error(error) from None
    activity = Activity(
        community=community, organiser=organiser, capacity=capacity, created_by=actor, **values
    )
    activity.full_clean()
    activity.save()
    record_audit(
        actor=actor,
        action="activity.create",
        obj=activity,
        summary=gettext_noop("Activity %(title)s announced by %(organiser)s (draft)"),
        params={"title": activity.title, "organiser": organiser.name},
        community=community,
    )
    return activity


@service
def update_activity(
    actor: Actor, activity: Activity, *, capacity: int | None = None, **values: Any
) -> Activity:
    """Change the editable fields; a new capacity is checked against the people registered and promotes."""
    require(actor, "activities.run_activity", activity)
    activity = lock(activity)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    merged = {name: getattr(activity, name) for name in EDITABLE} | values
    _check_times(merged)
    _check_area(activity.community, merged.get("area"))
    changed = {name: str(value) for name, value in values.items() if getattr(activity, name) != value}
    for name, value in values.items():
        setattr(activity, name, value)
    if capacity is not None and capacity != activity.capacity:
        _set_capacity(activity, capacity)
        changed["capacity"] = str(capacity)
    if not changed:
        return activity
    activity.full_clean()
    activity.save()
    record_audit(
        actor=actor,
        action="activity.update",
        obj=activity,
        summary=gettext_noop("Activity %(title)s changed"),
        params={"title": activity.title},
        community=activity.community,
        changes=changed,
    )
    promote_waiting(activity)
    return activity


def _set_capacity(activity: Activity, capacity: int) -> None:
    registered = Registration.objects.filter(activity=activity, status=RegistrationStatus.REGISTERED).count()
    try:
        check_capacity(capacity, registered)
    except CapacityError as error:
        raise _capacity_error(error) from None
    activity.capacity = capacity


@service
def change_capacity(actor: Actor, activity: Activity, capacity: int) -> Activity:
    """New number of places: never below those registered; raised, the wait-list moves up in arrival order."""
    require(actor, "activities.run_activity", activity)
    activity = lock(activity)
    before = activity.capacity
    if capacity == before:
        return activity
    _set_capacity(activity, capacity)
    activity.save(update_fields=["capacity"])
    record_audit(
        actor=actor,
        action="activity.capacity",
        obj=activity,
        summary=gettext_noop("Places of %(title)s changed from %(before)s to %(after)s"),
        params={"title": activity.title, "before": before, "after": capacity},
        community=activity.community,
    )
    promote_waiting(activity)
    return activity


@service
def publish_activity(actor: Actor, activity: Activity) -> Activity:
    require(actor, "activities.run_activity", activity)
    activity = lock(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("A cancelled activity cannot be published again."))
    if activity.status == ActivityStatus.PUBLISHED:
        return activity
    activity.status = ActivityStatus.PUBLISHED
    activity.save(update_fields=["status"])
    record_audit(
        actor=actor,
        action="activity.publish",
        obj=activity,
        summary=gettext_noop("Activity %(title)s published"),
        params={"title": activity.title},
        community=activity.community,
    )
    return activity


@service
def cancel_activity(actor: Actor, activity: Activity, *, reason: str = "") -> Activity:
    """Call the activity off; everyone registered or waiting is told."""
    require(actor, "activities.run_activity", activity)
    activity = lock(activity)
    if activity.status == ActivityStatus.CANCELLED:
        return activity
    if activity.ends_at < timezone.now():
        raise PermissionDenied
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status"])
    record_audit(
        actor=actor,
        action="activity.cancel",
        obj=activity,
        summary=gettext_noop("Activity %(title)s cancelled: %(reason)s"),
        params={"title": activity.title, "reason": reason[:200]},
        community=activity.community,
    )
    users = (
        Registration.objects.filter(activity=activity)
        .exclude(status=RegistrationStatus.CANCELLED)
        .exclude(person__user__isnull=True)
        .select_related("person__user")
    )
    notify(
        [registration.person.user for registration in users],
        kind="activity.cancelled",
        summary=gettext_noop("%(title)s on %(when)s is cancelled."),
        params={"title": activity.title, "when": when(activity.starts_at)},
        url=reverse("activities:activity", args=[activity.pk]),
        community=activity.community,
        channels=("in_app", "sms"),
    )
    return activity
