"""The organiser's pages: announce and edit an activity, publish or cancel it, its places, the registrations with
the wait-list, and registering someone without a phone at the counter."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comity.activities import selectors
from comity.activities.forms import (
    ActivityForm,
    CancelActivityForm,
    CapacityForm,
    PersonSearchForm,
    organisers_for,
)
from comity.activities.models import Activity
from comity.activities.services.activities import (
    EDITABLE,
    cancel_activity,
    change_capacity,
    create_activity,
    publish_activity,
    update_activity,
)
from comity.activities.services.registrations import cancel_registration, register
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.personal_data import Read
from comity.structure.models import Person
from comity.structure.reads import note_reads
from comity.structure.selectors import get_community_for_user

RUN = "activities.run_activity"


def _values(form: ActivityForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in EDITABLE} | {
        "description": form.cleaned_data["description"]
    }


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice(lambda request, kwargs: f"activities.create:{kwargs['community_id']}")
def create(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="activities.create_activity")
    organisers = organisers_for(request.user, community)
    form = ActivityForm(request.POST or None, community=community, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        try:
            activity = create_activity(
                request.user,  # type: ignore[arg-type]
                community,
                organiser=form.cleaned_data["organiser"],
                capacity=form.cleaned_data["capacity"],
                **_values(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved as a draft. Publish it when it is ready."))
            return redirect("activities:activity", activity_id=activity.pk)
    return render(request, "activities/form.html", {"community": community, "form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id, perm=RUN)
    community = activity.community
    organisers = organisers_for(request.user, community) | type(activity.organiser).objects.filter(
        pk=activity.organiser_id
    )
    initial = {name: getattr(activity, name) for name in (*EDITABLE, "capacity", "organiser")}
    form = ActivityForm(request.POST or None, community=community, organisers=organisers, initial=initial)
    form.fields["organiser"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            update_activity(request.user, activity, capacity=form.cleaned_data["capacity"], **_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("activities:activity", activity_id=activity.pk)
    return render(
        request, "activities/form.html", {"community": community, "form": form, "activity": activity}
    )


@login_required
@require_POST
def publish(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id, perm=RUN)
    try:
        publish_activity(request.user, activity)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Published: residents can register now."))
    return redirect("activities:activity", activity_id=activity.pk)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id, perm=RUN)
    form = CancelActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cancel_activity(request.user, activity, reason=form.cleaned_data["reason"])
        messages.success(request, _("The activity is cancelled; everyone registered is told."))
        return redirect("activities:activity", activity_id=activity.pk)
    return render(
        request,
        "activities/cancel.html",
        {"community": activity.community, "activity": activity, "form": form},
    )


def _registrations_page(
    request: HttpRequest, activity: Activity, capacity_form: CapacityForm
) -> HttpResponse:
    grouped = selectors.registrations_of(activity)
    shown = [row.person_id for rows in grouped.values() for row in rows]
    note_reads(request, activity.community, shown, Read.REGISTRY)
    context = {
        "community": activity.community,
        "activity": activity,
        "registered": grouped["registered"],
        "waiting": grouped["waitlisted"],
        "cancelled": grouped["cancelled"],
        "capacity_form": capacity_form,
        "counter": request.user.has_perm("activities.register_at_counter", activity),
    }
    return render(request, "activities/registrations.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def registrations(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Who is registered and who waits, in arrival order; the places can be changed here."""
    activity = selectors.get_activity_for_user(request.user, activity_id, perm=RUN)
    form = CapacityForm(request.POST or None, initial={"capacity": activity.capacity})
    if request.method == "POST" and form.is_valid():
        try:
            change_capacity(request.user, activity, form.cleaned_data["capacity"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Places changed."))
            return redirect("activities:registrations", activity_id=activity.pk)
    return _registrations_page(request, activity, form)


@login_required
@require_POST
def cancel_for(request: HttpRequest, activity_id: int, registration_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id, perm=RUN)
    registration = selectors.get_registration_of(activity, registration_id)
    try:
        cancel_registration(request.user, registration)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Registration of %(name)s cancelled.") % {"name": registration.person.full_name}
        )
    return redirect("activities:registrations", activity_id=activity.pk)


@login_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Register a person of the registry who came to the counter (no phone, no account)."""
    activity = selectors.get_activity_for_user(
        request.user, activity_id, perm="activities.register_at_counter"
    )
    if request.method == "POST":
        chosen = request.POST.get("person", "")
        person = (
            Person.objects.filter(pk=int(chosen), community=activity.community).first()
            if chosen.isdigit() and len(chosen) < 12
            else None
        )
        if person is None:
            raise Http404
        try:
            registration = register(request.user, activity, person)  # type: ignore[arg-type]
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": person.full_name, "status": registration.get_status_display()},
            )
        return redirect("activities:registrations", activity_id=activity.pk)
    form = PersonSearchForm(request.GET or None)
    people = selectors.find_people(activity.community, form.cleaned_data["q"]) if form.is_valid() else []
    note_reads(request, activity.community, [person.pk for person in people], Read.REGISTRY)
    context = {"community": activity.community, "activity": activity, "form": form, "people": people}
    return render(request, "activities/counter.html", context)
