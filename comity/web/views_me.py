"""My account: who I am, my roles, my residency claims and everything I take part in.

It lives in ``web``, above the channel apps, because "what I take part in" reads every one of them
(``participation.py``); the account's other pages (passwords, sign-in help) stay in ``accounts``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comity.structure.scope import scope_for
from comity.structure.selectors import claims_of, communities_for_user, person_of
from comity.web.participation import participation_for


@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    scope = scope_for(request.user)
    roles = {
        community.name: sorted(str(role) for role in scope.roles_in(community.pk))
        for community in communities_for_user(request.user)
        if scope.roles_in(community.pk)
    }
    claims = claims_of(request.user)
    return render(
        request,
        "accounts/me.html",
        {
            "person": person,
            "mine": participation_for(request.user),
            "roles": roles,
            "claims": claims,
            "street_ids": sorted(scope.street_ids),
            "may_help_with_sign_in": request.user.has_perm("accounts.open_sign_in_help"),
        },
    )
