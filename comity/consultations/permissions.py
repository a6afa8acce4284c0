"""Who may do what with consultations, as ``rules`` predicates.

Residents and owners of the community take part (vote and add statements); when a consultation is scoped to an
area, only those who live in or own a unit there. The residents' committee and the street office run
consultations. Everyone who can see the community reads published ones. Services ask
``user.has_perm("consultations.<perm>", obj)`` first; taking part is checked once more with
:func:`may_take_part` itself, because Django lets superusers through every ``has_perm`` and platform staff are
not residents (as platform staff play no part in an appeal).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from rules.permissions import add_perm
from rules.predicates import predicate

from comity.consultations.models import Consultation
from comity.engine.roles import Role
from comity.foundation.services import Actor, require
from comity.structure.models import AreaKind, Ownership, Person, Unit
from comity.structure.permissions import (
    can_view_community,
    is_committee_staff_of,
    is_platform_staff,
    is_street_official_for,
)
from comity.structure.scope import scope_for
from comity.structure.selectors import areas_within

#: Kinds of area a consultation can be scoped to: places where people live (a common space has no units).
SCOPE_KINDS = (AreaKind.ZONE, AreaKind.BUILDING, AreaKind.STAIRWELL, AreaKind.GRID)

_CACHE_ATTR = "_comity_consultation_units"


def units_of(user: Any, community_id: int) -> set[int]:
    """The units a user lives in (verified residents) or owns (active ownerships) in the community.

    Cached on the user object per community for the request, like the user's scope.
    """
    cache: dict[int, set[int]] = getattr(user, _CACHE_ATTR, None) or {}
    if community_id in cache:
        return cache[community_id]
    roles = scope_for(user).roles_in(community_id)
    units: set[int] = set()
    if Role.RESIDENT in roles:
        person = (
            Person.objects.filter(user=user, community_id=community_id).select_related("household").first()
        )
        if person is not None and person.household is not None and person.household.unit_id is not None:
            units.add(person.household.unit_id)
    if Role.OWNER in roles:
        today = timezone.localdate()
        units |= set(
            Ownership.objects.filter(person__user=user, community_id=community_id)
            .filter(Q(until__isnull=True) | Q(until__gte=today))
            .values_list("unit_id", flat=True)
        )
    cache[community_id] = units
    setattr(user, _CACHE_ATTR, cache)
    return units


@predicate
def may_take_part(user: Any, consultation: Any) -> bool:
    """Verified residents and owners of the community, and of the consultation's area when it has one."""
    if not getattr(user, "is_authenticated", False) or not isinstance(consultation, Consultation):
        return False
    roles = scope_for(user).roles_in(consultation.community_id)
    if not {Role.RESIDENT, Role.OWNER} & roles:
        return False
    if consultation.area_id is None:
        return True
    assert consultation.area is not None
    units = units_of(user, consultation.community_id)
    inside = areas_within(consultation.area)
    return (
        Unit.objects.filter(pk__in=units)
        .filter(Q(building_id__in=inside) | Q(stairwell_id__in=inside))
        .exists()
    )


def require_participant(actor: Actor, consultation: Consultation) -> None:
    """Residents and owners (of the area, when scoped) only; superusers pass ``has_perm`` but are not residents."""
    require(actor, "consultations.take_part", consultation)
    if not may_take_part(actor, consultation):
        raise PermissionDenied


@predicate
def is_published(user: Any, consultation: Any) -> bool:
    return isinstance(consultation, Consultation) and consultation.published


#: Running consultations is the work of the residents' committee, and of the street office that oversees it.
can_manage = is_committee_staff_of | is_street_official_for | is_platform_staff

add_perm("consultations.see_consultations", can_view_community)
add_perm("consultations.see_consultation", (is_published & can_view_community) | can_manage)
add_perm("consultations.take_part", may_take_part)
add_perm("consultations.manage_consultations", can_manage)
