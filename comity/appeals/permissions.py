"""Who may do what with appeals, as ``rules`` predicates.

The parts a user plays in one appeal (:func:`parts_in`) follow the engine's :class:`~comity.engine.appeals.Actor`:
the requester, staff of the lead subject, staff of a co-handling subject, the residents' committee (first
receiver) and the street office (supervisor). Services ask ``user.has_perm("appeals.<perm>", obj)`` first and
then let the engine decide whether the part the user plays may make the event in the appeal's status.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from comity.appeals.models import Appeal, Dispatch, DispatchRole
from comity.engine.appeals import Actor
from comity.engine.roles import Role
from comity.structure.permissions import (
    can_view_community,
    is_committee_staff_of,
    is_grid_worker_of,
    is_platform_staff,
    is_street_official_for,
)
from comity.structure.scope import scope_for


@predicate
def lives_or_owns_in(user: Any, community: Any) -> bool:
    """Verified residents and owners of the community appeal for themselves."""
    roles = scope_for(user).roles_in(community.pk)
    return Role.RESIDENT in roles or Role.OWNER in roles


@predicate
def works_for_subject_in(user: Any, community: Any) -> bool:
    """Staff of a subject serving the community (property company, social organisation, owners' committee…)."""
    return Role.SUBJECT_STAFF in scope_for(user).roles_in(getattr(community, "pk", -1))


@predicate
def is_requester_of(user: Any, appeal: Any) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and isinstance(appeal, Appeal)
        and appeal.requester_user_id == user.pk
    )


@predicate
def follows(user: Any, appeal: Any) -> bool:
    """Requesters of duplicates merged into the appeal follow it."""
    return (
        getattr(user, "is_authenticated", False)
        and isinstance(appeal, Appeal)
        and Appeal.objects.filter(merged_into=appeal, requester_user=user).exists()
    )


@predicate
def is_lead_staff_of(user: Any, appeal: Any) -> bool:
    return (
        isinstance(appeal, Appeal)
        and appeal.lead_subject_id is not None
        and appeal.lead_subject_id in scope_for(user).acting_subject_ids
    )


@predicate
def is_co_handler_staff_of(user: Any, appeal: Any) -> bool:
    acting = scope_for(user).acting_subject_ids
    if not isinstance(appeal, Appeal) or not acting:
        return False
    return Dispatch.objects.filter(
        appeal=appeal, role=DispatchRole.CO_HANDLER, ended_at__isnull=True, subject_id__in=acting
    ).exists()


#: The parts a user may play, in the order the services try them.
PART_PREDICATES = (
    (Actor.REQUESTER, is_requester_of),
    (Actor.HANDLER, is_lead_staff_of),
    (Actor.CO_HANDLER, is_co_handler_staff_of),
    (Actor.FIRST_RECEIVER, is_committee_staff_of),
    (Actor.SUPERVISOR, is_street_official_for),
)


def parts_in(user: Any, appeal: Appeal) -> list[Actor]:
    """Every part ``user`` plays in ``appeal`` (a committee member who appealed is requester and first receiver)."""
    return [actor for actor, test in PART_PREDICATES if test(user, appeal)]


#: The checks that read no row first (the co-handler's reads the dispatches), so a committee member or a street
#: official is known to be a party without a query.
is_party_to = (
    is_requester_of
    | is_lead_staff_of
    | is_committee_staff_of
    | is_street_official_for
    | is_co_handler_staff_of
)

add_perm("appeals.submit_appeal", lives_or_owns_in | is_committee_staff_of | is_grid_worker_of)
#: Assisted entry: staff who meet residents record appeals for them, with their consent.
add_perm("appeals.record_for_resident", is_committee_staff_of | is_grid_worker_of)
add_perm("appeals.act_on_appeal", is_party_to)
add_perm("appeals.see_appeal", is_party_to | follows | is_grid_worker_of | is_platform_staff)
#: The staff workbench: everyone who handles, receives or supervises appeals of the community.
add_perm(
    "appeals.use_workbench",
    is_committee_staff_of
    | is_grid_worker_of
    | works_for_subject_in
    | is_street_official_for
    | is_platform_staff,
)
#: Dispatching several appeals at once is the deciders' work (the engine's first receiver and supervisor).
add_perm("appeals.dispatch_in_bulk", is_committee_staff_of | is_street_official_for)
#: Time limits, working calendar, reopen window, score weights and the community's reply templates.
add_perm("appeals.manage_settings", is_committee_staff_of | is_platform_staff)
#: Public appeals, with personal data masked, are open to everyone who can see the community.
add_perm("appeals.see_public_appeals", can_view_community)
#: The street office's queue of escalated, overdue and street-level disputed appeals (``views/street.py``).
add_perm("appeals.see_street_queue", is_street_official_for | is_platform_staff)
