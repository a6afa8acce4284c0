"""Who may read a community's audit log, as a ``rules`` predicate.

Committee staff read their community's log, street officials the logs of their street's communities, and platform
staff every log (``tests/apps/test_permission_matrix.py`` checks it for every role).
"""

from __future__ import annotations

from rules.permissions import add_perm

from comity.structure.permissions import is_committee_staff_of, is_platform_staff, is_street_official_for

can_view_audit = is_committee_staff_of | is_street_official_for | is_platform_staff

add_perm("audit.browse_log", can_view_audit)
