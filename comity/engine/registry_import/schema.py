"""The registry sheet: its columns and headers, the choices, the error codes, the records and the template.

Everything here describes the spreadsheet rather than checks it: the columns a residents' committee fills in
(with their English and Chinese headers and the other spellings accepted), the values of the choice columns,
the codes of the problems that validation reports, the records it produces, and the template to download.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

MAX_ROWS = 20_000
#: Shares are exact fractions; a denominator beyond this is a typing slip, not a real co-ownership deed.
MAX_SHARE_DENOMINATOR = 10_000
#: The largest exclusive area of one unit (m²): larger than any flat or shop, smaller than a typing slip.
MAX_AREA = Decimal("100000.00")
#: The longest cell read, in any column, notes included.
MAX_CELL = 2_000
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


# ---------------------------------------------------------------------------------------------- header


def normalise_header(text: str) -> str:
    """Headers match ignoring case, spaces, underscores, a "*" and a unit in brackets: "专有面积（㎡）"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)
    return re.sub(r"[\s_\-.*:/]", "", text)


#: Every accepted spelling of every header, normalised, to the key of its column.
HEADER_INDEX: dict[str, str] = {
    normalise_header(spelling): column.key
    for column in COLUMNS
    for spelling in (column.key, column.en, column.zh, *column.aliases)
}


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
