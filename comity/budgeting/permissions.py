"""Who may do what with community funds and budget cycles, as ``rules`` predicates.

The residents' committee keeps the fund and runs the cycle, with the street office and platform staff. Everyone
who can see the community reads the ledger (where every fen went) and every cycle past its preparation. Everyone
who belongs to the community — residents, owners, and those who work for its organisations — proposes projects.
Who may *vote* or rate a delivered project is not a role: the services check that the voter is a verified resident
or owner of the community (and vote in the district of their home).
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from comity.budgeting.models import Cycle, CycleStatus
from comity.structure.permissions import (
    belongs_to_community,
    can_view_community,
    is_committee_staff_of,
    is_platform_staff,
    is_street_official_for,
)


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
