"""The names of the cast shared by every test; who each one is, and the fixtures, are in ``tests/cast.py``."""

from __future__ import annotations

# The cast's fixtures (``world``, ``client_for``) live in ``tests/cast.py`` and are loaded by the conftest of
# the Django test packages, so that ``tests/engine`` runs without Django at all (``pytest -p no:django``).

CAST = (
    "resident",
    "owner",
    "other_resident",
    "grid_worker",
    "committee_staff",
    "street_official",
    "ngo_staff",
    "enterprise_staff",
    "anonymous",
    "platform_staff",
)
