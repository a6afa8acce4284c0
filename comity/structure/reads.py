"""Who looked: the one call every page, API endpoint and export makes when staff read residents' personal data.

:func:`note_reads` records, through :func:`comity.foundation.personal_data.record_access`, one row per person read:
who read (the signed-in account), in which role (the most senior staff role they hold in the community, read from
:func:`~comity.structure.scope.scope_for`; ``"platform_staff"`` for a superuser without one), what (a
:class:`~comity.foundation.personal_data.Read` code) and on which page. A person reading their own data is not
recorded, nor is anyone who holds no staff role there (a resident following a case reads no one's record).

Pages cache their parts (:mod:`comity.structure.fragments`), so the reads are noted in the view *before* the cache is
asked, from a cheap query of ids only (the helpers below); a page served from the cache is still recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from comity.engine.roles import Role
from comity.foundation.personal_data import record_access
from comity.structure.models import (
    ClaimStatus,
    Community,
    Household,
    Ownership,
    Person,
    ResidencyClaim,
    Tenancy,
    Unit,
)
from comity.structure.scope import scope_for

#: The role recorded for a superuser who holds no staff role in the community.
PLATFORM_STAFF = "platform_staff"

#: Staff roles, most senior first: the role a read is recorded under when the reader holds several.
SENIORITY: tuple[Role, ...] = (
    Role.COMMITTEE_STAFF,
    Role.STREET_OFFICIAL,
    Role.GRID_WORKER,
    Role.SUBJECT_STAFF,
)


def _community(community: Community | int) -> Community:
    if isinstance(community, Community):
        return community
    return Community.objects.only("id", "street_id").get(pk=community)


def reader_role(user: Any, community: Community | int) -> str | None:
    """The staff role ``user`` reads the community's data in, or None when they hold none there."""
    if not getattr(user, "is_authenticated", False):
        return None
    found = _community(community)
    scope = scope_for(user)
    roles = scope.roles_in(found.pk)
    for role in SENIORITY:
        if role == Role.STREET_OFFICIAL and found.street_id in scope.street_ids:
            return str(role)
        if role in roles:
            return str(role)
    if scope.is_platform_staff or getattr(user, "is_superuser", False):
        return PLATFORM_STAFF
    return None


def note_reads_by(
    user: Any,
    community: Community | int,
    person_ids: Iterable[int | None],
    what: str,
    *,
    role: str | None = None,
    path: str = "",
) -> int:
    """Record that ``user`` read these persons' data (see the module); returns how many rows were written."""
    if not getattr(user, "is_authenticated", False):
        return 0
    found = _community(community)
    role = role or reader_role(user, found)
    if role is None:
        return 0
    own = scope_for(user).person_id
    ids = [pk for pk in person_ids if pk is not None and pk != own]
    if not ids:
        return 0
    return record_access(viewer=user, community_id=found.pk, person_ids=ids, what=what, role=role, path=path)


def note_reads(
    request: Any,
    community: Community | int,
    person_ids: Iterable[int | None],
    what: str,
    role: str | None = None,
) -> int:
    """:func:`note_reads_by` for the request's user, on the request's page (a Django or a DRF request)."""
    return note_reads_by(request.user, community, person_ids, what, role=role, path=request.get_full_path())


# --- Who a page shows, as ids only ---------------------------------------------------------------------------------


def _active() -> Q:
    today = timezone.localdate()
    return Q(until__isnull=True) | Q(until__gte=today)


def building_person_ids(community: Community, building_id: int) -> list[int]:
    """The owners a building's register page names (residents are only counted there)."""
    units = Unit.objects.filter(community=community, building_id=building_id).values("pk")
    return list(
        Ownership.objects.filter(_active(), community=community, unit_id__in=units, person__isnull=False)
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )


def claim_person_ids(community: Community) -> list[int]:
    """Whom the verification queue names beside the pending claims: the claimed units' owners and residents.
    Every query is pinned to the community (``tests/apps/test_community_isolation.py``)."""
    unit_ids = ResidencyClaim.objects.filter(community=community, status=ClaimStatus.PENDING).values(
        "unit_id"
    )
    owners = Ownership.objects.filter(
        _active(), community=community, unit_id__in=unit_ids, person__isnull=False
    ).values_list("person_id", flat=True)
    households = Household.objects.filter(community=community, unit_id__in=unit_ids).values("pk")
    renting = Tenancy.objects.filter(community=community, unit_id__in=unit_ids, until__isnull=True).values(
        "household_id"
    )
    residents = Person.objects.filter(
        Q(household_id__in=households) | Q(household_id__in=renting), community=community
    ).values_list("pk", flat=True)
    return sorted({*owners.order_by(), *residents.order_by()})


def registry_person_ids(community: Community) -> list[int]:
    """The owners a registry export writes (one row per active ownership of a unit of the community)."""
    return list(
        Ownership.objects.filter(_active(), community=community, person__isnull=False)
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )
