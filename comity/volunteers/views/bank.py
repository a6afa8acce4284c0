"""The committee's time bank: the policy, the accounts with redemptions and transfers, and the verified ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.foundation.forms import add_service_errors
from comity.foundation.personal_data import Read
from comity.structure.reads import note_reads
from comity.structure.selectors import get_community_for_user
from comity.volunteers.computing import check_ledger, policy_row
from comity.volunteers.forms import PolicyForm, RedeemForm, TransferForm
from comity.volunteers.selectors.staff import (
    MANAGE,
    accounts,
    get_account,
    ledger_entries,
    providers,
    redemptions,
    volunteers_of,
)
from comity.volunteers.services.bank import redeem, set_policy, transfer

PAGE_SIZE = 100


def _page(request: HttpRequest, items: Any) -> Any:
    try:
        number = max(1, min(int(request.GET.get("page") or 1), 10_000))
    except ValueError:
        number = 1
    return Paginator(items, PAGE_SIZE).get_page(number)


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, community_id: int) -> HttpResponse:
    """The community's time-bank policy: the cap, the age, who may benefit, the yearly limit, transfers."""
    community = get_community_for_user(request.user, community_id, perm=MANAGE)
    row = policy_row(community)
    initial = {
        "cap": row.cap,
        "min_age": row.min_age,
        "beneficiaries": row.beneficiaries,
        "yearly_limit": row.yearly_limit,
        "transfers": row.transfers,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_policy(request.user, community, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The time-bank policy is saved."))
            return redirect("volunteers:policy", community_id=community.pk)
    context = {"community": community, "form": form, "row": row}
    return render(request, "volunteers/policy.html", context, status=400 if form.errors else 200)


@login_required
def account_list(request: HttpRequest, community_id: int) -> HttpResponse:
    """The accounts with their balances (the pool first) and the redemptions recorded."""
    community = get_community_for_user(request.user, community_id, perm=MANAGE)
    page = _page(request, accounts(community))
    recent = list(redemptions(community)[:50])
    people = [item.person_id for item in page] + [item.beneficiary_id for item in recent]
    people += [item.account.person_id for item in recent]
    note_reads(request, community, people, Read.PERSON)
    context = {"community": community, "page": page, "redemptions": recent}
    return render(request, "volunteers/accounts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest, community_id: int, account_id: int) -> HttpResponse:
    """One account: redeem hours for a service, or transfer them to a family member, as the policy allows."""
    community = get_community_for_user(request.user, community_id, perm=MANAGE)
    found = get_account(community, account_id)
    note_reads(request, community, [found.person_id], Read.PERSON)
    action = request.POST.get("action", "")
    people = volunteers_of(community)
    redeem_form = RedeemForm(
        request.POST if action == "redeem" else None,
        people=people,
        providers=providers(community),
        prefix="r",
    )
    transfer_form = TransferForm(request.POST if action == "transfer" else None, people=people, prefix="t")
    if request.method == "POST":
        if action == "redeem" and redeem_form.is_valid():
            data = redeem_form.cleaned_data
            try:
                redeem(
                    request.user,
                    found,
                    data["beneficiary"],
                    data["relation"],
                    data["service"],
                    data["hours"],
                    data["provider"],
                )
            except ValidationError as error:
                add_service_errors(redeem_form, error)
            else:
                messages.success(request, _("The redemption is recorded in the ledger."))
                return redirect("volunteers:account", community_id=community.pk, account_id=found.pk)
        elif action == "transfer" and transfer_form.is_valid():
            data = transfer_form.cleaned_data
            try:
                transfer(request.user, found, data["beneficiary"], data["relation"], data["hours"])
            except ValidationError as error:
                add_service_errors(transfer_form, error)
            else:
                messages.success(request, _("The transfer is recorded in the ledger."))
                return redirect("volunteers:account", community_id=community.pk, account_id=found.pk)
        elif action not in {"redeem", "transfer"}:
            redeem_form.add_error(None, _("Choose what to do."))
    errors = bool(redeem_form.errors or transfer_form.errors)
    context = {
        "community": community,
        "account": found,
        "redeem_form": redeem_form,
        "transfer_form": transfer_form,
        "policy": policy_row(community),
    }
    return render(request, "volunteers/account.html", context, status=400 if errors else 200)


@login_required
def ledger(request: HttpRequest, community_id: int) -> HttpResponse:
    """The ledger, newest first, with the chain verified from its rows: the first entry that does not fit is named."""
    community = get_community_for_user(request.user, community_id, perm="volunteers.see_ledger")
    context = {
        "community": community,
        "check": check_ledger(community),
        "page": _page(request, ledger_entries(community)),
    }
    return render(request, "volunteers/ledger.html", context)
