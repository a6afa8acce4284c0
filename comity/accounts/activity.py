"""After a request that may have written (any method but GET, HEAD, OPTIONS, TRACE) by a signed-in user, their own
version (``comity.foundation.caching.user_version``) changes: what a page caches of the user's own doings across
communities (My account's "what I take part in": appeals, votes, ballots, claims) is seen fresh on their next
page, whatever the app, service or API endpoint that wrote. What others write about them is an audited write of a
community, and those pages vary on the communities' versions too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from comity.foundation.caching import user_changed

#: Methods that never write.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class UserActivity:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            user: Any = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                user_changed(user.pk)
        return response
