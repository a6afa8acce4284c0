"""The registry of buildings and units: the pages that list who lives where (names masked where shown)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from comity.engine.unit_address import natural_key
from comity.foundation.services import Actor, require
from comity.structure.models import (
    Area,
    AreaKind,
    Community,
    Household,
    Ownership,
    Tenancy,
    Unit,
)


def mask_phone(phone: str) -> str:
    """Show enough of a phone number to recognise it, not to copy it: 139****1234."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def registry_buildings(community: Community) -> list[Area]:
    """The community's buildings with their zone, grids and counts, for the registry page."""
    households = (
        Household.objects.filter(unit__building=OuterRef("pk"))
        .order_by()
        .values("unit__building")
        .annotate(n=Count("id"))
        .values("n")
    )
    buildings = list(
        Area.objects.filter(community=community, kind=AreaKind.BUILDING)
        .select_related("parent")
        .prefetch_related(Prefetch("grids", queryset=Area.objects.select_related("grid_worker")))
        .annotate(
            n_stairwells=Count("children", filter=Q(children__kind=AreaKind.STAIRWELL), distinct=True),
            n_units=Count("building_units", distinct=True),
            n_households=Coalesce(Subquery(households), 0),
        )
    )
    # Natural order, as people count: building 2 before building 10 (the database sorts "10" before "2").
    return sorted(
        buildings, key=lambda b: (natural_key(b.parent.code) if b.parent else (), natural_key(b.code))
    )


@dataclass
class UnitRow:
    unit: Unit
    owners: list[str]
    residents: int
    rented: bool
    phone: str


def building_register(building: Area) -> list[tuple[Area | None, list[UnitRow]]]:
    """The units of a building by stairwell, each with its owners, residents and whether it is rented."""
    today = timezone.localdate()
    units = (
        Unit.objects.filter(building=building)
        .select_related("stairwell")
        .prefetch_related(
            Prefetch(
                "ownerships",
                queryset=Ownership.objects.filter(Q(until__isnull=True) | Q(until__gte=today)).select_related(
                    "person"
                ),
            ),
            Prefetch("households", queryset=Household.objects.annotate(n_members=Count("members"))),
            Prefetch(
                "tenancies",
                queryset=Tenancy.objects.filter(Q(until__isnull=True) | Q(until__gte=today)),
                to_attr="active_tenancies",
            ),
        )
    )
    groups: dict[int | None, tuple[Area | None, list[UnitRow]]] = {}
    ordered = sorted(
        units,
        key=lambda u: (natural_key(u.stairwell.code) if u.stairwell else (), u.floor, natural_key(u.number)),
    )
    for unit in ordered:
        owners = []
        phone = ""
        for ownership in unit.ownerships.all():
            if ownership.person is not None:
                owners.append(ownership.person.full_name)
                phone = phone or ownership.person.phone
            else:
                owners.append(ownership.holder_name)
        row = UnitRow(
            unit=unit,
            owners=owners,
            residents=sum(h.n_members for h in unit.households.all()),  # type: ignore[attr-defined]
            rented=bool(unit.active_tenancies),
            phone=mask_phone(phone) if phone else "",
        )
        groups.setdefault(unit.stairwell_id, (unit.stairwell, []))[1].append(row)
    return list(groups.values())


def get_building_for_user(user: Actor, community: Community, building_id: int) -> Area:
    try:
        building = Area.objects.select_related("parent").get(
            pk=building_id, community=community, kind=AreaKind.BUILDING
        )
    except Area.DoesNotExist as exc:
        raise Http404 from exc
    require(user, "structure.browse_registry", community)
    return building


def areas_within(area: Area) -> set[int]:
    """The ids of ``area`` and every area below it; for a grid, the buildings it covers and their stairwells."""
    grid = area.kind == AreaKind.GRID
    found = set(area.grid_buildings.values_list("pk", flat=True)) if grid else {area.pk}
    frontier = set(found)
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found
