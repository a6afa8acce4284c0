"""Residents' pages: the community's activities, an activity with Register or Cancel, my registrations and the QR
code that gets me in."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comity.activities import codes, selectors
from comity.activities.models import ActivityStatus, RegistrationStatus
from comity.activities.services.registrations import cancel_registration, register
from comity.structure.selectors import get_community_for_user


@login_required
@require_GET
def activity_list(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="activities.see_activities")
    past = request.GET.get("when") == "past"
    context = {
        "community": community,
        "activities": selectors.community_activities(request.user, community, past=past),
        "past": past,
        "may_create": request.user.has_perm("activities.create_activity", community),
    }
    return render(request, "activities/list.html", context)


@login_required
@require_GET
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id)
    person = selectors.person_of(request.user)
    mine = selectors.active_registration(activity, person)
    full = activity.registered_count >= activity.capacity  # type: ignore[attr-defined]
    context = {
        "community": activity.community,
        "activity": activity,
        "mine": mine,
        "position": selectors.queue_position(mine) if mine else None,
        "full": full,
        "next_position": selectors.waiting_ahead_of_newcomer(activity) if full else None,
        "may_register": (
            person is not None
            and mine is None
            and activity.status == ActivityStatus.PUBLISHED
            and request.user.has_perm("activities.register", activity)
        ),
        "runs": request.user.has_perm("activities.run_activity", activity),
    }
    return render(request, "activities/detail.html", context)


@login_required
@require_POST
def register_me(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id, perm="activities.register")
    try:
        registration = register(request.user, activity)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if registration.status == RegistrationStatus.WAITLISTED:
            position = selectors.queue_position(registration)
            messages.warning(
                request,
                _(
                    "The activity is full: you are number %(position)s on the wait-list. We will tell you if a place frees up."
                )
                % {"position": position},
            )
        else:
            messages.success(request, _("You are registered. Show your code at the entrance."))
    return redirect("activities:activity", activity_id=activity.pk)


@login_required
@require_POST
def cancel_mine(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id)
    mine = selectors.active_registration(activity, selectors.person_of(request.user))
    if mine is not None:
        try:
            cancel_registration(request.user, mine)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your registration is cancelled."))
    return redirect("activities:activity", activity_id=activity.pk)


@login_required
@require_GET
def my_registrations(request: HttpRequest) -> HttpResponse:
    return render(request, "activities/mine.html", {"rows": selectors.my_registrations(request.user)})


@login_required
@require_GET
def ticket(request: HttpRequest, registration_id: int) -> HttpResponse:
    """My code for the entrance: the QR code, and the code printed under it for typing."""
    registration = selectors.get_my_registration(request.user, registration_id)
    context = {
        "registration": registration,
        "activity": registration.activity,
        "code": codes.check_in_code(registration)
        if registration.status == RegistrationStatus.REGISTERED
        else "",
        "position": selectors.queue_position(registration),
    }
    return render(request, "activities/ticket.html", context)


@login_required
@require_GET
def ticket_qr(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = selectors.get_my_registration(request.user, registration_id)
    if registration.status != RegistrationStatus.REGISTERED:
        return HttpResponse(status=404)
    buffer = io.BytesIO()
    segno.make(codes.check_in_code(registration), error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, title=_("Check-in code")
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response
