"""What a user is, where: roles per community and per street, derived from the registry.

:func:`scope_for` reads a user's person record, ownerships and memberships once and caches the result on
the user object for the rest of the request, so permission checks on a page cost no further queries. Across
requests it is kept in Django's cache (Redis in production) for the day, under the *roles version*: any write of a
person, an ownership or a membership (their ``post_save``/``post_delete``, connected in the app's ``ready()``,
and :func:`roles_changed`, which the few bulk writes of those rows call) makes every cached scope stale, now and
again after the commit. Those writes are rare beside page views (a registry import, a new committee member, a
confirmed claim), so every signed-in page is spared three queries at the price of recomputing after them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from comity.engine.roles import Role, roles_from_membership
from comity.foundation.caching import bump_version
from comity.structure.models import Membership, Ownership, Person

_CACHE_ATTR = "_comity_scope"
#: The roles version's cache key; a scope's key is ``comity:scope:<user id>``, holding the version and the day.
_VERSION_KEY = "comity:scope:version"
#: Seconds a scope stays in the shared cache at most.
SCOPE_TIMEOUT = 3600


class Account(Protocol):
    """What the scope reads of a user: a signed-in ``comity.accounts.models.User`` or an anonymous visitor (the
    registry sits below the accounts app, so it names the attributes rather than the class)."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...

    @property
    def is_staff(self) -> bool: ...


@dataclass
class UserScope:
    person_id: int | None = None
    home_community_id: int | None = None
    #: Roles per community id.
    community_roles: dict[int, set[Role]] = field(default_factory=lambda: defaultdict(set))
    #: Street ids where the user is a street official.
    street_ids: set[int] = field(default_factory=set)
    #: Subject ids where the user acts as chair, member or staff.
    acting_subject_ids: set[int] = field(default_factory=set)
    is_platform_staff: bool = False

    def roles_in(self, community_id: int) -> set[Role]:
        return self.community_roles.get(community_id, set())

    def has_role(self, community_id: int, role: Role) -> bool:
        return role in self.community_roles.get(community_id, set())

    @property
    def community_ids(self) -> set[int]:
        return {cid for cid, roles in self.community_roles.items() if roles}

    @property
    def is_known(self) -> bool:
        return bool(self.community_ids or self.street_ids or self.is_platform_staff)


def scope_for(user: Account) -> UserScope:
    """The user's scope, computed once per user object, and kept in the cache between requests."""
    if not getattr(user, "is_authenticated", False):
        return UserScope()
    cached: UserScope | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _shared_scope(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _scope_key(user: Account) -> str:
    return f"comity:scope:{user.pk}"


def _shared_scope(user: Account) -> UserScope:
    """The scope from the cache when it was stored under the current roles version today; else computed and
    stored. One round trip to the cache either way."""
    key = _scope_key(user)
    found = cache.get_many([key, _VERSION_KEY])
    version = found.get(_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(_VERSION_KEY, version, timeout=None)
    today = timezone.localdate().isoformat()
    entry = found.get(key)
    if (
        isinstance(entry, tuple)
        and len(entry) == 3
        and entry[0] == version
        and entry[1] == today
        and entry[2].is_platform_staff == bool(user.is_superuser)
    ):
        return entry[2]  # type: ignore[no-any-return]
    scope = _compute_scope(user)
    cache.set(key, (version, today, scope), timeout=SCOPE_TIMEOUT)
    return scope


def roles_changed(*args: object, **kwargs: object) -> None:
    """Make every cached scope stale: now, so the writer's own transaction reads fresh roles, and again after the
    commit, so a scope another request cached meanwhile from the data before the commit is not used afterwards.

    A signal receiver too (it takes and ignores the signal's arguments); deleting a community's persons sends a
    signal for each of them, and the version is bumped after the commit once per transaction."""
    bump_version(_VERSION_KEY)


def fresh_scope_for(user: Account | None) -> UserScope:
    """The user's scope read afresh and not cached: for checks about *another* account than the request's."""
    if user is None or not getattr(user, "pk", None):
        return UserScope()
    return _compute_scope(user)


def acts_for_others(user: Account) -> bool:
    """Whether the account acts for a subject, the street or the grid (staff roles), read afresh."""
    if user.is_staff or user.is_superuser:
        return True
    scope = _compute_scope(user)
    if scope.street_ids or scope.acting_subject_ids:
        return True
    return any(Role.GRID_WORKER in roles for roles in scope.community_roles.values())


def forget_scope(user: Account) -> None:
    """Drop the cached scope after a write that changes roles (e.g. a confirmed residency claim)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    if getattr(user, "pk", None):
        cache.delete(_scope_key(user))


def _compute_scope(user: Account) -> UserScope:
    scope = UserScope(is_platform_staff=bool(user.is_superuser))
    person = (
        Person.objects.filter(user_id=user.pk)
        .only("id", "community_id", "verified_at", "is_resident")
        .first()
    )
    if person is None:
        return scope
    scope.person_id = person.pk
    scope.home_community_id = person.community_id
    today = timezone.localdate()
    if person.verified_at is not None:
        if person.is_resident:
            scope.community_roles[person.community_id].add(Role.RESIDENT)
        owned = (
            Ownership.objects.filter(person=person)
            .filter(Q(until__isnull=True) | Q(until__gte=today))
            .values_list("community_id", flat=True)
        )
        for community_id in owned:
            scope.community_roles[community_id].add(Role.OWNER)
    memberships = (
        Membership.objects.filter(person=person, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("subject")
    )
    for membership in memberships:
        subject = membership.subject
        roles = roles_from_membership(subject.kind, membership.role)
        if Role.STREET_OFFICIAL in roles:
            scope.street_ids.add(subject.street_id)
        if subject.community_id is not None:
            scope.community_roles[subject.community_id].update(roles)
        if membership.role in {"chair", "member", "staff"}:
            scope.acting_subject_ids.add(subject.pk)
    return scope
