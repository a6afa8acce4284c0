"""Reads about accounts: who a staff member may help to sign in, and whether an account is locked out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt  # type: ignore[import-untyped, unused-ignore]
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework.request import Request

from comity.accounts.models import SignInCode, User
from comity.accounts.permissions import may_help_with_sign_in
from comity.engine.roles import Role
from comity.structure.models import Person
from comity.structure.scope import scope_for

#: At most this many people are listed for one search on the sign-in help page.
SEARCH_LIMIT = 30


def as_user(user: User | AnonymousUser) -> User:
    """The signed-in user behind a page or an endpoint that writes: services take a ``User``, never a visitor."""
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def signed_in(request: HttpRequest | Request) -> User:
    """The user of a page behind ``login_required`` or of an API call (the API lets only signed-in users in)."""
    return as_user(request.user)


def helpable_persons(user: User, query: str = "") -> QuerySet[Person]:
    """Persons with an account in the communities where ``user`` is committee staff (every community for
    platform staff), matching ``query`` on name or username. Whether each may be helped is still checked
    per person (:func:`get_person_for_sign_in_help`)."""
    scope = scope_for(user)
    persons = Person.objects.filter(user__isnull=False).select_related("user", "community", "household__unit")
    if not scope.is_platform_staff:
        community_ids = [cid for cid, roles in scope.community_roles.items() if Role.COMMITTEE_STAFF in roles]
        persons = persons.filter(community_id__in=community_ids)
    query = query.strip()
    if query:
        persons = persons.filter(Q(full_name__icontains=query) | Q(user__username__icontains=query))
    return persons.order_by("full_name", "pk")


def get_person_for_sign_in_help(user: User, person_id: int) -> Person:
    """The person whose sign-in ``user`` may help with; ``Http404`` if none, ``PermissionDenied`` if not theirs."""
    person = get_object_or_404(
        Person.objects.select_related("user", "community", "household__unit"), pk=person_id
    )
    if not may_help_with_sign_in(user, person):
        raise PermissionDenied
    return person


@dataclass(frozen=True)
class Lockout:
    failures: int
    until: datetime


def lockout_of(username: str) -> Lockout | None:
    """The account's lockout by django-axes (failed attempts for the username within the cool-off), or None."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
    if failures < settings.AXES_FAILURE_LIMIT:
        return None
    last = max(attempt.attempt_time for attempt in attempts)
    return Lockout(failures=failures, until=last + settings.AXES_COOLOFF_TIME)


def open_code_of(account: User) -> SignInCode | None:
    """The account's one-time code that still works, if any."""
    return (
        SignInCode.objects.filter(
            user=account, used_at__isnull=True, retired_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )
