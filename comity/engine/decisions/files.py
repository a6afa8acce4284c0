"""The CSV files the ``comity decide`` and ``comity costs`` commands read.

``UNITS.csv``: ``unit,owner,area`` and optionally ``unsold`` (yes/true/1), ``building``, ``stairwell``, ``floor``
and ``affected``. ``BALLOTS.csv``: ``owner,choice`` with ``yes``, ``no`` or ``abstain``. UTF-8 (with or without a
byte-order mark). Errors name the file and the line.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from comity.engine.decisions.tally import Unit

TRUE = {"1", "yes", "true", "y", "是", "x"}
FALSE = {"", "0", "no", "false", "n", "否"}


class FileError(ValueError):
    """A file that cannot be read; the message names the file and line."""


def _flag(value: str, name: str, where: str) -> bool:
    text = value.strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise FileError(f"{where}: {name} must be yes or no, not {value!r}")


def read_units(text: str, name: str = "UNITS.csv") -> list[Unit]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"unit", "owner", "area"} - set(reader.fieldnames or ())
    if missing:
        raise FileError(f"{name}: missing column(s) {', '.join(sorted(missing))}")
    units: list[Unit] = []
    seen: set[str] = set()
    for record in reader:
        where = f"{name}, line {reader.line_num}"
        unit = (record.get("unit") or "").strip()
        owner = (record.get("owner") or "").strip()
        if not unit or not owner:
            raise FileError(f"{where}: unit and owner are required")
        if unit in seen:
            raise FileError(f"{where}: unit {unit!r} appears twice")
        seen.add(unit)
        try:
            area = Fraction(Decimal((record.get("area") or "").strip()))
        except (InvalidOperation, ValueError) as error:
            raise FileError(f"{where}: area {record.get('area')!r} is not a number") from error
        if area <= 0:
            raise FileError(f"{where}: area must be positive")
        floor_text = (record.get("floor") or "").strip()
        try:
            floor = int(floor_text) if floor_text else None
        except ValueError as error:
            raise FileError(f"{where}: floor {floor_text!r} is not a whole number") from error
        units.append(
            Unit(
                unit=unit,
                owner=owner,
                area=area,
                unsold=_flag(record.get("unsold") or "", "unsold", where),
                building=(record.get("building") or "").strip(),
                stairwell=(record.get("stairwell") or "").strip(),
                floor=floor,
                affected=_flag(record.get("affected") or "", "affected", where),
            )
        )
    if not units:
        raise FileError(f"{name}: no units")
    return units


def read_ballots(text: str, name: str = "BALLOTS.csv") -> list[tuple[str, str, int]]:
    """``(owner, choice, line)``; choices are checked when tallied, with the line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"owner", "choice"} - set(reader.fieldnames or ())
    if missing:
        raise FileError(f"{name}: missing column(s) {', '.join(sorted(missing))}")
    ballots = []
    for record in reader:
        owner = (record.get("owner") or "").strip()
        if not owner:
            raise FileError(f"{name}, line {reader.line_num}: owner is required")
        ballots.append((owner, (record.get("choice") or "").strip(), reader.line_num))
    return ballots
