"""Validating the registry table: each row drafted from its cells, then checked against the other rows.

Co-owners hold a unit by shares (Civil Code arts. 297–298): one row per owner, and the shares of a unit add up
to exactly 1. Rows that repeat a unit must agree on it; blank cells in repeated rows inherit the unit's values,
because merged cells in Excel arrive blank. Stairwells are numbered within their building, so a stairwell "2"
of building "7" is stored as "7-2" (area codes are unique per community and kind).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from comity.engine.registry_import.cells import PARSERS, Cell, CellError, clean, format_fraction
from comity.engine.registry_import.schema import (
    BUILDING_FIELDS,
    COLUMNS,
    DEFAULTS,
    HEADER_INDEX,
    MAX_CELL,
    MAX_CODE,
    MAX_ROWS,
    OWNER_FIELDS,
    UNIT_FIELDS,
    ErrorCode,
    OwnerRecord,
    RegistryRecord,
    RowError,
    ValidationResult,
    normalise_header,
)

# ---------------------------------------------------------------------------------------------- header

#: How much of a cell an error message quotes.
QUOTED = 60


def _shorten(text: str) -> str:
    """A value as an error message quotes it: a pasted page of text is cut, not repeated in full."""
    return text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"


class _Table:
    """One validation in progress: where each column is in the file, and the problems found so far."""

    def __init__(self) -> None:
        self.columns: dict[str, tuple[int, str]] = {}
        self.errors: list[RowError] = []

    def report(
        self, row: int, key: str, code: ErrorCode, index: int | None = None, /, **params: object
    ) -> None:
        if index is None and key in self.columns:
            index = self.columns[key][0]
        self.errors.append(RowError(row, key, code, {k: _shorten(str(v)) for k, v in params.items()}, index))

    def read_header(self, header: Sequence[str]) -> None:
        if not any(clean(raw) for raw in header):
            self.report(1, "", ErrorCode.NO_HEADER)
            return
        for index, raw in enumerate(header):
            text = clean(raw)
            key = HEADER_INDEX.get(normalise_header(text)) if text else ""
            if key is None:
                self.report(1, "", ErrorCode.UNKNOWN_COLUMN, index, header=text)
            elif key in self.columns:
                self.report(1, key, ErrorCode.DUPLICATE_COLUMN, index, header=text)
            elif key:
                self.columns[key] = (index, text)
        for column in COLUMNS:
            if column.required and column.key not in self.columns:
                self.report(1, column.key, ErrorCode.MISSING_COLUMN, header=column.en)


# ---------------------------------------------------------------------------------------------- rows


@dataclass(slots=True)
class _Draft:
    """A row's parsed non-blank cells, and the columns whose cell could not be parsed."""

    row: int
    cells: dict[str, Cell] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

    def text(self, key: str, default: str = "") -> str:
        return str(self.cells.get(key, default))

    @property
    def has_owner(self) -> bool:
        return any(key in self.cells or key in self.failed for key in OWNER_FIELDS)


def stairwell_code(building: str, stairwell: str) -> str:
    """The stored code of a stairwell numbered within its building: "7" + "2" → "7-2"."""
    return stairwell if stairwell.startswith(f"{building}-") else f"{building}-{stairwell}"


def _parse_row(table: _Table, number: int, cells: Sequence[str]) -> _Draft:
    draft = _Draft(number)
    for key, (index, _header) in table.columns.items():
        text = clean(cells[index]) if index < len(cells) else ""
        try:
            if len(text) > MAX_CELL:
                raise CellError(ErrorCode.TOO_LONG, max=MAX_CELL)
            if text:
                draft.cells[key] = PARSERS[key](text)
            elif key in ("building", "unit"):
                raise CellError(ErrorCode.REQUIRED)
        except CellError as exc:
            table.report(number, key, exc.code, **exc.params)
            draft.failed.add(key)
    known = {index for index, _header in table.columns.values()}
    stray = next((i for i, raw in enumerate(cells) if i not in known and clean(raw)), None)
    if stray is not None:
        table.report(number, "", ErrorCode.VALUE_WITHOUT_HEADER, stray)
    building, stairwell = draft.text("building"), draft.text("stairwell")
    if stairwell and len(stairwell_code(building, stairwell)) > MAX_CODE:
        table.report(number, "stairwell", ErrorCode.TOO_LONG, max=MAX_CODE - len(building) - 1)
        draft.failed.add("stairwell")
        del draft.cells["stairwell"]
    return draft


# ---------------------------------------------------------------------------------------------- across rows

K = TypeVar("K")


def _group(drafts: Iterable[_Draft], key: Callable[[_Draft], K | None]) -> dict[K, list[_Draft]]:
    groups: dict[K, list[_Draft]] = {}
    for draft in drafts:
        group_key = key(draft)
        if group_key is not None:
            groups.setdefault(group_key, []).append(draft)
    return groups


def _merge(
    table: _Table,
    groups: Mapping[K, list[_Draft]],
    fields: Sequence[str],
    code: ErrorCode,
    describe: Callable[[K], dict[str, str]],
) -> dict[K, dict[str, Cell]]:
    """Merge the values that rows repeat for one thing; a blank cell inherits, a different value conflicts."""
    merged: dict[K, dict[str, Cell]] = {}
    for key, group in groups.items():
        values: dict[str, tuple[Cell, int]] = {}
        for draft in group:
            for name in (name for name in fields if name in draft.cells):
                value = draft.cells[name]
                other, first_row = values.setdefault(name, (value, draft.row))
                if other != value:
                    table.report(
                        draft.row, name, code, value=value, other=other, first_row=first_row, **describe(key)
                    )
        merged[key] = {name: value for name, (value, _row) in values.items()}
    return merged


def _check_unit(
    table: _Table, key: tuple[str, str], group: list[_Draft], unit: Mapping[str, Cell], floors: Cell | None
) -> None:
    """Values still missing after merging, and a floor above the top of its building."""
    described = {"building": key[0], "unit": key[1]}
    for name in ("floor", "exclusive_area_m2"):
        if name not in unit and not any(name in draft.failed for draft in group):
            table.report(group[0].row, name, ErrorCode.REQUIRED, **described)
    floor = unit.get("floor")
    if isinstance(floor, int) and isinstance(floors, int) and floor > floors:
        table.report(group[0].row, "floor", ErrorCode.FLOOR_ABOVE_TOP, floor=floor, floors=floors)
    _check_owners(table, described, group)


def _check_owners(table: _Table, described: dict[str, str], group: list[_Draft]) -> None:
    """One row per owner, each named (but a developer), no owner twice, and shares that add up to 1."""
    owner_rows = [draft for draft in group if draft.has_owner]
    for draft in [draft for draft in group if not draft.has_owner][1:]:
        table.report(draft.row, "unit", ErrorCode.DUPLICATE_UNIT, first_row=group[0].row, **described)
    seen: dict[tuple[str, str], int] = {}
    for draft in owner_rows:
        name, kind = draft.text("owner_name"), draft.text("holder_kind", DEFAULTS["holder_kind"])
        if not name and kind != "developer" and "owner_name" not in draft.failed:
            table.report(draft.row, "owner_name", ErrorCode.OWNER_NAME_REQUIRED)
        first_row = seen.setdefault((kind, name.casefold()), draft.row)
        if first_row != draft.row:
            table.report(
                draft.row,
                "owner_name",
                ErrorCode.DUPLICATE_OWNER,
                owner=name,
                first_row=first_row,
                **described,
            )
    shares = [draft.cells.get("owner_share", Fraction(1)) for draft in owner_rows]
    total = sum((share for share in shares if isinstance(share, Fraction)), Fraction(0))
    if owner_rows and not any("owner_share" in draft.failed for draft in owner_rows) and total != 1:
        total_text = format_fraction(total)
        table.report(
            owner_rows[0].row, "owner_share", ErrorCode.SHARES_DO_NOT_ADD_UP, total=total_text, **described
        )


def _unit_key(draft: _Draft) -> tuple[str, str] | None:
    if "building" in draft.cells and "unit" in draft.cells:
        return (draft.text("building"), draft.text("unit"))
    return None


def _cross_check(table: _Table, drafts: list[_Draft]) -> list[RegistryRecord]:
    """Check what rows say about shared zones, buildings and units, then build one record per row."""
    zone_groups = _group(drafts, lambda d: d.text("zone") or None)
    zones = _merge(table, zone_groups, ("zone_name",), ErrorCode.ZONE_CONFLICT, lambda code: {"zone": code})
    building_groups = _group(drafts, lambda d: d.text("building") or None)
    buildings = _merge(
        table, building_groups, BUILDING_FIELDS, ErrorCode.BUILDING_CONFLICT, lambda code: {"building": code}
    )
    unit_groups = _group(drafts, _unit_key)
    units = _merge(
        table, unit_groups, UNIT_FIELDS, ErrorCode.UNIT_CONFLICT, lambda k: {"building": k[0], "unit": k[1]}
    )
    for key, group in unit_groups.items():
        _check_unit(table, key, group, units[key], buildings[key[0]].get("floors"))
    if table.errors:
        return []
    return [_record(draft, buildings, zones, units) for draft in drafts]


def _record(
    draft: _Draft,
    buildings: Mapping[str, Mapping[str, Cell]],
    zones: Mapping[str, Mapping[str, Cell]],
    units: Mapping[tuple[str, str], Mapping[str, Cell]],
) -> RegistryRecord:
    building_code, unit_number = draft.text("building"), draft.text("unit")
    building, unit = buildings[building_code], units[(building_code, unit_number)]
    zone_code, stairwell = str(building.get("zone", "")), str(unit.get("stairwell", ""))
    floors, built_year = building.get("floors"), building.get("built_year")
    floor, area, share = unit["floor"], unit["exclusive_area_m2"], draft.cells.get("owner_share", Fraction(1))
    # Guaranteed by the parsers and by _check_unit; the asserts narrow the types for mypy.
    assert isinstance(floor, int)
    assert isinstance(area, Decimal)
    assert isinstance(share, Fraction)
    owner = None
    if draft.has_owner:
        kind = draft.text("holder_kind", DEFAULTS["holder_kind"])
        owner = OwnerRecord(draft.text("owner_name"), draft.text("owner_phone"), share, kind)
    return RegistryRecord(
        row=draft.row,
        building_code=building_code,
        building_name=str(building.get("building_name", "")),
        floors=floors if isinstance(floors, int) else None,
        built_year=built_year if isinstance(built_year, int) else None,
        zone_code=zone_code,
        zone_name=str(zones.get(zone_code, {}).get("zone_name", "")),
        stairwell_code=stairwell_code(building_code, stairwell) if stairwell else "",
        unit_number=unit_number,
        floor=floor,
        exclusive_area=area,
        area_source=str(unit.get("area_source", DEFAULTS["area_source"])),
        usage=str(unit.get("usage", DEFAULTS["usage"])),
        owner=owner,
    )


def validate_registry(
    header: Sequence[str], rows: Iterable[Sequence[str]], *, max_rows: int = MAX_ROWS
) -> ValidationResult:
    """Validate a registry table: every valid row as a record, or every problem and no records.

    ``rows`` is consumed lazily and blank rows are skipped (their numbers still count), so a reader can
    stream a large sheet and stop as soon as the table is longer than ``max_rows``. Header problems stop the
    validation, because a misnamed column would otherwise show up as a problem in every row.
    """
    table = _Table()
    table.read_header(header)
    drafts: list[_Draft] = []
    if table.errors:
        rows = ()
    for number, cells in enumerate(rows, start=2):
        if not any(clean(cell) for cell in cells):
            continue
        if len(drafts) == max_rows:
            too_many = RowError(number, "", ErrorCode.TOO_MANY_ROWS, {"limit": str(max_rows)})
            return ValidationResult((), (too_many,), table.columns)
        drafts.append(_parse_row(table, number, cells))
    if not drafts and not table.errors:
        table.report(2, "", ErrorCode.NO_DATA)
    records = _cross_check(table, drafts) if drafts else []
    errors = sorted(table.errors, key=lambda e: (e.row, e.column_index is None, e.column_index or 0))
    return ValidationResult(tuple(records), tuple(errors), table.columns)
