"""Incubation (list, entering, steps, support), the fiscal host's ledger, and grading."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.engine.money import yuan_to_fen
from comity.engine.ngo_grading import Dimension, incubation_next
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.services import require
from comity.ngos.forms import DIMENSION_WORDS, GradeForm, HostedForm, IncubationForm, SupportForm
from comity.ngos.permissions import parties_of
from comity.ngos.selectors import (
    get_incubation_for_user,
    get_subject_in,
    grading_rows,
    hosted_balance,
    hosted_entries,
    incubations_of,
    incubators_for,
    profiles_of,
)
from comity.ngos.services import (
    apply_for_incubation,
    move_incubation,
    record_grade,
    record_hosted_money,
    record_support,
)
from comity.structure.models import GovernanceSubject
from comity.structure.selectors import get_community_for_user


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("ngos.incubation")
def incubation(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="ngos.see_queues")
    may_enter = request.user.has_perm("ngos.manage_incubation", community)
    subjects = GovernanceSubject.objects.filter(pk__in=profiles_of(community).values("subject_id"))
    form = IncubationForm(request.POST or None, profiles=subjects, incubators=incubators_for(community))
    if request.method == "POST":
        require(request.user, "ngos.manage_incubation", community)
        if form.is_valid():
            subject = form.cleaned_data["profile"]
            try:
                apply_for_incubation(
                    request.user,
                    subject.organisation_profile,
                    incubator=form.cleaned_data["incubator"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The organisation is entered for incubation."))
                return redirect("ngos:incubation", community.pk)
    context = {"community": community, "rows": incubations_of(community), "form": form if may_enter else None}
    return render(request, "ngos/incubation.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("ngos.support")
def incubation_detail(request: HttpRequest, community_id: int, incubation_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
    item = get_incubation_for_user(request.user, community, incubation_id, "ngos.move_incubation")
    steps = incubation_next(item.stage, parties_of(request.user, item))
    may_support = item.stage == "incubating" and request.user.has_perm("ngos.manage_incubation", item)
    form = SupportForm(request.POST if request.POST.get("action") == "support" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "support" and may_support:
            if form.is_valid():
                data = form.cleaned_data
                try:
                    record_support(
                        request.user,
                        item,
                        kind=data["kind"],
                        description=data["description"],
                        amount_fen=yuan_to_fen(data["amount"]) if data["amount"] else 0,
                        given_on=data["given_on"],
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("The support is recorded."))
                    return redirect("ngos:incubation_detail", community.pk, item.pk)
        elif action in steps:
            move_incubation(request.user, item, stage=action)
            messages.success(request, _("The stage is changed."))
            return redirect("ngos:incubation_detail", community.pk, item.pk)
        else:
            raise Http404
    context = {
        "community": community,
        "item": item,
        "steps": steps,
        "support": list(item.support.all()),
        "form": form if may_support else None,
    }
    return render(request, "ngos/incubation_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("ngos.hosted")
def hosted(request: HttpRequest, community_id: int, subject_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
    subject = get_subject_in(request.user, community, subject_id)
    profile = getattr(subject, "organisation_profile", None)
    if profile is None or profile.fiscal_host_id is None:
        raise Http404
    require(request.user, "ngos.record_hosted_money", profile)
    form = HostedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fen = yuan_to_fen(data["amount"])
        try:
            record_hosted_money(
                request.user,
                profile,
                amount_fen=fen if data["direction"] == "in" else -fen,
                description=data["description"],
                on=data["on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The entry is recorded."))
            return redirect("ngos:hosted", community.pk, subject.pk)
    context = {
        "community": community,
        "subject": subject,
        "profile": profile,
        "entries": hosted_entries(profile),
        "balance": hosted_balance(profile),
        "form": form,
    }
    return render(request, "ngos/hosted.html", context, status=400 if form.errors else 200)


@login_required
def grading(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="ngos.see_queues")
    context = {
        "community": community,
        "rows": grading_rows(community),
        "may_grade": request.user.has_perm("ngos.record_grade", community),
    }
    return render(request, "ngos/grading.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("ngos.grade")
def grade(request: HttpRequest, community_id: int, subject_id: int) -> HttpResponse:
    community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
    subject = get_subject_in(request.user, community, subject_id)
    profile = getattr(subject, "organisation_profile", None)
    if profile is None:
        raise Http404
    require(request.user, "ngos.record_grade", profile)
    form = GradeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_grade(
                request.user,
                profile,
                scores={dimension: data[dimension.value] for dimension in Dimension},
                assessed_on=data["assessed_on"],
                assessor=data["assessor"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The grade is recorded."))
            return redirect("ngos:organisation", community.pk, subject.pk)
    context = {
        "community": community,
        "subject": subject,
        "profile": profile,
        "form": form,
        "words": DIMENSION_WORDS,
    }
    return render(request, "ngos/grade_form.html", context, status=400 if form.errors else 200)
