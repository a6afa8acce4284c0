"""My account: who I am, my roles, my residency claims and everything I take part in.

It lives in ``web``, above the channel apps, because "what I take part in" reads every one of them
(``participation.py``); the account's other pages (passwords, sign-in help) stay in ``accounts``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from rules.permissions import has_perm as rules_has_perm

from comity.foundation.caching import community_version, user_version
from comity.structure.scope import scope_for
from comity.structure.selectors import claims_of
from comity.web.participation import communities_named, participation_for


@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    mine: Any = SimpleLazyObject(lambda: participation_for(user))
    # The page's body is cached for the account (comity.structure.fragments), fresh after any write of the user's
    # own (their version: comity.accounts.activity) and any audited write of a community where they hold a role.
    communities = sorted(scope.community_ids)
    version = (user_version(int(user.pk or 0)), tuple(community_version(pk) for pk in communities))
    return render(
        request,
        "accounts/me.html",
        {
            "version": version,
            # The person as "what I take part in" read it, with their home's building (the unit's name needs it).
            "person": SimpleLazyObject(lambda: mine.person),
            "mine": mine,
            # The communities where the user holds a role (those the page lists), named in one query.
            "roles": SimpleLazyObject(
                lambda: {
                    community.name: sorted(str(role) for role in scope.roles_in(community.pk))
                    for community in communities_named(set(communities))
                }
            ),
            "claims": SimpleLazyObject(lambda: list(claims_of(user))),
            "street_ids": sorted(scope.street_ids),
            # The rule itself (as ``user.has_perm`` asks it first): when it says no, Django's model backend would
            # read the account's and its groups' permissions from the database, two queries for a permission that
            # is never granted that way.
            "may_help_with_sign_in": user.is_active
            and (user.is_superuser or bool(rules_has_perm("accounts.open_sign_in_help", user))),  # type: ignore[no-untyped-call]
        },
    )
