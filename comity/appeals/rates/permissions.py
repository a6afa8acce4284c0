"""Who may see and export the appeal-rate dashboards, as ``rules`` predicates.

A community's rates are public accountability: everyone who may open the community sees them, residents
included. Exports (files that leave the platform) are for those who answer for the figures: the residents'
committee, the street office and platform staff. A street's comparison of its communities is for its officials.
Each permission is tested for every member of the cast in ``tests/apps/test_appeal_rates.py``.
"""

from __future__ import annotations

from rules.permissions import add_perm

from comity.structure.permissions import (
    can_view_community,
    is_committee_staff_of,
    is_platform_staff,
    is_street_official_for,
)

can_export_rates = is_committee_staff_of | is_street_official_for | is_platform_staff
can_see_street_rates = is_street_official_for | is_platform_staff

add_perm("appeals.see_rates", can_view_community)
add_perm("appeals.export_rates", can_export_rates)
add_perm("appeals.see_street_rates", can_see_street_rates)
add_perm("appeals.export_street_rates", can_see_street_rates)
