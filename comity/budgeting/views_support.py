"""Supporting, following and commenting on a proposal, and moderating its comments.

Thin: parse → permission → service → redirect back to the proposal. A comment or a hiding reason that is refused
comes back on its own small page with the error next to the field and the text kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comity.accounts.selectors import as_user
from comity.budgeting import selectors, services
from comity.budgeting.forms_support import CommentForm, HideCommentForm
from comity.budgeting.models import Proposal
from comity.foundation.forms import add_service_errors

#: The buttons of the proposal page and the service each one calls.
ACTIONS: dict[str, Callable[[Any, Proposal], Any]] = {
    "support": services.support_proposal,
    "unsupport": services.withdraw_support,
    "follow": services.follow_proposal,
    "unfollow": services.unfollow_proposal,
}


def _done(action: str) -> str:
    return {
        "support": _("Thank you: your support is counted. Supports are not votes; voting comes later."),
        "unsupport": _("Your support is taken back."),
        "follow": _("You follow this proposal: you will be told of its review, vote and delivery."),
        "unfollow": _("You no longer follow this proposal."),
    }[action]


def _back(proposal: Proposal, anchor: str) -> str:
    return selectors.proposal_url(proposal) + f"#{anchor}"


def _reach(request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int) -> Proposal:
    return selectors.get_proposal_for_user(request.user, community_id, cycle_id, proposal_id)


@login_required
@require_POST
def engage(
    request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int, action: str
) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    proposal = _reach(request, community_id, cycle_id, proposal_id)
    try:
        changed = ACTIONS[action](as_user(request.user), proposal)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if changed is False:  # taking back what was not there (a second click): nothing changed
            messages.info(request, _("Nothing to take back: it was already undone."))
        else:
            messages.success(request, _done(action))
    return redirect(_back(proposal, "engage"))


def _form_page(request: HttpRequest, proposal: Proposal, form: Any, action: str, title: str) -> HttpResponse:
    return render(
        request,
        "budgeting/comment_form.html",
        {
            "community": proposal.cycle.community,
            "cycle": proposal.cycle,
            "proposal": proposal,
            "form": form,
            "action": action,
            "title": title,
        },
        status=400,
    )


@login_required
@require_POST
def comment(request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int) -> HttpResponse:
    proposal = _reach(request, community_id, cycle_id, proposal_id)
    if not request.user.has_perm("budgeting.comment_on_proposals", proposal.cycle):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_on_proposal(as_user(request.user), proposal, form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect(_back(proposal, "comments"))
    url = reverse("budget_support:comment", args=[community_id, cycle_id, proposal.pk])
    return _form_page(request, proposal, form, url, _("Your comment"))


@login_required
@require_POST
def hide_comment(
    request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int, comment_id: int
) -> HttpResponse:
    proposal = _reach(request, community_id, cycle_id, proposal_id)
    if not request.user.has_perm("budgeting.moderate_comments", proposal.cycle):
        raise PermissionDenied
    comment_row = selectors.get_comment_for_proposal(proposal, comment_id)
    form = HideCommentForm(request.POST)
    if form.is_valid():
        try:
            services.hide_comment(as_user(request.user), comment_row, form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The comment is hidden; its author still sees it, with your reason."))
            return redirect(_back(proposal, f"comment-{comment_row.pk}"))
    url = reverse("budget_support:hide_comment", args=[community_id, cycle_id, proposal.pk, comment_row.pk])
    return _form_page(request, proposal, form, url, _("Hide a comment"))


@login_required
@require_POST
def restore_comment(
    request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int, comment_id: int
) -> HttpResponse:
    proposal = _reach(request, community_id, cycle_id, proposal_id)
    if not request.user.has_perm("budgeting.moderate_comments", proposal.cycle):
        raise PermissionDenied
    comment_row = selectors.get_comment_for_proposal(proposal, comment_id)
    services.restore_comment(as_user(request.user), comment_row)
    messages.success(request, _("The comment is shown again."))
    return redirect(_back(proposal, f"comment-{comment_row.pk}"))
