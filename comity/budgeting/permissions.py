"""Who may do what with community funds and budget cycles, as ``rules`` predicates.

The residents' committee keeps the fund and runs the cycle, with the street office and platform staff. Everyone
who can see the community reads the ledger (where every fen went) and every cycle past its preparation. Everyone
who belongs to the community — residents, owners, and those who work for its organisations — proposes projects.
Who may *vote* or rate a delivered project is not a role: the services check that the voter is a verified resident
or owner of the community (and vote in the district of their home).
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm, has_perm
from rules.predicates import predicate

from comity.budgeting.models import Cycle, CycleStatus
from comity.engine.roles import Role
from comity.structure.permissions import (
    belongs_to_community,
    can_view_community,
    is_committee_staff_of,
    is_platform_staff,
    is_street_official_for,
)
from comity.structure.scope import scope_for


@predicate
def is_past_preparation(user: Any, cycle: Any) -> bool:
    return isinstance(cycle, Cycle) and cycle.status != CycleStatus.DRAFT


can_manage = is_committee_staff_of | is_street_official_for | is_platform_staff

add_perm("budgeting.see_funds", can_view_community)
add_perm("budgeting.manage_funds", can_manage)
add_perm("budgeting.see_cycles", can_view_community)
add_perm("budgeting.see_cycle", (is_past_preparation & can_view_community) | can_manage)
add_perm("budgeting.manage_cycles", can_manage)
add_perm("budgeting.propose", belongs_to_community)


@predicate
def lives_or_owns_in_cycle_community(user: Any, cycle: Any) -> bool:
    """Verified residents and owners of the cycle's community: those who vote, and who support proposals."""
    community_id = getattr(cycle, "community_id", None)
    roles = scope_for(user).roles_in(community_id) if community_id is not None else set()
    return Role.RESIDENT in roles or Role.OWNER in roles


can_see_cycle = (is_past_preparation & can_view_community) | can_manage

#: Supports, comments and following (Decidim, CONSUL): residents support; residents and the community's staff
#: comment; the cycle's managers moderate; whoever sees the cycle follows its proposals.
add_perm("budgeting.support_proposals", can_see_cycle & lives_or_owns_in_cycle_community)
add_perm("budgeting.comment_on_proposals", can_see_cycle & (belongs_to_community | can_manage))
add_perm("budgeting.moderate_comments", can_manage)
add_perm("budgeting.follow_proposals", can_see_cycle)


def may_support(user: Any, cycle: Any) -> bool:
    """The rule itself, not ``user.has_perm``: Django lets superusers pass every check, but only residents and
    owners support, so that the count means neighbours."""
    return bool(
        getattr(user, "is_authenticated", False) and has_perm("budgeting.support_proposals", user, cycle)
    )
