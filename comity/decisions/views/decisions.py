"""The list of a community's decisions, and the forms that draft and edit one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.decisions import selectors, services
from comity.decisions.forms import DecisionForm
from comity.decisions.models import DecisionStatus
from comity.decisions.views.common import MANAGE, community_of, decision_of, page_url
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.structure.fragments import cached_fragment


@login_required
def decision_list(request: HttpRequest, community_id: int) -> HttpResponse:
    """The list, cached for viewers with the same roles awaited in the same decisions (read afresh: ballots are
    written without an audit entry) until the community's data changes (every other write of a decision is
    audited), for at most a minute (a vote's opening and closing times)."""
    community = community_of(request, community_id)
    mine = selectors.awaiting_ballot_of(request.user, community)

    def render_body(token: str) -> str:
        rows = selectors.decisions_in_list_order(selectors.get_decisions_for_user(request.user, community))
        for decision in rows:
            decision.awaiting_me = decision.pk in mine and decision.accepts_ballots  # type: ignore[attr-defined]
        context = {
            "community": community,
            "decisions": rows,
            "can_manage": request.user.has_perm(MANAGE, community),
            "csrf_token": token,
        }
        return render_to_string("decisions/_list_body.html", context, request=request)

    body = cached_fragment(request, community, "decision-list", sorted(mine), render=render_body)
    return render(request, "decisions/list.html", {"community": community, "body": body})


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("decisions.new")
def new(request: HttpRequest, community_id: int) -> HttpResponse:
    community = community_of(request, community_id, perm=MANAGE)
    draft = None
    if request.GET.get("draft") or request.POST.get("draft"):
        try:
            draft_id = int(request.GET.get("draft") or request.POST["draft"])
        except ValueError as error:
            raise Http404 from error
        draft = selectors.get_draft_for_user(request.user, community, draft_id)
    initial = {"title": draft.title, "agenda": draft.body} if draft else {}
    form = DecisionForm(request.POST or None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        data["draft"] = draft
        try:
            decision = services.create_decision(request.user, community, data, form.option_list())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision is drafted. Check it, then open voting."))
            return redirect(page_url(decision))
    return render(
        request,
        "decisions/form.html",
        {"community": community, "form": form, "draft": draft, "decision": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = decision_of(request, community_id, decision_id, perm=MANAGE)
    if decision.status != DecisionStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited; voting has opened."))
        return redirect(page_url(decision))
    form = DecisionForm(request.POST or None, instance=decision, community=decision.community)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_decision(request.user, decision, form.data_for_service(), form.option_list())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(page_url(decision))
    decision.refresh_from_db()
    return render(
        request,
        "decisions/form.html",
        {"community": decision.community, "form": form, "draft": decision.draft, "decision": decision},
    )
