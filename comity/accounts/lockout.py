"""The page a person sees when too many wrong passwords (or codes) locked their sign-in (django-axes calls it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """``429 Too Many Requests`` with when to try again (each further failure restarts the wait) and whom to ask."""
    cooloff = settings.AXES_COOLOFF_TIME
    response = render(
        request,
        "accounts/locked_out.html",
        {
            "minutes": int(cooloff.total_seconds() // 60),
            "try_again_at": timezone.localtime(timezone.now() + cooloff),
        },
        status=429,
    )
    response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response
