"""Phone numbers and unit addresses as people type them (comity.engine.phones, comity.engine.unit_address)."""

from __future__ import annotations

import pytest

from comity.engine.phones import PhoneError, normalise_phone
from comity.engine.unit_address import UnitAddress, natural_key, parse_unit_address


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("86-139-1234-5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("010-12345678", "010-12345678"),
        ("(010) 1234 5678", "010-12345678"),
        ("0755-1234567", "0755-1234567"),
        ("0755-12345678", "0755-12345678"),
        ("010-12345678转123", "010-12345678-123"),
        ("010-12345678 ext. 12", "010-12345678-12"),
        ("0755-1234567-801", "0755-1234567-801"),
        ("+86 10 1234 5678", "010-12345678"),
        ("+86 (010) 6512-3456", "010-65123456"),
        ("", ""),
    ],
)
def test_mainland_mobiles_and_landlines_are_stored_in_one_spelling(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "12345678",
        "12345",
        "110",
        "010-1234567",
        "12912345678",
        "1391234567",
        "abc",
        "+1 415 555 0100",
        "1" * 33,
    ],
)
def test_numbers_without_area_code_short_or_foreign_numbers_are_refused(typed):
    with pytest.raises(PhoneError):
        normalise_phone(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "3号楼2单元502",
        "3号楼2单元502室",
        "３号楼２单元５０２",
        "3-2-502",
        "3/2/502",
        "3 2 502",
        "Building 3, stairwell 2, unit 502",
        "building 3 entrance 2 room 502",
        "3栋2单元502",
        "2单元502 3号楼",
        "3号楼 2-502",
    ],
)
def test_an_address_with_building_stairwell_and_room_is_read_in_any_spelling(typed):
    assert parse_unit_address(typed) == UnitAddress("3", "2", "502")


@pytest.mark.parametrize("typed", ["3-502", "3号楼502室", "3栋502", "Bldg 3 / 502"])
def test_an_address_without_stairwell_names_building_and_room(typed):
    assert parse_unit_address(typed) == UnitAddress("3", None, "502")


@pytest.mark.parametrize("typed", ["", "502", "3-2-502-1", "三号楼二单元五零二", "x" * 100])
def test_text_that_names_no_unit_is_none(typed):
    assert parse_unit_address(typed) is None


def test_codes_sort_as_people_count():
    codes = ["10", "2", "1", "7-10", "7-2", "B10", "B2", "A"]
    assert sorted(codes, key=natural_key) == ["1", "2", "7-2", "7-10", "10", "A", "B2", "B10"]
