"""Finding a unit from what a person types, for the unit pickers (the claim form, assisted appeal entry).

A community may hold thousands of units, too many for a drop-down on a phone. The pickers search instead:
:func:`search_units` returns a short list for the text typed so far, in natural order (building 2 before 10),
and :func:`find_units` reads a whole address ("3号楼2单元502", "3-2-502", "Building 3, stairwell 2, unit 502")
into the units it names. Unit numbers are stored either within the building (``502`` in stairwell ``3-2``, as
the registry import writes them) or with the stairwell in front (``2-502``, as many estates number them); both
are found. Only unit labels are read here, never who lives in them.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Q

from comity.engine.unit_address import natural_key, parse_unit_address
from comity.structure.models import Area, AreaKind, Community, Unit

#: How many units a search lists: enough to pick from on a phone, few enough to read.
SEARCH_LIMIT = 20


def stairwell_number(unit: Unit) -> str:
    """The stairwell's number within its building: "2" for stairwell "3-2"."""
    if not unit.stairwell_id or unit.stairwell is None:
        return ""
    code, prefix = unit.stairwell.code, f"{unit.building.code}-"
    return code[len(prefix) :] if code.startswith(prefix) else code


def unit_label(unit: Unit) -> str:
    """The unit as people write it, building-stairwell-room: "3-2-502" (or "3-502" without a stairwell)."""
    stairwell = stairwell_number(unit)
    number = unit.number
    if stairwell and not number.casefold().startswith(f"{stairwell.casefold()}-"):
        number = f"{stairwell}-{number}"
    return f"{unit.building.code}-{number}"


def unit_sort_key(unit: Unit) -> tuple[object, ...]:
    return (natural_key(unit.building.code), natural_key(stairwell_number(unit)), natural_key(unit.number))


def naturally_ordered_buildings(community: Community) -> list[Area]:
    return sorted(
        Area.objects.filter(community=community, kind=AreaKind.BUILDING), key=lambda a: natural_key(a.code)
    )


def find_units(community: Community, text: str) -> list[Unit] | None:
    """The units the typed address names (one when it is precise), or ``None`` when the text is no address."""
    address = parse_unit_address(text)
    if address is None:
        return None
    room, stairwell = address.room, address.stairwell
    numbers = {room} if stairwell is None else {room, f"{stairwell}-{room}"}
    query = Q(number__iexact=room) | Q(number__iendswith=f"-{room}")
    if stairwell is not None:
        query |= Q(number__iexact=f"{stairwell}-{room}")
    candidates = Unit.objects.filter(community=community, building__code__iexact=address.building).filter(
        query
    )
    found = []
    for unit in candidates.select_related("building", "stairwell"):
        number, in_stairwell = unit.number.casefold(), stairwell_number(unit).casefold()
        if stairwell is None:
            matches = number == room or (number.endswith(f"-{room}") and number.count("-") == 1)
        else:
            matches = number == f"{stairwell}-{room}" or (
                number in numbers and in_stairwell in {"", stairwell}
            )
        if matches:
            found.append(unit)
    return sorted(found, key=unit_sort_key)


def search_units(community: Community, text: str, *, limit: int = SEARCH_LIMIT) -> list[Unit]:
    """Units for the text typed so far: an exact address first, then units whose building, stairwell or
    number hold every number typed, building matches first, in natural order."""
    exact = find_units(community, text) or []
    tokens = [t for t in re.split(r"[^0-9a-z]+", unicodedata.normalize("NFKC", text).casefold()) if t][:4]
    if not tokens:
        return exact[:limit]
    query = Unit.objects.filter(community=community)
    for token in tokens:
        query = query.filter(
            Q(building__code__iexact=token) | Q(number__icontains=token) | Q(stairwell__code__icontains=token)
        )
    rest = list(query.select_related("building", "stairwell")[: limit * 10])
    first = tokens[0]
    rest.sort(key=lambda unit: (unit.building.code.casefold() != first, unit_sort_key(unit)))
    seen = {unit.pk for unit in exact}
    return [*exact, *(unit for unit in rest if unit.pk not in seen)][:limit]
