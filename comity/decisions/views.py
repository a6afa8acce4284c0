"""Decision pages: the list, the decision page (proposal, rule in words, ballot, live count, affected parties,
cost plan, result and minorities), the receipt check and the public ballot log; and the staff pages (create and
edit, register, paper ballots with a second check, proxies, the "would it pass?" simulator, cost plan).

Thin, as everywhere: parse → permission → service → render. Every form is a plain POST that works without
JavaScript and posts to the page that shows it (``comity.foundation.steps``): a mistake comes back on its field with what
was typed; a step the decision's state no longer allows is refused with the reason and a redirect to the page, so
the browser is never left on an address that posts again on reload. Nothing is changed by either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_http_methods

from comity.consultations.models import DecisionDraft
from comity.decisions import counting, services
from comity.decisions.closing import chain_of, log_document, named_record, own_pseudonyms
from comity.decisions.forms import (
    AffectedUnitForm,
    BallotForm,
    CancelForm,
    CostPlanForm,
    DecisionForm,
    ExtendForm,
    MediationForm,
    MinutesForm,
    PaperBallotForm,
    ProxyForm,
    ReceiptForm,
    TextForm,
    ballot_values,
)
from comity.decisions.models import (
    BallotKind,
    CostPlan,
    Decision,
    DecisionStatus,
    Elector,
    LogEntry,
    Participation,
)
from comity.decisions.permissions import may_see_named_record
from comity.decisions.register import units_in_scope
from comity.decisions.selectors import get_decision_for_user
from comity.decisions.services.common import require_accepting, require_status
from comity.decisions.services.parties import may_object, may_write_minority, objection_deadline
from comity.decisions.services.voting import proxies_of, unvoted, waiting_paper_ballots
from comity.engine.decisions.ballot_log import verify
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.steps import Step, posted_step, refuse, take
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community, Ownership, Person
from comity.structure.views import _apply_validation_error

MANAGE = "decisions.manage_decisions"
RECEIPTS_KEY = "decision_receipts"


def _community(request: HttpRequest, community_id: int, perm: str = "decisions.see_decisions") -> Community:
    return structure_selectors.get_community_for_user(request.user, community_id, perm=perm)


def _decision(
    request: HttpRequest, community_id: int, decision_id: int, perm: str = "decisions.see_decision"
) -> Decision:
    return get_decision_for_user(request.user, _community(request, community_id), decision_id, perm=perm)


def _url(decision: Decision, name: str = "detail", anchor: str = "") -> str:
    url = reverse(f"decisions:{name}", args=[decision.community_id, decision.pk])
    return f"{url}#{anchor}" if anchor else url


# --- the list -----------------------------------------------------------------------------------------------

STATUS_ORDER = {
    DecisionStatus.OPEN: 0,
    DecisionStatus.CLOSED: 1,
    DecisionStatus.DRAFT: 2,
    DecisionStatus.CANCELLED: 3,
}


@login_required
def decision_list(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id)
    can_manage = request.user.has_perm(MANAGE, community)
    decisions = Decision.objects.filter(community=community).select_related("area")
    if not can_manage:
        decisions = decisions.exclude(status=DecisionStatus.DRAFT)
    mine = set(
        Elector.objects.filter(
            decision__community=community, persons__user__pk=request.user.pk or 0, participations__isnull=True
        ).values_list("decision_id", flat=True)
    )
    rows = sorted(decisions, key=lambda d: (STATUS_ORDER[DecisionStatus(d.status)], -d.closes_at.timestamp()))
    for decision in rows:
        decision.awaiting_me = decision.pk in mine and decision.accepts_ballots  # type: ignore[attr-defined]
    return render(
        request,
        "decisions/list.html",
        {"community": community, "decisions": rows, "can_manage": can_manage},
    )


# --- create and edit ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("decisions.new")
def new(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id, perm=MANAGE)
    draft = None
    if request.GET.get("draft") or request.POST.get("draft"):
        try:
            draft = DecisionDraft.objects.get(
                community=community, pk=int(request.GET.get("draft") or request.POST["draft"])
            )
        except (DecisionDraft.DoesNotExist, ValueError) as error:
            raise Http404 from error
    initial = {"title": draft.title, "agenda": draft.body} if draft else {}
    form = DecisionForm(request.POST or None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        data["draft"] = draft
        try:
            decision = services.create_decision(request.user, community, data, form.option_list())
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("The decision is drafted. Check it, then open voting."))
            return redirect(_url(decision))
    return render(
        request,
        "decisions/form.html",
        {"community": community, "form": form, "draft": draft, "decision": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = _decision(request, community_id, decision_id, perm=MANAGE)
    if decision.status != DecisionStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited; voting has opened."))
        return redirect(_url(decision))
    form = DecisionForm(request.POST or None, instance=decision, community=decision.community)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_decision(request.user, decision, form.data_for_service(), form.option_list())
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(_url(decision))
    decision.refresh_from_db()
    return render(
        request,
        "decisions/form.html",
        {"community": decision.community, "form": form, "draft": decision.draft, "decision": decision},
    )


# --- the decision page --------------------------------------------------------------------------------------


def _cost_rows(plan: CostPlan | None, my_units: set[int]) -> list[dict[str, Any]]:
    if plan is None:
        return []
    return [
        {
            "unit": share["unit"],
            "floor": share["floor"],
            "amount": counting.money(share["amount_fen"]),
            "compensation": counting.money(share["compensation_fen"]) if share["compensation_fen"] else "",
            "mine": share.get("unit_id") in my_units,
        }
        for share in plan.plan.get("shares", [])
    ]


def detail_context(request: HttpRequest, decision: Decision, **extra: Any) -> dict[str, Any]:
    user = request.user
    rule = counting.rule_of(decision)
    can_manage = user.has_perm(MANAGE, decision)
    eligibilities = services.electors_for(user, decision)
    ballot_forms = [
        (e, BallotForm(decision=decision, prefix=f"e{e.elector.pk}")) for e in eligibilities if not e.voted
    ]
    if "ballot_error" in extra:
        elector_id, bound = extra.pop("ballot_error")
        ballot_forms = [(e, bound if e.elector.pk == elector_id else f) for e, f in ballot_forms]
    result = None
    if decision.status == DecisionStatus.CLOSED:
        result = decision.result
    elif decision.status == DecisionStatus.OPEN:
        result = counting.live_count(decision)
    plan = CostPlan.objects.filter(decision=decision).first()
    my_units: set[int] = set()
    person_ids = (
        list(Person.objects.filter(user=user).values_list("pk", flat=True)) if user.is_authenticated else []
    )
    if person_ids:
        my_units = set(Ownership.objects.filter(person_id__in=person_ids).values_list("unit_id", flat=True))
    receipts = request.session.pop(f"{RECEIPTS_KEY}:{decision.pk}", None)
    objections = list(decision.objections.select_related("elector").order_by("created_at"))
    own_electors = [e.elector for e in eligibilities if not e.proxy]
    context = {
        "community": decision.community,
        "decision": decision,
        "rule": rule,
        "rule_title": counting.rule_title(rule),
        "rule_lines": counting.rule_lines(rule),
        "options": list(decision.options.all()),
        "eligibilities": eligibilities,
        "ballot_forms": ballot_forms,
        "receipts": receipts,
        "result": result,
        "lines": counting.explain(result) if result else [],
        "shortfalls": counting.explain_shortfalls(result)
        if result and decision.status == DecisionStatus.OPEN
        else [],
        "totals": counting.totals_table(result) if result else [],
        "option_rows": counting.option_rows(result) if result else [],
        "affected_units": list(decision.affected_units.select_related("unit__building")),
        "objections": objections,
        "mediations": list(decision.mediations.select_related("objection")),
        "minority_statements": list(decision.minority_statements.all()),
        "may_object": may_object(decision) and bool(own_electors),
        "objection_deadline": objection_deadline(decision),
        "own_electors": own_electors,
        "minority_electors": may_write_minority(user, decision),
        "plan": plan,
        "cost_rows": _cost_rows(plan, my_units),
        "plan_money": {
            key: counting.money(plan.plan.get(f"{key}_fen", 0))
            for key in ("total", "subsidy", "owners", "compensation")
        }
        if plan
        else {},
        "can_manage": can_manage,
        "electors_total": decision.electors.count(),
        "participations_total": Participation.objects.filter(decision=decision, counted=True).count(),
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
                "waiting_paper": waiting_paper_ballots(decision).count(),
                "voting_over": timezone.now() >= decision.closes_at,
                "extended": bool(
                    decision.planned_closes_at and decision.closes_at != decision.planned_closes_at
                ),
            }
        )
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = _decision(request, community_id, decision_id)
    if request.method == "POST":
        return _decision_post(
            request, decision=decision, name=posted_step(request), item=_posted_item(request)
        )
    return render(request, "decisions/detail.html", detail_context(request, decision))


# --- steps taken on the decision page -----------------------------------------------------------------------
#
# Every form of the decision page posts to the page itself, naming its step in a hidden ``step`` field (see
# ``comity.foundation.steps``): a mistake comes back on its field with what was typed (400); a step the decision's state
# no longer allows is refused with the reason and a 303 to the page, so a reload never posts it again. The older
# per-step addresses (``…/extend/``, ``…/close/`` …) take the same POST; a GET of one leads to the page.

NOTHING_CHANGED = gettext_lazy("Nothing was changed. Correct what is marked below and send it again.")


@dataclass(frozen=True)
class Place:
    """Where a step's form sits on the decision page and who may take it."""

    #: The form's name in the page's context ("" for a button without fields).
    context: str
    anchor: str
    staff: bool
    #: Said above the page when the form's own checks fail.
    summary: Any = NOTHING_CHANGED


DECISION_STEPS: dict[str, Place] = {
    "vote": Place("ballot_error", "vote", False, gettext_lazy("Check your ballot.")),
    "open": Place("", "manage", True),
    "extend": Place("extend_form", "manage", True, gettext_lazy("Give the new closing time.")),
    "close": Place("", "manage", True),
    "cancel": Place("cancel_form", "manage", True, gettext_lazy("Say why the decision is cancelled.")),
    "minutes": Place("minutes_form", "manage", True),
    "affected_add": Place(
        "affected_form", "affected", True, gettext_lazy("Choose a unit and how it is affected.")
    ),
    "affected_remove": Place("", "affected", True),
    "objection": Place("objection_form", "objections", False, gettext_lazy("Write your objection.")),
    "objection_withdraw": Place("", "objections", False),
    "mediation": Place("mediation_form", "objections", True, gettext_lazy("Check the mediation record.")),
    "minority": Place("minority_form", "minority", False, gettext_lazy("Write your statement.")),
}


def _posted_item(request: HttpRequest, name: str = "item") -> int:
    """The row a step is about (an elector, an affected unit, an objection), from its hidden field."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else 0


def _opened(request: HttpRequest, summary: dict[str, Any]) -> None:
    messages.success(
        request, _("Voting is open. The register holds %(n)s electors.") % {"n": summary["electors"]}
    )
    if summary["unowned"]:
        messages.warning(
            request,
            ngettext(
                "%(n)s unit has no owner on record: its area counts in the total, but nobody can vote for it. "
                "Complete the registry for the next vote.",
                "%(n)s units have no owner on record: their area counts in the total, but nobody can vote for them. "
                "Complete the registry for the next vote.",
                summary["unowned"],
            )
            % {"n": summary["unowned"]},
        )


def _decision_step(request: HttpRequest, decision: Decision, name: str, item: int) -> Step:
    """The step ``name`` of the decision page, bound to the POST; its ``check`` refuses what the state no longer
    allows, in the same words as the service."""
    user = request.user
    data = request.POST

    def status(*allowed: str) -> Callable[[], None]:
        return lambda: require_status(decision, *allowed)

    draft, running, closed = DecisionStatus.DRAFT, DecisionStatus.OPEN, DecisionStatus.CLOSED
    button = forms.Form(data)
    if name == "vote":
        ballot = BallotForm(data, decision=decision, prefix=f"e{item}")

        def keep_receipt(request: HttpRequest, receipt: str) -> None:
            key = f"{RECEIPTS_KEY}:{decision.pk}"
            request.session[key] = [*request.session.get(key, []), receipt]

        return Step(
            ballot,
            lambda d: services.cast_ballot(user, decision, item, **ballot_values(ballot, decision)),
            _("Your ballot has been counted. Keep your receipt code to check it later."),
            "vote",
            then=_url(decision, anchor="receipt"),
            check=lambda: require_accepting(decision),
            after=keep_receipt,
        )
    if name == "open":
        return Step(
            button,
            lambda d: services.open_voting(user, decision),
            anchor="manage",
            then=_url(decision),
            check=status(draft),
            after=_opened,
        )
    if name == "extend":
        return Step(
            ExtendForm(data),
            lambda d: services.extend_voting(user, decision, d["closes_at"]),
            _("Voting is extended."),
            "manage",
            then=_url(decision),
            check=status(running),
        )
    if name == "close":
        return Step(
            button,
            lambda d: services.close_decision(user, decision),
            _("The result is published."),
            "manage",
            then=_url(decision, anchor="result"),
            check=status(running),
        )
    if name == "cancel":
        return Step(
            CancelForm(data),
            lambda d: services.cancel_decision(user, decision, d["reason"]),
            _("The decision is cancelled."),
            "manage",
            then=_url(decision),
            check=status(draft, running),
        )
    if name == "minutes":
        return Step(
            MinutesForm(data),
            lambda d: services.save_minutes(user, decision, d["minutes"]),
            _("The minutes are saved."),
            "manage",
            then=_url(decision, anchor="minutes"),
            check=status(closed),
        )
    if name == "affected_add":
        return Step(
            AffectedUnitForm(data, units=units_in_scope(decision)),
            lambda d: services.add_affected_unit(user, decision, d["unit"], d["impact"], d["note"]),
            _("The unit is listed as affected."),
            "affected",
            check=status(draft),
        )
    if name == "affected_remove":
        return Step(
            button,
            lambda d: services.remove_affected_unit(user, decision, item),
            _("The unit is no longer listed as affected."),
            "affected",
            check=status(draft),
        )
    if name == "objection":
        return Step(
            TextForm(data, prefix="objection"),
            lambda d: services.submit_objection(user, decision, d["elector"], d["text"]),
            _("Your objection is on the decision's page."),
            "objections",
            check=status(running, closed),
        )
    if name == "objection_withdraw":
        return Step(
            button,
            lambda d: services.withdraw_objection(user, decision, item),
            _("Your objection is withdrawn."),
            "objections",
        )
    if name == "mediation":
        return Step(
            MediationForm(data, objections=decision.objections.all()),
            lambda d: services.record_mediation(
                user,
                decision,
                objection_id=d["objection"] or None,
                held_on=d["held_on"],
                attendees=d["attendees"],
                record=d["record"],
                outcome=d["outcome"],
            ),
            _("The mediation is recorded."),
            "objections",
            check=status(running, closed),
        )
    return Step(
        TextForm(data, prefix="minority"),
        lambda d: services.add_minority_statement(user, decision, d["elector"], d["text"]),
        _("Your statement is published with the result."),
        "minority",
        check=status(closed),
    )


@safe_to_send_twice(lambda request, kwargs: f"decisions.step:{kwargs['decision'].pk}")
def _decision_post(request: HttpRequest, *, decision: Decision, name: str, item: int = 0) -> HttpResponse:
    """Take the step ``name`` posted on the decision page (``item``: the row it is about). The objection and
    mediation forms carry a one-time token: sent again (back, a double click), they add nothing."""
    place = DECISION_STEPS.get(name)
    if place is None:
        raise Http404
    if place.staff and not request.user.has_perm(MANAGE, decision):
        raise PermissionDenied
    if name == "vote":
        item = _posted_item(request, "elector")
        if not item:
            raise PermissionDenied
    step = _decision_step(request, decision, name, item)
    mistaken = not step.form.is_valid()

    def page() -> HttpResponse:
        if place.context == "ballot_error":
            extra: dict[str, Any] = {"ballot_error": (item, step.form)}
        else:
            extra = {place.context: step.form} if place.context else {}
        context = detail_context(request, decision, **extra)
        context["errors"] = [place.summary if mistaken else NOTHING_CHANGED]
        context["error_anchor"] = place.anchor
        return render(request, "decisions/detail.html", context)

    return take(request, step, _url(decision), page)


View = Callable[..., HttpResponse]


def step_address(name: str) -> View:
    """The older address of a decision page step: POST takes the step, GET leads to its place on the page."""
    place = DECISION_STEPS[name]

    @login_required
    @require_http_methods(["GET", "HEAD", "POST"])
    def view(request: HttpRequest, community_id: int, decision_id: int, **item: int) -> HttpResponse:
        if request.method != "POST":
            return redirect(_url(_decision(request, community_id, decision_id), anchor=place.anchor))
        perm = MANAGE if place.staff else "decisions.see_decision"
        decision = _decision(request, community_id, decision_id, perm=perm)
        return _decision_post(request, decision=decision, name=name, item=next(iter(item.values()), 0))

    view.__name__ = name
    return view


vote = step_address("vote")
open_voting = step_address("open")
extend = step_address("extend")
close = step_address("close")
cancel = step_address("cancel")
minutes = step_address("minutes")
affected_add = step_address("affected_add")
affected_remove = step_address("affected_remove")
objection = step_address("objection")
objection_withdraw = step_address("objection_withdraw")
mediation = step_address("mediation")
minority = step_address("minority")


# --- receipts and the ballot log ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = _decision(request, community_id, decision_id)
    form = ReceiptForm(request.POST or None)
    check = None
    if request.method == "POST" and form.is_valid():
        check = services.check_receipt(decision, form.cleaned_data["code"])
    labels = {str(o.position): o.label for o in decision.options.all()}
    selection: list[str] = []
    if check and check.found:
        if decision.ballot_kind == BallotKind.APPROVAL:
            selection = [labels.get(str(p), str(p)) for p in check.selection]
        elif decision.ballot_kind == BallotKind.RANKED:
            selection = [" = ".join(labels.get(str(p), str(p)) for p in group) for group in check.selection]
    return render(
        request,
        "decisions/receipt.html",
        {
            "community": decision.community,
            "decision": decision,
            "form": form,
            "check": check,
            "selection": selection,
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


LOG_KINDS = {
    "opened": pgettext_lazy("ballot log entry", "Voting opened"),
    "ballot": pgettext_lazy("ballot log entry", "Ballot"),
    "participation": pgettext_lazy("ballot log entry", "Took part"),
    "sealed-ballot": pgettext_lazy("ballot log entry", "Ballot added at the close"),
    "proxy": pgettext_lazy("ballot log entry", "Proxy recorded"),
    "extended": pgettext_lazy("ballot log entry", "Voting extended"),
    "closed": pgettext_lazy("ballot log entry", "Voting closed"),
    "cancelled": pgettext_lazy("ballot log entry", "Cancelled"),
}


@login_required
def ballot_log(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = _decision(request, community_id, decision_id)
    chain = chain_of(decision)
    verification = verify(chain)
    head_ok = not chain or chain[-1].hash == decision.log_head
    page = Paginator(LogEntry.objects.filter(decision=decision).order_by("sequence"), 100).get_page(
        request.GET.get("page")
    )
    yours = own_pseudonyms(request.user, decision)
    may_see_named = may_see_named_record.test(request.user, decision)
    named = named_record(decision) if may_see_named else {}
    entries = []
    for e in page:
        pseudonym = e.content.get("elector", "")
        entries.append(
            {
                "sequence": e.sequence,
                "kind": LOG_KINDS.get(e.content.get("type", ""), e.content.get("type", "")),
                "json": json.dumps(e.content, ensure_ascii=False, sort_keys=True, indent=1),
                "hash": e.hash,
                "pseudonym": pseudonym,
                "mine": yours.get(pseudonym, ""),
                "named": named.get(pseudonym),
            }
        )
    own_entries = [
        {"pseudonym": p, "units": units, "sequences": sequences}
        for p, units in sorted(yours.items(), key=lambda item: item[1])
        for sequences in [[e.sequence for e in chain if e.content.get("elector") == p]]
    ]
    return render(
        request,
        "decisions/log.html",
        {
            "community": decision.community,
            "decision": decision,
            "page": page,
            "entries": entries,
            "verification": verification,
            "head_ok": head_ok,
            "own_entries": own_entries,
            "may_see_named": may_see_named,
            "named_for": counting.rule_of(decision).named_record,
        },
    )


@login_required
def ballot_log_json(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = _decision(request, community_id, decision_id)
    response = JsonResponse(
        log_document(decision, viewer=request.user), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Disposition"] = f'attachment; filename="decision-{decision.pk}-ballot-log.json"'
    return response


# --- staff pages --------------------------------------------------------------------------------------------


@login_required
def register(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = _decision(request, community_id, decision_id, perm=MANAGE)
    electors = Elector.objects.filter(decision=decision).prefetch_related("participations")
    query = request.GET.get("q", "").strip()
    if query:
        electors = electors.filter(units__icontains=query) | electors.filter(label__icontains=query)
    page = Paginator(electors.order_by("building", "units", "pk"), 200).get_page(request.GET.get("page"))
    return render(
        request,
        "decisions/register.html",
        {"community": decision.community, "decision": decision, "page": page, "query": query},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def paper(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    """Paper ballots: enter one for a second check (``step=enter``), or check one someone else entered
    (``step=check``, ``item`` the entry). Both post to this page."""
    decision = _decision(request, community_id, decision_id, perm=MANAGE)
    if request.method == "POST" and posted_step(request) == "check":
        return _paper_check(request, decision, _posted_item(request))
    form = PaperBallotForm(
        request.POST if request.method == "POST" else None, electors=unvoted(decision), decision=decision
    )

    def page() -> HttpResponse:
        return render(
            request,
            "decisions/paper.html",
            {
                "community": decision.community,
                "decision": decision,
                "form": form,
                "waiting": waiting_paper_ballots(decision),
                "labels": {o.position: o.label for o in decision.options.all()},
                "may_enter": decision.status == DecisionStatus.OPEN and timezone.now() >= decision.opens_at,
            },
        )

    if request.method != "POST":
        return page()

    def entered(request: HttpRequest, code: str) -> None:
        messages.success(
            request,
            _(
                "Paper ballot %(reference)s is entered. Another person must now check it. Receipt for the voter: %(code)s"
            )
            % {"reference": form.cleaned_data["reference"], "code": code},
        )

    step = Step(
        form,
        lambda d: services.enter_paper_ballot(
            request.user, decision, d["elector"], d["reference"], **ballot_values(form, decision)
        ),
        then=_url(decision, "paper"),
        check=lambda: require_status(decision, DecisionStatus.OPEN),
        after=entered,
    )
    return take(request, step, _url(decision, "paper"), page)


def _paper_check(request: HttpRequest, decision: Decision, participation_id: int) -> HttpResponse:
    """A second person's check of an entered paper ballot; every refusal goes back to the paper page (303)."""
    page = _url(decision, "paper")
    verdict = request.POST.get("verdict")
    if verdict not in ("matches", "mistake"):
        return refuse(request, page, [_("Say whether the entry matches the paper ballot.")])
    matches = verdict == "matches"
    try:
        services.check_paper_ballot(request.user, decision, participation_id, matches=matches)
    except ValidationError as error:
        return refuse(request, page, list(error.messages))
    if matches:
        messages.success(request, _("The paper ballot is checked and counted."))
    else:
        messages.warning(request, _("The entry was removed. Enter the paper ballot again."))
    return redirect(page)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def paper_check(
    request: HttpRequest, community_id: int, decision_id: int, participation_id: int
) -> HttpResponse:
    """The older address of a paper ballot's check: POST checks it, GET leads to the paper page."""
    decision = _decision(request, community_id, decision_id, perm=MANAGE)
    if request.method != "POST":
        return redirect(_url(decision, "paper"))
    return _paper_check(request, decision, participation_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def proxies(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = _decision(request, community_id, decision_id, perm=MANAGE)
    people = Person.objects.filter(
        community=decision.community, verified_at__isnull=False, user__isnull=False
    ).order_by("full_name")
    form = ProxyForm(
        request.POST if request.method == "POST" else None, electors=unvoted(decision), people=people
    )

    def page() -> HttpResponse:
        return render(
            request,
            "decisions/proxies.html",
            {
                "community": decision.community,
                "decision": decision,
                "form": form,
                "proxies": proxies_of(decision),
            },
        )

    if request.method != "POST":
        return page()
    step = Step(
        form,
        lambda d: services.record_proxy(
            request.user, decision, d["elector"], d["proxy"], d["document"], d["signed_on"]
        ),
        _("The proxy is recorded; they can now vote for the owner."),
        then=_url(decision, "proxies"),
        check=lambda: require_status(decision, DecisionStatus.OPEN),
    )
    return take(request, step, _url(decision, "proxies"), page)


SIMULATOR_LIMIT = 500


@login_required
@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    """Staff try "what if these owners voted so?" against the live count, one building at a time."""
    decision = _decision(request, community_id, decision_id, perm=MANAGE)
    if decision.status != DecisionStatus.OPEN or decision.ballot_kind != BallotKind.MOTION:
        messages.error(request, _("The simulator works on a yes-or-no vote while voting is open."))
        return redirect(_url(decision))
    left = unvoted(decision)
    buildings = sorted({b for b in left.values_list("building", flat=True) if b})
    building = (
        request.GET.get("building") or request.POST.get("building") or (buildings[0] if buildings else "")
    )
    shown = list(left.filter(building=building)[:SIMULATOR_LIMIT] if building else left[:SIMULATOR_LIMIT])
    assumed: dict[str, str] = {}
    if request.method == "POST":
        everyone = request.POST.get("everyone")
        for elector in shown:
            value = everyone or request.POST.get(f"e{elector.pk}", "")
            if value in ("yes", "no", "abstain"):
                assumed[elector.key] = value
    result = counting.count(decision, extra=assumed)
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
            "lines": counting.explain(result),
            "shortfalls": counting.explain_shortfalls(result),
            "passes": counting.passed_of(result),
            "secret": decision.secret,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cost_plan(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = _decision(request, community_id, decision_id, perm=MANAGE)
    plan = CostPlan.objects.filter(decision=decision).first()
    initial = {}
    if plan:
        initial = {
            "total": plan.total_fen / 100,
            "method": plan.method,
            "floor_values": ", ".join(f"{k}: {v}" for k, v in plan.floor_values.items()),
            "subsidy_percent": plan.subsidy_percent,
            "subsidy_cap": plan.subsidy_cap_fen / 100 if plan.subsidy_cap_fen is not None else None,
            "compensation": ", ".join(f"{k}: {v / 100:g}" for k, v in plan.compensation.items()),
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
        then=_url(decision, anchor="costs"),
        check=lambda: require_status(decision, DecisionStatus.DRAFT),
        inline=True,
    )
    return take(request, step, _url(decision, "cost_plan"), page)
