"""Request ids for the logs (docs/deployment.md, "Logs").

Every request gets an id: the one the reverse proxy sent in ``X-Request-ID`` (nginx's ``$request_id`` in the example
in ``deploy/nginx/``), or a fresh one. It is sent back in the ``X-Request-ID`` response header — gunicorn's JSON access
log (``comity/config/gunicorn.py``) reads it from there — and every log record written while the request runs carries
it as ``request_id``, so an error e-mail or a JSON log line leads to the access-log line of the same request.
Cheap by design: a header read, a context variable, no database.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-ID"
#: What a proxy may send as an id: short, and nothing that could break a log line or a header.
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_current: ContextVar[str] = ContextVar("comity_request_id", default="-")


def current_request_id() -> str:
    """The id of the request this thread or task serves, ``"-"`` outside a request."""
    return _current.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``"-"`` outside a request), for the formatters to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


class RequestIdMiddleware:
    """First in ``MIDDLEWARE``: the id is known before anything else logs, and every answer carries it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        sent = request.headers.get(HEADER, "")
        request_id = sent if _VALID.match(sent) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response
