"""The signed-in account of a request, from the cache on the common path.

Django's ``AuthenticationMiddleware`` reads the account from the database on every request. This one keeps the
account (as the database last gave it) in Django's cache, keyed by its id, for ``USER_CACHE_SECONDS``, and on a hit
checks what Django checks: that the session names the same account and a backend that is still configured, and
that the session's authentication hash matches the account's (a changed password ends other sessions). Anything
else — a miss, a hash that does not match, a session without an account — goes to Django's own ``get_user``, which
also handles rotated secret keys and flushes a session that no longer verifies.

Every save or deletion of an account deletes its cached copy (``post_save``/``post_delete``), so a deactivated
account, a new password or a changed language counts from the next request. Accounts are never changed with
``QuerySet.update()`` (which sends no signal); ``tests/apps/test_accounts_cached_user.py`` checks the paths.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware, auser
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from comity.accounts.models import User

#: Seconds an account stays cached at most.
USER_CACHE_SECONDS = 300


def _key(user_id: object) -> str:
    return f"comity:account:{user_id}"


def cached_user(request: HttpRequest) -> Any:
    """The request's account: the cached copy when the session verifies against it, else Django's ``get_user``."""
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    backend = session.get(auth.BACKEND_SESSION_KEY)
    session_hash = session.get(auth.HASH_SESSION_KEY)
    if user_id is not None and backend in settings.AUTHENTICATION_BACKENDS and session_hash:
        found = cache.get(_key(user_id))
        if (
            isinstance(found, User)
            and str(found.pk) == str(user_id)
            and constant_time_compare(session_hash, found.get_session_auth_hash())
        ):
            return found
    user = auth.get_user(request)
    if isinstance(user, User) and user.is_authenticated:
        # Stored (pickled) now, before this request remembers anything on the object (roles, permissions…).
        cache.set(_key(user.pk), user, timeout=USER_CACHE_SECONDS)
    return user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """``request.user`` from :func:`cached_user`; otherwise Django's ``AuthenticationMiddleware``."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(partial(cached_user, request))  # type: ignore[assignment]
        request.auser = partial(auser, request)


@receiver(post_save, sender=User, dispatch_uid="comity.accounts.forget_cached_account_on_save")
@receiver(post_delete, sender=User, dispatch_uid="comity.accounts.forget_cached_account_on_delete")
def forget_cached_account(sender: Any, instance: User, **kwargs: Any) -> None:
    cache.delete(_key(instance.pk))
