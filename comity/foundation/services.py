"""What every app's write services share: the ``@service`` decorator, the permission check, row locks, dates in words.

A *service* is a public function in an app's ``services`` package that writes (``docs/architecture.md``). Each one
is declared with :func:`service`, which

* runs it in one ``transaction.atomic`` block, so a refusal or an error leaves nothing behind;
* counts the statements that insert, update or delete rows (one that matches no row changes nothing and is not
  counted) and the audit entries it records (:func:`comity.foundation.audit
  .record_audit`), and refuses a call that wrote without recording one: under ``COMITY_AUDIT_STRICT`` (on in
  development and in the tests) it raises :class:`UnauditedWrite`, which rolls the write back; in production it
  logs the error and lets the write stand, so that a forgotten audit call never costs a resident their work.

A service that by nature writes nothing worth auditing (marking one's own notification read) says why:
``@service(audited=False, reason="…")``. ``tests/apps/test_claims.py`` walks every app's services and fails on a
public function that is not declared either way.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, Protocol, TypeVar, overload

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.utils import formats, timezone

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=models.Model)

#: SQL verbs that change rows; a statement on the audit table itself is the audit, not a write to audit.
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")
_AUDIT_TABLE = "audit_auditentry"


class Actor(Protocol):
    """Whoever calls a service: a signed-in user (``comity.accounts.models.User``) or, for jobs, a system actor.

    Services that need more than the permission check (the user's person, their roles) take
    ``comity.accounts.models.User``; the apps below ``accounts`` take this protocol.
    """

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...


class UnauditedWrite(RuntimeError):
    """A service wrote rows without recording an audit entry."""


@dataclass
class _Call:
    name: str
    writes: int = 0
    audits: int = 0


_CALLS: ContextVar[tuple[_Call, ...]] = ContextVar("comity_service_calls", default=())


def note_audit() -> None:
    """Called by ``record_audit``: every service running in this context has recorded an entry."""
    for call in _CALLS.get():
        call.audits += 1


def _counting(calls: tuple[_Call, ...]) -> Callable[..., Any]:
    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        head = sql.lstrip()[:6].upper()
        # An UPDATE or DELETE that matched no row changed nothing (rowcount -1: the driver cannot tell).
        changed = getattr(context.get("cursor"), "rowcount", -1) != 0
        if head in _WRITE_VERBS and _AUDIT_TABLE not in sql[:80] and changed:
            for call in calls:
                call.writes += 1
        return result

    return wrapper


def _strict() -> bool:
    return bool(getattr(settings, "COMITY_AUDIT_STRICT", False))


@overload
def service(func: Callable[P, R], /) -> Callable[P, R]: ...


@overload
def service(
    *, audited: bool = True, reason: str = "", atomic: bool = True
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def service(
    func: Callable[P, R] | None = None, /, *, audited: bool = True, reason: str = "", atomic: bool = True
) -> Callable[P, R] | Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a write service: one transaction, and an audit entry for every call that writes.

    A sweep that works item by item, each item through its own audited service and transaction (closing every
    cycle whose time is over), is ``@service(audited=False, atomic=False, reason=…)``: one item's failure then
    leaves the items already done committed, as a job should.
    """
    if not audited and not reason:
        raise TypeError("a service that is not audited says why (reason=…)")
    if not atomic and audited:
        raise TypeError("only a sweep of audited services may run outside one transaction (audited=False)")

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if not atomic:
                return fn(*args, **kwargs)
            if not audited:
                with transaction.atomic():
                    return fn(*args, **kwargs)
            call = _Call(f"{fn.__module__}.{fn.__qualname__}")
            calls = (*_CALLS.get(), call)
            token = _CALLS.set(calls)
            try:
                with transaction.atomic():
                    with connection.execute_wrapper(_counting((call,))):
                        result = fn(*args, **kwargs)
                    if call.writes and not call.audits:
                        message = f"{call.name} wrote {call.writes} row(s) without an audit entry"
                        if _strict():
                            raise UnauditedWrite(message)
                        log.error(message)
            finally:
                _CALLS.reset(token)
            return result

        wrapper.__comity_service__ = {  # type: ignore[attr-defined]
            "audited": audited,
            "reason": reason,
            "atomic": atomic,
        }
        return wrapper

    if func is not None:
        return decorate(func)
    return decorate


def is_service(func: object) -> bool:
    return hasattr(func, "__comity_service__")


def require(actor: Actor, perm: str, obj: Any = None) -> None:
    """The permission check every service repeats (the API, the CLI and jobs call services too)."""
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def lock(instance: M, *related: str) -> M:
    """``instance`` read again with its row locked for the rest of the transaction (``SELECT … FOR UPDATE``).

    Only the instance's own row is locked (``of=("self",)``), so the rows ``related`` joins for reading are not;
    services lock parents before children (a cycle before its proposals, a decision before its ballots), so two
    writers never wait on each other in opposite orders.
    """
    manager = type(instance)._default_manager
    return manager.select_for_update(of=("self",)).select_related(*related).get(pk=instance.pk)


def lock_all(model: type[M], ids: Iterable[int]) -> list[M]:
    """Several rows of one table locked in ascending id order, the order every service uses."""
    return list(model._default_manager.select_for_update().filter(pk__in=sorted(set(ids))).order_by("pk"))


def when(moment: Any) -> str:
    """A moment as the reader's language writes a short date and time, in the site's time zone."""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
