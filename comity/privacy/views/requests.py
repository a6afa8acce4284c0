"""Requests about one's personal data: asking and following from My account, and the committee's queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.engine.privacy import BY_CODE
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.personal_data import Read
from comity.foundation.services import require
from comity.privacy.forms import (
    CORRECTION_FIELDS,
    REQUEST_FORMS,
    CorrectionAnswerForm,
    RefuseForm,
    ReviewAnswerForm,
    ReviewRequestForm,
)
from comity.privacy.models import RequestKind, RequestStatus, RightsRequest
from comity.privacy.register import WORDS
from comity.privacy.selectors.requests import (
    get_my_request,
    get_request_for_handling,
    household_members,
    own_appeals,
    person_of,
    queue_counts,
    request_queue,
)
from comity.privacy.services.requests import (
    answer_review,
    ask,
    carry_out_correction,
    carry_out_deletion,
    refuse,
    withdraw_request,
)
from comity.structure.reads import note_reads
from comity.structure.selectors import get_community_for_user

PAGE_SIZE = 50
FIELD_WORDS = dict(CORRECTION_FIELDS)


def target_words(request: RightsRequest) -> str:
    """What a request is about, in words."""
    if request.kind == RequestKind.CORRECTION:
        return str(FIELD_WORDS.get(request.target, request.target))
    if request.kind == RequestKind.DELETION:
        if request.target in BY_CODE:
            return str(WORDS[request.target].name)
        return _("All my data")
    if request.target.startswith("appeal:"):
        return _("An appeal")
    return _("An automatic step")


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice(lambda request, kwargs: f"privacy.request:{kwargs['kind']}")
def new_request(request: HttpRequest, kind: str) -> HttpResponse:
    """Ask to correct, delete, or have an automatic step reviewed."""
    require(request.user, "privacy.manage_own_data")
    if kind not in REQUEST_FORMS:
        raise Http404
    person = person_of(request.user)
    form_class = REQUEST_FORMS[kind]
    extra: dict[str, Any] = {}
    if form_class is ReviewRequestForm:
        extra["appeals"] = own_appeals(person, request.user)
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and person is not None and form.is_valid():
        data = form.cleaned_data
        try:
            created = ask(
                request.user,
                kind,
                target=data.get("target", ""),
                proposed=data.get("proposed", ""),
                details=data.get("details", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your request is sent. The committee answers within 15 working days.")
            )
            return redirect("privacy:my_request", request_id=created.pk)
    context = {"kind": kind, "form": form, "person": person}
    return render(request, "privacy/request_new.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def my_request(request: HttpRequest, request_id: int) -> HttpResponse:
    """One of my requests: where it stands, the answer, and withdrawing it while it is open."""
    require(request.user, "privacy.manage_own_data")
    found = get_my_request(request.user, request_id)
    if request.method == "POST":
        if found.is_open:
            try:
                withdraw_request(request.user, found)
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
            else:
                messages.success(request, _("Your request is withdrawn."))
        return redirect("privacy:my_request", request_id=found.pk)
    return render(request, "privacy/request_mine.html", {"item": found, "about": target_words(found)})


@login_required
def queue(request: HttpRequest, community_id: int) -> HttpResponse:
    """The committee's requests: open ones first, the overdue flagged, filtered by status."""
    community = get_community_for_user(request.user, community_id, perm="privacy.handle_requests")
    status = request.GET.get("status", "")
    if status not in RequestStatus.values:
        status = ""
    try:
        number = max(1, min(int(request.GET.get("page") or 1), 10_000))
    except ValueError:
        number = 1
    page = Paginator(request_queue(community, status), PAGE_SIZE).get_page(number)
    rows = [(item, target_words(item)) for item in page]
    context = {
        "community": community,
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": RequestStatus.choices,
        "counts": queue_counts(community),
    }
    return render(request, "privacy/requests.html", context)


def _forms(data: Any = None, *, item: RightsRequest, action: str = "") -> dict[str, Any]:
    """The answer forms the request's state allows, the posted one bound to ``data``."""
    if not item.is_open:
        return {}
    forms: dict[str, Any] = {"refuse": RefuseForm(data if action == "refuse" else None, prefix="refuse")}
    if item.kind == RequestKind.CORRECTION:
        forms["correct"] = CorrectionAnswerForm(
            data if action == "correct" else None, prefix="correct", initial={"value": item.proposed}
        )
    elif item.kind == RequestKind.REVIEW:
        forms["answer"] = ReviewAnswerForm(data if action == "answer" else None, prefix="answer")
    else:
        forms["delete"] = True
    return forms


def _act(request: HttpRequest, item: RightsRequest, action: str, forms: dict[str, Any]) -> bool:
    """Carry out the posted action; True when it was done."""
    form = forms.get(action)
    if form is None:
        return False
    if action == "delete":
        carry_out_deletion(request.user, item)
        return True
    if not form.is_valid():
        return False
    try:
        if action == "correct":
            carry_out_correction(request.user, item, form.cleaned_data["value"], form.cleaned_data["answer"])
        elif action == "refuse":
            refuse(request.user, item, form.cleaned_data["reasons"])
        else:
            answer_review(request.user, item, form.cleaned_data["answer"])
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def handle(request: HttpRequest, community_id: int, request_id: int) -> HttpResponse:
    """A request beside the registry's record of the person, with the answers its state allows."""
    community = get_community_for_user(request.user, community_id, perm="privacy.handle_requests")
    item = get_request_for_handling(request.user, community, request_id)
    person = item.person
    if person is not None:
        note_reads(request, community, [person.pk], Read.PERSON)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _forms(request.POST if action else None, item=item, action=action)
    if action:
        if not item.is_open:
            messages.info(request, _("This request has already been answered."))
            return redirect("privacy:handle_request", community_id=community.pk, request_id=item.pk)
        try:
            done = _act(request, item, action, forms)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            done = False
        if done:
            messages.success(request, _("The request is answered and the resident told."))
            return redirect("privacy:handle_request", community_id=community.pk, request_id=item.pk)
    context = {
        "community": community,
        "item": item,
        "about": target_words(item),
        "person": person,
        "household": household_members(person) if person is not None else [],
        "current_value": getattr(person, item.target, "")
        if person and item.kind == RequestKind.CORRECTION
        else "",
        "forms": forms,
    }
    failed = any(getattr(form, "errors", None) for form in forms.values())
    return render(request, "privacy/request_handle.html", context, status=400 if failed else 200)
