"""Consultation pages: the list, the consultation page where residents vote one statement at a time and add
their own, and the staff pages (create, edit, publish, moderation queue, decision drafts).

Thin, as everywhere: parse → permission → service → render. Voting is a plain POST form that works without
JavaScript; with htmx the vote area alone is swapped for the next statement.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.consultations import selectors, services
from comity.consultations.forms import (
    ConsultationEditForm,
    ConsultationForm,
    DecisionDraftForm,
    ModerationForm,
    StatementForm,
    VoteForm,
)
from comity.consultations.models import Consultation, ConsultationStatus, Moderation, Vote, VoteValue
from comity.consultations.permissions import may_take_part
from comity.consultations.services.common import require_participant
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community
from comity.structure.views import _apply_validation_error

MANAGE = "consultations.manage_consultations"


def _community(
    request: HttpRequest, community_id: int, perm: str = "consultations.see_consultations"
) -> Community:
    return structure_selectors.get_community_for_user(request.user, community_id, perm=perm)


def _consultation(
    request: HttpRequest,
    community_id: int,
    consultation_id: int,
    perm: str = "consultations.see_consultation",
) -> Consultation:
    community = _community(request, community_id)
    return selectors.get_consultation_for_user(request.user, community, consultation_id, perm=perm)


def _detail_url(consultation: Consultation, anchor: str = "") -> str:
    url = reverse("consultations:detail", args=[consultation.community_id, consultation.pk])
    return f"{url}#{anchor}" if anchor else url


View = Callable[..., HttpResponse]


def post_only(page: str = "detail", anchor: str = "") -> Callable[[View], View]:
    """An action taken by POST. A GET of its address (a reload after a refusal, a shared link) goes to the page
    it belongs to instead of a bare "405 method not allowed"; whoever may not see the consultation gets the
    usual 403 or 404."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(
            request: HttpRequest, community_id: int, consultation_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if request.method == "POST":
                return view(request, community_id, consultation_id, *args, **kwargs)
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["POST"])
            consultation = _consultation(request, community_id, consultation_id)
            url = reverse(f"consultations:{page}", args=[community_id, consultation.pk])
            return redirect(f"{url}#{anchor}" if anchor else url)

        return wrapped

    return decorator


# --- the list -----------------------------------------------------------------------------------------------


@login_required
def consultation_list(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id)
    consultations = list(selectors.consultations_for(request.user, community))
    return render(
        request,
        "consultations/list.html",
        {
            "community": community,
            "consultations": consultations,
            "can_manage": request.user.has_perm(MANAGE, community),
        },
    )


# --- the consultation page ----------------------------------------------------------------------------------


def _vote_context(request: HttpRequest, consultation: Consultation, error: str = "") -> dict[str, Any]:
    """What the vote area shows: the next statement and the progress, or why there is nothing to vote on."""
    user = request.user
    status = consultation.status
    taking_part = may_take_part(user, consultation)
    context: dict[str, Any] = {
        "consultation": consultation,
        "community": consultation.community,
        "status": status,
        "taking_part": taking_part,
        "vote_error": error,
        "choices": [(value, label) for value, label in VoteValue.choices],
    }
    if taking_part and status == ConsultationStatus.OPEN:
        progress = selectors.progress_of(user, consultation)
        context["progress"] = progress
        context["statement"] = selectors.next_statement_for(user, consultation, voted=progress.voted)
    return context


def _detail_context(
    request: HttpRequest,
    consultation: Consultation,
    *,
    statement_form: StatementForm | None = None,
    vote_error: str = "",
) -> dict[str, Any]:
    user: Any = request.user
    context = _vote_context(request, consultation, vote_error)
    can_manage = user.has_perm(MANAGE, consultation)
    taking_part = context["taking_part"]
    is_open = context["status"] == ConsultationStatus.OPEN
    context.update(
        {
            "can_manage": can_manage,
            "can_add_statement": taking_part and is_open and consultation.allow_statements,
            "statement_form": statement_form or StatementForm(),
            "own_statements": list(selectors.own_statements(user, consultation)) if taking_part else [],
            "my_votes": (
                list(
                    Vote.objects.filter(
                        participant=user, consultation=consultation, statement__moderation=Moderation.ACCEPTED
                    )
                    .select_related("statement")
                    .order_by("statement__number")
                )
                if taking_part
                else []
            ),
            "accepted_count": selectors.votable(consultation).count(),
            "participant_count": (
                Vote.objects.filter(consultation=consultation)
                .values("participant", "imported_participant")
                .distinct()
                .count()
            ),
        }
    )
    if can_manage:
        context["pending_count"] = consultation.statements.filter(moderation=Moderation.PENDING).count()
        context["drafts"] = list(selectors.decision_drafts(consultation))
        context["publish_blocker"] = _publish_blocker(consultation)
    return context


def _publish_blocker(consultation: Consultation) -> str:
    """Why a draft cannot be published yet (the service refuses the same), or "" when it can."""
    if consultation.published:
        return ""
    if consultation.closes_at <= timezone.now():
        return _("The closing time has passed: edit the consultation to move it later, then publish it.")
    if not consultation.statements.filter(moderation=Moderation.ACCEPTED).exists():
        return _(
            "Add at least one seed statement (Edit) before publishing: residents need something to vote on."
        )
    return ""


@login_required
def detail(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    consultation = _consultation(request, community_id, consultation_id)
    return render(request, "consultations/detail.html", _detail_context(request, consultation))


@login_required
@post_only(anchor="vote")
def vote(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    consultation = _consultation(request, community_id, consultation_id)
    require_participant(request.user, consultation)
    form = VoteForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Choose agree, disagree or pass.")
    else:
        statement = selectors.get_statement(consultation, form.cleaned_data["statement"])
        try:
            services.cast_vote(request.user, statement, form.cleaned_data["value"])
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    if getattr(request, "htmx", False):
        return render(
            request,
            "consultations/_vote.html",
            _vote_context(request, consultation, error),
            status=400 if error else 200,
        )
    if error:
        context = _detail_context(request, consultation, vote_error=error)
        return render(request, "consultations/detail.html", context, status=400)
    return redirect(
        _detail_url(consultation, "my-votes" if request.POST.get("from") == "my-votes" else "vote")
    )


@login_required
@post_only(anchor="statements")
def add_statement(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    consultation = _consultation(request, community_id, consultation_id)
    require_participant(request.user, consultation)
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            statement = services.add_statement(request.user, consultation, form.cleaned_data["text"])
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            if statement.moderation == Moderation.PENDING:
                messages.success(
                    request, _("Thank you. Your statement will be shown once it has been reviewed.")
                )
            else:
                messages.success(request, _("Thank you. Your statement is now shown to others to vote on."))
            return redirect(_detail_url(consultation, "statements"))
    context = _detail_context(request, consultation, statement_form=form)
    return render(request, "consultations/detail.html", context, status=400)


# --- running a consultation (staff) -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id, perm=MANAGE)
    form = ConsultationForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.create_consultation(request.user, community, **form.service_kwargs())
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Saved the draft “%(title)s”. Publish it when it is ready.") % {"title": consultation},
            )
            return redirect(_detail_url(consultation))
    return render(
        request,
        "consultations/form.html",
        {"community": community, "form": form, "consultation": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    consultation = _consultation(request, community_id, consultation_id, perm=MANAGE)
    form = ConsultationEditForm.for_consultation(consultation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_consultation(request.user, consultation, **form.service_kwargs())
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_detail_url(consultation))
    return render(
        request,
        "consultations/form.html",
        {"community": consultation.community, "form": form, "consultation": consultation},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@post_only()
def publish(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    consultation = _consultation(request, community_id, consultation_id, perm=MANAGE)
    try:
        services.publish_consultation(request.user, consultation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Published. Residents can see the consultation now."))
    return redirect(_detail_url(consultation))


def _moderation_page(
    request: HttpRequest, consultation: Consultation, bound: tuple[int, ModerationForm] | None = None
) -> HttpResponse:
    rows = []
    for statement in selectors.moderation_queue(consultation):
        if bound and bound[0] == statement.pk:
            form = bound[1]
        else:
            initial: dict[str, Any] = {
                "decision": statement.moderation,
                "reason": statement.moderation_reason,
                "is_meta": statement.is_meta,
            }
            form = ModerationForm(initial=initial, prefix=f"s{statement.pk}")
        rows.append({"statement": statement, "form": form})
    return render(
        request,
        "consultations/moderation.html",
        {"community": consultation.community, "consultation": consultation, "rows": rows},
        status=400 if bound else 200,
    )


@login_required
def moderation(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    consultation = _consultation(request, community_id, consultation_id, perm=MANAGE)
    return _moderation_page(request, consultation)


@login_required
@post_only("moderation")
def moderate(
    request: HttpRequest, community_id: int, consultation_id: int, statement_id: int
) -> HttpResponse:
    consultation = _consultation(request, community_id, consultation_id, perm=MANAGE)
    statement = selectors.get_statement(consultation, statement_id)
    form = ModerationForm(request.POST, prefix=f"s{statement.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.moderate(
                request.user,
                statement,
                accept=data["decision"] == Moderation.ACCEPTED,
                reason=data["reason"],
                is_meta=data["is_meta"],
            )
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Statement #%(number)s: done.") % {"number": statement.number})
            return redirect(
                "consultations:moderation", community_id=community_id, consultation_id=consultation.pk
            )
    return _moderation_page(request, consultation, bound=(statement.pk, form))


@login_required
@require_http_methods(["GET", "POST"])
def drafts(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    consultation = _consultation(request, community_id, consultation_id, perm=MANAGE)
    statements = list(selectors.votable(consultation).order_by("number"))
    form = DecisionDraftForm(request.POST or None, statements=statements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = services.create_decision_draft(
                request.user,
                consultation,
                title=data["title"],
                body=data["body"],
                statement_numbers=data["statements"],
            )
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved the decision draft “%(title)s”.") % {"title": draft.title})
            return redirect(
                "consultations:drafts", community_id=community_id, consultation_id=consultation.pk
            )
    return render(
        request,
        "consultations/drafts.html",
        {
            "community": consultation.community,
            "consultation": consultation,
            "drafts": list(selectors.decision_drafts(consultation)),
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
