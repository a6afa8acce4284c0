"""The governance structure of a street and its communities.

Street (sub-district) → communities → areas (zones, buildings, stairwells, common spaces; grids are an
overlay of buildings) → units. Households and persons live in units; owners hold units with a registered
exclusive area; tenants rent them. Governance subjects (the street office, the residents' committee, the
owners' bodies, enterprises, social organisations, self-governance groups, volunteer teams) have members
with roles, and a responsibility matrix says which subject leads on each matter category in each scope.

Every row that belongs to a community carries it explicitly, so that selectors can scope by tenant and
the data can later be sharded by community.
"""

from comity.structure.models.claims import (
    ClaimRelation,
    ClaimStatus,
    ResidencyClaim,
)
from comity.structure.models.common import (
    BIRTH_YEAR_RANGE,
    format_hours,
)
from comity.structure.models.matrix import (
    MatterCategory,
    Responsibility,
)
from comity.structure.models.people import (
    Gender,
    HolderKind,
    Household,
    Ownership,
    Person,
    Tenancy,
)
from comity.structure.models.places import (
    ALLOWED_PARENT_KINDS,
    Area,
    AreaKind,
    AreaSource,
    Community,
    Street,
    Unit,
    UnitUsage,
)
from comity.structure.models.subjects import (
    STREET_LEVEL_KINDS,
    SUBJECT_SECTOR,
    GovernanceSubject,
    LegalStatus,
    Membership,
    MembershipRole,
    SubjectKind,
)

__all__ = [
    "ALLOWED_PARENT_KINDS",
    "BIRTH_YEAR_RANGE",
    "STREET_LEVEL_KINDS",
    "SUBJECT_SECTOR",
    "Area",
    "AreaKind",
    "AreaSource",
    "ClaimRelation",
    "ClaimStatus",
    "Community",
    "Gender",
    "GovernanceSubject",
    "HolderKind",
    "Household",
    "LegalStatus",
    "MatterCategory",
    "Membership",
    "MembershipRole",
    "Ownership",
    "Person",
    "ResidencyClaim",
    "Responsibility",
    "Street",
    "SubjectKind",
    "Tenancy",
    "Unit",
    "UnitUsage",
    "format_hours",
]
