"""The cycle's page and a proposal's page, with every step taken on them: the staff's (open proposals, close them,
open and close voting, cancel, add a district; review, cost, plan and complete milestones, accept the delivery) and
the residents' (withdraw a proposal, rate a delivered project).

Every step's form posts to the page that shows it, naming itself in a hidden ``step`` field, and is taken the
shared way (:mod:`comity.foundation.steps`). Then:

* a form with a mistake is shown again on that page, the error on its field and everything typed kept (400);
* a step the state does not allow is not offered (the page says why instead), and if one is posted anyway (a page
  left open while someone else moved the cycle on) it is refused with a message and a redirect to the page — so
  the browser is never left on a URL that posts again on reload;
* a step the user may not take is a 403, whatever the state.

The older per-step URLs (``…/review/``, ``…/cost/``, ``…/close/`` …) take the same POST; a GET of one leads to its
page instead of a 405.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, cast

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from comity.accounts.selectors import as_user
from comity.budgeting import forms, selectors, services, wording
from comity.budgeting.models import Cycle, CycleStatus, Proposal, ProposalStatus, Rule
from comity.budgeting.views import MANAGE, _cycle, _cycle_url, _proposal, _proposal_url
from comity.engine.money import yuan_text
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.steps import Step, take


def _take(
    request: HttpRequest, step: Step | None, page_url: str, render_page: Callable[[], HttpResponse]
) -> HttpResponse:
    """The shared way of taking a step; a refusal answers ``302`` as these pages always have."""
    return take(request, step, page_url, render_page, see_other=False)


# --- the cycle ------------------------------------------------------------------------------------------------

CYCLE_STEPS = ("open_proposals", "start_review", "open_voting", "close", "cancel", "district_add")


def _stages(cycle: Cycle) -> list[dict[str, Any]]:
    order = [CycleStatus.PROPOSING, CycleStatus.REVIEWING, CycleStatus.VOTING, CycleStatus.CLOSED]
    labels = [_("Proposals"), _("Review and costing"), _("Vote"), _("Results and delivery")]
    current = order.index(CycleStatus(cycle.status)) if cycle.status in order else -1
    return [
        {"label": label, "state": "done" if i < current else "current" if i == current else "todo"}
        for i, label in enumerate(labels)
    ]


def voting_blockers(cycle: Cycle) -> list[str]:
    """Why voting cannot open yet (reviewing cycles), in the words the page shows; empty when it can."""
    reasons = []
    waiting = selectors.awaiting_review(cycle)
    if waiting:
        reasons.append(
            ngettext(
                "%(count)s proposal still awaits review or costing.",
                "%(count)s proposals still await review or costing.",
                waiting,
            )
            % {"count": waiting}
        )
    elif not selectors.has_ballot(cycle):
        reasons.append(_("No proposal is on the ballot."))
    shortfall = selectors.funding_shortfall(cycle)
    if shortfall:
        reasons.append(shortfall)
    return reasons


def _cycle_steps(request: HttpRequest, cycle: Cycle, posted: str = "") -> tuple[dict[str, Step], list[str]]:
    """The steps the cycle's state allows (the posted one bound to the request), and why others are held back."""
    user = request.user
    data = request.POST if posted else None

    def bound(name: str) -> Any:
        return data if name == posted else None

    steps: dict[str, Step] = {}
    blockers: list[str] = []
    status = cycle.status
    if status == CycleStatus.DRAFT:
        steps["open_proposals"] = Step(
            forms.OpenProposalsForm(bound("open_proposals")),
            lambda d: services.open_proposals(as_user(user), cycle, d.get("proposals_close_at")),
            _("The cycle takes proposals now."),
            "manage",
        )
    if status == CycleStatus.PROPOSING:
        steps["start_review"] = Step(
            django_forms.Form(bound("start_review")),
            lambda d: services.start_review(as_user(user), cycle),
            _("Proposals are closed; review them."),
            "manage",
        )
    if status == CycleStatus.REVIEWING:
        blockers = voting_blockers(cycle)
        if not blockers:
            steps["open_voting"] = Step(
                forms.OpenVotingForm(bound("open_voting")),
                lambda d: services.open_voting(as_user(user), cycle, d["voting_closes_at"]),
                _("Voting is open."),
                "manage",
            )
    if status == CycleStatus.VOTING:
        shortfall = selectors.funding_shortfall(cycle)
        if shortfall:
            blockers = [shortfall]
        else:
            close = forms.CloseVotingForm(bound("close"), cycle=cycle)
            steps["close"] = Step(
                close,
                lambda d: services.close_cycle(as_user(user), cycle, early=bool(d.get("early"))),
                _("Voting is closed and the projects are decided."),
                "manage",
                then=_cycle_url(cycle, "results"),
            )
    if status in (CycleStatus.DRAFT, CycleStatus.PROPOSING):
        steps["district_add"] = Step(
            forms.DistrictForm(bound("district_add"), community=cycle.community),
            lambda d: services.add_district(as_user(user), cycle, cast(services.DistrictSpec, d)),
            _("The district is added."),
            "districts",
        )
    if status not in (CycleStatus.CLOSED, CycleStatus.CANCELLED):
        steps["cancel"] = Step(
            forms.CancelForm(bound("cancel")),
            lambda d: services.cancel_cycle(as_user(user), cycle),
            _("The cycle is cancelled."),
            "manage",
        )
    return steps, blockers


def _render_cycle(
    request: HttpRequest,
    cycle: Cycle,
    steps_and_blockers: Callable[[], tuple[dict[str, Step], list[str]]],
    *,
    cached: bool = True,
) -> HttpResponse:
    """The cycle's page. Its content is one part cached for the viewer (``budget-cycle``, per user: it shows their
    own pending proposals, their district and their ballot) until an audited write of the community — every
    budgeting write is one, ballots included — or 60 s (the voting deadline's "running" state); so everything it
    shows is computed lazily, when the part is rendered. A page showing a posted form's errors is not cached."""
    can_manage = request.user.has_perm(MANAGE, cycle)
    community = cycle.community
    once = functools.cache(steps_and_blockers)

    def districts() -> list[Any]:
        proposals = list(selectors.visible_proposals(request.user, cycle).order_by("number"))
        found = list(cycle.districts.prefetch_related("buildings"))
        counts = selectors.voter_counts(cycle)
        for district in found:
            district.proposal_list = [p for p in proposals if p.district_id == district.pk]  # type: ignore[attr-defined]
            district.voters = counts.get(district.pk, 0)  # type: ignore[attr-defined]
        return found

    context = {
        "community": community,
        "cycle": cycle,
        # The part's key: the viewer's account and what they may do (a "user" part varies on both).
        "fragment_community": community if cached else None,
        "districts": SimpleLazyObject(districts),
        "steps": SimpleLazyObject(lambda: _stages(cycle)),
        "can_manage": can_manage,
        "can_propose": SimpleLazyObject(
            lambda: (
                cycle.status == CycleStatus.PROPOSING
                and request.user.has_perm("budgeting.propose", community)
            )
        ),
        "my_district": SimpleLazyObject(lambda: selectors.district_of(request.user, cycle)),
        "my_ballot": SimpleLazyObject(lambda: selectors.my_ballot(request.user, cycle)),
        "actions": SimpleLazyObject(
            lambda: {name: step.form for name, step in once()[0].items()} if can_manage else {}
        ),
        "blockers": SimpleLazyObject(lambda: once()[1] if can_manage else []),
        "rule_summary": SimpleLazyObject(lambda: wording.RULE_SUMMARIES[Rule(cycle.rule)]()),
    }
    return render(request, "budgeting/cycle.html", context)


def _cycle_post(request: HttpRequest, cycle: Cycle, name: str) -> HttpResponse:
    if name not in CYCLE_STEPS:
        raise Http404
    if not request.user.has_perm(MANAGE, cycle):
        raise PermissionDenied
    steps, blockers = _cycle_steps(request, cycle, posted=name)
    return _take(
        request,
        steps.get(name),
        _cycle_url(cycle),
        lambda: _render_cycle(request, cycle, lambda: (steps, blockers), cached=False),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_detail(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    if request.method == "POST":
        return _cycle_post(request, cycle, request.POST.get("step", ""))
    # The steps and what holds them back are shown only to those who manage the cycle (residents' views of the
    # page need not work them out: the fund's summary behind a shortfall reads every entry of the fund), and only
    # when the cached part is rendered.
    return _render_cycle(request, cycle, lambda: _cycle_steps(request, cycle))


def cycle_step(name: str, anchor: str = "manage") -> Callable[..., HttpResponse]:
    """The per-step URL of a cycle step: POST takes the step, GET leads to the cycle's page."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
        cycle = _cycle(request, community_id, cycle_id)
        if request.method == "GET":
            return redirect(_cycle_url(cycle, anchor=anchor))
        return _cycle_post(request, cycle, name)

    view.__name__ = f"cycle_{name}"
    return view


# --- a proposal -----------------------------------------------------------------------------------------------

PROPOSAL_STEPS = ("review", "cost", "milestone_add", "milestone_done", "accept", "withdraw", "rate")
STAFF_STEPS = {"review", "cost", "milestone_add", "milestone_done", "accept"}


def _proposal_steps(
    request: HttpRequest, cycle: Cycle, proposal: Proposal, posted: str = "", milestone_id: int = 0
) -> dict[str, Any]:
    """The steps the proposal's and the cycle's state allow; ``done`` maps each open milestone's pk to its step."""
    user = request.user
    data = request.POST if posted else None

    def bound(name: str) -> Any:
        return data if name == posted else None

    steps: dict[str, Step] = {}
    done: dict[int, Step] = {}
    can_manage = user.has_perm(MANAGE, cycle)
    status = proposal.status
    before_vote = cycle.status in (CycleStatus.PROPOSING, CycleStatus.REVIEWING)
    if can_manage and before_vote:
        if status in (ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE, ProposalStatus.INELIGIBLE):
            steps["review"] = Step(
                forms.ReviewForm(
                    bound("review"),
                    initial={
                        "eligible": {"eligible": "yes", "ineligible": "no"}.get(status),
                        "reasons": proposal.reasons,
                        "note": proposal.review_note,
                    },
                ),
                lambda d: services.review_proposal(
                    as_user(user),
                    proposal,
                    eligible=d["eligible"],
                    reasons=d["reasons"],
                    note=d["note"],
                ),
                _("The review is saved and the proposer told."),
                "review",
            )
        if status in (ProposalStatus.ELIGIBLE, ProposalStatus.ON_BALLOT):
            steps["cost"] = Step(
                forms.CostForm(
                    bound("cost"),
                    initial={
                        "cost": yuan_text(proposal.cost).replace(",", "")
                        if proposal.cost is not None
                        else proposal.estimated_cost,
                        "costing_note": proposal.costing_note,
                    },
                ),
                lambda d: services.cost_proposal(
                    as_user(user), proposal, cost=d["cost"], note=d["costing_note"]
                ),
                _("The cost is saved; the project is on the ballot."),
                "costing",
            )
    if can_manage and status == ProposalStatus.FUNDED:
        steps["milestone_add"] = Step(
            forms.MilestoneForm(bound("milestone_add")),
            lambda d: services.add_milestone(as_user(user), proposal, cast(services.MilestoneData, d)),
            _("The milestone is planned."),
            "delivery",
        )
        open_milestones = [m for m in proposal.milestones.all() if m.done_on is None]
        for milestone in open_milestones:
            done[milestone.pk] = Step(
                forms.MilestoneDoneForm(
                    data if posted == "milestone_done" and milestone_id == milestone.pk else None,
                    auto_id=f"id_done{milestone.pk}_%s",
                    initial={"done_on": timezone.localdate()},
                ),
                (lambda m: lambda d: services.complete_milestone(as_user(user), m, d["done_on"], d["note"]))(
                    milestone
                ),
                _("The milestone is done."),
                "delivery",
            )
        if not open_milestones:
            steps["accept"] = Step(
                forms.AcceptForm(bound("accept"), initial={"accepted_on": timezone.localdate()}),
                lambda d: services.accept_delivery(
                    as_user(user), proposal, d["accepted_on"], d["acceptance_note"]
                ),
                _("The project is accepted; residents can rate it now."),
                "delivery",
            )
    if (
        proposal.proposer_id == user.pk
        and before_vote
        and status in (ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE, ProposalStatus.ON_BALLOT)
    ):
        steps["withdraw"] = Step(
            django_forms.Form(bound("withdraw")),
            lambda d: services.withdraw_proposal(as_user(user), proposal),
            _("Your proposal is withdrawn."),
            "",
            then=_cycle_url(cycle),
        )
    if selectors.may_rate(user, proposal):
        steps["rate"] = Step(
            forms.RatingForm(bound("rate")),
            lambda d: services.rate(as_user(user), proposal, d["stars"], d["comment"]),
            _("Thank you for rating the project."),
            "rating",
        )
    return {"steps": steps, "done": done}


def _render_proposal(
    request: HttpRequest, cycle: Cycle, proposal: Proposal, offered: dict[str, Any]
) -> HttpResponse:
    can_manage = request.user.has_perm(MANAGE, cycle)
    steps: dict[str, Step] = offered["steps"]
    ratings = proposal.ratings.aggregate(average=Avg("stars"), count=Count("pk"))
    outcome = selectors.official_outcome(proposal.district)
    entries = []
    if can_manage or proposal.status in (ProposalStatus.FUNDED, ProposalStatus.DELIVERED):
        entries = list(selectors.ledger_of(proposal))
    milestones = list(proposal.milestones.all())
    for milestone in milestones:
        step = offered["done"].get(milestone.pk)
        milestone.done_form = step.form if step else None  # type: ignore[attr-defined]
    context = {
        "community": cycle.community,
        "cycle": cycle,
        "proposal": proposal,
        "can_manage": can_manage,
        "explanation": wording.explain(outcome.explanations.get(str(proposal.pk))) if outcome else "",
        "milestones": milestones,
        "ratings": ratings,
        "my_rating": selectors.my_rating(request.user, proposal),
        "entries": entries,
        "actions": {name: step.form for name, step in steps.items()},
        "open_milestones": sum(1 for m in milestones if m.done_on is None),
    }
    return render(request, "budgeting/proposal.html", context)


@safe_to_send_twice(lambda request, kwargs: f"budgeting.proposal_step:{kwargs['proposal'].pk}")
def _proposal_post(request: HttpRequest, *, cycle: Cycle, proposal: Proposal, name: str) -> HttpResponse:
    """Take a step posted on a proposal's page. The milestone form carries a one-time token: sending it again
    (back, a double click) plans nothing more and lands on the proposal."""
    milestone_id = 0
    if name.startswith("done-"):
        number = name.removeprefix("done-")
        name, milestone_id = "milestone_done", int(number) if number.isdigit() else 0
    if name not in PROPOSAL_STEPS:
        raise Http404
    user = request.user
    if name in STAFF_STEPS and not user.has_perm(MANAGE, cycle):
        raise PermissionDenied
    if name == "withdraw" and proposal.proposer_id != user.pk:
        raise PermissionDenied
    if name == "rate" and not selectors.may_rate(user, proposal):
        raise PermissionDenied
    if name == "milestone_done" and not proposal.milestones.filter(pk=milestone_id).exists():
        raise Http404
    offered = _proposal_steps(request, cycle, proposal, posted=name, milestone_id=milestone_id)
    step = offered["done"].get(milestone_id) if name == "milestone_done" else offered["steps"].get(name)
    return _take(
        request, step, _proposal_url(proposal), lambda: _render_proposal(request, cycle, proposal, offered)
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    proposal = _proposal(request, cycle, proposal_id)
    if request.method == "POST":
        return _proposal_post(request, cycle=cycle, proposal=proposal, name=request.POST.get("step", "rate"))
    return _render_proposal(request, cycle, proposal, _proposal_steps(request, cycle, proposal))


def proposal_step(name: str, anchor: str) -> Callable[..., HttpResponse]:
    """The per-step URL of a proposal step: POST takes the step, GET leads to the proposal's page."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(
        request: HttpRequest, community_id: int, cycle_id: int, proposal_id: int, milestone_id: int = 0
    ) -> HttpResponse:
        staff = request.method == "POST" and name in STAFF_STEPS
        cycle = _cycle(request, community_id, cycle_id, perm=MANAGE if staff else "budgeting.see_cycle")
        proposal = _proposal(request, cycle, proposal_id)
        if request.method == "GET":
            return redirect(_proposal_url(proposal, anchor))
        return _proposal_post(
            request,
            cycle=cycle,
            proposal=proposal,
            name=f"done-{milestone_id}" if milestone_id else name,
        )

    view.__name__ = f"proposal_{name}"
    return view
