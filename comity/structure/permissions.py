"""Object-level permissions for the governance structure, as ``rules`` predicates.

Views and API endpoints ask ``user.has_perm("structure.<perm>", obj)``; the predicates read the user's
:class:`~comity.structure.scope.UserScope`, which is derived from memberships, ownerships and verified
residency. Each permission is tested for every role in ``tests/apps/test_permission_matrix.py``.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import is_authenticated, predicate

from comity.engine.roles import Role
from comity.structure.models import Community, GovernanceSubject, Street
from comity.structure.scope import scope_for


def _community_of(obj: Any) -> Community | None:
    if isinstance(obj, Community):
        return obj
    return getattr(obj, "community", None)


@predicate
def is_platform_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


@predicate
def is_street_official_for(user: Any, obj: Any) -> bool:
    scope = scope_for(user)
    if isinstance(obj, Street):
        return obj.pk in scope.street_ids
    if isinstance(obj, GovernanceSubject):
        return obj.street_id in scope.street_ids
    community = _community_of(obj)
    return community is not None and community.street_id in scope.street_ids


@predicate
def is_committee_staff_of(user: Any, obj: Any) -> bool:
    community = _community_of(obj)
    return community is not None and scope_for(user).has_role(community.pk, Role.COMMITTEE_STAFF)


@predicate
def is_grid_worker_of(user: Any, obj: Any) -> bool:
    community = _community_of(obj)
    return community is not None and scope_for(user).has_role(community.pk, Role.GRID_WORKER)


@predicate
def is_official_for_street_subject(user: Any, obj: Any) -> bool:
    """Street officials look after the street-level subjects (the street office, government departments)."""
    return (
        isinstance(obj, GovernanceSubject)
        and obj.community_id is None
        and obj.street_id in scope_for(user).street_ids
    )


@predicate
def belongs_to_community(user: Any, obj: Any) -> bool:
    """Residents, owners and everyone who works for a subject of the community."""
    community = _community_of(obj)
    if community is None and isinstance(obj, GovernanceSubject):
        return bool(scope_for(user).community_ids & set(obj.street.communities.values_list("pk", flat=True)))
    return community is not None and bool(scope_for(user).roles_in(community.pk))


can_view_community = belongs_to_community | is_street_official_for | is_platform_staff
can_manage_registry = is_committee_staff_of | is_platform_staff
can_view_street = is_street_official_for | is_platform_staff
#: Names and households are personal data: those who serve residents day to day see them, nobody else.
can_browse_registry = is_committee_staff_of | is_grid_worker_of | is_platform_staff

add_perm("structure.see_community", can_view_community)
add_perm("structure.see_subject", can_view_community)
add_perm("structure.edit_matrix", can_manage_registry)
add_perm("structure.import_registry", can_manage_registry)
add_perm("structure.browse_registry", can_browse_registry)
add_perm("structure.register_subject", can_manage_registry)
add_perm(
    "structure.manage_subject", is_committee_staff_of | is_official_for_street_subject | is_platform_staff
)
add_perm("structure.review_claims", can_manage_registry)
#: Unit labels ("3-2-502"), never who lives there: anyone signed in needs them to claim a unit in a community
#: they do not belong to yet.
add_perm("structure.search_units", is_authenticated)
add_perm("structure.oversee_street", can_view_street)
