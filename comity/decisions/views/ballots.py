"""Ballots beyond the decision page: checking a receipt, the public ballot log (page and download), paper ballots
entered by staff and checked by a second person, and proxies' written authorizations."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from comity.decisions import computing, selectors, services
from comity.decisions.checks import require_status
from comity.decisions.closing import (
    chain_of,
    log_document,
    named_person_ids,
    named_record,
    own_pseudonyms,
    unvoted_person_ids,
)
from comity.decisions.forms import PaperBallotForm, ProxyForm, ReceiptForm, ballot_values
from comity.decisions.models import BallotKind, Decision, DecisionStatus
from comity.decisions.permissions import may_see_named_record
from comity.decisions.views.common import MANAGE, decision_of, page_url, posted_item
from comity.engine.decisions.ballot_log import verify
from comity.foundation.personal_data import Read
from comity.foundation.replica import reads_from_replica
from comity.foundation.steps import Step, posted_step, refuse, take
from comity.structure.reads import note_reads


@login_required
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = decision_of(request, community_id, decision_id)
    form = ReceiptForm(request.POST or None)
    check = None
    if request.method == "POST" and form.is_valid():
        check = selectors.check_receipt(decision, form.cleaned_data["code"])
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
@reads_from_replica
def ballot_log(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = decision_of(request, community_id, decision_id)
    chain = chain_of(decision)
    verification = verify(chain)
    head_ok = not chain or chain[-1].hash == decision.log_head
    page = Paginator(selectors.log_entries(decision), 100).get_page(request.GET.get("page"))
    yours = own_pseudonyms(request.user, decision)
    may_see_named = may_see_named_record.test(request.user, decision)
    named = named_record(decision) if may_see_named else {}
    if may_see_named:
        note_reads(request, decision.community_id, named_person_ids(decision), Read.VOTERS)
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
            "named_for": computing.rule_of(decision).named_record,
        },
    )


@login_required
@reads_from_replica
def ballot_log_json(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = decision_of(request, community_id, decision_id)
    response = JsonResponse(
        log_document(decision, viewer=request.user), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Disposition"] = f'attachment; filename="decision-{decision.pk}-ballot-log.json"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def paper(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    """Paper ballots: enter one for a second check (``step=enter``), or check one someone else entered
    (``step=check``, ``item`` the entry). Both post to this page."""
    decision = decision_of(request, community_id, decision_id, perm=MANAGE)
    note_reads(request, decision.community_id, unvoted_person_ids(decision), Read.VOTERS)
    if request.method == "POST" and posted_step(request) == "check":
        return _paper_check(request, decision, posted_item(request))
    form = PaperBallotForm(
        request.POST if request.method == "POST" else None,
        electors=selectors.unvoted(decision),
        decision=decision,
    )

    def page() -> HttpResponse:
        return render(
            request,
            "decisions/paper.html",
            {
                "community": decision.community,
                "decision": decision,
                "form": form,
                "waiting": selectors.waiting_paper_ballots(decision),
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
        then=page_url(decision, "paper"),
        check=lambda: require_status(decision, DecisionStatus.OPEN),
        after=entered,
    )
    return take(request, step, page_url(decision, "paper"), page)


def _paper_check(request: HttpRequest, decision: Decision, participation_id: int) -> HttpResponse:
    """A second person's check of an entered paper ballot; every refusal goes back to the paper page (303)."""
    page = page_url(decision, "paper")
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
    decision = decision_of(request, community_id, decision_id, perm=MANAGE)
    if request.method != "POST":
        return redirect(page_url(decision, "paper"))
    return _paper_check(request, decision, participation_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def proxies(request: HttpRequest, community_id: int, decision_id: int) -> HttpResponse:
    decision = decision_of(request, community_id, decision_id, perm=MANAGE)
    note_reads(request, decision.community_id, unvoted_person_ids(decision), Read.VOTERS)
    people = selectors.proxy_candidates(decision)
    form = ProxyForm(
        request.POST if request.method == "POST" else None,
        electors=selectors.unvoted(decision),
        people=people,
    )

    def page() -> HttpResponse:
        return render(
            request,
            "decisions/proxies.html",
            {
                "community": decision.community,
                "decision": decision,
                "form": form,
                "proxies": selectors.proxies_of(decision),
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
        then=page_url(decision, "proxies"),
        check=lambda: require_status(decision, DecisionStatus.OPEN),
    )
    return take(request, step, page_url(decision, "proxies"), page)
