"""Who may read the outbox: platform staff only, in the admin (``/admin/jobs/job/``).

The outbox holds the site's queued work for every community; there is no page of it for anyone else, and the rows
are written only by the services (``ReadOnlyAdmin``).
"""

from __future__ import annotations

from rules.permissions import add_perm

from comity.structure.permissions import is_platform_staff

add_perm("jobs.view_job", is_platform_staff)
