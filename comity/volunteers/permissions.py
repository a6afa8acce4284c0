"""Who may do what in the volunteers app: django-rules predicates registered with ``rules.add_perm``.

A volunteer sees their own hours, stars, account and certificate; the organiser's staff record and verify the hours
of their volunteers; the residents' committee sets the time-bank policy, records redemptions and transfers, posts
the roll of honour and reads the ledger with its verification; the street office reads the ledger too; everyone in
the community reads the roll of honour. ``tests/apps/test_volunteers_pages.py`` checks every page and endpoint for
every role.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import is_authenticated, predicate

from comity.structure.models import GovernanceSubject
from comity.structure.permissions import (
    can_view_community,
    is_committee_staff_of,
    is_platform_staff,
    is_street_official_for,
)
from comity.structure.scope import scope_for


@predicate
def acts_for_organiser(user: Any, obj: Any) -> bool:
    """The user works for this subject (chair, member or staff); given a community, for any subject of it."""
    acting = scope_for(user).acting_subject_ids
    if isinstance(obj, GovernanceSubject):
        return obj.pk in acting
    community_id = getattr(obj, "pk", None)
    if not acting or community_id is None:
        return False
    return GovernanceSubject.objects.filter(pk__in=acting, community_id=community_id).exists()


#: My volunteering: my hours, stars, account and certificate.
add_perm("volunteers.see_own", is_authenticated)
#: Record and verify volunteers' hours: the organiser's staff (a subject, or any subject of a community).
add_perm("volunteers.verify_hours", acts_for_organiser | is_committee_staff_of | is_platform_staff)
#: The policy, redemptions, transfers and the roll of honour: the residents' committee.
add_perm("volunteers.manage_time_bank", is_committee_staff_of | is_platform_staff)
#: The ledger and its verification: the committee and the street office.
add_perm("volunteers.see_ledger", is_committee_staff_of | is_street_official_for | is_platform_staff)
#: The roll of honour, posted for the community.
add_perm("volunteers.see_roll", can_view_community)
