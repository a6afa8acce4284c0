"""The filing form and its status for the organisation's staff, its documents, and the committee's and the street
office's review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.engine.ngo_grading import FILING_EDITABLE, filing_next
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.services import require
from comity.foundation.uploads import serve_upload
from comity.ngos.forms import DecisionForm, FilingForm, ReviewForm
from comity.ngos.models import Filing
from comity.ngos.permissions import parties_of
from comity.ngos.selectors import filing_queue, filings_of, get_filing_for_user, get_subject_in, open_filing
from comity.ngos.services import decide_filing, review_filing, save_filing
from comity.structure.selectors import get_community_for_user


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("ngos.filing")
def filing(request: HttpRequest, community_id: int, subject_id: int) -> HttpResponse:
    """The organisation's application: written, sent, and followed to the street office's decision."""
    community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
    subject = get_subject_in(request.user, community, subject_id)
    profile = getattr(subject, "organisation_profile", None)
    if profile is None:
        require(request.user, "ngos.create_profile", subject)
        messages.info(request, _("Write the organisation's profile first."))
        return redirect("ngos:profile", community.pk, subject.pk)
    require(request.user, "ngos.file", profile)
    current = open_filing(profile)
    editable = current is None or current.status in FILING_EDITABLE
    initial = (
        {"tier": current.tier, "purpose": current.purpose, "members_count": current.members_count}
        if current
        else {}
    )
    form = FilingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            title = data["document_title"]
            try:
                save_filing(
                    request.user,
                    profile,
                    tier=data["tier"],
                    purpose=data["purpose"],
                    members_count=data["members_count"],
                    documents=[(title or upload.name, upload) for upload in data["documents"]],
                    submit=request.POST.get("action") == "submit",
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                sent = request.POST.get("action") == "submit"
                messages.success(request, _("Sent to the residents' committee.") if sent else _("Saved."))
                return redirect("ngos:filing", community.pk, subject.pk)
    context = {
        "community": community,
        "subject": subject,
        "profile": profile,
        "current": current,
        "editable": editable,
        "form": form,
        "filings": filings_of(profile),
    }
    return render(request, "ngos/filing.html", context, status=400 if form.errors else 200)


@login_required
def document(request: HttpRequest, community_id: int, filing_id: int, document_id: int) -> HttpResponseBase:
    community = get_community_for_user(request.user, community_id, perm="ngos.see_organisations")
    found = get_filing_for_user(request.user, community, filing_id, "ngos.see_filing")
    item = found.documents.filter(pk=document_id).first()
    if item is None:
        raise Http404
    return serve_upload(item.file, content_type=item.content_type, download_name=item.original_name)


@login_required
def queue(request: HttpRequest, community_id: int) -> HttpResponse:
    """Filings waiting for the committee, and those waiting for the street office."""
    community = get_community_for_user(request.user, community_id, perm="ngos.see_queues")
    context = {
        "community": community,
        "waiting": filing_queue(community, Filing.Status.SUBMITTED),
        "with_street": filing_queue(community, Filing.Status.REVIEWED),
        "refused": filing_queue(community, Filing.Status.REFUSED),
    }
    return render(request, "ngos/queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, community_id: int, filing_id: int) -> HttpResponse:
    """One filing, with the committee's review or the street office's decision as the state allows."""
    community = get_community_for_user(request.user, community_id, perm="ngos.see_queues")
    item = get_filing_for_user(request.user, community, filing_id, "ngos.see_queues")
    allowed = filing_next(item.status, parties_of(request.user, item))
    may_review = "reviewed" in allowed
    may_decide = "approved" in allowed
    review_form = ReviewForm(
        request.POST if request.POST.get("action") == "review" else None, prefix="review"
    )
    decision_form = DecisionForm(
        request.POST if request.POST.get("action") in {"approve", "refuse"} else None, prefix="decide"
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "review" and may_review:
                if review_form.is_valid():
                    review_filing(request.user, item, **review_form.cleaned_data)
                    messages.success(request, _("The review is sent to the street office."))
                    return redirect("ngos:queue", community.pk)
            elif action in {"approve", "refuse"} and may_decide:
                if decision_form.is_valid():
                    decide_filing(
                        request.user,
                        item,
                        approve=action == "approve",
                        reasons=decision_form.cleaned_data["reasons"],
                    )
                    messages.success(request, _("The decision is recorded."))
                    return redirect("ngos:review", community.pk, item.pk)
            else:
                raise Http404
        except ValidationError as error:
            add_service_errors(review_form if action == "review" else decision_form, error)
    errors = review_form.errors or decision_form.errors
    context = {
        "community": community,
        "item": item,
        "documents": list(item.documents.all()),
        "review_form": review_form if may_review else None,
        "decision_form": decision_form if may_decide else None,
    }
    return render(request, "ngos/review.html", context, status=400 if errors else 200)
