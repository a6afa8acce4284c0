"""Who may do what with community organisations, as ``rules`` predicates.

* **The organisation's staff** (chair, member or staff of its governance subject) keep its profile and catalogue
  and file its application;
* **committee staff** of the community keep the register (profiles on anyone's behalf), review filings, run
  incubation and record grades;
* **street officials** decide filings, record grades and see the street's overview;
* everyone who belongs to the community sees its organisations (the register of organisations is public there).

``tests/apps/test_ngos_pages.py`` checks every page and endpoint for every role.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from comity.engine.ngo_grading import Party
from comity.structure.models import GovernanceSubject
from comity.structure.permissions import (
    can_view_community,
    can_view_street,
    is_committee_staff_of,
    is_platform_staff,
    is_street_official_for,
)
from comity.structure.scope import scope_for


def subject_id_of(obj: Any) -> int | None:
    """The organisation's governance subject behind a profile, a filing, an incubation or the subject itself."""
    if isinstance(obj, GovernanceSubject):
        return int(obj.pk)
    profile = getattr(obj, "profile", None) or obj
    value = getattr(profile, "subject_id", None)
    return int(value) if value is not None else None


@predicate
def is_organisation_staff(user: Any, obj: Any) -> bool:
    subject_id = subject_id_of(obj)
    return subject_id is not None and subject_id in scope_for(user).acting_subject_ids


@predicate
def is_incubator_staff(user: Any, obj: Any) -> bool:
    incubator_id = getattr(obj, "incubator_id", None)
    return incubator_id is not None and incubator_id in scope_for(user).acting_subject_ids


@predicate
def is_host_staff(user: Any, obj: Any) -> bool:
    host_id = getattr(obj, "fiscal_host_id", None)
    return host_id is not None and host_id in scope_for(user).acting_subject_ids


can_keep_register = is_committee_staff_of | is_platform_staff

add_perm("ngos.see_organisations", can_view_community)
add_perm("ngos.see_organisation", can_view_community)
#: The profile and its service catalogue.
add_perm("ngos.manage_profile", is_organisation_staff | can_keep_register)
#: A profile for a subject that has none yet (the object is the subject).
add_perm("ngos.create_profile", is_organisation_staff | can_keep_register)
#: Writing and submitting the application (the object is the profile or the filing).
add_perm("ngos.file", is_organisation_staff | can_keep_register)
add_perm(
    "ngos.see_filing",
    is_organisation_staff | is_committee_staff_of | is_street_official_for | is_platform_staff,
)
add_perm("ngos.review_filing", can_keep_register)
add_perm("ngos.decide_filing", is_street_official_for | is_platform_staff)
add_perm("ngos.see_queues", is_committee_staff_of | is_street_official_for | is_platform_staff)
#: Incubation: the committee opens it; steps are further checked against the engine's stage machine.
add_perm("ngos.manage_incubation", can_keep_register)
add_perm("ngos.move_incubation", is_organisation_staff | is_incubator_staff | can_keep_register)
add_perm("ngos.record_hosted_money", is_host_staff | can_keep_register)
add_perm("ngos.record_grade", is_committee_staff_of | is_street_official_for | is_platform_staff)
add_perm("ngos.oversee_street", can_view_street)


def parties_of(user: Any, obj: Any) -> frozenset[Party]:
    """The parties of the stage machines ``user`` acts as for ``obj`` (a filing or an incubation)."""
    found: set[Party] = set()
    if is_organisation_staff(user, obj):
        found.add(Party.ORGANISATION)
    if is_incubator_staff(user, obj):
        found.add(Party.INCUBATOR)
    if is_committee_staff_of(user, obj) or is_platform_staff(user):
        found.add(Party.COMMITTEE)
    if is_street_official_for(user, obj) or is_platform_staff(user):
        found.add(Party.STREET)
    return frozenset(found)
