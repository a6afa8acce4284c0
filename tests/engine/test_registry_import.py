"""The registry spreadsheet schema and row validation, without Django or a database."""

from __future__ import annotations

import csv
import io
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.engine.registry_import import (
    COLUMNS,
    MAX_ROWS,
    ErrorCode,
    normalise_header,
    stairwell_code,
    template_csv_bytes,
    template_header,
    template_rows,
    validate_registry,
)

HEADER = [
    "building",
    "stairwell",
    "unit",
    "floor",
    "exclusive_area_m2",
    "owner_name",
    "owner_share",
    "holder_kind",
]


def row(building="1", stairwell="", unit="101", floor="1", area="72.5", owner="", share="", kind=""):
    return [building, stairwell, unit, floor, area, owner, share, kind]


def codes(result):
    return [(error.row, error.column, error.code) for error in result.errors]


def test_template_examples_validate_in_both_languages():
    for language in ("en", "zh-hans"):
        result = validate_registry(template_header(language), template_rows(language))
        assert result.ok, result.errors
        assert len(result.records) == 3
        co_owned = result.records[0]
        assert co_owned.unit_key == ("7", "301")
        assert co_owned.stairwell_code == "7-2"
        assert co_owned.exclusive_area == Decimal("72.50")
        assert co_owned.owner is not None
        assert co_owned.owner.share == Fraction(1, 2)
        shop = result.records[2]
        assert (shop.area_source, shop.usage) == ("contract", "commercial")
        assert shop.owner is not None
        assert shop.owner.holder_kind == "developer"


def test_template_csv_has_a_bom_and_the_headers_in_the_language():
    data = template_csv_bytes("zh-hans")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == template_header("zh-hans")
    assert rows[0][:3] == ["楼栋", "楼栋名称", "总层数"]
    assert len(rows) == 4


def test_every_accepted_header_names_exactly_one_column():
    spellings = [normalise_header(s) for c in COLUMNS for s in {c.key, c.en, c.zh, *c.aliases}]
    assert len(spellings) == len(set(spellings))


def test_a_valid_row_becomes_a_normalised_record_with_defaults():
    result = validate_registry(HEADER, [row(stairwell="2", owner="Wang Fang")])
    assert result.ok
    (record,) = result.records
    assert record.row == 2
    assert record.building_code == "1"
    assert record.stairwell_code == "1-2"
    assert record.floor == 1
    assert record.exclusive_area == Decimal("72.50")
    assert (record.area_source, record.usage) == ("registered", "residential")
    assert record.owner is not None
    assert (record.owner.name, record.owner.share, record.owner.holder_kind) == (
        "Wang Fang",
        Fraction(1),
        "person",
    )


def test_chinese_headers_full_width_digits_and_words_on_the_ground_are_understood():
    header = [
        " 楼栋 ",
        "单元",
        "房号",
        "楼层",
        "专有面积（㎡）",
        "面积来源",
        "用途",
        "业主",
        "产权份额",
        "业主类型",
    ]
    cells = ["７号楼", "2单元", "301室", "3层", "１,２３４.５０㎡", "实测", "商业", "李娜", "50%", "个人"]
    other = ["7", "2", "301", "", "", "", "", "张伟", "1/2", ""]
    result = validate_registry(header, [cells, other])
    assert result.ok, result.errors
    first, second = result.records
    assert (first.building_code, first.stairwell_code, first.unit_number) == ("7", "7-2", "301")
    assert first.exclusive_area == Decimal("1234.50")
    assert (first.area_source, first.usage) == ("surveyed", "commercial")
    assert second.exclusive_area == Decimal("1234.50")  # blank cells of a repeated unit inherit
    assert first.owner is not None
    assert second.owner is not None
    assert first.owner.share + second.owner.share == 1


def test_headers_ignore_case_spaces_and_a_unit_in_brackets():
    header = ["Building", "UNIT", "Floor", "Exclusive Area (m²)"]
    assert validate_registry(header, [["1", "101", "1", "50"]]).ok


def test_header_problems_stop_the_validation():
    result = validate_registry(["building", "untt", "floor", "area", "area"], [["1", "101", "1", "50", "50"]])
    assert codes(result) == [
        (1, "", ErrorCode.UNKNOWN_COLUMN),
        (1, "exclusive_area_m2", ErrorCode.DUPLICATE_COLUMN),
        (1, "unit", ErrorCode.MISSING_COLUMN),
    ]
    assert result.errors[0].params == {"header": "untt"}
    assert result.errors[0].column_index == 1
    assert result.records == ()


def test_an_empty_file_and_a_file_without_rows_are_reported():
    assert codes(validate_registry([], [])) == [(1, "", ErrorCode.NO_HEADER)]
    assert codes(validate_registry(["", " "], [])) == [(1, "", ErrorCode.NO_HEADER)]
    assert codes(validate_registry(HEADER, [["", ""], []])) == [(2, "", ErrorCode.NO_DATA)]


def test_blank_rows_are_skipped_but_keep_their_spreadsheet_numbers():
    result = validate_registry(HEADER, [row(unit="101"), ["", "", ""], row(unit="", area="x")])
    assert codes(result) == [
        (4, "unit", ErrorCode.REQUIRED),
        (4, "exclusive_area_m2", ErrorCode.NOT_A_NUMBER),
    ]


@pytest.mark.parametrize(
    ("change", "column", "code", "params"),
    [
        ({"building": ""}, "building", ErrorCode.REQUIRED, {}),
        ({"unit": "1" * 21}, "unit", ErrorCode.TOO_LONG, {"max": "20"}),
        ({"area": "72,5"}, "exclusive_area_m2", ErrorCode.NOT_A_NUMBER, {"value": "72,5"}),
        ({"floor": "2.5"}, "floor", ErrorCode.NOT_A_WHOLE_NUMBER, {"value": "2.5"}),
        ({"floor": "300"}, "floor", ErrorCode.OUT_OF_RANGE, {"value": "300", "min": "-9", "max": "200"}),
        ({"area": "0"}, "exclusive_area_m2", ErrorCode.AREA_NOT_POSITIVE, {"value": "0"}),
        ({"area": "-3"}, "exclusive_area_m2", ErrorCode.AREA_NOT_POSITIVE, {"value": "-3"}),
        (
            {"area": "100000.01"},
            "exclusive_area_m2",
            ErrorCode.AREA_TOO_LARGE,
            {"value": "100000.01", "max": "100000.00"},
        ),
        ({"area": "72.555"}, "exclusive_area_m2", ErrorCode.AREA_TOO_PRECISE, {"value": "72.555"}),
        ({"kind": "landlord", "owner": "A"}, "holder_kind", ErrorCode.INVALID_CHOICE, {"value": "landlord"}),
        ({"share": "1.5", "owner": "A"}, "owner_share", ErrorCode.SHARE_OUT_OF_RANGE, {"value": "1.5"}),
        ({"share": "0", "owner": "A"}, "owner_share", ErrorCode.SHARE_OUT_OF_RANGE, {"value": "0"}),
        (
            {"share": "1/30001", "owner": "A"},
            "owner_share",
            ErrorCode.SHARE_TOO_PRECISE,
            {"value": "1/30001"},
        ),
        ({"share": "half", "owner": "A"}, "owner_share", ErrorCode.NOT_A_NUMBER, {"value": "half"}),
        ({"share": "1/0", "owner": "A"}, "owner_share", ErrorCode.NOT_A_NUMBER, {"value": "1/0"}),
        ({"share": "1"}, "owner_name", ErrorCode.OWNER_NAME_REQUIRED, {}),
        ({"kind": "organisation"}, "owner_name", ErrorCode.OWNER_NAME_REQUIRED, {}),
    ],
)
def test_each_cell_error_names_its_row_column_and_code(change, column, code, params):
    result = validate_registry(HEADER, [row(unit="100"), row(**change)])
    (error,) = result.errors
    assert (error.row, error.column, error.code, dict(error.params)) == (3, column, code, params)
    assert error.column_index == HEADER.index(column)
    assert result.records == ()


def test_a_developer_may_be_left_unnamed():
    result = validate_registry(HEADER, [row(kind="developer")])
    assert result.ok
    assert result.records[0].owner is not None
    assert result.records[0].owner.name == ""


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("floors", "abc", ErrorCode.NOT_A_WHOLE_NUMBER),
        ("floors", "0", ErrorCode.OUT_OF_RANGE),
        ("built_year", "1700", ErrorCode.OUT_OF_RANGE),
        ("area_source", "guess", ErrorCode.INVALID_CHOICE),
        ("usage", "farm", ErrorCode.INVALID_CHOICE),
        ("owner_phone", "call me", ErrorCode.INVALID_PHONE),
        ("owner_phone", "1" * 33, ErrorCode.INVALID_PHONE),
        ("owner_phone", "12345", ErrorCode.INVALID_PHONE),
        ("owner_phone", "010-1234567", ErrorCode.INVALID_PHONE),
        ("building_name", "x" * 121, ErrorCode.TOO_LONG),
    ],
)
def test_optional_columns_are_checked_when_filled(column, value, code):
    header = ["building", "unit", "floor", "exclusive_area_m2", "owner_name", column]
    result = validate_registry(header, [["1", "101", "1", "50", "A", value]])
    assert codes(result) == [(2, column, code)]


def test_phone_numbers_basement_floors_and_excel_numbers_are_accepted():
    header = ["building", "unit", "floor", "exclusive_area_m2", "owner_name", "owner_phone", "floors"]
    result = validate_registry(header, [["1.0", "B101", "B1", "1 234", "A", "+86 (010) 6512-3456", "6.0"]])
    assert result.ok, result.errors
    record = result.records[0]
    assert (record.building_code, record.floor, record.floors) == ("1.0", -1, 6)
    assert record.exclusive_area == Decimal("1234.00")


def test_a_value_in_a_column_without_header_is_reported():
    result = validate_registry(
        ["building", "unit", "", "floor", "exclusive_area_m2"], [["1", "101", "?", "1", "5"]]
    )
    assert codes(result) == [(2, "", ErrorCode.VALUE_WITHOUT_HEADER)]
    assert result.errors[0].column_index == 2


def test_a_stairwell_code_that_would_be_too_long_is_reported():
    result = validate_registry(HEADER, [row(building="B" * 30, stairwell="S" * 10)])
    assert codes(result) == [(2, "stairwell", ErrorCode.TOO_LONG)]
    assert stairwell_code("7", "7-2") == "7-2"


def test_co_owners_shares_must_add_up_to_exactly_one():
    rows = [row(owner="A", share="0.5"), row(owner="B", share="0.4")]
    result = validate_registry(HEADER, rows)
    assert codes(result) == [(2, "owner_share", ErrorCode.SHARES_DO_NOT_ADD_UP)]
    assert result.errors[0].params == {"building": "1", "unit": "101", "total": "0.9"}
    two_blank = validate_registry(HEADER, [row(owner="A"), row(owner="B")])
    assert two_blank.errors[0].params["total"] == "2"
    thirds = [row(owner="A", share="0.3333"), row(owner="B", share="0.3333"), row(owner="C", share="0.3334")]
    assert validate_registry(HEADER, thirds).ok
    two_thirds = validate_registry(HEADER, [row(owner="A", share="1/3"), row(owner="B", share="1/3")])
    assert two_thirds.errors[0].params["total"] == "2/3"


def test_rows_repeating_a_unit_must_agree_on_it():
    rows = [row(owner="A", share="0.5"), row(area="80", owner="B", share="0.5")]
    result = validate_registry(HEADER, rows)
    assert codes(result) == [(3, "exclusive_area_m2", ErrorCode.UNIT_CONFLICT)]
    assert result.errors[0].params == {
        "building": "1",
        "unit": "101",
        "value": "80.00",
        "other": "72.50",
        "first_row": "2",
    }


def test_a_unit_missing_its_floor_on_every_row_is_reported_once():
    result = validate_registry(
        HEADER, [row(floor="", owner="A", share="0.5"), row(floor="", owner="B", share="0.5")]
    )
    assert codes(result) == [(2, "floor", ErrorCode.REQUIRED)]


def test_duplicates_are_detected_across_rows():
    result = validate_registry(
        HEADER, [row(), row(), row(unit="102", owner="Li"), row(unit="102", owner="li")]
    )
    assert codes(result) == [
        (3, "unit", ErrorCode.DUPLICATE_UNIT),
        (4, "owner_share", ErrorCode.SHARES_DO_NOT_ADD_UP),
        (5, "owner_name", ErrorCode.DUPLICATE_OWNER),
    ]
    assert result.errors[2].params["first_row"] == "4"


def test_buildings_and_zones_must_be_described_consistently():
    header = ["building", "floors", "zone", "zone_name", "unit", "floor", "exclusive_area_m2"]
    rows = [
        ["1", "6", "N", "North", "101", "1", "50"],
        ["1", "7", "S", "North yard", "102", "1", "50"],
        ["2", "", "S", "South", "101", "1", "50"],
    ]
    result = validate_registry(header, rows)
    assert codes(result) == [
        (3, "floors", ErrorCode.BUILDING_CONFLICT),
        (3, "zone", ErrorCode.BUILDING_CONFLICT),
        (4, "zone_name", ErrorCode.ZONE_CONFLICT),
    ]


def test_a_floor_above_the_top_of_its_building_is_reported():
    header = ["building", "floors", "unit", "floor", "exclusive_area_m2"]
    result = validate_registry(header, [["1", "6", "701", "7", "50"]])
    assert codes(result) == [(2, "floor", ErrorCode.FLOOR_ABOVE_TOP)]
    assert result.errors[0].params == {"floor": "7", "floors": "6"}


def test_more_rows_than_the_limit_is_one_clear_error_and_reading_stops():
    consumed = []

    def rows():
        for number in range(10_000):
            consumed.append(number)
            yield row(unit=str(number))

    result = validate_registry(HEADER, rows(), max_rows=5)
    assert codes(result) == [(7, "", ErrorCode.TOO_MANY_ROWS)]
    assert result.errors[0].params == {"limit": "5"}
    assert len(consumed) == 6
    assert MAX_ROWS == 20_000


def test_every_error_code_is_exercised_by_these_tests():
    """A reminder to test any new code (and to give it a message on the Django side)."""
    exercised = {
        "no_header", "no_data", "unknown_column", "duplicate_column", "missing_column", "too_many_rows",
        "value_without_header", "required", "too_long", "not_a_number", "not_a_whole_number", "out_of_range",
        "area_not_positive", "area_too_large", "area_too_precise", "invalid_choice", "share_out_of_range",
        "share_too_precise", "invalid_phone", "owner_name_required", "building_conflict", "zone_conflict",
        "unit_conflict", "duplicate_unit", "duplicate_owner", "shares_do_not_add_up", "floor_above_top",
    }  # fmt: skip
    assert {code.value for code in ErrorCode} == exercised


# ---------------------------------------------------------------------------------------------- properties


@st.composite
def registry_tables(draw):
    """A valid table: buildings with units, each unit with 0–3 owners whose shares split 1 exactly."""
    rows, units = [], 0
    for building in range(1, draw(st.integers(1, 4)) + 1):
        floors = draw(st.integers(1, 30))
        for number in draw(st.sets(st.integers(1, 999), min_size=1, max_size=6)):
            units += 1
            floor = str(draw(st.integers(1, floors)))
            area = str(draw(st.decimals(min_value="0.01", max_value="100000.00", places=2)))
            owners = draw(st.integers(0, 3))
            cuts = draw(
                st.lists(
                    st.integers(1, 9_999),
                    min_size=max(owners - 1, 0),
                    max_size=max(owners - 1, 0),
                    unique=True,
                )
            )
            bounds = [0, *sorted(cuts), 10_000] if owners else []
            shares = [str(Decimal(b - a).scaleb(-4)) for a, b in itertools.pairwise(bounds)]
            unit_rows = [[str(building), str(floors), str(number), floor, area, "", ""]]
            if owners:
                unit_rows = [
                    [str(building), str(floors), str(number), floor, area, f"Owner {i}", share]
                    for i, share in enumerate(shares)
                ]
            rows.extend(unit_rows)
    return rows, units


TABLE_HEADER = ["building", "floors", "unit", "floor", "exclusive_area_m2", "owner_name", "owner_share"]


@settings(max_examples=60, deadline=None)
@given(registry_tables())
def test_any_valid_table_validates_into_one_record_per_row(table):
    rows, units = table
    result = validate_registry(TABLE_HEADER, rows)
    assert result.ok, result.errors[:3]
    assert len(result.records) == len(rows)
    assert len({record.unit_key for record in result.records}) == units
    for key in {record.unit_key for record in result.records}:
        owners = [r.owner for r in result.records if r.unit_key == key and r.owner]
        assert not owners or sum(owner.share for owner in owners) == 1


@settings(max_examples=40, deadline=None)
@given(registry_tables(), st.randoms(use_true_random=False))
def test_the_order_of_rows_does_not_change_what_is_imported(table, rnd):
    rows, _units = table
    shuffled = rows[:]
    rnd.shuffle(shuffled)

    def content(result):
        return sorted(repr((r.unit_key, r.exclusive_area, r.owner)) for r in result.records)

    assert content(validate_registry(TABLE_HEADER, shuffled)) == content(
        validate_registry(TABLE_HEADER, rows)
    )


@settings(max_examples=40, deadline=None)
@given(registry_tables(), st.data())
def test_one_bad_area_is_reported_at_its_row_and_nothing_else_is_returned(table, data):
    rows, _units = table
    broken = [list(cells) for cells in rows]
    index = data.draw(st.integers(0, len(rows) - 1))
    broken[index][4] = data.draw(st.sampled_from(["0", "-1", "abc", "1.234", "72,5"]))
    result = validate_registry(TABLE_HEADER, broken)
    assert result.records == ()
    assert (index + 2, "exclusive_area_m2") in {(e.row, e.column) for e in result.errors}


def test_three_equal_co_owners_hold_exact_thirds() -> None:
    rows = [row(unit="501", owner=name, share="1/3") for name in ("A", "B", "C")]
    result = validate_registry(HEADER, rows)
    assert list(result.errors) == []
    assert [record.owner.share for record in result.records if record.owner] == [Fraction(1, 3)] * 3
