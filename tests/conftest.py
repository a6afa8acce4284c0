"""The cast shared by every test (after healthchecks' Alice, Bob and Charlie).

Two communities on one street, Harmony (ours) and Riverside (another), and one person per role:

========================  ==================================================================
fixture                    who
========================  ==================================================================
``resident``               Rui, a verified resident (tenant household) of Harmony
``owner``                  Olga, a verified resident who owns unit 1-101 of Harmony
``other_resident``         Otto, a verified resident of Riverside
``grid_worker``            Gao, grid worker of Harmony's residents' committee
``committee_staff``        Chen, staff of Harmony's residents' committee
``street_official``        Shu, staff of the street office
``ngo_staff``              Nia, staff of a social organisation serving Harmony
``enterprise_staff``       Eli, staff of Harmony's property-management company
``anonymous``              a visitor who is not logged in (``None``)
``platform_staff``         Pat, a superuser who runs the platform
========================  ==================================================================
"""

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
