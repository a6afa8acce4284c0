"""Who may do what in the activities app: django-rules predicates registered with ``rules.add_perm``.

Everyone who belongs to a community sees its published activities and registers for themself. Any subject of the
community or of its street may organise: its acting staff create and run their own activities; the committee's staff
run every activity of the community. Registering someone without a phone at the counter means searching the
registry, so only those who browse the registry do it. ``tests/apps/test_activities_permissions.py`` checks every
page and endpoint for every role."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from rules.permissions import add_perm
from rules.predicates import predicate

from comity.structure.models import Community, GovernanceSubject
from comity.structure.permissions import (
    belongs_to_community,
    is_committee_staff_of,
    is_grid_worker_of,
    is_platform_staff,
    is_street_official_for,
)
from comity.structure.scope import scope_for


def subjects_that_may_organise(community: Community) -> Q:
    """The subjects of the community and of its street."""
    return Q(community=community) | Q(community__isnull=True, street_id=community.street_id)


@predicate
def acts_for_a_subject_in(user: Any, obj: Any) -> bool:
    """Acting staff of a subject that may organise in the community (a social organisation, the street office)."""
    community = obj if isinstance(obj, Community) else getattr(obj, "community", None)
    if community is None:
        return False
    ids = scope_for(user).acting_subject_ids
    return bool(ids) and (
        GovernanceSubject.objects.filter(subjects_that_may_organise(community), pk__in=ids).exists()
    )


@predicate
def acts_for_organiser(user: Any, obj: Any) -> bool:
    organiser_id = getattr(obj, "organiser_id", None)
    return organiser_id is not None and organiser_id in scope_for(user).acting_subject_ids


#: The community's activities, and registering for them oneself.
add_perm("activities.see_activities", belongs_to_community | is_street_official_for | is_platform_staff)
add_perm("activities.register", belongs_to_community)
#: Announcing a new activity (object: the community).
add_perm("activities.create_activity", is_committee_staff_of | acts_for_a_subject_in | is_platform_staff)
#: Editing, publishing, cancelling, the registrations list, check-in (object: the activity).
add_perm("activities.run_activity", is_committee_staff_of | acts_for_organiser | is_platform_staff)
#: Registering a person of the registry at the counter (object: the activity).
add_perm("activities.register_at_counter", is_committee_staff_of | is_grid_worker_of | is_platform_staff)
