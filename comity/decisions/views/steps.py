"""The steps taken on the decision page — vote, open, extend, close, cancel, minutes, affected units, objections,
mediation, minority statements — and the page itself.

Every form of the decision page posts to the page itself, naming its step in a hidden ``step`` field (see
``comity.foundation.steps``): a mistake comes back on its field with what was typed (400); a step the decision's
state no longer allows is refused with the reason and a 303 to the page, so a reload never posts it again. The
older per-step addresses (``…/extend/``, ``…/close/`` …) take the same POST; a GET of one leads to the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from comity.decisions import services
from comity.decisions.checks import require_accepting, require_status
from comity.decisions.forms import (
    AffectedUnitForm,
    BallotForm,
    CancelForm,
    ExtendForm,
    MediationForm,
    MinutesForm,
    TextForm,
    ballot_values,
)
from comity.decisions.models import Decision, DecisionStatus
from comity.decisions.register import units_in_scope
from comity.decisions.views.common import MANAGE, RECEIPTS_KEY, decision_of, page_url, posted_item
from comity.decisions.views.page import decision_page, detail_context
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.replica import reads_from_replica
from comity.foundation.steps import Step, posted_step, take


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@reads_from_replica
def detail(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = decision_of(request, community_id, decision_id)
    if request.method == "POST":
        return _decision_post(
            request, decision=decision, name=posted_step(request), item=posted_item(request)
        )
    return decision_page(request, decision)


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


def _opened(request: HttpRequest, summary: services.Opened) -> None:
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
            then=page_url(decision, anchor="receipt"),
            check=lambda: require_accepting(decision),
            after=keep_receipt,
        )
    if name == "open":
        return Step(
            button,
            lambda d: services.open_voting(user, decision),
            anchor="manage",
            then=page_url(decision),
            check=status(draft),
            after=_opened,
        )
    if name == "extend":
        return Step(
            ExtendForm(data),
            lambda d: services.extend_voting(user, decision, d["closes_at"]),
            _("Voting is extended."),
            "manage",
            then=page_url(decision),
            check=status(running),
        )
    if name == "close":
        return Step(
            button,
            lambda d: services.close_decision(user, decision),
            _("The result is published."),
            "manage",
            then=page_url(decision, anchor="result"),
            check=status(running),
        )
    if name == "cancel":
        return Step(
            CancelForm(data),
            lambda d: services.cancel_decision(user, decision, d["reason"]),
            _("The decision is cancelled."),
            "manage",
            then=page_url(decision),
            check=status(draft, running),
        )
    if name == "minutes":
        return Step(
            MinutesForm(data),
            lambda d: services.save_minutes(user, decision, d["minutes"]),
            _("The minutes are saved."),
            "manage",
            then=page_url(decision, anchor="minutes"),
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
        item = posted_item(request, "elector")
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

    return take(request, step, page_url(decision), page)


View = Callable[..., HttpResponse]


def step_address(name: str) -> View:
    """The older address of a decision page step: POST takes the step, GET leads to its place on the page."""
    place = DECISION_STEPS[name]

    @login_required
    @require_http_methods(["GET", "HEAD", "POST"])
    def view(request: HttpRequest, community_id: int, decision_id: int, **item: int) -> HttpResponse:
        if request.method != "POST":
            return redirect(page_url(decision_of(request, community_id, decision_id), anchor=place.anchor))
        perm = MANAGE if place.staff else "decisions.see_decision"
        decision = decision_of(request, community_id, decision_id, perm=perm)
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
