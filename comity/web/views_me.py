"""My account: who I am, my roles, my residency claims and everything I take part in.

It lives in ``web``, above the channel apps, because "what I take part in" reads every one of them
(``participation.py``); the account's other pages (passwords, sign-in help) stay in ``accounts``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comity.structure.models import Person
from comity.structure.scope import scope_for
from comity.structure.selectors import communities_for_user
from comity.web.participation import participation_for


@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = (
        Person.objects.filter(user_id=int(request.user.pk or 0))
        .select_related("community", "household__unit")
        .first()
    )
    scope = scope_for(request.user)
    roles = {
        community.name: sorted(str(role) for role in scope.roles_in(community.pk))
        for community in communities_for_user(request.user)
        if scope.roles_in(community.pk)
    }
    claims = request.user.residency_claims.select_related("unit", "unit__building", "community")  # type: ignore[union-attr]
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
