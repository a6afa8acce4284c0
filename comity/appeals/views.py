"""Appeal pages: a resident's intake, my appeals and the case page; the staff workbench; public appeals.

Thin, as everywhere: parse → permission → service → render. Every step a user can take on the case page is a
form posted to :func:`act`, which calls the service; the engine decides, and a refusal comes back as a form
error in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comity.appeals import selectors, selectors_public, services
from comity.appeals.community_settings import appeal_settings
from comity.appeals.forms import (
    AppealForm,
    MergeForm,
    QueueFilterForm,
    RatingForm,
    ReasonForm,
    RedispatchForm,
    ReplyForm,
    TextForm,
    VisitForm,
    reply_templates,
)
from comity.appeals.models import STATUS_LABELS, Appeal, Attachment, Dispatch, DispatchRole
from comity.appeals.permissions import parts_in
from comity.engine.appeals import OPEN_STATUSES, Actor, AppealEvent, AppealStatus, allowed_events
from comity.engine.category_suggest import suggest_categories
from comity.foundation.idempotency import safe_to_send_twice
from comity.structure import selectors as structure_selectors
from comity.structure.models import Area, Community, GovernanceSubject, MatterCategory, Unit
from comity.structure.scope import scope_for
from comity.structure.views import _apply_validation_error

OPEN = [status.value for status in OPEN_STATUSES]


# --- intake -------------------------------------------------------------------------------------------------


def _intake_scope(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return f"appeals.new:{kwargs['community_id']}"


def _mine_url(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return reverse("appeals:mine", args=[kwargs["community_id"]])


def _picked(queryset: QuerySet[Any], value: Any) -> Any:
    text = str(value or "")
    return queryset.filter(pk=int(text)).first() if text.isdigit() and len(text) < 19 else None


def _similar_for(community: Community, *, category: Any, area: Any, unit: Any) -> list[Appeal]:
    """Public appeals like the one being written; a place chosen on purpose counts over the home (as on sending)."""
    return selectors.similar_public_appeals(
        community, category=category, area=area, unit=None if area else unit, now=timezone.now()
    )


def _similar_typed(community: Community, data: Any) -> list[Appeal]:
    """The same from what is typed so far (the htmx request, or a form with errors): unknown ids are ignored."""
    return _similar_for(
        community,
        category=_picked(MatterCategory.objects.all(), data.get("category")),
        area=_picked(Area.objects.filter(community=community), data.get("area")),
        unit=_picked(Unit.objects.filter(community=community).select_related("building"), data.get("unit")),
    )


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice(_intake_scope, pending_url=_mine_url, ignore=("similar_seen",))
def new_appeal(request: HttpRequest, community_id: int) -> HttpResponse:
    """The intake form. Before sending, the resident sees open public appeals about the same matter at the same
    place (as the form is filled, through htmx; without JavaScript, the first sending shows them and asks to
    send anyway), and the form is safe to send twice (:mod:`comity.foundation.idempotency`)."""
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.submit_appeal"
    )
    user = request.user
    if request.method == "GET" and request.GET.get("similar"):
        found = _similar_typed(community, request.GET)
        return render(request, "appeals/_similar.html", {"community": community, "similar": found})
    can_assist = user.has_perm("appeals.record_for_resident", community)
    assisted = can_assist and request.GET.get("for") == "resident"
    form = AppealForm(
        request.POST or None, request.FILES or None, community=community, user=user, assisted=assisted
    )
    similar: list[Appeal] = []
    confirming = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        similar = _similar_for(
            community, category=data["category"], area=data.get("area"), unit=data.get("unit")
        )
        seen = set(request.POST.getlist("similar_seen"))
        confirming = any(str(other.pk) not in seen for other in similar)
        if not confirming:
            try:
                appeal = services.submit_appeal(user, community, **form.service_kwargs())
            except ValidationError as error:
                _apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("Appeal %(number)s received and passed to %(lead)s.")
                    % {"number": appeal.number, "lead": appeal.lead_subject},
                )
                return redirect("appeals:detail", community_id=community.pk, appeal_id=appeal.pk)
    elif request.method == "POST":
        similar = _similar_typed(community, request.POST)
    if request.method == "POST" and request.FILES:
        form.fields["photos"].help_text = _(
            "Choose your photos again: a browser cannot keep them when the form comes back to you."
        )
    return render(
        request,
        "appeals/new.html",
        {
            "community": community,
            "form": form,
            "assisted": assisted,
            "can_assist": can_assist,
            "similar": similar,
            "confirming": confirming,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def suggest(request: HttpRequest, community_id: int) -> JsonResponse:
    """Categories suggested for the text typed so far (the intake form calls it as the resident types)."""
    structure_selectors.get_community_for_user(request.user, community_id, perm="appeals.submit_appeal")
    text = request.GET.get("text", "")[:2000]
    found = suggest_categories(text, catalogue=selectors.catalogue_specs())
    by_code = {c.code: c for c in MatterCategory.objects.filter(code__in=[s.code for s in found])}
    return JsonResponse(
        {
            "suggestions": [
                {"id": by_code[s.code].pk, "code": s.code, "name": by_code[s.code].name}
                for s in found
                if s.code in by_code
            ]
        }
    )


# --- a resident's appeals and the public list -------------------------------------------------------------------


@login_required
def mine(request: HttpRequest, community_id: int) -> HttpResponse:
    community = structure_selectors.get_community_for_user(request.user, community_id)
    appeals = (
        Appeal.objects.filter(community=community)
        .filter(Q(requester_user=request.user) | Q(duplicates__requester_user=request.user))
        .select_related("category", "lead_subject")
        .distinct()
        .order_by("-received_at")
    )
    page = Paginator(appeals, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "appeals/mine.html",
        {
            "community": community,
            "page": page,
            "can_submit": request.user.has_perm("appeals.submit_appeal", community),
        },
    )


@login_required
def public(request: HttpRequest, community_id: int) -> HttpResponse:
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.see_public_appeals"
    )
    appeals = selectors_public.public_appeals(community)
    page = Paginator(appeals, 30).get_page(request.GET.get("page"))
    return render(request, "appeals/public.html", {"community": community, "page": page})


# --- the case page and its steps ------------------------------------------------------------------------------


@dataclass
class Step:
    """One step a user may take on the case page: the service to call and the form it needs."""

    event: AppealEvent
    label: Any
    form: type[forms.Form] | None = None
    style: str = ""
    confirm: Any = ""


STEPS: dict[str, Step] = {
    step.event.value: step
    for step in [
        Step(AppealEvent.SIGN_FOR, gettext_lazy("Sign for this appeal")),
        Step(AppealEvent.START, gettext_lazy("Start handling"), style="secondary"),
        Step(AppealEvent.REPLY, gettext_lazy("Reply"), ReplyForm),
        Step(AppealEvent.DISPUTE, gettext_lazy("Dispute the dispatch"), ReasonForm, "secondary"),
        Step(AppealEvent.REJECT_DISPUTE, gettext_lazy("Reject the dispute"), ReasonForm, "secondary"),
        Step(
            AppealEvent.REDISPATCH, gettext_lazy("Dispatch to another subject"), RedispatchForm, "secondary"
        ),
        Step(AppealEvent.CLOSE, gettext_lazy("Close the appeal")),
        Step(AppealEvent.VISIT, gettext_lazy("Record a return visit"), VisitForm),
        Step(AppealEvent.RATE, gettext_lazy("Rate the handling"), RatingForm),
        Step(AppealEvent.REOPEN, gettext_lazy("Not satisfied: reopen"), ReasonForm, "secondary"),
        Step(
            AppealEvent.MERGE,
            gettext_lazy("Merge into another appeal"),
            MergeForm,
            "secondary",
        ),
        Step(AppealEvent.NOTE, gettext_lazy("Add an internal note"), TextForm, "secondary"),
        Step(
            AppealEvent.WITHDRAW,
            gettext_lazy("Withdraw my appeal"),
            style="danger",
            confirm=gettext_lazy("Withdraw this appeal? It cannot be undone."),
        ),
    ]
}


def _form_for(step: Step, community: Community, data: Any = None) -> forms.Form | None:
    if step.form is None:
        return None
    if step.form is RedispatchForm:
        return RedispatchForm(data, community=community, prefix=step.event.value)
    return step.form(data, prefix=step.event.value)


def _reopen_closed(appeal: Appeal, now: Any) -> bool:
    """The reopen window (counted from the reply, or from an unsatisfied rating) is over."""
    rating = getattr(appeal, "rating", None)
    since = rating.rated_at if appeal.status == AppealStatus.RATED and rating else appeal.replied_at
    days = appeal_settings(appeal.community).reopen_days
    return since is not None and now > since + timedelta(days=days)


def _available(user: Any, appeal: Appeal, parts: list[Actor]) -> list[str]:
    """The steps to offer: those the engine allows the user's parts in this status, without the ones a known fact
    already refuses (a reopen window that is over; a street-level dispute a committee may not decide)."""
    events: set[AppealEvent] = set()
    for part in parts:
        events |= allowed_events(appeal.status, part)
    if appeal.status == AppealStatus.RATED:
        rating = getattr(appeal, "rating", None)
        if rating is None or rating.satisfaction != "unsatisfied":
            events.discard(AppealEvent.REOPEN)
    if AppealEvent.REOPEN in events and _reopen_closed(appeal, timezone.now()):
        events.discard(AppealEvent.REOPEN)
    lead = appeal.lead_subject
    street_level_lead = lead is not None and lead.community_id is None
    if street_level_lead and Actor.SUPERVISOR not in parts:
        # Only the street office decides about a street-level lead (engine: ``street_level``).
        events -= {AppealEvent.REJECT_DISPUTE, AppealEvent.REDISPATCH}
    return [name for name, step in STEPS.items() if step.event in events]


def _run(user: Any, appeal: Appeal, event: AppealEvent, data: dict[str, Any]) -> Any:
    community = appeal.community
    match event:
        case AppealEvent.SIGN_FOR:
            return services.sign_for(user, appeal)
        case AppealEvent.START:
            return services.start(user, appeal)
        case AppealEvent.REPLY:
            return services.reply(user, appeal, text=data["text"])
        case AppealEvent.DISPUTE:
            return services.dispute(user, appeal, reason=data["reason"])
        case AppealEvent.REJECT_DISPUTE:
            return services.reject_dispute(user, appeal, reason=data["reason"])
        case AppealEvent.REDISPATCH:
            return services.redispatch(user, appeal, lead_subject=data["lead_subject"], reason=data["reason"])
        case AppealEvent.CLOSE:
            return services.close(user, appeal)
        case AppealEvent.VISIT:
            return services.visit(user, appeal, contacted=data["contacted"], note=data["note"])
        case AppealEvent.RATE:
            return services.rate(
                user,
                appeal,
                contacted=True,
                resolved=data["resolved"],
                satisfaction=data["satisfaction"],
                comment=data["comment"],
            )
        case AppealEvent.REOPEN:
            return services.reopen(user, appeal, reason=data["reason"])
        case AppealEvent.MERGE:
            primary = Appeal.objects.filter(community=community, number=data["into"].strip()).first()
            if primary is None:
                raise ValidationError({"into": [_("No appeal of this community has that number.")]})
            return services.merge(user, appeal, into=primary, reason=data["reason"])
        case AppealEvent.NOTE:
            return services.note(user, appeal, text=data["text"])
        case AppealEvent.WITHDRAW:
            return services.withdraw(user, appeal)
    raise Http404


def _detail_context(
    request: HttpRequest, appeal: Appeal, bound: tuple[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = request.user
    community = appeal.community
    parts = parts_in(user, appeal)
    # Internal notes and the requester's contact are for the staff taking part (as in the API).
    staff_view = any(part != Actor.REQUESTER for part in parts)
    timeline = list(selectors.appeal_timeline(appeal))
    if not staff_view:
        timeline = [event for event in timeline if event.kind != "note"]
    names = _available(user, appeal, parts)
    actions = []
    for name in names:
        step = STEPS[name]
        form = bound[1] if bound and bound[0] == name else _form_for(step, community)
        actions.append({"name": name, "step": step, "form": form, "open": bool(bound and bound[0] == name)})
    templates = []
    if "reply" in names:
        templates = reply_templates(community, scope_for(user).acting_subject_ids)
    now = timezone.now()
    return {
        "community": community,
        "appeal": appeal,
        "status_label": STATUS_LABELS.get(AppealStatus(appeal.status), appeal.status),
        "timeline": timeline,
        "dispatches": list(selectors.open_dispatches(appeal)),
        "photos": list(appeal.attachments.all()),
        "actions": actions,
        "templates": templates,
        "staff_view": staff_view,
        # As in the API: the contact is for those who answer to the requester, not for co-handlers.
        "show_contact": bool(
            {Actor.HANDLER, Actor.FIRST_RECEIVER, Actor.SUPERVISOR} & set(parts)
            or (appeal.recorded_by_id is not None and appeal.recorded_by_id == user.pk)
        ),
        "is_open": appeal.status in OPEN,
        "overdue": appeal.status in OPEN and appeal.due_at is not None and appeal.due_at < now,
        "rating": getattr(appeal, "rating", None),
        "merged_into": appeal.merged_into,
        "duplicates": list(appeal.duplicates.all()) if staff_view else [],
        "candidates": (
            [
                {"appeal": other, "score": round(float(found.score) * 100), "reasons": _reasons(found)}
                for other, found in selectors.possible_duplicates(appeal)
            ]
            if "merge" in names
            else []
        ),
    }


REASONS = {
    "same_category": gettext_lazy("same matter"),
    "same_parent_category": gettext_lazy("related matter"),
    "parent_category": gettext_lazy("related matter"),
    "community_wide": gettext_lazy("both for the whole community"),
    "same_unit": gettext_lazy("same home"),
    "same_stairwell": gettext_lazy("same stairwell"),
    "same_building": gettext_lazy("same building"),
    "same_zone": gettext_lazy("same courtyard"),
    "same_area": gettext_lazy("same place"),
}


def _reasons(found: Any) -> list[str]:
    words = []
    for reason in found.reasons:
        if reason.code == "within_hours":
            words.append(_("within %(n)d hours") % {"n": reason.value})
        elif reason.code == "within_days":
            words.append(_("within %(n)d days") % {"n": reason.value})
        else:
            words.append(str(REASONS.get(reason.code, reason.code)))
    return words


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, community_id: int, appeal_id: int) -> HttpResponse:
    """The case page. Its step forms post to the page itself (``action`` names the step), so a form shown again
    with an error stays on the case's own address and reloading it never re-sends a step elsewhere."""
    community = structure_selectors.get_community_for_user(request.user, community_id)
    appeal = selectors.get_appeal_for_user(request.user, community, appeal_id)
    if request.method == "POST":
        return _take_step(request, community, appeal, request.POST.get("action", ""))
    return render(request, "appeals/detail.html", _detail_context(request, appeal))


@login_required
@require_POST
def act(request: HttpRequest, community_id: int, appeal_id: int, action: str) -> HttpResponse:
    """The former address of each step, kept for scripts: the same as posting to the case page. The pages post
    to the case page itself."""
    community = structure_selectors.get_community_for_user(request.user, community_id)
    appeal = selectors.get_appeal_for_user(request.user, community, appeal_id)
    return _take_step(request, community, appeal, action)


def _take_step(request: HttpRequest, community: Community, appeal: Appeal, action: str) -> HttpResponse:
    step = STEPS.get(action)
    if step is None:
        raise Http404
    here = reverse("appeals:detail", args=[community.pk, appeal.pk])
    form = _form_for(step, community, request.POST)
    if form is None or form.is_valid():
        data = form.cleaned_data if form is not None else {}
        try:
            _run(request.user, appeal, step.event, data)
        except ValidationError as error:
            if form is None:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(here)
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": step.label})
            return redirect(here)
    appeal.refresh_from_db()
    context = _detail_context(request, appeal, bound=(action, form) if form is not None else None)
    return render(request, "appeals/detail.html", context, status=400)


@login_required
@require_GET
def photo(request: HttpRequest, community_id: int, appeal_id: int, photo_id: int) -> FileResponse:
    community = structure_selectors.get_community_for_user(request.user, community_id)
    appeal = selectors.get_appeal_for_user(request.user, community, appeal_id)
    attachment = get_object_or_404(Attachment, appeal=appeal, pk=photo_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the staff workbench ------------------------------------------------------------------------------------------


def _queue_subjects(user: Any, community: Community) -> QuerySet[GovernanceSubject]:
    scope = scope_for(user)
    serving = GovernanceSubject.objects.filter(
        Q(community=community) | Q(community__isnull=True, street=community.street_id)
    )
    if user.has_perm("appeals.dispatch_in_bulk", community) or scope.is_platform_staff:
        return serving.order_by("name")
    return serving.filter(pk__in=scope.acting_subject_ids).order_by("name")


def _mine(appeals: QuerySet[Appeal], mine: str, acting: frozenset[int] | set[int]) -> QuerySet[Appeal]:
    """The workbench's "mine" filter over the subjects the user acts for: appeals waiting for them to sign for,
    those they lead, and those they help with (an open co-handling dispatch)."""
    if mine == "to_sign":
        return appeals.filter(status=AppealStatus.DISPATCHED, lead_subject__in=acting)
    if mine == "lead":
        return appeals.filter(lead_subject__in=acting)
    if mine == "help":
        helping = Dispatch.objects.filter(
            role=DispatchRole.CO_HANDLER, ended_at__isnull=True, subject_id__in=acting
        ).values("appeal_id")
        return appeals.filter(pk__in=helping)
    return appeals


def _filtered(
    appeals: QuerySet[Appeal], form: QueueFilterForm, acting: frozenset[int] | set[int]
) -> QuerySet[Appeal]:
    if not form.is_valid():
        return appeals.filter(status__in=OPEN)
    data = form.cleaned_data
    appeals = _mine(appeals, data.get("mine") or "", acting)
    status = data.get("status") or ""
    if status == "open" or (not form.data.get("status") and "status" not in form.data):
        appeals = appeals.filter(status__in=OPEN)
    elif status:
        appeals = appeals.filter(status=status)
    if data.get("category"):
        code = data["category"]
        appeals = appeals.filter(Q(category__code=code) | Q(category__code__startswith=f"{code}."))
    if data.get("area"):
        area = data["area"]
        appeals = appeals.filter(Q(area=area) | Q(area__parent=area) | Q(unit__building=area))
    if data.get("subject"):
        appeals = appeals.filter(lead_subject=data["subject"])
    if data.get("overdue"):
        appeals = appeals.filter(status__in=OPEN, due_at__lt=timezone.now())
    if data.get("q"):
        q = data["q"].strip()
        appeals = appeals.filter(Q(number__icontains=q) | Q(description__icontains=q))
    return appeals


@login_required
def queue(request: HttpRequest, community_id: int) -> HttpResponse:
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.use_workbench"
    )
    subjects = _queue_subjects(request.user, community)
    form = QueueFilterForm(request.GET or None, community=community, subjects=subjects)
    acting = scope_for(request.user).acting_subject_ids
    if not acting:
        del form.fields["mine"]
    appeals = _filtered(selectors.visible_appeals(request.user, community), form, acting)
    appeals = appeals.select_related("category", "lead_subject", "area__parent", "unit__building").order_by(
        "due_at", "received_at"
    )
    appeals = selectors_public.with_counts(appeals)
    page = Paginator(appeals, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for appeal in page.object_list:
        appeal.is_late = appeal.status in OPEN and appeal.due_at is not None and appeal.due_at < now
    can_bulk = request.user.has_perm("appeals.dispatch_in_bulk", community)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appeals/queue.html",
        {
            "community": community,
            "form": form,
            "page": page,
            "filtering": any(request.GET.get(name) for name in form.fields),
            "can_bulk": can_bulk,
            "can_assist": request.user.has_perm("appeals.record_for_resident", community),
            "bulk_form": RedispatchForm(community=community, prefix="bulk") if can_bulk else None,
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def bulk_dispatch(request: HttpRequest, community_id: int) -> HttpResponse:
    community = structure_selectors.get_community_for_user(
        request.user, community_id, perm="appeals.dispatch_in_bulk"
    )
    form = RedispatchForm(request.POST, community=community, prefix="bulk")
    ids = [int(value) for value in request.POST.getlist("appeal") if value.isdigit()]
    appeals = list(Appeal.objects.filter(community=community, pk__in=ids))
    if not appeals:
        messages.error(request, _("Choose the appeals to dispatch."))
    elif not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    else:
        try:
            done = services.bulk_redispatch(
                request.user,
                appeals,
                lead_subject=form.cleaned_data["lead_subject"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, _("Nothing was dispatched."))
            for message in error.messages:
                messages.error(request, message)
        except PermissionDenied:
            messages.error(request, _("Nothing was dispatched: you cannot dispatch some of these appeals."))
        else:
            messages.success(
                request,
                _("%(count)d appeals dispatched to %(lead)s.")
                % {"count": len(done), "lead": form.cleaned_data["lead_subject"]},
            )
    query = request.POST.get("query", "")
    return redirect(reverse("appeals:queue", args=[community.pk]) + (f"?{query}" if query else ""))
