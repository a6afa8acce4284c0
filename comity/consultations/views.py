"""Consultation pages: the list, the consultation page where residents vote one statement at a time and add
their own, and the staff pages (create, edit, publish, moderation queue, decision drafts).

Thin, as everywhere: parse → permission → service → render. Voting is a plain POST form that works without
JavaScript; with htmx the vote area alone is swapped for the next statement.

Every form posts to the page that shows it, naming its step in a hidden ``step`` field (``comity.foundation.steps``): a
mistake comes back on its field with what was typed (400); a step the consultation's state no longer allows is
refused with the reason and a 303 to the page, so a reload never posts it again. The older per-step addresses
(``…/vote/``, ``…/statements/``, ``…/publish/``, ``…/moderation/<statement>/``) take the same POST; a GET of one
leads to its page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.accounts.selectors import signed_in
from comity.consultations import selectors, services
from comity.consultations.forms import (
    ConsultationEditForm,
    ConsultationForm,
    DecisionDraftForm,
    ModerationForm,
    StatementForm,
    VoteForm,
)
from comity.consultations.models import Consultation, ConsultationStatus, Moderation, VoteValue
from comity.consultations.pages import cached_body
from comity.consultations.permissions import may_take_part, require_participant
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.steps import Step, posted_step, refuse, take
from comity.structure import selectors as structure_selectors
from comity.structure.fragments import cached_fragment, part_renderer
from comity.structure.models import Community

MANAGE = "consultations.manage_consultations"


def _community(
    request: HttpRequest, community_id: int, perm: str = "consultations.see_consultations"
) -> Community:
    return structure_selectors.get_community_for_user(request.user, community_id, perm=perm)


def consultation_of(
    request: HttpRequest,
    community_id: int,
    consultation_id: int,
    perm: str = "consultations.see_consultation",
) -> Consultation:
    """The consultation of the URL, for a user who may see its community and, with ``perm``, the consultation."""
    community = _community(request, community_id)
    return selectors.get_consultation_for_user(request.user, community, consultation_id, perm=perm)


def _detail_url(consultation: Consultation, anchor: str = "") -> str:
    url = reverse("consultations:detail", args=[consultation.community_id, consultation.pk])
    return f"{url}#{anchor}" if anchor else url


View = Callable[..., HttpResponse]


def post_only(page: str = "detail", anchor: str = "") -> Callable[[View], View]:
    """A step's older address. POST takes the step; a GET of it (a shared link, an old bookmark) goes to the page
    it belongs to instead of a bare "405 method not allowed"; whoever may not see the consultation gets the usual
    403 or 404."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(
            request: HttpRequest, community_id: int, consultation_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if request.method == "POST":
                return view(request, community_id, consultation_id, *args, **kwargs)
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["POST"])
            consultation = consultation_of(request, community_id, consultation_id)
            url = reverse(f"consultations:{page}", args=[community_id, consultation.pk])
            return redirect(f"{url}#{anchor}" if anchor else url)

        return wrapped

    return decorator


def _posted_item(request: HttpRequest) -> int:
    """The row a step is about (a statement), from its hidden ``item`` field."""
    value = request.POST.get("item", "")
    return int(value) if value.isdigit() and len(value) < 10 else 0


# --- the list -----------------------------------------------------------------------------------------------


@login_required
def consultation_list(request: HttpRequest, community_id: int) -> HttpResponse:
    """The list, cached for viewers with the same roles until the community's data changes (consultations,
    statements: audited) or a vote arrives anywhere in it (unaudited, counted as participants: varied on)."""
    community = _community(request, community_id)

    def render_body(token: str) -> str:
        context = {
            "community": community,
            "consultations": list(selectors.consultations_for(request.user, community)),
            "can_manage": request.user.has_perm(MANAGE, community),
            "csrf_token": token,
        }
        return render_to_string("consultations/_list_body.html", context, request=request)

    body = cached_fragment(
        request, community, "consultation-list", selectors.newest_vote_in(community), render=render_body
    )
    return render(request, "consultations/list.html", {"community": community, "body": body})


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
            "my_votes": selectors.my_votes(user, consultation) if taking_part else [],
            "accepted_count": selectors.votable(consultation).count(),
            "participant_count": selectors.participant_count(consultation),
        }
    )
    if can_manage:
        context["pending_count"] = selectors.pending_count(consultation)
        context["drafts"] = list(selectors.decision_drafts(consultation))
        context["publish_blocker"] = _publish_blocker(consultation)
    return context


def _publish_blocker(consultation: Consultation) -> str:
    """Why a draft cannot be published yet (the service refuses the same), or "" when it can."""
    if consultation.published:
        return ""
    if consultation.closes_at <= timezone.now():
        return _("The closing time has passed: edit the consultation to move it later, then publish it.")
    if not selectors.votable(consultation).exists():
        return _(
            "Add at least one seed statement (Edit) before publishing: residents need something to vote on."
        )
    return ""


DETAIL_STEPS = ("vote", "statement", "publish")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    consultation = consultation_of(request, community_id, consultation_id)
    if request.method == "POST":
        return _detail_post(request, consultation, posted_step(request))
    return render(request, "consultations/detail.html", _detail_page(request, consultation))


def _detail_page(request: HttpRequest, consultation: Consultation) -> dict[str, Any]:
    """The page for a GET, its body cached for the viewer's account (progress, next statement, votes) until an
    audited write of the community, a vote cast or changed, or the opinion map (unaudited: varied on) changes."""

    render_body = part_renderer(
        request, "consultations/_detail_body.html", lambda: _detail_context(request, consultation)
    )

    body = cached_body(
        request,
        consultation,
        "consultation-page",
        selectors.page_version(consultation),
        render=render_body,
    )
    return {"community": consultation.community, "consultation": consultation, "body": body}


def _detail_post(request: HttpRequest, consultation: Consultation, name: str) -> HttpResponse:
    """Take the step ``name`` posted on the consultation page."""
    if name == "vote":
        return _vote_post(request, consultation)
    if name == "statement":
        return _statement_post(request, consultation=consultation)
    if name == "publish":
        return _publish_post(request, consultation)
    raise Http404


def _vote_post(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """A vote on one statement. Without JavaScript: done → the next statement; a bad choice → the page (400); a
    vote the state refuses (closed meanwhile, statement taken down) → the reason and a 303 to the page. With htmx
    the vote area alone comes back, saying why when refused (the address bar never changes)."""
    require_participant(request.user, consultation)
    form = VoteForm(request.POST)
    error = ""
    refused: list[str] = []
    if not form.is_valid():
        error = _("Choose agree, disagree or pass.")
    else:
        statement = selectors.get_statement(consultation, form.cleaned_data["statement"])
        try:
            services.cast_vote(signed_in(request), statement, form.cleaned_data["value"])
        except ValidationError as refusal:
            if hasattr(refusal, "error_dict"):
                error = " ".join(refusal.messages)
            else:
                refused = list(refusal.messages)
    if getattr(request, "htmx", False):
        return render(
            request,
            "consultations/_vote.html",
            _vote_context(request, consultation, error or " ".join(refused)),
            status=400 if error or refused else 200,
        )
    if refused:
        return refuse(request, _detail_url(consultation, "vote"), refused)
    if error:
        context = _detail_context(request, consultation, vote_error=error)
        return render(request, "consultations/detail.html", context, status=400)
    return redirect(
        _detail_url(consultation, "my-votes" if request.POST.get("from") == "my-votes" else "vote")
    )


def _statement_scope(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return f"consultations.statement:{kwargs['consultation'].pk}"


@safe_to_send_twice(_statement_scope)
def _statement_post(request: HttpRequest, *, consultation: Consultation) -> HttpResponse:
    """A statement added to the consultation; its form carries a one-time token, so sending it again (back, a
    double click) adds nothing and lands on the statements."""
    require_participant(request.user, consultation)
    form = StatementForm(request.POST)

    def thanked(request: HttpRequest, statement: Any) -> None:
        if statement.moderation == Moderation.PENDING:
            messages.success(request, _("Thank you. Your statement will be shown once it has been reviewed."))
        else:
            messages.success(request, _("Thank you. Your statement is now shown to others to vote on."))

    step = Step(
        form,
        lambda d: services.add_statement(signed_in(request), consultation, d["text"]),
        anchor="statements",
        after=thanked,
    )

    def page() -> HttpResponse:
        context = _detail_context(request, consultation, statement_form=form)
        return render(request, "consultations/detail.html", context)

    return take(request, step, _detail_url(consultation), page)


def _publish_post(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    if not request.user.has_perm(MANAGE, consultation):
        raise PermissionDenied
    step = Step(
        forms.Form(request.POST),
        lambda d: services.publish_consultation(signed_in(request), consultation),
        _("Published. Residents can see the consultation now."),
        then=_detail_url(consultation),
    )
    return take(
        request,
        step,
        _detail_url(consultation),
        lambda: render(request, "consultations/detail.html", _detail_context(request, consultation)),
    )


@login_required
@post_only(anchor="vote")
def vote(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    return _vote_post(request, consultation_of(request, community_id, consultation_id))


@login_required
@post_only(anchor="statements")
def add_statement(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    return _statement_post(request, consultation=consultation_of(request, community_id, consultation_id))


# --- running a consultation (staff) -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("consultations.new")
def new(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id, perm=MANAGE)
    form = ConsultationForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.create_consultation(
                signed_in(request), community, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
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
    consultation = consultation_of(request, community_id, consultation_id, perm=MANAGE)
    form = ConsultationEditForm.for_consultation(consultation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_consultation(signed_in(request), consultation, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
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
    return _publish_post(request, consultation_of(request, community_id, consultation_id, perm=MANAGE))


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
@require_http_methods(["GET", "HEAD", "POST"])
def moderation(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    """The moderation queue; each statement's decision posts here (``step=moderate``, ``item`` the statement)."""
    consultation = consultation_of(request, community_id, consultation_id, perm=MANAGE)
    if request.method == "POST":
        if posted_step(request) != "moderate":
            raise Http404
        return _moderate_post(request, consultation, _posted_item(request))
    return _moderation_page(request, consultation)


def _moderate_post(request: HttpRequest, consultation: Consultation, statement_id: int) -> HttpResponse:
    statement = selectors.get_statement(consultation, statement_id)
    form = ModerationForm(request.POST, prefix=f"s{statement.pk}")
    step = Step(
        form,
        lambda d: services.moderate(
            signed_in(request),
            statement,
            accept=d["decision"] == Moderation.ACCEPTED,
            reason=d["reason"],
            is_meta=d["is_meta"],
        ),
        _("Statement #%(number)s: done.") % {"number": statement.number},
    )
    url = reverse("consultations:moderation", args=[consultation.community_id, consultation.pk])
    return take(
        request, step, url, lambda: _moderation_page(request, consultation, bound=(statement.pk, form))
    )


@login_required
@post_only("moderation")
def moderate(
    request: HttpRequest, community_id: int, consultation_id: int, statement_id: int
) -> HttpResponse:
    consultation = consultation_of(request, community_id, consultation_id, perm=MANAGE)
    return _moderate_post(request, consultation, statement_id)


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice(lambda request, kwargs: f"consultations.draft:{kwargs['consultation_id']}")
def drafts(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    consultation = consultation_of(request, community_id, consultation_id, perm=MANAGE)
    statements = list(selectors.votable(consultation).order_by("number"))
    form = DecisionDraftForm(request.POST if request.method == "POST" else None, statements=statements)
    url = reverse("consultations:drafts", args=[consultation.community_id, consultation.pk])

    def page() -> HttpResponse:
        return render(
            request,
            "consultations/drafts.html",
            {
                "community": consultation.community,
                "consultation": consultation,
                "drafts": list(selectors.decision_drafts(consultation)),
                "form": form,
            },
        )

    if request.method != "POST":
        return page()

    def saved(request: HttpRequest, draft: Any) -> None:
        messages.success(request, _("Saved the decision draft “%(title)s”.") % {"title": draft.title})

    step = Step(
        form,
        lambda d: services.create_decision_draft(
            signed_in(request),
            consultation,
            title=d["title"],
            body=d["body"],
            statement_numbers=d["statements"],
        ),
        then=url,
        after=saved,
    )
    return take(request, step, url, page)
