"""The case page and its steps.

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
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comity.accounts.models import User
from comity.accounts.selectors import signed_in
from comity.appeals import selectors, services
from comity.appeals.community_settings.selectors import appeal_settings
from comity.appeals.forms import (
    MergeForm,
    RatingForm,
    ReasonForm,
    RedispatchForm,
    ReplyForm,
    TextForm,
    VisitForm,
    reply_templates,
)
from comity.appeals.models import STATUS_LABELS, Appeal, Attachment
from comity.appeals.permissions import parts_in
from comity.engine.appeals import OPEN_STATUSES, Actor, AppealEvent, AppealStatus, allowed_events
from comity.foundation.forms import add_service_errors
from comity.foundation.personal_data import Read
from comity.foundation.uploads import serve_upload
from comity.foundation.widgets import choices_in_one_query
from comity.structure import selectors as structure_selectors
from comity.structure.fragments import cached_fragment, part_renderer
from comity.structure.models import Community
from comity.structure.reads import note_reads
from comity.structure.scope import scope_for

OPEN = [status.value for status in OPEN_STATUSES]


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
        form = RedispatchForm(data, community=community, prefix=step.event.value)
        choices_in_one_query(form.fields["lead_subject"])
        return form
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


def _run(user: User, appeal: Appeal, event: AppealEvent, data: dict[str, Any]) -> object:
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
            primary = selectors.appeal_numbered(community, data["into"])
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
        # The case page's own address, where every step form posts: reversed once, not once per form.
        "here": reverse("appeals:detail", args=[community.pk, appeal.pk]),
        "status_label": STATUS_LABELS.get(AppealStatus(appeal.status), appeal.status),
        "timeline": timeline,
        "dispatches": list(selectors.open_dispatches(appeal)),
        "photos": list(selectors.appeal_photos(appeal)),
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
    if request.method == "POST":
        appeal = selectors.get_appeal_for_user(request.user, community, appeal_id)
        return _take_step(request, community, appeal, request.POST.get("action", ""))
    # What the permission check and the cached body's key need; the body reads the appeal whole when drawn.
    appeal = selectors.get_appeal_for_user(request.user, community, appeal_id, only=CASE_KEY_FIELDS)
    return _case_page(request, appeal)


#: The fields of an appeal the case page reads before its cached body: who may see it (requester, lead) and what
#: the body varies on (below).
CASE_KEY_FIELDS = (
    "id",
    "community_id",
    "number",
    "requester_user",
    "requester",
    "lead_subject",
    "status",
    "reminded_at",
    "due_at",
    "replied_at",
)


def _case_page(request: HttpRequest, appeal: Appeal) -> HttpResponse:
    """The case page for a GET: everything below the community's name is cached for the viewer's account (the
    steps, the contact and the names on the timeline follow the parts they play) until the community's data
    changes (every step of a case, its dispatches, me-toos and followers is audited), or the deadline's warning
    (the one unaudited step, ``remind_before_deadline``) is written, for at most a minute (what is overdue, the
    reopen window). The viewer's roles, subjects and streets are varied on too (``per="user"`` parts are); a form shown again with its errors is never cached."""
    now = timezone.now()
    # Who looked, before the cached body is asked for: staff reading the requester's case (no one else is noted).
    if appeal.requester_id is not None and appeal.requester_user_id != request.user.pk:
        note_reads(request, appeal.community_id, [appeal.requester_id], Read.CASE_CONTACT)

    body = part_renderer(
        request,
        "appeals/_detail_body.html",
        lambda: _detail_context(request, selectors.appeal_for_case(appeal)),
    )

    html = cached_fragment(
        request,
        appeal.community_id,
        "appeal-case",
        appeal.pk,
        appeal.status,
        appeal.reminded_at,
        # What the clock changes, from the row already read: the badge "Overdue" as soon as the deadline passes;
        # the reply's and rating's dates the reopen window counts from (its end is bounded by the minute).
        appeal.status in OPEN and appeal.due_at is not None and appeal.due_at < now,
        appeal.replied_at,
        render=body,
        per="user",
    )
    return render(
        request, "appeals/detail.html", {"community": appeal.community, "appeal": appeal, "body": html}
    )


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
            _run(signed_in(request), appeal, step.event, data)
        except ValidationError as error:
            if form is None:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(here)
            add_service_errors(form, error)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": step.label})
            return redirect(here)
    appeal.refresh_from_db()
    context = _detail_context(request, appeal, bound=(action, form) if form is not None else None)
    body = render_to_string("appeals/_detail_body.html", context, request=request)
    context["body"] = mark_safe(body)  # rendered by our own autoescaping template
    return render(request, "appeals/detail.html", context, status=400)


@login_required
@require_GET
def photo(request: HttpRequest, community_id: int, appeal_id: int, photo_id: int) -> HttpResponseBase:
    community = structure_selectors.get_community_for_user(request.user, community_id)
    appeal = selectors.get_appeal_for_user(request.user, community, appeal_id)
    attachment = get_object_or_404(Attachment, appeal=appeal, pk=photo_id)
    return serve_upload(attachment.file, content_type=attachment.content_type)
