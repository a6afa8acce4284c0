"""The decision page: the proposal, the rule in words, the ballot, the live count or the result, the affected
parties, the cost plan, the minorities, and the staff's forms."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from comity.decisions import computing, results, selectors
from comity.decisions.forms import (
    AffectedUnitForm,
    BallotForm,
    CancelForm,
    ExtendForm,
    MediationForm,
    MinutesForm,
    TextForm,
)
from comity.decisions.models import CostPlan, Decision, DecisionStatus
from comity.decisions.register import units_in_scope
from comity.decisions.views.common import MANAGE, RECEIPTS_KEY
from comity.structure.fragments import cached_fragment, part_renderer


def _cost_rows(plan: CostPlan | None, my_units: set[int]) -> list[dict[str, Any]]:
    if plan is None:
        return []
    return [
        {
            "unit": share["unit"],
            "floor": share["floor"],
            "amount": results.money(share["amount_fen"]),
            "compensation": results.money(share["compensation_fen"]) if share["compensation_fen"] else "",
            "mine": share.get("unit_id") in my_units,
        }
        for share in plan.plan.get("shares", [])
    ]


def detail_context(request: HttpRequest, decision: Decision, **extra: Any) -> dict[str, Any]:
    user = request.user
    rule = computing.rule_of(decision)
    can_manage = user.has_perm(MANAGE, decision)
    eligibilities = selectors.electors_for(user, decision)
    ballot_forms = [
        (e, BallotForm(decision=decision, prefix=f"e{e.elector.pk}")) for e in eligibilities if not e.voted
    ]
    if "ballot_error" in extra:
        elector_id, bound = extra.pop("ballot_error")
        ballot_forms = [(e, bound if e.elector.pk == elector_id else f) for e, f in ballot_forms]
    result = results.result_of(decision)
    plan = selectors.cost_plan_of(decision)
    my_units = selectors.units_owned_by(user)
    receipts = request.session.pop(f"{RECEIPTS_KEY}:{decision.pk}", None)
    objections = selectors.objections_of(decision)
    own_electors = [e.elector for e in eligibilities if not e.proxy]
    context = {
        "community": decision.community,
        "decision": decision,
        "rule": rule,
        "rule_title": results.rule_title(rule),
        "rule_lines": results.rule_lines(rule),
        "options": list(decision.options.all()),
        "eligibilities": eligibilities,
        "ballot_forms": ballot_forms,
        "receipts": receipts,
        "result": result,
        "lines": results.explain(result) if result else [],
        "shortfalls": results.explain_shortfalls(result)
        if result and decision.status == DecisionStatus.OPEN
        else [],
        "totals": results.totals_table(result) if result else [],
        "option_rows": results.option_rows(result) if result else [],
        "affected_units": selectors.affected_units_of(decision),
        "objections": objections,
        "mediations": selectors.mediations_of(decision),
        "minority_statements": selectors.minority_statements_of(decision),
        "may_object": selectors.may_object(decision) and bool(own_electors),
        "objection_deadline": selectors.objection_deadline(decision),
        "own_electors": own_electors,
        "minority_electors": selectors.may_write_minority(user, decision),
        "plan": plan,
        "cost_rows": _cost_rows(plan, my_units),
        "plan_money": {
            key: results.money(plan.plan.get(f"{key}_fen", 0))
            for key in ("total", "subsidy", "owners", "compensation")
        }
        if plan
        else {},
        "can_manage": can_manage,
        "electors_total": decision.electors.count(),
        "participations_total": selectors.counted_participations(decision),
        "objection_form": TextForm(prefix="objection"),
        "minority_form": TextForm(prefix="minority"),
    }
    if can_manage:
        context.update(
            {
                "extend_form": ExtendForm(),
                "cancel_form": CancelForm(),
                "minutes_form": MinutesForm(initial={"minutes": decision.minutes}),
                "mediation_form": MediationForm(objections=objections),
                "affected_form": AffectedUnitForm(units=units_in_scope(decision)),
                "waiting_paper": selectors.waiting_paper_ballots(decision).count(),
                "voting_over": timezone.now() >= decision.closes_at,
                "extended": bool(
                    decision.planned_closes_at and decision.closes_at != decision.planned_closes_at
                ),
            }
        )
    context.update(extra)
    return context


def decision_page(request: HttpRequest, decision: Decision) -> HttpResponse:
    """The decision page for a GET: its body (everything below the title) is cached for the viewer's account
    until the community's data changes (every write of a decision but a ballot is audited) or the ballot log
    grows (every counted ballot appends to it), or the clock passes one of the decision's times. The viewer's
    roles are varied on as well, and the receipts shown once after a ballot stay outside."""
    receipts = request.session.pop(f"{RECEIPTS_KEY}:{decision.pk}", None)
    now = timezone.now()

    body = part_renderer(request, "decisions/_detail_body.html", lambda: detail_context(request, decision))

    html = cached_fragment(
        request,
        decision.community,
        "decision-page",
        decision.pk,
        decision.status,
        decision.log_length,
        # the clock's part, exact rather than within the minute: voting not yet open, open, over; objections taken
        decision.opens_at,
        decision.closes_at,
        decision.accepts_ballots,
        now >= decision.closes_at,
        selectors.may_object(decision),
        render=body,
        per="user",
    )
    context = {
        "community": decision.community,
        "decision": decision,
        "receipts": receipts,
        "body": html,
    }
    return render(request, "decisions/detail.html", context)
