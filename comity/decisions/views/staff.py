"""Staff pages of a decision: the frozen register, the "would it pass?" simulator and the cost-sharing plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from comity.decisions import results, selectors, services
from comity.decisions.checks import require_status
from comity.decisions.forms import CostPlanForm
from comity.decisions.models import BallotKind, DecisionStatus, Elector
from comity.decisions.views.common import MANAGE, decision_of, page_url
from comity.engine.money import fen_to_yuan_exact
from comity.foundation.personal_data import Read
from comity.foundation.steps import Step, take
from comity.structure.reads import note_reads


@login_required
def register(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = decision_of(request, community_id, decision_id, perm=MANAGE)
    query = request.GET.get("q", "").strip()
    electors = selectors.electors_of(decision, query)
    page = Paginator(electors, 200).get_page(request.GET.get("page"))
    page.object_list = shown = list(page.object_list)
    persons = Elector.persons.through.objects.filter(elector_id__in=[e.pk for e in shown])
    note_reads(request, decision.community_id, persons.values_list("person_id", flat=True), Read.VOTERS)
    return render(
        request,
        "decisions/register.html",
        {"community": decision.community, "decision": decision, "page": page, "query": query},
    )


SIMULATOR_LIMIT = 500


@login_required
@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    """Staff try "what if these owners voted so?" against the live count, one building at a time."""
    decision = decision_of(request, community_id, decision_id, perm=MANAGE)
    if decision.status != DecisionStatus.OPEN or decision.ballot_kind != BallotKind.MOTION:
        messages.error(request, _("The simulator works on a yes-or-no vote while voting is open."))
        return redirect(page_url(decision))
    left = selectors.unvoted(decision)
    buildings = sorted({b for b in left.values_list("building", flat=True) if b})
    building = (
        request.GET.get("building") or request.POST.get("building") or (buildings[0] if buildings else "")
    )
    shown = list(left.filter(building=building)[:SIMULATOR_LIMIT] if building else left[:SIMULATOR_LIMIT])
    persons = Elector.persons.through.objects.filter(elector_id__in=[e.pk for e in shown])
    note_reads(request, decision.community_id, persons.values_list("person_id", flat=True), Read.VOTERS)
    assumed: dict[str, str] = {}
    if request.method == "POST":
        everyone = request.POST.get("everyone")
        for elector in shown:
            value = everyone or request.POST.get(f"e{elector.pk}", "")
            if value in ("yes", "no", "abstain"):
                assumed[elector.key] = value
    result = results.simulated(decision, assumed)
    return render(
        request,
        "decisions/simulator.html",
        {
            "community": decision.community,
            "decision": decision,
            "rows": [(e, assumed.get(e.key, "")) for e in shown],
            "choices": [
                ("yes", pgettext_lazy("ballot choice", "Yes")),
                ("no", pgettext_lazy("ballot choice", "No")),
                ("abstain", pgettext_lazy("ballot choice", "Abstain")),
            ],
            "buildings": buildings,
            "building": building,
            "assumed_count": len(assumed),
            "result": result,
            "lines": results.explain(result),
            "shortfalls": results.explain_shortfalls(result),
            "passes": result.passes,
            "secret": decision.secret,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cost_plan(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = decision_of(request, community_id, decision_id, perm=MANAGE)
    plan = selectors.cost_plan_of(decision)
    initial = {}
    if plan:
        initial = {
            "total": float(fen_to_yuan_exact(plan.total_fen)),
            "method": plan.method,
            "floor_values": ", ".join(f"{k}: {v}" for k, v in plan.floor_values.items()),
            "subsidy_percent": plan.subsidy_percent,
            "subsidy_cap": float(fen_to_yuan_exact(plan.subsidy_cap_fen))
            if plan.subsidy_cap_fen is not None
            else None,
            "compensation": ", ".join(
                f"{k}: {float(fen_to_yuan_exact(v)):g}" for k, v in plan.compensation.items()
            ),
        }
    form = CostPlanForm(request.POST if request.method == "POST" else None, initial=initial)

    def page() -> HttpResponse:
        return render(
            request,
            "decisions/cost_plan.html",
            {"community": decision.community, "decision": decision, "form": form, "plan": plan},
        )

    if request.method != "POST":
        return page()
    step = Step(
        form,
        lambda d: services.set_cost_plan(request.user, decision, form.data_for_service()),
        _("The cost-sharing plan is saved; every unit's amount is on the decision's page."),
        then=page_url(decision, anchor="costs"),
        check=lambda: require_status(decision, DecisionStatus.DRAFT),
        inline=True,
    )
    return take(request, step, page_url(decision, "cost_plan"), page)
