"""Check-in at the door: ticking names on the on-screen list, scanning residents' QR codes with the phone's camera
(or typing the code printed under it), and the list printed for a door without a phone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comity.activities import selectors
from comity.activities.forms import CodeForm
from comity.activities.models import Activity
from comity.activities.services.registrations import check_in, check_in_from_list
from comity.foundation.forms import add_service_errors
from comity.foundation.personal_data import Read
from comity.structure.reads import note_reads

RUN = "activities.run_activity"


def _people_page(request: HttpRequest, activity: Activity, template: str) -> HttpResponse:
    registered = selectors.registrations_of(activity)["registered"]
    note_reads(request, activity.community, [row.person_id for row in registered], Read.REGISTRY)
    context = {
        "community": activity.community,
        "activity": activity,
        "registered": registered,
        "arrived": sum(1 for row in registered if row.checked_in_at),
        # The volunteers app credits the activity's hours to everyone checked in (a permission name, no import:
        # volunteers sits above activities).
        "may_record_hours": activity.volunteer_hours is not None
        and request.user.has_perm("volunteers.verify_hours", activity.community),
    }
    return render(request, template, context)


@login_required
@require_GET
def check_in_list(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id, perm=RUN)
    return _people_page(request, activity, "activities/check_in.html")


@login_required
@require_POST
def tick(request: HttpRequest, activity_id: int, registration_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id, perm=RUN)
    registration = selectors.get_registration_of(activity, registration_id)
    try:
        check_in_from_list(request.user, registration)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s checked in.") % {"name": registration.person.full_name})
    return redirect(reverse("activities:check_in", args=[activity.pk]) + f"#r{registration.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The camera reads the QR code into the field and sends the form; the code can also be typed."""
    activity = selectors.get_activity_for_user(request.user, activity_id, perm=RUN)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = check_in(request.user, activity, form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note_reads(request, activity.community, [registration.person_id], Read.PERSON)
            messages.success(request, _("%(name)s checked in.") % {"name": registration.person.full_name})
            return redirect("activities:scan", activity_id=activity.pk)
    return render(
        request, "activities/scan.html", {"community": activity.community, "activity": activity, "form": form}
    )


@login_required
@require_GET
def printable(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id, perm=RUN)
    return _people_page(request, activity, "activities/print.html")
