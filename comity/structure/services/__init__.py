"""Writes to the governance structure. Each service: one transaction, a permission check, an audit entry."""

from comity.structure.services.claims import (
    confirm_residency_claim,
    reject_residency_claim,
    submit_residency_claim,
)
from comity.structure.services.people import correct_person
from comity.structure.services.registry_import import import_registry
from comity.structure.services.responsibilities import (
    create_responsibility,
    delete_responsibility,
    update_responsibility,
)
from comity.structure.services.subjects import (
    SUBJECT_FIELDS,
    SubjectData,
    add_membership,
    create_subject,
    end_membership,
    update_subject,
)

__all__ = [
    "SUBJECT_FIELDS",
    "SubjectData",
    "add_membership",
    "confirm_residency_claim",
    "correct_person",
    "create_responsibility",
    "create_subject",
    "delete_responsibility",
    "end_membership",
    "import_registry",
    "reject_residency_claim",
    "submit_residency_claim",
    "update_responsibility",
    "update_subject",
]
