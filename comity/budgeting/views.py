"""Fund and budget pages: the funds and their public ledger; the list of cycles and a new cycle; proposing; the
ballot; the results with every rule side by side; pabulib import and export. The cycle's and a proposal's pages,
with the staff and resident steps taken on them, are in :mod:`comity.budgeting.views_steps`.

Thin, as everywhere: parse → permission → service → render. Every form is a plain POST to the page that shows it
and works without JavaScript (the knapsack ballot's running budget bar is an enhancement); a form with a mistake is
shown again with the error on its field and what was typed kept, and nothing changes.
"""

from __future__ import annotations

import mimetypes
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from comity.accounts.selectors import as_user
from comity.budgeting import forms, interchange, selectors, services, wording
from comity.budgeting.models import (
    BallotKind,
    Cycle,
    CycleStatus,
    Fund,
    Outcome,
    Proposal,
    Rule,
    SourceKind,
)
from comity.foundation.forms import add_service_errors
from comity.foundation.idempotency import safe_to_send_twice
from comity.foundation.replica import reads_from_replica
from comity.foundation.uploads import serve_upload
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community

#: Service field names → the form fields where the pages take them.
FUND_FIELDS = {"fixed_fen": "fixed", "per_100_residents_fen": "per_100"}
ENTRY_FIELDS = {"amount_fen": "amount"}
#: A district's problem in a new cycle is a problem of its line in the districts box.
DISTRICT_FIELDS = {"name": "districts", "buildings": "districts"}


def _apply_errors(form: Any, error: ValidationError, rename: dict[str, str]) -> None:
    """A service's errors on the form's fields, its field names translated to the form's."""
    if hasattr(error, "error_dict"):
        error = ValidationError({rename.get(k, k): v for k, v in error.error_dict.items()})
    add_service_errors(form, error)


MANAGE = services.MANAGE
MANAGE_FUNDS = services.MANAGE_FUNDS


def _community(request: HttpRequest, community_id: int, perm: str) -> Community:
    return structure_selectors.get_community_for_user(request.user, community_id, perm=perm)


def _fund(request: HttpRequest, community_id: int, fund_id: int, perm: str = "budgeting.see_funds") -> Fund:
    return selectors.get_fund_for_user(request.user, community_id, fund_id, perm=perm)


def _cycle(
    request: HttpRequest, community_id: int, cycle_id: int, perm: str = "budgeting.see_cycle"
) -> Cycle:
    return selectors.get_cycle_for_user(request.user, community_id, cycle_id, perm=perm)


def _proposal(request: HttpRequest, cycle: Cycle, proposal_id: int) -> Proposal:
    return selectors.get_visible_proposal(request.user, cycle, proposal_id)


def _cycle_url(cycle: Cycle, name: str = "cycle", anchor: str = "") -> str:
    url = reverse(f"budgeting:{name}", args=[cycle.community_id, cycle.pk])
    return f"{url}#{anchor}" if anchor else url


def _proposal_url(proposal: Proposal, anchor: str = "") -> str:
    url = reverse("budgeting:proposal", args=[proposal.cycle.community_id, proposal.cycle_id, proposal.pk])
    return f"{url}#{anchor}" if anchor else url


# --- funds ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("budgeting.fund_new")
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
                fund = services.create_fund(as_user(request.user), community, form.data_for_service())
            except ValidationError as error:
                _apply_errors(form, error, FUND_FIELDS)
            else:
                messages.success(request, _("The fund is created and its formula's income recorded."))
                return redirect("budgeting:fund", community.pk, fund.pk)
    # The list of funds is one part cached for everyone who sees it (``budget-funds``) until an audited write of
    # the community (every fund and ledger write is one) or 60 s; the funds are read only when it is rendered.
    # The form stays outside it: its once-token is new on every page.
    funds = SimpleLazyObject(lambda: selectors.funds_with_totals(community))
    return render(
        request,
        "budgeting/funds.html",
        {
            "community": community,
            "funds": funds,
            "form": form,
            "can_manage": can_manage,
            # The blank form's fields are the same for every manager (the year aside): cached too, unless bound.
            "blank_form_community": community if form is not None and not form.is_bound else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("budgeting.entry_new")
def fund_detail(request: HttpRequest, community_id: int, fund_id: int) -> HttpResponse:
    fund = _fund(request, community_id, fund_id)
    can_manage = request.user.has_perm(MANAGE_FUNDS, fund)
    form = forms.EntryForm(request.POST or None, request.FILES or None, fund=fund) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_entry(as_user(request.user), fund, form.data_for_service())
            except ValidationError as error:
                _apply_errors(form, error, ENTRY_FIELDS)
            else:
                messages.success(request, _("The entry is recorded in the ledger."))
                return redirect("budgeting:fund", fund.community_id, fund.pk)
        if request.FILES.get("receipt") and "receipt" not in form.errors:
            # Everything typed is kept; a browser cannot keep a chosen file across a refused form.
            form.add_error(
                "receipt", _("Choose the scan again: the page cannot keep a file when it shows a mistake.")
            )
    summary = selectors.summarise(fund)
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


#: Receipt scans a browser may show in the page's place; anything else is downloaded.
INLINE_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")


@login_required
@require_GET
def receipt(request: HttpRequest, community_id: int, fund_id: int, entry_id: int) -> HttpResponseBase:
    """The scan of a ledger entry's receipt, for whoever may see the fund; the file itself is handed out by the
    storage or the web server (``comity.foundation.uploads``)."""
    fund = _fund(request, community_id, fund_id)
    entry = get_object_or_404(fund.entries.exclude(receipt=""), pk=entry_id)
    content_type = mimetypes.guess_type(entry.receipt.name)[0] or "application/octet-stream"
    if content_type in INLINE_TYPES:
        return serve_upload(entry.receipt, content_type=content_type)
    return serve_upload(
        entry.receipt,
        content_type="application/octet-stream",
        download_name=entry.receipt.name.rsplit("/", 1)[-1],
    )


# --- cycles ---------------------------------------------------------------------------------------------------


@login_required
def cycle_list(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id, "budgeting.see_cycles")
    can_manage = request.user.has_perm(MANAGE, community)
    # The page is one part cached per roles (``budget-cycles``: managers also see drafts) until an audited write
    # of the community or 60 s; ``cycles`` is a lazy queryset, read only when the part is rendered.
    cycles = selectors.cycles_of(community)
    if not can_manage:
        cycles = cycles.exclude(status=CycleStatus.DRAFT)
    return render(
        request,
        "budgeting/cycles.html",
        {"community": community, "cycles": cycles, "can_manage": can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("budgeting.cycle_new")
def cycle_new(request: HttpRequest, community_id: int) -> HttpResponse:
    community = _community(request, community_id, MANAGE)
    form = forms.CycleForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "districts"}
        try:
            cycle = services.create_cycle(
                as_user(request.user),
                community,
                cast(services.CycleData, data),
                form.cleaned_data["districts"],
            )
        except ValidationError as error:
            rename = {**DISTRICT_FIELDS, "budget": "districts"} if form.cleaned_data["districts"] else {}
            _apply_errors(form, error, rename)
        else:
            messages.success(
                request, _("The cycle is prepared. Check its districts, then open it for proposals.")
            )
            return redirect(_cycle_url(cycle))
    return render(request, "budgeting/cycle_form.html", {"community": community, "form": form})


# --- proposals ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@safe_to_send_twice("budgeting.propose")
def propose(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    if not request.user.has_perm("budgeting.propose", cycle.community):
        raise PermissionDenied
    organisations = selectors.acting_organisations(request.user, cycle.community)
    form = forms.ProposalForm(request.POST or None, cycle=cycle, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.submit_proposal(
                as_user(request.user), cycle, cast(services.ProposalData, form.cleaned_data)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your proposal is submitted. The committee reviews it against the negative list.")
            )
            return redirect(_proposal_url(proposal))
    return render(
        request, "budgeting/propose.html", {"community": cycle.community, "cycle": cycle, "form": form}
    )


# --- the ballot -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    district = selectors.district_of(request.user, cycle)
    error_text = ""
    chosen: dict[int, int] = {}
    ballot = selectors.my_ballot(request.user, cycle)
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
                services.cast_ballot(as_user(request.user), cycle, marks)
            except ValidationError as error:
                error_text = " ".join(error.messages)
            else:
                messages.success(
                    request,
                    _("Your ballot is counted. You can change it until voting closes."),
                )
                return redirect(_cycle_url(cycle, "vote"))
    proposals = list(selectors.on_ballot(district)) if district else []
    for proposal in proposals:
        proposal.mark = chosen.get(proposal.pk)  # type: ignore[attr-defined]
    spent = sum(int(p.cost_fen or 0) for p in proposals if p.pk in chosen)  # in fen
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
            "left": abs(district.budget_fen - spent) if district is not None else 0,
            "over": district is not None and spent > district.budget_fen,
            "points_used": sum(chosen.values()) if cycle.ballot_kind == BallotKind.CUMULATIVE else 0,
        },
        status=400 if error_text else 200,
    )


# --- results --------------------------------------------------------------------------------------------------


@login_required
@reads_from_replica
def results(request: HttpRequest, community_id: int, cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, community_id, cycle_id)
    if cycle.status != CycleStatus.CLOSED:
        messages.info(request, _("The results are published when voting closes."))
        return redirect(_cycle_url(cycle))
    grouped = selectors.outcomes_of(cycle)
    counts = selectors.voter_counts(cycle)
    short = wording.short_names()
    sections = []
    for district in cycle.districts.all():
        outcomes = grouped.get(district.pk, [])
        if not outcomes:
            continue
        official = outcomes[0]
        proposals = list(selectors.balloted_in(district))
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
            cycle = services.import_pabulib(
                as_user(request.user),
                community,
                upload.read(),
                upload.name,
                form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
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
    district = selectors.get_district(cycle, district_id)
    text = interchange.export_pabulib(cycle, district)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="comity-cycle-{cycle.pk}-district-{district.pk}.pb"'
    )
    return response
