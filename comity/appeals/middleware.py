"""Scheduled appeal checks without a scheduler, for the embedded demo.

Production runs :func:`comity.appeals.deadlines.check_deadlines` under Celery beat every five minutes. The demo
has no beat process, so with ``COMITY_INLINE_JOBS`` on (``make demo`` sets it) the first request after each
five-minute slot runs the same check before it is answered. A failing check is logged, never shown to the user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from comity.appeals.deadlines import check_deadlines

logger = logging.getLogger("comity.appeals")
INTERVAL_SECONDS = 300
_LOCK_KEY = "comity:appeals:inline-deadline-check"


class InlineDeadlineChecks:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(settings, "COMITY_INLINE_JOBS", False) and cache.add(
            _LOCK_KEY, 1, timeout=INTERVAL_SECONDS
        ):
            try:
                reminded, escalated = check_deadlines()
            except Exception:
                logger.exception("the inline deadline check failed")
            else:
                if reminded or escalated:
                    logger.info("deadline check: %d warned, %d escalated", len(reminded), len(escalated))
        return self.get_response(request)
