"""Who may do what with residents' personal information, as ``rules`` predicates.

Every resident reads the notice and manages their own data; the committee handles requests, records consent given
in person and reviews unusual access; the street office sees its communities' access reviews and retention reports;
platform staff everything. ``tests/apps/test_privacy_permissions.py`` checks every page and endpoint for every role.
"""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import is_authenticated, predicate

from comity.structure.masking import sees_contact
from comity.structure.permissions import (
    is_committee_staff_of,
    is_grid_worker_of,
    is_platform_staff,
    is_street_official_for,
)

#: A signed-in person's own data: the copy, consents, requests and who looked.
add_perm("privacy.manage_own_data", is_authenticated)
#: Requests to correct or delete, answered by the committee that holds the register.
add_perm("privacy.handle_requests", is_committee_staff_of | is_platform_staff)
#: Consent given in person or on paper, entered by those who serve residents face to face.
add_perm("privacy.record_consent", is_committee_staff_of | is_grid_worker_of | is_platform_staff)
#: The access log and its unusual-access alerts, and the retention job's reports.
add_perm("privacy.review_access", is_committee_staff_of | is_street_official_for | is_platform_staff)
#: Phones and ages in full (everyone else sees them masked).
add_perm("privacy.see_contact", predicate(sees_contact, name="sees_contact"))
#: Spreadsheets and files with residents' personal data (always logged).
add_perm("privacy.export_personal_data", is_committee_staff_of | is_platform_staff)
