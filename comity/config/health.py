"""The health endpoint (``/health/``): django-health-check's checks behind Comity's own answer.

A load balancer or an uptime monitor needs a status code, not a map of the infrastructure: everyone gets
200 when every check passes and 503 when one fails, with one translated sentence. Which checks ran and what
failed (database, cache, media storage, broker, worker heartbeat, outbox backlog) is for platform staff, or for
a monitor that sends ``Authorization: Bearer $COMITY_HEALTH_TOKEN`` — as JSON, plain text (``?format=text``) or
OpenMetrics (``?format=openmetrics``). The checks are listed in the settings' ``HEALTH_CHECKS``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from kombu.exceptions import OperationalError

from comity.config.celery import app as celery_app

#: The formats of the details; a browser gets JSON too (the library's HTML page is English only).
DETAIL_FORMATS = {"json", "text", "openmetrics"}


def _broker_mode() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "inline: no broker, tasks run in the request (CELERY_TASK_ALWAYS_EAGER)"
    return f"{celery_app.conf.broker_url.split('://', 1)[0]} broker"


@dataclasses.dataclass
class Broker(HealthCheck):  # type: ignore[misc]
    """Celery's broker answers a connection (Redis or any kombu transport).

    With ``CELERY_TASK_ALWAYS_EAGER`` (the embedded demo, the tests) there is no broker to reach: the check
    passes and its name says that tasks run inline, rather than failing a deployment that chose no broker.
    """

    mode: str = dataclasses.field(default_factory=_broker_mode)
    connect_seconds: float = dataclasses.field(default=2.0, repr=False)

    def run(self) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=self.connect_seconds)
        except (OperationalError, OSError) as error:
            raise ServiceUnavailable("the broker refused or did not answer the connection") from error


def _bearer_token(request: HttpRequest) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def may_see_details(request: HttpRequest) -> bool:
    """Platform staff (superusers, as docs/permissions.md defines the role), or the token's holder (compared in
    constant time)."""
    expected = settings.COMITY_HEALTH_TOKEN
    if expected and hmac.compare_digest(_bearer_token(request).encode(), expected.encode()):
        return True
    user = await request.auser()
    return bool(user.is_authenticated and user.is_superuser)


class HealthView(HealthCheckView):  # type: ignore[misc]
    """Runs every check; 200 or 503 for all, the details only for staff or the token's holder."""

    def get_checks(self) -> Any:
        # Read at each request (not bound at import), so a deployment's and a test's settings both apply.
        self.checks = settings.HEALTH_CHECKS
        return super().get_checks()

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with self.get_executor() as executor:
            self.results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        healthy = not any(result.error for result in self.results)
        status = 200 if healthy else 503
        if not await may_see_details(request):
            text = (
                _("Comity is working.")
                if healthy
                else _("Comity is not working properly: a service it needs is unavailable.")
            )
            return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
        wanted = request.GET.get("format", "")
        if wanted not in DETAIL_FORMATS:
            accept = request.headers.get("Accept", "")
            wanted = "text" if accept.startswith("text/plain") else "json"
        if wanted == "openmetrics":
            response: HttpResponse = self.render_to_response_openmetrics()
        elif wanted == "text":
            response = self.render_to_response_text(status)
        else:
            response = self.render_to_response_json(status)
        return response
