"""Idle sessions end: after ``COMITY_IDLE_MINUTES_STAFF`` minutes without a request for anyone who acts for a
subject, the grid or the street (their account opens the registry), after ``COMITY_IDLE_MINUTES_RESIDENT`` for
residents and owners.

The limit is decided once, when the person logs in, and kept in the session; the middleware compares the time
of the last request with it. The last-request time is written at most once a minute, so a busy page does not
save the session on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from comity.structure.scope import acts_for_others

LAST_SEEN = "comity_last_seen"
IDLE_LIMIT = "comity_idle_seconds"
#: Seconds between two writes of the last-request time.
RESOLUTION = 60


def idle_limit_seconds(user: Any) -> int:
    minutes = (
        settings.COMITY_IDLE_MINUTES_STAFF if acts_for_others(user) else settings.COMITY_IDLE_MINUTES_RESIDENT
    )
    return int(minutes) * 60


@receiver(user_logged_in, dispatch_uid="comity.accounts.start_idle_clock")
def start_idle_clock(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    session[IDLE_LIMIT] = idle_limit_seconds(user)
    session[LAST_SEEN] = int(time.time())


class IdleSessionTimeout:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request: HttpRequest, user: Any) -> None:
        session = request.session
        now = int(time.time())
        limit = session.get(IDLE_LIMIT)
        if limit is None:
            limit = session[IDLE_LIMIT] = idle_limit_seconds(user)
        last_seen = session.get(LAST_SEEN)
        if last_seen is not None and now - int(last_seen) > int(limit):
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity. Please log in again.")
                % {"minutes": int(limit) // 60},
            )
            return
        if last_seen is None or now - int(last_seen) >= RESOLUTION:
            session[LAST_SEEN] = now
