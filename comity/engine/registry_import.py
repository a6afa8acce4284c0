"""Spreadsheet import of a community registry: the column schema and pure validation of the rows.

Residents' committees keep their registry of buildings, units and owners in spreadsheets. The caller reads
a CSV or XLSX file into a header row and data rows of strings; :func:`validate_registry` returns either one
normalised :class:`RegistryRecord` per row or every problem found, so that an import is all or nothing.
Problems carry a code and parameters rather than a message: the Django side translates the codes. Row
numbers follow the spreadsheet, where the header is row 1.

Rules, and where they come from:

* the exclusive area (专有部分面积) is in m², positive, with at most two decimals, and fits the model's
  ``Decimal(9, 2)``; its source is the property register, else a survey, else the sale contract, the order of
  the Supreme People's Court interpretation on building ownership (法释〔2009〕7号, art. 8);
* co-owners hold a unit by shares (Civil Code arts. 297–298): one row per owner, and the shares of a unit add
  up to exactly 1. Rows that repeat a unit must agree on it; blank cells in repeated rows inherit the unit's
  values, because merged cells in Excel arrive blank;
* stairwells are numbered within their building, so a stairwell "2" of building "7" is stored as "7-2"
  (area codes are unique per community and kind).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

MAX_ROWS = 20_000
#: Shares are exact fractions; a denominator beyond this is a typing slip, not a real co-ownership deed.
MAX_SHARE_DENOMINATOR = 10_000
MAX_AREA = Decimal("9999999.99")
#: Field lengths mirror ``comity.structure.models`` (Area.code/name, Unit.number, Person.full_name/phone).
MAX_CODE, MAX_NAME, MAX_UNIT_NUMBER, MAX_PHONE = 40, 120, 20, 32
FLOORS_RANGE, FLOOR_RANGE, YEAR_RANGE = (1, 200), (-9, 200), (1800, 2100)


class ErrorCode(StrEnum):
    NO_HEADER = "no_header"
    NO_DATA = "no_data"
    UNKNOWN_COLUMN = "unknown_column"
    DUPLICATE_COLUMN = "duplicate_column"
    MISSING_COLUMN = "missing_column"
    TOO_MANY_ROWS = "too_many_rows"
    VALUE_WITHOUT_HEADER = "value_without_header"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"
    OUT_OF_RANGE = "out_of_range"
    AREA_NOT_POSITIVE = "area_not_positive"
    AREA_TOO_LARGE = "area_too_large"
    AREA_TOO_PRECISE = "area_too_precise"
    INVALID_CHOICE = "invalid_choice"
    SHARE_OUT_OF_RANGE = "share_out_of_range"
    SHARE_TOO_PRECISE = "share_too_precise"
    INVALID_PHONE = "invalid_phone"
    OWNER_NAME_REQUIRED = "owner_name_required"
    BUILDING_CONFLICT = "building_conflict"
    ZONE_CONFLICT = "zone_conflict"
    UNIT_CONFLICT = "unit_conflict"
    DUPLICATE_UNIT = "duplicate_unit"
    DUPLICATE_OWNER = "duplicate_owner"
    SHARES_DO_NOT_ADD_UP = "shares_do_not_add_up"
    FLOOR_ABOVE_TOP = "floor_above_top"


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the registry sheet: its key, its template headers and the other headers accepted."""

    key: str
    en: str
    zh: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    def header(self, language: str) -> str:
        return self.zh if is_chinese(language) else self.en


COLUMNS: tuple[Column, ...] = (
    Column(
        "building", "building", "楼栋", True, ("building_code", "building_no", "楼号", "楼栋号", "楼栋编号")
    ),
    Column("building_name", "building_name", "楼栋名称", aliases=("楼名",)),
    Column("floors", "floors", "总层数", aliases=("building_floors", "楼层数")),
    Column("built_year", "built_year", "建成年份", aliases=("year_built", "建成年代", "竣工年份")),
    Column("zone", "zone", "片区", aliases=("zone_code", "courtyard", "院落", "片区编号")),
    Column("zone_name", "zone_name", "片区名称", aliases=("courtyard_name", "院落名称")),
    Column("stairwell", "stairwell", "单元", aliases=("entrance", "stairwell_code", "单元号", "楼门")),
    Column("unit", "unit", "房号", True, ("unit_number", "room", "房间号", "户号", "门牌号")),
    Column("floor", "floor", "楼层", True, ("所在楼层",)),
    Column(
        "exclusive_area_m2",
        "exclusive_area_m2",
        "专有面积",
        True,
        ("exclusive_area", "area", "专有部分面积", "面积"),
    ),
    Column("area_source", "area_source", "面积来源", aliases=("source",)),
    Column("usage", "usage", "用途", aliases=("use", "房屋用途")),
    Column("owner_name", "owner_name", "业主姓名", aliases=("owner", "业主", "产权人", "权利人")),
    Column("owner_phone", "owner_phone", "联系电话", aliases=("phone", "电话", "手机", "手机号")),
    Column("owner_share", "owner_share", "产权份额", aliases=("share", "份额", "共有份额")),
    Column("holder_kind", "holder_kind", "业主类型", aliases=("holder", "权利人类型", "持有人类型")),
    Column("notes", "notes", "备注", aliases=("remarks", "说明")),
)
COLUMN_BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}

#: Accepted spellings of each choice besides its value; the first one is the Chinese template's.
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "area_source": {
        "registered": ("登记", "不动产登记", "产权登记", "登记面积", "register"),
        "surveyed": ("实测", "测绘", "实测面积", "survey"),
        "contract": ("合同", "购房合同", "合同面积"),
    },
    "usage": {
        "residential": ("住宅", "居住"),
        "commercial": ("商业", "商铺", "商用"),
        "other": ("其他", "其它"),
    },
    "holder_kind": {
        "person": ("个人", "自然人", "individual"),
        "developer": ("开发商", "建设单位"),
        "organisation": ("单位", "机构", "组织", "法人", "organization"),
    },
}
DEFAULTS: dict[str, str] = {"area_source": "registered", "usage": "residential", "holder_kind": "person"}

Cell = str | int | Decimal | Fraction
UNIT_FIELDS = ("stairwell", "floor", "exclusive_area_m2", "area_source", "usage")
BUILDING_FIELDS = ("building_name", "floors", "built_year", "zone")
OWNER_FIELDS = ("owner_name", "owner_phone", "owner_share", "holder_kind")


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: spreadsheet row, column key ("" for the whole row or file), 0-based column index."""

    row: int
    column: str
    code: ErrorCode
    params: Mapping[str, str] = field(default_factory=dict)
    column_index: int | None = None


@dataclass(frozen=True, slots=True)
class OwnerRecord:
    name: str
    phone: str
    share: Fraction
    holder_kind: str


@dataclass(frozen=True, slots=True)
class RegistryRecord:
    """One valid row, with the building, zone and unit values merged across the rows that repeat them."""

    row: int
    building_code: str
    building_name: str
    floors: int | None
    built_year: int | None
    zone_code: str
    zone_name: str
    stairwell_code: str
    unit_number: str
    floor: int
    exclusive_area: Decimal
    area_source: str
    usage: str
    owner: OwnerRecord | None

    @property
    def unit_key(self) -> tuple[str, str]:
        return (self.building_code, self.unit_number)


@dataclass(frozen=True, slots=True)
class ValidationResult:
    records: tuple[RegistryRecord, ...]
    errors: tuple[RowError, ...]
    #: Column key → (0-based index, header as written in the file).
    columns: Mapping[str, tuple[int, str]]

    @property
    def ok(self) -> bool:
        return not self.errors


def is_chinese(language: str) -> bool:
    return language.lower().startswith("zh")


def choice_labels(key: str, language: str) -> list[str]:
    """The spellings a template shows for a choice column: English values, or their first Chinese name."""
    return [zh[0] if is_chinese(language) else value for value, zh in CHOICES[key].items()]


# ---------------------------------------------------------------------------------------------- cells


class _CellError(Exception):
    def __init__(self, code: ErrorCode, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = {name: str(value) for name, value in params.items()}


def _clean(text: str) -> str:
    """NFKC turns full-width digits, letters and punctuation (１２３，．) into ASCII; spaces collapse."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _strip_suffix(text: str, suffixes: Sequence[str]) -> str:
    for suffix in suffixes:
        if text.lower().endswith(suffix.lower()) and len(text) > len(suffix):
            return text[: -len(suffix)].strip()
    return text


def _text(limit: int) -> Callable[[str], Cell]:
    def parse(text: str) -> Cell:
        if len(text) > limit:
            raise _CellError(ErrorCode.TOO_LONG, max=limit)
        return text

    return parse


def _code(limit: int, suffixes: Sequence[str] = ()) -> Callable[[str], Cell]:
    """Codes drop the words people add on the ground: "7号楼" → "7", "2单元" → "2", "301室" → "301"."""
    as_text = _text(limit)
    return lambda text: as_text(_strip_suffix(text, suffixes))


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def format_fraction(value: Fraction) -> str:
    """A fraction as people wrote it: a decimal when it has one ("0.9"), else "a/b" ("2/3")."""
    denominator = value.denominator
    for factor in (2, 5):
        while denominator % factor == 0:
            denominator //= factor
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_decimal(text: str) -> Decimal:
    """A plain decimal number; commas only as thousands separators ("1,234.5"), never as decimal point."""
    compact = _clean(text).replace(" ", "")
    if _THOUSANDS.match(compact):
        compact = compact.replace(",", "")
    if not _DECIMAL.match(compact):
        raise _CellError(ErrorCode.NOT_A_NUMBER, value=text)
    return Decimal(compact)


def _whole(low: int, high: int, suffixes: Sequence[str] = ()) -> Callable[[str], Cell]:
    """Whole numbers, also "6.0" as Excel writes them, "6层", and "B1" for the first basement floor."""

    def parse(text: str) -> Cell:
        text = _strip_suffix(text, suffixes)
        basement = re.fullmatch(r"[Bb](\d+)", text)
        text = f"-{basement.group(1)}" if basement and low < 0 else text
        try:
            number = parse_decimal(text)
        except _CellError:
            number = Decimal("NaN")
        if not number.is_finite() or number != number.to_integral_value():
            raise _CellError(ErrorCode.NOT_A_WHOLE_NUMBER, value=text)
        if not low <= number <= high:
            raise _CellError(ErrorCode.OUT_OF_RANGE, value=int(number), min=low, max=high)
        return int(number)

    return parse


def _area(text: str) -> Cell:
    area = parse_decimal(_strip_suffix(text, ("m2", "平方米", "平米")))
    if area <= 0:
        raise _CellError(ErrorCode.AREA_NOT_POSITIVE, value=text)
    if area > MAX_AREA:
        raise _CellError(ErrorCode.AREA_TOO_LARGE, value=text, max=MAX_AREA)
    if area != area.quantize(Decimal("0.01")):
        raise _CellError(ErrorCode.AREA_TOO_PRECISE, value=text)
    return area.quantize(Decimal("0.01"))


def _share(text: str) -> Cell:
    """A fraction of the unit: "0.5", "50%" or "1/2", kept as an exact fraction (thirds stay thirds)."""
    compact = text.replace(" ", "").replace("⁄", "/")
    try:
        if compact.endswith("%"):
            share = Fraction(parse_decimal(compact[:-1])) / 100
        elif "/" in compact:
            top, bottom = compact.split("/", 1)
            share = Fraction(parse_decimal(top)) / Fraction(parse_decimal(bottom))
        else:
            share = Fraction(parse_decimal(compact))
    except (_CellError, ZeroDivisionError) as exc:
        raise _CellError(ErrorCode.NOT_A_NUMBER, value=text) from exc
    if not 0 < share <= 1:
        raise _CellError(ErrorCode.SHARE_OUT_OF_RANGE, value=text)
    if share.denominator > MAX_SHARE_DENOMINATOR:
        raise _CellError(ErrorCode.SHARE_TOO_PRECISE, value=text)
    return share


_PHONE = re.compile(r"^\+?[0-9][0-9 ()/-]*$")


def _phone(text: str) -> Cell:
    if not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 3:
        raise _CellError(ErrorCode.INVALID_PHONE, value=text)
    return _text(MAX_PHONE)(text)


def _choice(key: str) -> Callable[[str], Cell]:
    spellings = {
        spelling.casefold(): value for value, zh in CHOICES[key].items() for spelling in (value, *zh)
    }

    def parse(text: str) -> Cell:
        try:
            return spellings[text.casefold()]
        except KeyError:
            raise _CellError(ErrorCode.INVALID_CHOICE, value=text) from None

    return parse


PARSERS: dict[str, Callable[[str], Cell]] = {
    "building": _code(MAX_CODE, ("号楼", "栋", "幢", "号")),
    "building_name": _text(MAX_NAME),
    "floors": _whole(*FLOORS_RANGE, ("层",)),
    "built_year": _whole(*YEAR_RANGE, ("年",)),
    "zone": _code(MAX_CODE),
    "zone_name": _text(MAX_NAME),
    "stairwell": _code(MAX_CODE, ("号门", "单元", "门")),
    "unit": _code(MAX_UNIT_NUMBER, ("室", "号")),
    "floor": _whole(*FLOOR_RANGE, ("层", "楼", "F")),
    "exclusive_area_m2": _area,
    "area_source": _choice("area_source"),
    "usage": _choice("usage"),
    "owner_name": _text(MAX_NAME),
    "owner_phone": _phone,
    "owner_share": _share,
    "holder_kind": _choice("holder_kind"),
    "notes": str,
}


# ---------------------------------------------------------------------------------------------- header


def normalise_header(text: str) -> str:
    """Headers match ignoring case, spaces, underscores, a "*" and a unit in brackets: "专有面积（㎡）"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)
    return re.sub(r"[\s_\-.*:/]", "", text)


_HEADER_INDEX: dict[str, str] = {
    normalise_header(spelling): column.key
    for column in COLUMNS
    for spelling in (column.key, column.en, column.zh, *column.aliases)
}


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
        self.errors.append(RowError(row, key, code, {k: str(v) for k, v in params.items()}, index))

    def read_header(self, header: Sequence[str]) -> None:
        if not any(_clean(raw) for raw in header):
            self.report(1, "", ErrorCode.NO_HEADER)
            return
        for index, raw in enumerate(header):
            text = _clean(raw)
            key = _HEADER_INDEX.get(normalise_header(text)) if text else ""
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
        text = _clean(cells[index]) if index < len(cells) else ""
        try:
            if text:
                draft.cells[key] = PARSERS[key](text)
            elif key in ("building", "unit"):
                raise _CellError(ErrorCode.REQUIRED)
        except _CellError as exc:
            table.report(number, key, exc.code, **exc.params)
            draft.failed.add(key)
    known = {index for index, _header in table.columns.values()}
    stray = next((i for i, raw in enumerate(cells) if i not in known and _clean(raw)), None)
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
        if not any(_clean(cell) for cell in cells):
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


# ---------------------------------------------------------------------------------------------- template

#: Example rows, "|"-separated in the order of COLUMNS: a unit held by two co-owners, a developer's shop.
_EXAMPLES = {
    "en": (
        "7|Building 7|6|1996|N|North courtyard|2|301|3|72.50|registered|residential|Zhang Wei|13800000000|0.5"
        "|person|Co-owned: one row per owner",
        "7|Building 7|6|1996|N|North courtyard|2|301|3|72.50|registered|residential|Li Na||0.5|person|",
        "7|Building 7|6|1996|N|North courtyard|1|102|1|45.00|contract|commercial|Sunrise Property Co.||1"
        "|developer|Unsold shop",
    ),
    "zh": (
        "7|7号楼|6|1996|N|北院|2|301|3|72.50|登记|住宅|张伟|13800000000|0.5|个人|共有：每位业主一行",
        "7|7号楼|6|1996|N|北院|2|301|3|72.50|登记|住宅|李娜||0.5|个人|",
        "7|7号楼|6|1996|N|北院|1|102|1|45.00|合同|商业|阳光置业有限公司||1|开发商|未售商铺",
    ),
}


def template_header(language: str = "en") -> list[str]:
    return [column.header(language) for column in COLUMNS]


def template_rows(language: str = "en") -> list[list[str]]:
    return [example.split("|") for example in _EXAMPLES["zh" if is_chinese(language) else "en"]]


def template_csv_bytes(language: str = "en") -> bytes:
    """The template as CSV in UTF-8 with a byte-order mark, without which Excel misreads Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(template_header(language))
    writer.writerows(template_rows(language))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
