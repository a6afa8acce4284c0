"""The registry of buildings and units: the pages that list who lives where (names masked where shown)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
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
    Person,
    Tenancy,
    Unit,
    UnitUsage,
)


def mask_phone(phone: str) -> str:
    """Show enough of a phone number to recognise it, not to copy it: 139****1234."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def registry_buildings(community: Community) -> list[Area]:
    """The community's buildings with their zone, grids and counts, for the registry page.

    Each count is one grouped query over the community (stairwells by parent, units and households by building),
    joined to the buildings in Python: the page costs the same five queries at 50 units and at 10,000. Counting
    beside the buildings in one query (two ``COUNT(DISTINCT …)`` joins and a household subquery) multiplied
    every building by its stairwells and units, and the database ran the subquery once per joined row.
    """
    buildings = list(
        Area.objects.filter(community=community, kind=AreaKind.BUILDING)
        .select_related("parent")
        .prefetch_related(Prefetch("grids", queryset=Area.objects.select_related("grid_worker")))
    )
    stairwells = _counts_by(
        Area.objects.filter(community=community, kind=AreaKind.STAIRWELL, parent__isnull=False), "parent_id"
    )
    units = _counts_by(Unit.objects.filter(community=community), "building_id")
    households = _counts_by(Household.objects.filter(community=community), "unit__building_id")
    for building in buildings:
        building.n_stairwells = stairwells.get(building.pk, 0)  # type: ignore[attr-defined]
        building.n_units = units.get(building.pk, 0)  # type: ignore[attr-defined]
        building.n_households = households.get(building.pk, 0)  # type: ignore[attr-defined]
    # Natural order, as people count: building 2 before building 10 (the database sorts "10" before "2").
    return sorted(
        buildings, key=lambda b: (natural_key(b.parent.code) if b.parent else (), natural_key(b.code))
    )


def _counts_by(rows: QuerySet[Any], key: str) -> dict[int, int]:
    """``{key value: number of rows}`` in one ``GROUP BY`` query."""
    return dict(rows.order_by().values_list(key).annotate(n=Count("id")).values_list(key, "n"))


@dataclass
class UnitRow:
    number: str
    exclusive_area: object
    usage: str
    usage_label: str
    owners: list[str]
    residents: int
    rented: bool
    phone: str


@dataclass
class StairwellRef:
    name: str


def building_register(building: Area) -> list[tuple[StairwellRef | None, list[UnitRow]]]:
    """The units of a building by stairwell, each with its owners, residents and whether it is rented.

    Read as plain rows (``values_list``) and grouped in Python: a page that only displays some 300 units with their
    owners and households would otherwise spend most of its time building model instances and prefetch querysets.
    The same four queries at any size.
    """
    today = timezone.localdate()
    active = Q(until__isnull=True) | Q(until__gte=today)
    units = list(
        Unit.objects.filter(building=building)
        .order_by()
        .values_list(
            "pk",
            "number",
            "floor",
            "exclusive_area",
            "usage",
            "stairwell_id",
            "stairwell__code",
            "stairwell__name",
        )
    )
    unit_ids = [row[0] for row in units]
    owners: dict[int, list[str]] = {}
    phones: dict[int, str] = {}
    for unit_id, person_id, full_name, phone, holder_name in (
        Ownership.objects.filter(active, unit_id__in=unit_ids)
        .order_by("pk")
        .values_list("unit_id", "person_id", "person__full_name", "person__phone", "holder_name")
    ):
        if person_id is not None:
            owners.setdefault(unit_id, []).append(full_name)
            if phone and not phones.get(unit_id):
                phones[unit_id] = phone
        else:
            owners.setdefault(unit_id, []).append(holder_name)
    residents = dict(
        Person.objects.filter(household__unit_id__in=unit_ids)
        .order_by()
        .values_list("household__unit_id")
        .annotate(n=Count("id"))
        .values_list("household__unit_id", "n")
    )
    rented = set(
        Tenancy.objects.filter(active, unit_id__in=unit_ids)
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    usage_labels = dict(UnitUsage.choices)
    groups: dict[int | None, tuple[StairwellRef | None, list[UnitRow]]] = {}
    ordered = sorted(
        units,
        key=lambda u: (natural_key(u[6]) if u[5] is not None else (), u[2], natural_key(u[1])),
    )
    for unit_id, number, _floor, area, usage, stairwell_id, _code, stairwell_name in ordered:
        phone = phones.get(unit_id, "")
        row = UnitRow(
            number=number,
            exclusive_area=area,
            usage=usage,
            usage_label="" if usage == UnitUsage.RESIDENTIAL else str(usage_labels.get(usage, usage)),
            owners=owners.get(unit_id, []),
            residents=residents.get(unit_id, 0),
            rented=unit_id in rented,
            phone=mask_phone(phone) if phone else "",
        )
        stairwell = StairwellRef(name=stairwell_name) if stairwell_id is not None else None
        groups.setdefault(stairwell_id, (stairwell, []))[1].append(row)
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
