"""The physical layout of a demo community: zones, buildings, stairwells, common spaces and units.

Rows are written with ``bulk_create`` one level of the area tree at a time (zones, then buildings and
common spaces, then stairwells), so a community of 3,000 flats takes a handful of queries. Grids are built
here but saved later, once their grid workers exist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from comity.demo.specs import BuildingSpec, CommunitySpec
from comity.structure.models import Area, AreaKind, AreaSource, Community, Unit, UnitUsage

BATCH = 500

#: Exclusive-area ranges in m² by building style and the flat's position on the landing ("end" flats have
#: two outside walls and are larger). 1990s walk-ups were small; 2010s high-rises are sold much larger.
_AREA_RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("walkup_1990s", "end"): (62, 92),
    ("walkup_1990s", "middle"): (45, 62),
    ("walkup_2000s", "end"): (82, 125),
    ("walkup_2000s", "middle"): (82, 125),
    ("midrise_2000s", "end"): (86, 120),
    ("midrise_2000s", "middle"): (62, 82),
    ("highrise_2010s", "end"): (98, 143),
    ("highrise_2010s", "middle"): (72, 96),
}


@dataclass
class Estate:
    """The saved areas and units of one community, in layout order."""

    spec: CommunitySpec
    community: Community
    zones: dict[str, Area] = field(default_factory=dict)
    buildings: dict[str, Area] = field(default_factory=dict)
    building_specs: dict[str, BuildingSpec] = field(default_factory=dict)
    stairwells: list[Area] = field(default_factory=list)
    commons: dict[str, Area] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    #: Unsaved until the grid workers are saved (see :func:`comity.demo.subjects.assign_grid_workers`).
    grids: list[tuple[Area, list[Area]]] = field(default_factory=list)


def _area(rng: random.Random, style: str, position: str) -> Decimal:
    low, high = _AREA_RANGES[(style, position)]
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _area_source(rng: random.Random) -> str:
    """Nearly every flat has a registered area; a few were surveyed again or only have the sale contract."""
    draw = rng.random()
    if draw < 0.95:
        return AreaSource.REGISTERED
    return AreaSource.SURVEYED if draw < 0.98 else AreaSource.CONTRACT


def _unit_number(stairwell: int, floor: int, position: int) -> str:
    """``2-301``: stairwell 2, floor 3, flat 01 — the stairwell is part of the number because unit numbers are
    unique per building, and it is how residents write their address (7号楼2单元301)."""
    return f"{stairwell}-{floor}{position:02d}"


def build_estate(rng: random.Random, community: Community, spec: CommunitySpec) -> Estate:
    """Create and save the areas and units of ``community`` as ``spec`` lays them out."""
    estate = Estate(spec=spec, community=community)
    estate.zones = {
        zone.code: Area(community=community, kind=AreaKind.ZONE, code=zone.code, name=zone.name)
        for zone in spec.zones
    }
    Area.objects.bulk_create(estate.zones.values(), batch_size=BATCH)

    for building in spec.buildings:
        estate.building_specs[building.code] = building
        estate.buildings[building.code] = Area(
            community=community,
            kind=AreaKind.BUILDING,
            parent=estate.zones.get(building.zone) if building.zone else None,
            code=building.code,
            name=f"{building.code}号楼",
            floors=building.floors,
            built_year=building.built_year,
            has_elevator=building.has_elevator,
        )
    for place in spec.commons:
        estate.commons[place.code] = Area(
            community=community,
            kind=AreaKind.COMMON_SPACE,
            parent=estate.zones.get(place.zone) if place.zone else None,
            code=place.code,
            name=place.name,
        )
    Area.objects.bulk_create([*estate.buildings.values(), *estate.commons.values()], batch_size=BATCH)

    for building in spec.buildings:
        area = estate.buildings[building.code]
        for number in range(1, building.stairwells + 1):
            estate.stairwells.append(
                Area(
                    community=community,
                    kind=AreaKind.STAIRWELL,
                    parent=area,
                    code=f"{building.code}-{number}",
                    name=f"{building.code}号楼{number}单元",
                    floors=building.floors,
                    built_year=building.built_year,
                    has_elevator=building.has_elevator,
                )
            )
    Area.objects.bulk_create(estate.stairwells, batch_size=BATCH)

    stairwells = iter(estate.stairwells)
    for building in spec.buildings:
        area = estate.buildings[building.code]
        for shop in range(1, building.shops + 1):
            estate.units.append(
                Unit(
                    community=community,
                    building=area,
                    number=f"S{shop:02d}",
                    floor=1,
                    exclusive_area=Decimal(rng.randint(2500, 18000)) / 100,
                    area_source=_area_source(rng),
                    usage=UnitUsage.COMMERCIAL,
                )
            )
        for number in range(1, building.stairwells + 1):
            stairwell = next(stairwells)
            for floor in range(1, building.floors + 1):
                for position in range(1, building.per_floor + 1):
                    at_end = position in {1, building.per_floor}
                    estate.units.append(
                        Unit(
                            community=community,
                            building=area,
                            stairwell=stairwell,
                            number=_unit_number(number, floor, position),
                            floor=floor,
                            exclusive_area=_area(rng, building.style, "end" if at_end else "middle"),
                            area_source=_area_source(rng),
                        )
                    )
    Unit.objects.bulk_create(estate.units, batch_size=BATCH)

    for index, codes in enumerate(spec.grids, start=1):
        grid = Area(community=community, kind=AreaKind.GRID, code=f"G{index:02d}", name=f"第{index}网格")
        estate.grids.append((grid, [estate.buildings[code] for code in codes]))
    return estate
