"""The organisers' side: record volunteers' hours, and the queue of hours to verify or reject."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.personal_data import Read
from comity.structure.reads import note_reads
from comity.structure.selectors import get_community_for_user
from comity.volunteers.forms import HoursForm, RejectForm
from comity.volunteers.models import ClaimStatus
from comity.volunteers.selectors.staff import (
    VERIFY,
    get_activity,
    get_claim_for_verifying,
    organisers_for,
    verification_queue,
    volunteers_of,
)
from comity.volunteers.services.hours import (
    record_activity_hours,
    record_hours,
    reject_hours,
    revoke_hours,
    verify_hours,
)

QUEUE_SIZE = 200


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice(lambda request, kwargs: f"volunteers.hours:{kwargs['community_id']}")
def queue(request: HttpRequest, community_id: int) -> HttpResponse:
    """Hours waiting for verification (the organisers the user works for), and the form to record more."""
    community = get_community_for_user(request.user, community_id, perm=VERIFY)
    form = HoursForm(
        request.POST or None,
        organisers=organisers_for(request.user, community),
        people=volunteers_of(community),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_hours(
                request.user,
                data["organiser"],
                data["person"],
                data["served_on"],
                data["hours"],
                data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The hours are recorded and wait for verification."))
            return redirect("volunteers:queue", community_id=community.pk)
    rows = list(verification_queue(request.user, community)[:QUEUE_SIZE])
    note_reads(request, community, [row.person_id for row in rows], Read.PERSON)
    manages = request.user.has_perm("volunteers.manage_time_bank", community)
    context = {"community": community, "form": form, "rows": rows, "manages": manages}
    return render(request, "volunteers/queue.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, community_id: int, claim_id: int) -> HttpResponse:
    """One volunteer's hours: verify them (deposited in the time bank), reject them with a reason, or revoke them."""
    community = get_community_for_user(request.user, community_id, perm=VERIFY)
    found = get_claim_for_verifying(request.user, community, claim_id)
    note_reads(request, community, [found.person_id], Read.PERSON)
    action = request.POST.get("action", "")
    form = RejectForm(request.POST if action in {"reject", "revoke"} else None)
    if request.method == "POST":
        try:
            if action == "verify":
                verify_hours(request.user, found)
                messages.success(request, _("The hours are verified and deposited in the time bank."))
                return redirect("volunteers:queue", community_id=community.pk)
            if action in {"reject", "revoke"} and form.is_valid():
                service = reject_hours if action == "reject" else revoke_hours
                service(request.user, found, form.cleaned_data["reason"])
                messages.success(request, _("Done: the volunteer reads your reason."))
                return redirect("volunteers:queue", community_id=community.pk)
            if action not in {"verify", "reject", "revoke"}:
                form.add_error(None, _("Choose what to do."))
        except ValidationError as error:
            add_service_errors(form, error)
    context = {"community": community, "item": found, "form": form, "statuses": ClaimStatus}
    return render(request, "volunteers/claim.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def activity_hours(request: HttpRequest, community_id: int, activity_id: int) -> HttpResponse:
    """Record the activity's hours for every checked-in participant (sent twice, records nobody twice)."""
    community = get_community_for_user(request.user, community_id, perm=VERIFY)
    activity = get_activity(community, activity_id)
    try:
        claims = record_activity_hours(request.user, activity)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("Hours recorded for %(count)s checked-in participants.") % {"count": len(claims)}
        )
    return redirect("volunteers:queue", community_id=community.pk)
