"""The committee's counter: find the person who came in, then record their consent or their request for them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.foundation.forms import add_service_errors
from comity.foundation.personal_data import Read
from comity.privacy.forms import REQUEST_FORMS, ReviewRequestForm
from comity.privacy.selectors.consent import get_person_in_community
from comity.privacy.selectors.people import QUERY_MAX, find_people
from comity.privacy.selectors.requests import own_appeals
from comity.privacy.services.requests import record_request
from comity.structure.reads import note_reads
from comity.structure.selectors import get_community_for_user


@login_required
@require_http_methods(["GET"])
def people(request: HttpRequest, community_id: int) -> HttpResponse:
    """Search the register by name, unit number or the end of a phone number; the people listed are recorded as
    read."""
    community = get_community_for_user(request.user, community_id, perm="privacy.record_consent")
    query = request.GET.get("q", "")[:QUERY_MAX].strip()
    found = find_people(community, query)
    note_reads(request, community, [person.pk for person in found], Read.REGISTRY)
    context = {"community": community, "query": query, "found": found}
    return render(request, "privacy/people.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_for(request: HttpRequest, community_id: int, person_id: int, kind: str) -> HttpResponse:
    """Staff enter a request a resident made in person or on paper: the same forms a resident fills in."""
    community = get_community_for_user(request.user, community_id, perm="privacy.record_consent")
    if kind not in REQUEST_FORMS:
        raise Http404
    person = get_person_in_community(community, person_id)
    note_reads(request, community, [person.pk], Read.PERSON)
    form_class = REQUEST_FORMS[kind]
    extra: dict[str, Any] = {}
    if form_class is ReviewRequestForm:
        extra["appeals"] = own_appeals(person, person.user)
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = record_request(
                request.user,
                person,
                kind,
                target=data.get("target", ""),
                proposed=data.get("proposed", ""),
                details=data.get("details", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The request of %(name)s is recorded: it is due in 15 working days.")
                % {"name": person.full_name},
            )
            if request.user.has_perm("privacy.handle_requests", community):
                return redirect("privacy:handle_request", community_id=community.pk, request_id=created.pk)
            return redirect("privacy:people", community_id=community.pk)
    context = {"community": community, "person": person, "kind": kind, "form": form}
    return render(request, "privacy/request_record.html", context, status=400 if form.errors else 200)
