"""The one way views and API endpoints reach a protected object of the registry.

``get_<thing>_for_user`` raises ``Http404`` when the object does not exist and ``PermissionDenied`` when the user
may not see it.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404

from comity.foundation.caching import community_changed, community_key
from comity.foundation.services import Actor, require
from comity.structure.models import (
    Community,
    GovernanceSubject,
    Membership,
    Person,
    ResidencyClaim,
    Responsibility,
    Street,
)
from comity.structure.scope import Account, scope_for

#: Where :func:`get_community_for_user` remembers the communities it read, on the request's user object.
_COMMUNITIES_ATTR = "_comity_communities"


#: Seconds a community's row (with its street) stays cached at most.
COMMUNITY_ROW_SECONDS = 300


def community_row(community_id: int) -> Community:
    """The community with its street, from the cache under its data version (every page of a community reads it).

    A save or deletion of the community or its street makes it stale (the receivers below), as does any audited
    write of the community. Raises ``Community.DoesNotExist``."""
    key = community_key(community_id, "row")
    found: Community | None = cache.get(key)
    if found is None:
        found = Community.objects.select_related("street").get(pk=community_id)
        cache.set(key, found, timeout=COMMUNITY_ROW_SECONDS)
    return found


@receiver(post_save, sender=Community, dispatch_uid="comity.structure.community_row.save")
@receiver(post_delete, sender=Community, dispatch_uid="comity.structure.community_row.delete")
def _community_written(sender: Any, instance: Community, **kwargs: Any) -> None:
    community_changed(instance.pk)


@receiver(post_save, sender=Street, dispatch_uid="comity.structure.community_row.street")
def _street_written(sender: Any, instance: Street, **kwargs: Any) -> None:
    for community_id in Community.objects.filter(street=instance).values_list("pk", flat=True):
        community_changed(community_id)


def get_community_for_user(
    user: Actor, community_id: int, *, perm: str = "structure.see_community"
) -> Community:
    try:
        community = community_row(int(community_id))
    except Community.DoesNotExist as exc:
        raise Http404 from exc
    require(user, perm, community)
    # The page's menu names the same community: remembered for the request (on the request's user object).
    remembered: dict[int, Community] = getattr(user, _COMMUNITIES_ATTR, None) or {}
    remembered[community.pk] = community
    setattr(user, _COMMUNITIES_ATTR, remembered)
    return community


def get_street_for_user(user: Actor, street_id: int, *, perm: str = "structure.oversee_street") -> Street:
    try:
        street = Street.objects.get(pk=street_id)
    except Street.DoesNotExist as exc:
        raise Http404 from exc
    require(user, perm, street)
    return street


def get_subject_for_user(
    user: Actor, subject_id: int, *, perm: str = "structure.see_subject"
) -> GovernanceSubject:
    try:
        subject = GovernanceSubject.objects.select_related("street", "community", "scope_area").get(
            pk=subject_id
        )
    except GovernanceSubject.DoesNotExist as exc:
        raise Http404 from exc
    require(user, perm, subject)
    return subject


def get_membership(subject: GovernanceSubject, membership_id: int) -> Membership:
    """A membership of a subject the caller already reached through :func:`get_subject_for_user`."""
    try:
        return Membership.objects.select_related("person", "subject").get(pk=membership_id, subject=subject)
    except Membership.DoesNotExist as exc:
        raise Http404 from exc


def get_responsibility_for_user(user: Actor, community: Community, responsibility_id: int) -> Responsibility:
    try:
        row = Responsibility.objects.select_related("category", "scope_area", "lead_subject").get(
            pk=responsibility_id, community=community
        )
    except Responsibility.DoesNotExist as exc:
        raise Http404 from exc
    require(user, "structure.edit_matrix", community)
    return row


def get_claim_for_user(user: Actor, community: Community, claim_id: int) -> ResidencyClaim:
    try:
        claim = ResidencyClaim.objects.select_related("unit", "unit__building", "user").get(
            pk=claim_id, community=community
        )
    except ResidencyClaim.DoesNotExist as exc:
        raise Http404 from exc
    require(user, "structure.review_claims", community)
    return claim


def communities_for_user(user: Account) -> QuerySet[Community]:
    """Every community the user may open: their own, and all of a street they oversee."""
    if user.is_superuser:
        return Community.objects.select_related("street").all()
    scope = scope_for(user)
    return Community.objects.select_related("street").filter(
        Q(pk__in=scope.community_ids) | Q(street_id__in=scope.street_ids)
    )


def subjects_serving(community: Community) -> QuerySet[GovernanceSubject]:
    """The subjects of a community plus the street-level subjects of its street."""
    return GovernanceSubject.objects.filter(
        Q(community=community) | Q(community__isnull=True, street_id=community.street_id), is_active=True
    )


def community_or_none(community_id: int | None, user: Actor | None = None) -> Community | None:
    """The community of that id, or ``None`` (no id, or no such community); the caller checks permissions.

    With ``user``, the community the request already read for that user (:func:`get_community_for_user`) is
    used, without a query."""
    if community_id is None:
        return None
    remembered = getattr(user, _COMMUNITIES_ATTR, None) or {}
    return remembered.get(community_id) or Community.objects.filter(pk=community_id).first()


def person_of(user: Account) -> Person | None:
    """The registry's person linked to the account, with their community and home, or ``None``."""
    return (
        Person.objects.filter(user_id=int(user.pk or 0))
        .select_related("community", "household__unit")
        .first()
    )


def claims_of(user: Account) -> QuerySet[ResidencyClaim]:
    """The account's own residency claims, newest first."""
    return ResidencyClaim.objects.filter(user_id=user.pk).select_related(
        "unit", "unit__building", "community"
    )
