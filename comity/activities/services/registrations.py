"""Registering for an activity, cancelling, and checking in.

Every write locks the activity's row first (``lock``), so registrations of one activity queue one behind the other:
each takes the next arrival number and a place while one is free, else a place on the wait-list. 500 people
registering at once for 50 places leave exactly 50 registered and 450 waiting in the order they arrived. A second
registration by the same person returns the first (a double tap, a retried request)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.activities import codes
from comity.activities.models import (
    Activity,
    ActivityStatus,
    CheckInMethod,
    Registration,
    RegistrationStatus,
)
from comity.activities.waitlist import promote_waiting
from comity.engine.activities import state_for_newcomer
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service
from comity.structure.models import Person


def _open_for_registration(activity: Activity) -> None:
    now = timezone.now()
    if activity.status != ActivityStatus.PUBLISHED:
        raise ValidationError(_("This activity is not open for registration."))
    closes = activity.registration_closes_at or activity.starts_at
    if now >= closes:
        raise ValidationError(_("Registration for this activity has closed."))


def _active(activity: Activity, person: Person) -> Registration | None:
    return (
        Registration.objects.filter(activity=activity, person=person)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


@service
def register(actor: User, activity: Activity, person: Person | None = None) -> Registration:
    """Register ``actor`` themself, or (staff at the counter) ``person`` of the registry; idempotent."""
    if person is None:
        require(actor, "activities.register", activity)
        person = getattr(actor, "person", None)
        if person is None:
            raise ValidationError(_("Your account is not linked to a person of the community's registry."))
        recorded_by = None
    else:
        if getattr(actor, "person", None) != person:
            require(actor, "activities.register_at_counter", activity)
        recorded_by = actor if getattr(actor, "person", None) != person else None
    if person.community_id != activity.community_id:
        raise ValidationError({"person": [_("Only people of the activity's community can register.")]})
    activity = lock(activity)
    existing = _active(activity, person)
    if existing is not None:
        return existing
    _open_for_registration(activity)
    taken = Registration.objects.filter(activity=activity, status=RegistrationStatus.REGISTERED).count()
    state = state_for_newcomer(activity.capacity, taken)
    activity.last_arrival += 1
    activity.save(update_fields=["last_arrival"])
    registration = Registration.objects.create(
        community_id=activity.community_id,
        activity=activity,
        person=person,
        user=person.user,
        recorded_by=recorded_by,
        status=state.value,
        arrival=activity.last_arrival,
    )
    params = {"person": person.full_name, "title": activity.title}
    if state.value == RegistrationStatus.REGISTERED:
        record_audit(
            actor=actor,
            action="registration.create",
            obj=registration,
            summary=gettext_noop("%(person)s registered for %(title)s"),
            params=params,
            community=activity.community,
        )
    else:
        record_audit(
            actor=actor,
            action="registration.waitlist",
            obj=registration,
            summary=gettext_noop("%(person)s joined the wait-list of %(title)s"),
            params=params,
            community=activity.community,
        )
    return registration


def _may_change(actor: Actor, registration: Registration) -> bool:
    own = registration.person.user_id is not None and registration.person.user_id == actor.pk
    return own or actor.has_perm("activities.run_activity", registration.activity)


@service
def cancel_registration(actor: Actor, registration: Registration) -> Registration:
    """Give up a place (or a place in the queue); the first wait-listed moves up and is told."""
    if not _may_change(actor, registration):
        raise PermissionDenied
    activity = lock(registration.activity)
    registration = lock(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    if registration.checked_in_at is not None:
        raise ValidationError(_("You have already been checked in."))
    held_a_place = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    record_audit(
        actor=actor,
        action="registration.cancel",
        obj=registration,
        summary=gettext_noop("%(person)s's registration for %(title)s cancelled"),
        params={"person": registration.person.full_name, "title": activity.title},
        community=activity.community,
    )
    if held_a_place and activity.status == ActivityStatus.PUBLISHED:
        promote_waiting(activity)
    return registration


def _check_in(actor: Actor, registration: Registration, method: CheckInMethod) -> Registration:
    if registration.status != RegistrationStatus.REGISTERED:
        message = {
            RegistrationStatus.WAITLISTED: _("%(person)s is on the wait-list, not registered."),
            RegistrationStatus.CANCELLED: _("%(person)s cancelled this registration."),
        }[RegistrationStatus(registration.status)]
        raise ValidationError({"code": [message % {"person": registration.person.full_name}]})
    if registration.checked_in_at is not None:
        return registration
    registration.checked_in_at = timezone.now()
    registration.check_in_method = method
    registration.checked_in_by = actor  # type: ignore[assignment]
    registration.save(update_fields=["checked_in_at", "check_in_method", "checked_in_by"])
    record_audit(
        actor=actor,
        action="registration.check_in",
        obj=registration,
        summary=gettext_noop("%(person)s checked in at %(title)s (%(method)s)"),
        params={
            "person": registration.person.full_name,
            "title": registration.activity.title,
            "method": method,
        },
        community=registration.activity.community,
    )
    return registration


@service
def check_in(actor: Actor, activity: Activity, code: str) -> Registration:
    """Check in the registration whose code the organiser's phone scanned (or staff typed)."""
    require(actor, "activities.run_activity", activity)
    parsed = codes.parse(code)
    if parsed is None:
        raise ValidationError({"code": [_("This is not a check-in code of Comity.")]})
    if parsed.activity_id != activity.pk:
        other = Activity.objects.filter(pk=parsed.activity_id, community_id=activity.community_id).first()
        if other is not None:
            message = _("This code is for another activity: %(title)s.") % {"title": other.title}
        else:
            message = _("This code is for another activity.")
        raise ValidationError({"code": [message]})
    activity = lock(activity)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("person", "activity")
        .filter(pk=parsed.registration_id, activity=activity)
        .first()
    )
    if registration is None or not codes.verifies(activity, parsed):
        raise ValidationError(
            {"code": [_("This code does not verify: check the letters, or tick the name.")]}
        )
    return _check_in(actor, registration, CheckInMethod.SCAN)


@service
def check_in_from_list(actor: Actor, registration: Registration) -> Registration:
    """Tick a name on the on-screen or printed list."""
    require(actor, "activities.run_activity", registration.activity)
    lock(registration.activity)
    registration = lock(registration, "person", "activity")
    return _check_in(actor, registration, CheckInMethod.LIST)
