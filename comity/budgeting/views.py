"""Fund and budget pages: the funds and their public ledger; the cycles, proposals, the ballot, the results with
every rule side by side; the staff steps (review, costing, opening and closing voting, delivery, pabulib import
and export).

Thin, as everywhere: parse → permission → service → render. Every form is a plain POST that works without
JavaScript (the knapsack ballot's running budget bar is an enhancement); a refused step re-renders its form with
the reason and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comity.budgeting import forms, interchange, services, wording
from comity.budgeting.models import (
    BallotKind,
    Cycle,
    CycleStatus,
    District,
    Fund,
    Milestone,
    Outcome,
    Proposal,
    ProposalStatus,
    Rule,
    SourceKind,
)
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community
from comity.structure.views import _apply_validation_error

MANAGE = services.MANAGE
MANAGE_FUNDS = services.MANAGE_FUNDS


def _community(request: HttpRequest, community_id: int, perm: str) -> Community:
    return structure_selectors.get_community_for_user(request.user, community_id, perm=perm)


def _fund(request: HttpRequest, community_id: int, fund_id: int, perm: str = "budgeting.see_funds") -> Fund:
    community = _community(request, community_id, "budgeting.see_funds")
    try:
        fund = Fund.objects.select_related("community__street").get(community=community, pk=fund_id)
    except Fund.DoesNotExist as error:
        raise Http404 from error
    if not request.user.has_perm(perm, fund):
        raise PermissionDenied
    return fund


def _cycle(
    request: HttpRequest, community_id: int, cycle_id: int, perm: str = "budgeting.see_cycle"
) -> Cycle:
    community = _community(request, community_id, "budgeting.see_cycles")
    try:
        cycle = Cycle.objects.select_related("community__street", "fund").get(
            community=community, pk=cycle_id
        )
    except Cycle.DoesNotExist as error:
        raise Http404 from error
    if not request.user.has_perm(perm, cycle):
        raise PermissionDenied
    return cycle


def _proposal(request: HttpRequest, cycle: Cycle, proposal_id: int) -> Proposal:
    try:
        proposal: Proposal = services.visible_proposals(request.user, cycle).get(pk=proposal_id)
    except Proposal.DoesNotExist as error:
        raise Http404 from error
    return proposal


def _cycle_url(cycle: Cycle, name: str = "cycle", anchor: str = "") -> str:
    url = reverse(f"budgeting:{name}", args=[cycle.community_id, cycle.pk])
    return f"{url}#{anchor}" if anchor else url


def _proposal_url(proposal: Proposal, anchor: str = "") -> str:
    url = reverse("budgeting:proposal", args=[proposal.cycle.community_id, proposal.cycle_id, proposal.pk])
    return f"{url}#{anchor}" if anchor else url


# --- funds ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fund_list(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id, "budgeting.see_funds")
    can_manage = request.user.has_perm(MANAGE_FUNDS, community)
    form = None
    if can_manage:
        form = forms.FundForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not can_manage or form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                fund = services.create_fund(request.user, community, form.data_for_service())
            except ValidationError as error:
                _apply_validation_error(form, error)
            else:
                messages.success(request, _("The fund is created and its formula's income recorded."))
                return redirect("budgeting:fund", community.pk, fund.pk)
    funds = [(fund, services.summarise(fund)) for fund in Fund.objects.filter(community=community)]
    return render(
        request,
        "budgeting/funds.html",
        {"community": community, "funds": funds, "form": form, "can_manage": can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def fund_detail(request: HttpRequest, community_id: int, fund_id: int) -> HttpResponse:
    fund = _fund(request, community_id, fund_id)
    can_manage = request.user.has_perm(MANAGE_FUNDS, fund)
    form = forms.EntryForm(request.POST or None, request.FILES or None, fund=fund) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_entry(request.user, fund, form.data_for_service())
            except ValidationError as error:
                _apply_validation_error(form, error)
            else:
                messages.success(request, _("The entry is recorded in the ledger."))
                return redirect("budgeting:fund", fund.community_id, fund.pk)
    summary = services.summarise(fund)
    entries = fund.entries.select_related("proposal__cycle", "decision").order_by("-occurred_on", "-pk")
    return render(
        request,
        "budgeting/fund.html",
        {
            "community": fund.community,
            "fund": fund,
            "summary": summary,
            "sources": [
                (label, summary.income_by_source.get(value, 0)) for value, label in SourceKind.choices
            ],
            "entries": entries,
            "form": form,
            "can_manage": can_manage,
        },
    )


# --- cycles ---------------------------------------------------------------------------------------------------


@login_required
def cycle_list(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id, "budgeting.see_cycles")
    can_manage = request.user.has_perm(MANAGE, community)
    cycles = Cycle.objects.filter(community=community).select_related("fund").prefetch_related("districts")
    if not can_manage:
        cycles = cycles.exclude(status=CycleStatus.DRAFT)
    return render(
        request,
        "budgeting/cycles.html",
        {"community": community, "cycles": cycles, "can_manage": can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_new(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id, MANAGE)
    form = forms.CycleForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "districts"}
        try:
            cycle = services.create_cycle(request.user, community, data, form.cleaned_data["districts"])
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The cycle is prepared. Check its districts, then open it for proposals.")
            )
            return redirect(_cycle_url(cycle))
    return render(request, "budgeting/cycle_form.html", {"community": community, "form": form})


def _steps(cycle: Cycle) -> list[dict[str, Any]]:
    order = [CycleStatus.PROPOSING, CycleStatus.REVIEWING, CycleStatus.VOTING, CycleStatus.CLOSED]
    labels = [_("Proposals"), _("Review and costing"), _("Vote"), _("Results and delivery")]
    current = order.index(CycleStatus(cycle.status)) if cycle.status in order else -1
    return [
        {"label": label, "state": "done" if i < current else "current" if i == current else "todo"}
        for i, label in enumerate(labels)
    ]


@login_required
def cycle_detail(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    can_manage = request.user.has_perm(MANAGE, cycle)
    proposals = list(services.visible_proposals(request.user, cycle).order_by("number"))
    districts = list(cycle.districts.prefetch_related("buildings"))
    counts = services.voter_counts(cycle)
    for district in districts:
        district.proposal_list = [p for p in proposals if p.district_id == district.pk]  # type: ignore[attr-defined]
        district.voters = counts.get(district.pk, 0)  # type: ignore[attr-defined]
    my_district = services.district_of(request.user, cycle)
    context = {
        "community": cycle.community,
        "cycle": cycle,
        "districts": districts,
        "steps": _steps(cycle),
        "can_manage": can_manage,
        "can_propose": cycle.status == CycleStatus.PROPOSING
        and request.user.has_perm("budgeting.propose", cycle.community),
        "my_district": my_district,
        "my_ballot": services.my_ballot(request.user, cycle),
        "waiting": sum(
            1 for p in proposals if p.status in (ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE)
        ),
        "district_form": forms.DistrictForm(community=cycle.community) if can_manage else None,
        "open_proposals_form": forms.OpenProposalsForm() if can_manage else None,
        "open_voting_form": forms.OpenVotingForm() if can_manage else None,
        "rule_summary": wording.RULE_SUMMARIES[Rule(cycle.rule)](),
    }
    return render(request, "budgeting/cycle.html", context)


def _staff_step(
    request: HttpRequest, cycle: Cycle, action: Any, done: str, anchor: str = "manage"
) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(_cycle_url(cycle, anchor=anchor))


@login_required
@require_POST
def cycle_open_proposals(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    form = forms.OpenProposalsForm(request.POST)
    closes_at = form.cleaned_data.get("proposals_close_at") if form.is_valid() else None
    return _staff_step(
        request,
        cycle,
        lambda: services.open_proposals(request.user, cycle, closes_at),
        _("The cycle takes proposals now."),
    )


@login_required
@require_POST
def cycle_start_review(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    return _staff_step(
        request,
        cycle,
        lambda: services.start_review(request.user, cycle),
        _("Proposals are closed; review them."),
    )


@login_required
@require_POST
def cycle_open_voting(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    form = forms.OpenVotingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the time voting closes."))
        return redirect(_cycle_url(cycle, anchor="manage"))
    return _staff_step(
        request,
        cycle,
        lambda: services.open_voting(request.user, cycle, form.cleaned_data["voting_closes_at"]),
        _("Voting is open."),
    )


@login_required
@require_POST
def cycle_close(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    try:
        services.close_cycle(request.user, cycle, early=request.POST.get("early") == "1")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_cycle_url(cycle, anchor="manage"))
    messages.success(request, _("Voting is closed and the projects are decided."))
    return redirect(_cycle_url(cycle, "results"))


@login_required
@require_POST
def cycle_cancel(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    return _staff_step(
        request, cycle, lambda: services.cancel_cycle(request.user, cycle), _("The cycle is cancelled.")
    )


@login_required
@require_POST
def district_add(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    form = forms.DistrictForm(request.POST, community=cycle.community)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(_cycle_url(cycle, anchor="districts"))
    return _staff_step(
        request,
        cycle,
        lambda: services.add_district(request.user, cycle, form.cleaned_data),
        _("The district is added."),
        anchor="districts",
    )


# --- proposals ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    if not request.user.has_perm("budgeting.propose", cycle.community):
        raise PermissionDenied
    organisations = services.acting_organisations(request.user, cycle.community)
    form = forms.ProposalForm(request.POST or None, cycle=cycle, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.submit_proposal(request.user, cycle, form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(
                request, _("Your proposal is submitted. The committee reviews it against the negative list.")
            )
            return redirect(_proposal_url(proposal))
    return render(
        request, "budgeting/propose.html", {"community": cycle.community, "cycle": cycle, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    proposal = _proposal(request, cycle, proposal_id)
    can_manage = request.user.has_perm(MANAGE, cycle)
    rating_form = None
    if services.may_rate(request.user, proposal):
        rating_form = forms.RatingForm(request.POST or None)
        if request.method == "POST" and rating_form.is_valid():
            try:
                services.rate(
                    request.user,
                    proposal,
                    rating_form.cleaned_data["stars"],
                    rating_form.cleaned_data["comment"],
                )
            except ValidationError as error:
                _apply_validation_error(rating_form, error)
            else:
                messages.success(request, _("Thank you for rating the project."))
                return redirect(_proposal_url(proposal, "rating"))
    elif request.method == "POST":
        raise PermissionDenied
    ratings = proposal.ratings.aggregate(average=Avg("stars"), count=Count("pk"))
    outcome = Outcome.objects.filter(district=proposal.district, official=True).first()
    funds = []
    if can_manage or proposal.status in (ProposalStatus.FUNDED, ProposalStatus.DELIVERED):
        funds = list(proposal.ledger_entries.select_related("fund").order_by("occurred_on", "pk"))
    context = {
        "community": cycle.community,
        "cycle": cycle,
        "proposal": proposal,
        "can_manage": can_manage,
        "is_proposer": proposal.proposer_id == request.user.pk,
        "explanation": wording.explain(outcome.explanations.get(str(proposal.pk))) if outcome else "",
        "milestones": proposal.milestones.all(),
        "ratings": ratings,
        "my_rating": proposal.ratings.filter(user_id=request.user.pk or 0).first(),
        "rating_form": rating_form,
        "entries": funds,
        "review_form": forms.ReviewForm() if can_manage else None,
        "cost_form": forms.CostForm(initial={"cost": proposal.cost or proposal.estimated_cost})
        if can_manage
        else None,
        "milestone_form": forms.MilestoneForm() if can_manage else None,
        "done_form": forms.MilestoneDoneForm(initial={"done_on": timezone.localdate()})
        if can_manage
        else None,
        "accept_form": forms.AcceptForm(initial={"accepted_on": timezone.localdate()})
        if can_manage
        else None,
    }
    return render(request, "budgeting/proposal.html", context)


def _proposal_step(
    request: HttpRequest, proposal: Proposal, form: Any, action: Any, done: str, anchor: str
) -> HttpResponse:
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(_proposal_url(proposal, anchor))
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(_proposal_url(proposal, anchor))


@login_required
@require_POST
def proposal_review(request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    proposal = _proposal(request, cycle, proposal_id)
    return _proposal_step(
        request,
        proposal,
        forms.ReviewForm(request.POST),
        lambda d: services.review_proposal(
            request.user, proposal, eligible=d["eligible"], reasons=d["reasons"], note=d["note"]
        ),
        _("The review is saved and the proposer told."),
        "review",
    )


@login_required
@require_POST
def proposal_cost(request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    proposal = _proposal(request, cycle, proposal_id)
    return _proposal_step(
        request,
        proposal,
        forms.CostForm(request.POST),
        lambda d: services.cost_proposal(request.user, proposal, cost=d["cost"], note=d["costing_note"]),
        _("The cost is saved; the project is on the ballot."),
        "costing",
    )


@login_required
@require_POST
def proposal_withdraw(
    request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int
) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    proposal = _proposal(request, cycle, proposal_id)
    try:
        services.withdraw_proposal(request.user, proposal)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your proposal is withdrawn."))
    return redirect(_cycle_url(cycle))


@login_required
@require_POST
def milestone_add(request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    proposal = _proposal(request, cycle, proposal_id)
    return _proposal_step(
        request,
        proposal,
        forms.MilestoneForm(request.POST),
        lambda d: services.add_milestone(request.user, proposal, d),
        _("The milestone is planned."),
        "delivery",
    )


@login_required
@require_POST
def milestone_done(
    request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int, milestone_id: int
) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    proposal = _proposal(request, cycle, proposal_id)
    try:
        milestone = proposal.milestones.get(pk=milestone_id)
    except Milestone.DoesNotExist as error:
        raise Http404 from error
    return _proposal_step(
        request,
        proposal,
        forms.MilestoneDoneForm(request.POST),
        lambda d: services.complete_milestone(request.user, milestone, d["done_on"], d["note"]),
        _("The milestone is done."),
        "delivery",
    )


@login_required
@require_POST
def proposal_accept(request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    proposal = _proposal(request, cycle, proposal_id)
    return _proposal_step(
        request,
        proposal,
        forms.AcceptForm(request.POST),
        lambda d: services.accept_delivery(request.user, proposal, d["accepted_on"], d["acceptance_note"]),
        _("The project is accepted; residents can rate it now."),
        "delivery",
    )


# --- the ballot -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    district = services.district_of(request.user, cycle)
    error_text = ""
    chosen: dict[int, int] = {}
    ballot = services.my_ballot(request.user, cycle)
    if ballot is not None:
        chosen = {m.proposal_id: (m.rank or m.points) for m in ballot.marks.all()}
    if request.method == "POST":
        try:
            marks = forms.ballot_marks(cycle, request.POST)
        except ValueError:
            error_text = _("The ballot could not be read; choose again.")
        else:
            chosen = dict(marks)
            try:
                services.cast_ballot(request.user, cycle, marks)
            except ValidationError as error:
                error_text = " ".join(error.messages)
            else:
                messages.success(
                    request,
                    _("Your ballot is counted. You can change it until voting closes."),
                )
                return redirect(_cycle_url(cycle, "vote"))
    proposals = (
        list(district.proposals.filter(status=ProposalStatus.ON_BALLOT).order_by("number"))
        if district
        else []
    )
    for proposal in proposals:
        proposal.mark = chosen.get(proposal.pk)  # type: ignore[attr-defined]
    spent = sum(int(p.cost or 0) for p in proposals if p.pk in chosen)
    accepting = cycle.status == CycleStatus.VOTING and (
        cycle.voting_closes_at is None or timezone.now() < cycle.voting_closes_at
    )
    return render(
        request,
        "budgeting/vote.html",
        {
            "community": cycle.community,
            "cycle": cycle,
            "district": district,
            "proposals": proposals,
            "ballot": ballot,
            "accepting": accepting,
            "error": error_text,
            "spent": spent,
            "left": abs(district.budget - spent) if district is not None else 0,
            "over": district is not None and spent > district.budget,
            "points_used": sum(chosen.values()) if cycle.ballot_kind == BallotKind.CUMULATIVE else 0,
        },
        status=400 if error_text else 200,
    )


# --- results --------------------------------------------------------------------------------------------------


@login_required
def results(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    if cycle.status != CycleStatus.CLOSED:
        messages.info(request, _("The results are published when voting closes."))
        return redirect(_cycle_url(cycle))
    grouped = services.outcomes_of(cycle)
    counts = services.voter_counts(cycle)
    short = wording.short_names()
    sections = []
    for district in cycle.districts.all():
        outcomes = grouped.get(district.pk, [])
        if not outcomes:
            continue
        official = outcomes[0]
        proposals = list(
            district.proposals.exclude(
                status__in=[
                    ProposalStatus.WITHDRAWN,
                    ProposalStatus.INELIGIBLE,
                    ProposalStatus.SUBMITTED,
                    ProposalStatus.ELIGIBLE,
                ]
            )
        )
        sections.append(
            {
                "district": district,
                "voters": counts.get(district.pk, 0),
                "official": official,
                "rows": wording.rows(official, proposals),
                "comparison": comparison(outcomes, proposals, short),
                "measures": [(o, o.measures, short[o.rule]) for o in outcomes],
                "groups": group_rows(outcomes, short),
            }
        )
    return render(
        request,
        "budgeting/results.html",
        {
            "community": cycle.community,
            "cycle": cycle,
            "sections": sections,
            "rule_summaries": [
                (label, short[value], wording.RULE_SUMMARIES[Rule(value)]()) for value, label in Rule.choices
            ],
            "can_manage": request.user.has_perm(MANAGE, cycle),
        },
    )


def comparison(outcomes: list[Outcome], proposals: list[Proposal], short: dict[str, str]) -> dict[str, Any]:
    """Projects × rules: which rule funds what, the projects where the rules differ first."""
    chosen = [set(o.selected) for o in outcomes]
    lines: list[dict[str, Any]] = []
    for proposal in proposals:
        marks = [proposal.pk in c for c in chosen]
        votes = int((outcomes[0].explanations.get(str(proposal.pk)) or {}).get("votes") or 0)
        lines.append({"proposal": proposal, "marks": marks, "differs": len(set(marks)) > 1, "votes": votes})
    lines.sort(key=lambda line: (not line["differs"], -line["votes"], line["proposal"].number))
    return {
        "rules": [short[o.rule] for o in outcomes],
        "lines": lines,
        "any_difference": any(line["differs"] for line in lines),
    }


def group_rows(outcomes: list[Outcome], short: dict[str, str]) -> list[dict[str, Any]]:
    """Per building: the share of its voters with at least one funded project, under each rule."""
    names: list[str] = []
    for outcome in outcomes:
        for group in outcome.measures.get("groups", []):
            if group["name"] not in names:
                names.append(group["name"])
    table = []
    for name in sorted(names):
        cells = []
        voters = 0
        for outcome in outcomes:
            group = next((g for g in outcome.measures.get("groups", []) if g["name"] == name), None)
            cells.append({"rule": short[outcome.rule], "official": outcome.official, "group": group})
            voters = max(voters, group["voters"] if group else 0)
        table.append({"name": name, "voters": voters, "cells": cells})
    return table


# --- pabulib --------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id, MANAGE)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            cycle = interchange.import_pabulib(
                request.user, community, upload.read(), upload.name, form.cleaned_data["title"]
            )
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("The file is imported; every rule's result is below."))
            return redirect(_cycle_url(cycle, "results"))
    return render(
        request,
        "budgeting/import.html",
        {"community": community, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def export_file(request: HttpRequest, community_id: int, cycle_id: int, district_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id, perm=MANAGE)
    try:
        district = cycle.districts.get(pk=district_id)
    except District.DoesNotExist as error:
        raise Http404 from error
    text = interchange.export_pabulib(cycle, district)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="comity-cycle-{cycle.pk}-district-{district.pk}.pb"'
    )
    return response
