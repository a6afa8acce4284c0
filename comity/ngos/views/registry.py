"""The community's organisations against the target of 10, one organisation's page, its profile and catalogue,
and the street's overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.engine.ngo_grading import eligible_from, incubation_next, is_eligible
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.services import require
from comity.ngos.forms import OfferForm, ProfileForm
from comity.ngos.permissions import parties_of
from comity.ngos.selectors import (
    counted,
    current_grade,
    filings_of,
    get_subject_in,
    hosted_balance,
    incubators_for,
    organisation_rows,
    street_counts,
    street_filing_queue,
    target_words,
)
from comity.ngos.services import add_offer, create_profile, update_profile
from comity.structure.selectors import get_community_for_user, get_street_for_user

PROFILE_FIELDS = (
    "tier",
    "credit_code",
    "contact_name",
    "contact_phone",
    "founded_on",
    "registered_or_filed_on",
    "service_fields",
    "fiscal_host",
)


@login_required
def organisations(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
    rows = organisation_rows(community)
    context = {
        "community": community,
        "rows": rows,
        "target": target_words(counted(community)),
        "is_staff": request.user.has_perm("ngos.see_queues", community),
    }
    return render(request, "ngos/organisations.html", context)


@login_required
def organisation(request: HttpRequest, community_id: int, subject_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
    subject = get_subject_in(request.user, community, subject_id)
    profile = getattr(subject, "organisation_profile", None)
    today = timezone.localdate()
    context = {
        "community": community,
        "subject": subject,
        "profile": profile,
        "may_manage": request.user.has_perm("ngos.create_profile", subject),
    }
    if profile is not None:
        grades = list(profile.grades.order_by("-assessed_on", "-pk"))
        incubations = list(profile.incubations.select_related("incubator").prefetch_related("support"))
        context |= {
            "grades": grades,
            "grade": current_grade(grades, today),
            "eligible": is_eligible(profile.registered_or_filed_on, today),
            "eligible_from": eligible_from(profile.registered_or_filed_on)
            if profile.registered_or_filed_on
            else None,
            "offers": list(
                profile.offers.filter(is_active=True).select_related("category").prefetch_related("areas")
            ),
            "incubations": [
                (item, incubation_next(item.stage, parties_of(request.user, item))) for item in incubations
            ],
            "may_file": request.user.has_perm("ngos.file", profile),
            "filings": filings_of(profile) if request.user.has_perm("ngos.see_filing", profile) else [],
            "balance": hosted_balance(profile) if profile.fiscal_host_id else None,
            "may_host": request.user.has_perm("ngos.record_hosted_money", profile),
            "may_grade": request.user.has_perm("ngos.record_grade", profile),
        }
    return render(request, "ngos/organisation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, community_id: int, subject_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
    subject = get_subject_in(request.user, community, subject_id)
    profile = getattr(subject, "organisation_profile", None)
    require(request.user, "ngos.create_profile", subject)
    hosts = incubators_for(community).exclude(pk=subject.pk)
    initial = (
        {field: getattr(profile, field) for field in PROFILE_FIELDS}
        if profile
        else {"tier": subject.legal_status or "community_guided", "founded_on": subject.established_on}
    )
    form = ProfileForm(request.POST or None, initial=initial, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        try:
            if profile is None:
                create_profile(request.user, subject, **form.cleaned_data)
            else:
                update_profile(request.user, profile, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("ngos:organisation", community.pk, subject.pk)
    context = {"community": community, "subject": subject, "form": form}
    return render(request, "ngos/profile_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("ngos.offer")
def offer_new(request: HttpRequest, community_id: int, subject_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
    subject = get_subject_in(request.user, community, subject_id)
    profile = getattr(subject, "organisation_profile", None)
    require(request.user, "ngos.create_profile", subject)
    if profile is None:
        messages.info(request, _("Write the organisation's profile first."))
        return redirect("ngos:profile", community.pk, subject.pk)
    form = OfferForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            add_offer(
                request.user,
                profile,
                category=data["category"],
                service_type=data["service_type"],
                title=data["title"],
                capacity=data["capacity"],
                areas=list(data["areas"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service is in the catalogue."))
            return redirect("ngos:organisation", community.pk, subject.pk)
    context = {"community": community, "subject": subject, "form": form}
    return render(request, "ngos/offer_form.html", context, status=400 if form.errors else 200)


@login_required
def street_overview(request: HttpRequest, street_id: int) -> HttpResponse:
    street = get_street_for_user(request.user, street_id, perm="ngos.oversee_street")
    rows = street_counts(street)
    context = {
        "street": street,
        "rows": rows,
        "total": sum(words["count"] for _, words in rows),
        "short": sum(1 for _, words in rows if not words["met"]),
        "queue": street_filing_queue(street),
    }
    return render(request, "ngos/street.html", context)
