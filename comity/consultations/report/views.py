"""The report page of a consultation: the opinion map, what sets each group apart, common ground, divisive
statements; for those who run consultations also the moderators' flags, participation against the registry
and a decision draft from the statements they tick.

Thin, as everywhere: parse → permission → read or service → render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.accounts.selectors import signed_in
from comity.consultations import selectors, services
from comity.consultations.models import Consultation, DecisionDraft
from comity.consultations.pages import cached_body
from comity.consultations.report.forms import ReportDraftForm
from comity.consultations.report.page import ReportPage, build_report, default_draft_title, draft_body
from comity.consultations.report.participation import (
    MIN_REGISTRY_FOR_FLAG,
    UNDER_REPRESENTED_RATIO,
    participation_stats,
)
from comity.consultations.views import MANAGE, consultation_of, post_only
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.replica import reads_from_replica
from comity.foundation.steps import Step, posted_step, take
from comity.structure.fragments import part_renderer


def _page(request: HttpRequest, consultation: Consultation, can_manage: bool) -> ReportPage:
    analysis = selectors.analysis_of(consultation)
    return build_report(consultation, analysis, viewer_id=request.user.pk, can_manage=can_manage)


def _numbers(consultation: Consultation) -> list[int]:
    return list(selectors.votable(consultation).order_by("number").values_list("number", flat=True))


def _context(
    request: HttpRequest, consultation: Consultation, can_manage: bool, form: ReportDraftForm | None
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "community": consultation.community,
        "consultation": consultation,
        "status": consultation.status,
        "page": _page(request, consultation, can_manage),
        "can_manage": can_manage,
    }
    if can_manage:
        context["participation"] = participation_stats(consultation)
        context["flag_ratio_percent"] = round(100 * UNDER_REPRESENTED_RATIO)
        context["flag_minimum"] = MIN_REGISTRY_FOR_FLAG
        context["draft_form"] = form or ReportDraftForm(
            initial={"title": default_draft_title(consultation)}, numbers=_numbers(consultation)
        )
        ticked = request.POST.getlist("statements") if form is not None else []
        context["ticked"] = {int(n) for n in ticked if n.isdigit() and len(n) < 10}
    return context


def _body(request: HttpRequest, consultation: Consultation, can_manage: bool) -> SafeString:
    """The report below the site's header, cached for the viewer's account (the map marks their own dot and group)
    until the community's data changes (statements, moderation, imports, the registry: audited), the opinion map
    is computed again or marked out of date, or a vote arrives (participation, for those who see it): both unaudited,
    so their version is varied on."""

    render_body = part_renderer(
        request, "consultations/_report_body.html", lambda: _context(request, consultation, can_manage, None)
    )

    version = selectors.page_version(consultation)
    return cached_body(
        request,
        consultation,
        "consultation-report",
        # the votes' part of the version only for those who see participation: the map itself changes with its row
        version if can_manage else version[:6],
        render=render_body,
    )


def _render(
    request: HttpRequest,
    consultation: Consultation,
    *,
    form: ReportDraftForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = request.user.has_perm(MANAGE, consultation)
    context: dict[str, Any] = {"community": consultation.community, "consultation": consultation}
    if form is None:
        context["body"] = _body(request, consultation, can_manage)
    else:  # a form to correct: rendered afresh, never cached
        context.update(_context(request, consultation, can_manage, form))
    return render(request, "consultations/report.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@reads_from_replica
def report(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    """The report; its decision-draft form posts here (``step=draft``)."""
    if request.method == "POST":
        consultation = consultation_of(request, community_id, consultation_id, perm=MANAGE)
        if posted_step(request) != "draft":
            raise Http404
        return _draft_post(request, consultation=consultation)
    return _render(request, consultation_of(request, community_id, consultation_id))


@safe_to_send_twice(lambda request, kwargs: f"consultations.draft:{kwargs['consultation'].pk}")
def _draft_post(request: HttpRequest, *, consultation: Consultation) -> HttpResponse:
    """Write a decision draft from the ticked statements: their texts as a numbered list with their support."""
    form = ReportDraftForm(request.POST, numbers=_numbers(consultation))

    def write(data: dict[str, Any]) -> DecisionDraft:
        chosen = list(dict.fromkeys(data["statements"]))
        texts = selectors.statement_texts(consultation, chosen)
        body = draft_body(consultation, _page(request, consultation, True), chosen, texts)
        return services.create_decision_draft(
            signed_in(request), consultation, title=data["title"], body=body, statement_numbers=chosen
        )

    def saved(request: HttpRequest, draft: DecisionDraft) -> None:
        messages.success(request, _("Saved the decision draft “%(title)s”.") % {"title": draft.title})

    step = Step(
        form,
        write,
        anchor="draft",
        then=reverse("consultations:drafts", args=[consultation.community_id, consultation.pk]),
        after=saved,
    )
    url = reverse("consultations:report", args=[consultation.community_id, consultation.pk])
    return take(request, step, url, lambda: _render(request, consultation, form=form))


@login_required
@post_only("report", anchor="draft")
def report_draft(request: HttpRequest, community_id: int, consultation_id: int) -> HttpResponse:
    """The draft step's older address: POST writes the draft, GET leads to the report."""
    return _draft_post(
        request, consultation=consultation_of(request, community_id, consultation_id, perm=MANAGE)
    )
