"""Reads of the governance structure, scoped by community.

``get_<thing>_for_user`` is the one way views and API endpoints reach a protected object: it raises
``Http404`` when the object does not exist and ``PermissionDenied`` when the user may not see it.
"""

from comity.structure.selectors.access import (
    claims_of,
    communities_for_user,
    community_or_none,
    get_claim_for_user,
    get_community_for_user,
    get_membership,
    get_responsibility_for_user,
    get_street_for_user,
    get_subject_for_user,
    person_of,
    subjects_serving,
)
from comity.structure.selectors.overview import (
    ELDERLY_AGE,
    CategoryGroup,
    CommunityCounts,
    StreetRow,
    SubjectNode,
    Tier,
    category_chain,
    community_counts,
    group_by_top_category,
    pending_claims,
    responsibility_matrix,
    street_rows,
    structure_map,
    subject_members,
    uncovered_matter_categories,
)
from comity.structure.selectors.registry import (
    UnitRow,
    areas_within,
    building_register,
    get_building_for_user,
    mask_phone,
    registry_buildings,
)

__all__ = [
    "ELDERLY_AGE",
    "CategoryGroup",
    "CommunityCounts",
    "StreetRow",
    "SubjectNode",
    "Tier",
    "UnitRow",
    "areas_within",
    "building_register",
    "category_chain",
    "claims_of",
    "communities_for_user",
    "community_counts",
    "community_or_none",
    "get_building_for_user",
    "get_claim_for_user",
    "get_community_for_user",
    "get_membership",
    "get_responsibility_for_user",
    "get_street_for_user",
    "get_subject_for_user",
    "group_by_top_category",
    "mask_phone",
    "pending_claims",
    "person_of",
    "registry_buildings",
    "responsibility_matrix",
    "street_rows",
    "structure_map",
    "subject_members",
    "subjects_serving",
    "uncovered_matter_categories",
]
