"""Where a person says they live, as they type it: "3号楼2单元502", "3-2-502", "Building 3, stairwell 2, unit 502".

A Chinese address names the building (楼/栋/幢), the stairwell or entrance (单元/门) and the room (室); people
write the three numbers with words, with dashes, or mixed, in full-width or half-width digits.
:func:`parse_unit_address` reads them into a :class:`UnitAddress`; the registry then looks the unit up (a unit
number may be stored as ``502`` in stairwell ``3-2``, or as ``2-502``: see
:func:`comity.structure.selectors.find_units`). :func:`natural_key` orders codes as people count: building 2
before building 10.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TOKEN = r"([0-9a-z]+)"
_BUILDING_WORDS = (
    rf"{_TOKEN}\s*(?:号楼|号樓|栋|幢|座|楼)",
    rf"(?:building|bldg\.?|block|blk\.?|tower)\s*(?:no\.?\s*)?{_TOKEN}",
)
_STAIRWELL_WORDS = (
    rf"{_TOKEN}\s*(?:单元|號門|号门|门)",
    rf"(?:stairwell|staircase|entrance|stair)\s*(?:no\.?\s*)?{_TOKEN}",
)
_ROOM_WORDS = (
    rf"{_TOKEN}\s*(?:室|号房|号|房)",
    rf"(?:unit|room|flat|apartment|apt\.?|rm\.?)\s*(?:no\.?\s*)?{_TOKEN}",
)
#: An unlabelled number as codes are written: digits with a letter before or after ("12", "b3", "12a"), or a
#: single letter ("a"); words are not codes.
_CODE = re.compile(r"[a-z]?\d+[a-z]?|[a-z]")
_SEPARATORS = re.compile(r"[\s\-–—_/\\,，、.。#:：]+")


@dataclass(frozen=True, slots=True)
class UnitAddress:
    building: str
    stairwell: str | None
    room: str


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _take(patterns: tuple[str, ...], text: str) -> tuple[str | None, str]:
    """The first labelled number and the text without it."""
    for pattern in patterns:
        found = re.search(pattern, text)
        if found:
            return found.group(1), text[: found.start()] + " " + text[found.end() :]
    return None, text


def parse_unit_address(text: str) -> UnitAddress | None:
    """Building, stairwell (if given) and room, or ``None`` when the text does not name a unit.

    Labelled numbers are read by their labels in any order; otherwise two or three numbers separated by dashes,
    slashes, spaces or commas are read as building-room or building-stairwell-room.
    """
    text = _normalise(text)
    if not text or len(text) > 80:
        return None
    building, rest = _take(_BUILDING_WORDS, text)
    stairwell, rest = _take(_STAIRWELL_WORDS, rest)
    room, rest = _take(_ROOM_WORDS, rest)
    leftovers = [token for token in _SEPARATORS.split(rest) if token]
    if any(not _CODE.fullmatch(token) for token in leftovers):
        return None
    slots = [building, stairwell, room]
    if building is None and stairwell is None and room is None:
        if len(leftovers) == 3:
            slots = leftovers
        elif len(leftovers) == 2:
            slots = [leftovers[0], None, leftovers[1]]
        else:
            return None
        leftovers = []
    for index in (2, 0, 1):  # unlabelled numbers fill the room first, then the building, then the stairwell
        if slots[index] is None and leftovers:
            slots[index] = leftovers.pop(0) if index == 0 else leftovers.pop()
    if leftovers or slots[0] is None or slots[2] is None:
        return None
    return UnitAddress(building=slots[0], stairwell=slots[1], room=slots[2])


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that reads runs of digits as numbers: "2" < "10", "7-2" < "7-10", "B2" < "B10"."""
    parts = re.split(r"(\d+)", _normalise(text))
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts if part)
