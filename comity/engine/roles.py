"""Application roles, derived from memberships in governance subjects.

Comity never stores a role on an account: what someone may do follows from what they are — a verified
resident, an owner of a unit, a member of a subject with a role. This module is the single mapping from a
membership (subject kind × membership role) to application roles.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "resident"
    OWNER = "owner"
    GRID_WORKER = "grid_worker"
    COMMITTEE_STAFF = "committee_staff"
    STREET_OFFICIAL = "street_official"
    SUBJECT_STAFF = "subject_staff"
    VOLUNTEER = "volunteer"


#: Membership roles that make someone act for the subject (not just belong to it).
ACTING_ROLES = frozenset({"chair", "member", "staff"})

STREET_KINDS = frozenset({"street_office", "government_department"})


def roles_from_membership(subject_kind: str, membership_role: str) -> frozenset[Role]:
    """The application roles one membership gives.

    * chair, member or staff of the residents' committee → committee staff (they run the registry);
    * a grid worker of any subject → grid worker;
    * chair, member or staff of the street office or a government department → street official;
    * a volunteer of any subject → volunteer;
    * chair, member or staff of any other subject → staff of that subject.
    """
    if membership_role == "grid_worker":
        return frozenset({Role.GRID_WORKER})
    if membership_role == "volunteer":
        return frozenset({Role.VOLUNTEER})
    if membership_role not in ACTING_ROLES:
        raise ValueError(f"unknown membership role: {membership_role!r}")
    if subject_kind == "residents_committee":
        return frozenset({Role.COMMITTEE_STAFF})
    if subject_kind in STREET_KINDS:
        return frozenset({Role.STREET_OFFICIAL})
    return frozenset({Role.SUBJECT_STAFF})
