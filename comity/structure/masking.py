"""Less exposure by default: phones and ages in full only to those who serve residents face to face.

The processing register (:mod:`comity.engine.privacy`) names who may see contact details and ages in full. Here
that is the residents' committee's staff and the grid workers of the community (they call and visit residents),
and platform staff; everyone else reads a phone masked (``138****5678``) and an age as a band (``70–79``). Pages
use the template filters of ``comity/structure/templatetags/masking.py``; serializers and exports call
:func:`shown_phone` and :func:`shown_age`. ``privacy.see_contact`` asks :func:`sees_contact`.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from comity.engine.privacy import age_band, mask_phone
from comity.engine.roles import Role
from comity.structure.models import Community
from comity.structure.scope import scope_for

#: Roles of the community that see phones and ages in full.
CONTACT_ROLES = frozenset({Role.COMMITTEE_STAFF, Role.GRID_WORKER})


def _community_id(community: Community | int | None) -> int | None:
    if community is None:
        return None
    if isinstance(community, int):
        return community
    return int(community.pk)


def contact_visible(user: Any, community: Community | int | None) -> bool:
    """Whether ``user`` sees residents' phones and ages of ``community`` in full."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    if scope.is_platform_staff or getattr(user, "is_superuser", False):
        return True
    community_id = _community_id(community)
    return community_id is not None and bool(scope.roles_in(community_id) & CONTACT_ROLES)


def phone_as_seen(phone: str, visible: bool) -> str:
    return phone if visible else mask_phone(phone or "")


def age_as_seen(birth_year: int | None, visible: bool, this_year: int | None = None) -> str:
    if birth_year is None:
        return ""
    age = (this_year or timezone.localdate().year) - int(birth_year)
    return str(age) if visible else age_band(age)


def shown_phone(user: Any, community: Community | int | None, phone: str) -> str:
    """The phone as ``user`` may read it: in full, or masked."""
    return phone_as_seen(phone, contact_visible(user, community))


def shown_age(user: Any, community: Community | int | None, birth_year: int | None) -> str:
    """The age (from the year of birth) as ``user`` may read it: in years, or as a ten-year band."""
    return age_as_seen(birth_year, contact_visible(user, community))


def sees_contact(user: Any, obj: Any) -> bool:
    """``privacy.see_contact`` (a ``rules`` predicate in ``comity/privacy/permissions.py``): :func:`contact_visible`
    for the community of ``obj`` (a community, or anything with one)."""
    community = obj if isinstance(obj, Community) else getattr(obj, "community", None)
    return contact_visible(user, community)
