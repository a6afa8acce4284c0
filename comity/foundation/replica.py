"""Read-heavy pages read from a streaming replica, when one is configured (ADR 0015).

With ``COMITY_REPLICA_DATABASE_URL`` set, ``settings.DATABASES`` has a second alias, ``replica`` — a PostgreSQL
hot standby fed by streaming replication from the primary (``default``). Nothing reads from it unless a view asks:

- :func:`reads_from_replica` on a view makes the reads of its GET and HEAD requests go to the replica — the
  dashboards, reports, opinion maps and results pages, which read much and write nothing. A POST to the same view
  (a step taken on the page) runs on the primary as before.
- :class:`ReplicaRouter` (``DATABASE_ROUTERS``) sends every write to the primary, and every read to the primary
  too unless such a view is running — and even then a read inside a transaction on the primary (a service called
  from the page: its locks and checks) stays on the primary.
- :class:`PrimaryAfterWrite` (middleware) sets a short-lived cookie on the answer to every request that may have
  written (any method but GET, HEAD, OPTIONS and TRACE): for ``COMITY_REPLICA_PIN_SECONDS`` afterwards that
  browser's requests read from the primary, so someone who has just voted, replied or closed a count never sees
  the page from before their write while the replica catches up.

Without a replica configured, the decorator and the middleware do nothing and every query goes to ``default``.
With ``COMITY_DATABASE_HEADER`` on, a decorated page answers with ``X-Comity-Database: replica`` when it read
from the replica and ``X-Comity-Database: default`` when it did not (no replica, a POST, a pinned browser).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
#: The cookie that keeps a browser on the primary after it wrote something.
PIN_COOKIE = "comity_primary"
HEADER = "X-Comity-Database"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

V = TypeVar("V", bound=Callable[..., HttpResponse])


@dataclass
class _Reading:
    """One decorated request reading from the replica; counts the reads the router sent there."""

    reads: int = 0


_reading: ContextVar[_Reading | None] = ContextVar("comity_replica_reading", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _primary_busy() -> bool:
    """Whether this request is inside a transaction on the primary (a service running), whose reads stay there."""
    return bool(connections[DEFAULT_DB_ALIAS].in_atomic_block)


def read_alias() -> str:
    """The alias this request reads from, for code that opens a read transaction or a cursor of its own (a
    dashboard's reads in one snapshot: ``transaction.atomic(using=read_alias())``)."""
    return REPLICA if _reading.get() is not None and not _primary_busy() else DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads of a :func:`reads_from_replica` page go to ``replica``; everything else goes to ``default``."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        reading = _reading.get()
        if reading is None or _primary_busy():
            return None
        reading.reads += 1
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica is a copy of the primary: a row read from one may point at a row of the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # A hot standby is read-only; it receives the primary's migrations through replication.
        return db != REPLICA


def pinned_to_primary(request: HttpRequest) -> bool:
    return PIN_COOKIE in request.COOKIES


def reads_from_replica(view: V) -> V:
    """Let the GET and HEAD requests of ``view`` read from the replica (when there is one and the browser is not
    pinned to the primary by a recent write)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not replica_configured() or pinned_to_primary(request):
            return _label(view(request, *args, **kwargs), used=False)
        reading = _Reading()
        token = _reading.set(reading)
        try:
            response = view(request, *args, **kwargs)
        finally:
            _reading.reset(token)
        return _label(response, used=reading.reads > 0)

    return cast("V", wrapped)


def _label(response: HttpResponse, *, used: bool) -> HttpResponse:
    if getattr(settings, "COMITY_DATABASE_HEADER", False):
        response[HEADER] = REPLICA if used else DEFAULT_DB_ALIAS
    return response


class PrimaryAfterWrite:
    """Keep a browser on the primary for a few seconds after a request that may have written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_configured():
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=int(getattr(settings, "COMITY_REPLICA_PIN_SECONDS", 10)),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
